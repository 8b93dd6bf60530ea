"""Word resources for message scoring, loaded once: concreteness norms and cue words.

English concreteness: Brysbaert, Warriner & Kuperman (2014). French: the same ratings
transferred with multilingual embeddings (see scripts/build_concreteness.py and
resources/README.md).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@cache
def concreteness(lang: str) -> dict[str, float]:
    """Word -> concreteness rating on 1 (abstract) .. 5 (concrete)."""
    path = RESOURCES / f"concreteness_{'fr' if lang == 'fr' else 'en'}.tsv.gz"
    out: dict[str, float] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, _, value = line.rstrip("\n").partition("\t")
            out[word] = float(value)
    return out


STOPWORDS = {
    "en": set(
        "a an the and or but if of to in on at by for with from as is are was were be been being "
        "it its this that these those there here i me my we our you your he him his she her they "
        "them their what which who whom whose when where why how not no nor so than too very can "
        "will would should could may might must do does did done have has had having just also "
        "into over under about after before up down out off again then once all any both each "
        "few more most other some such only own same s t don now per via among since year years "
        "according".split()
    ),
    "fr": set(
        "le la les l un une des du de d et ou mais donc or ni car à a au aux en dans par pour sur "
        "sous avec sans ce cet cette ces ça cela c qui que qu quoi dont où je j me m moi tu te t toi "
        "il elle on nous vous ils elles se s leur leurs lui y son sa ses mon ma mes ton ta tes notre "
        "nos votre vos est sont été être avoir ai as avons avez ont était fait faire ne n pas plus "
        "moins très tout tous toute toutes aussi comme si bien encore déjà même alors quand selon "
        "chez vers entre contre depuis pendant lors ainsi puis an ans fois être peut doit sera "
        "ont va vont cela ceci celle celui ceux dont leurs chaque".split()
    ),
}

CUES: dict[str, dict[str, list[str]]] = {
    "surprise": {
        "en": ["but", "yet", "however", "surprisingly", "actually", "in fact", "contrary",
               "despite", "instead", "unlike", "did you know", "turns out", "believe it or not",
               "not what you think", "the truth is", "secret"],
        "fr": ["mais", "pourtant", "cependant", "en fait", "contrairement", "au lieu de",
               "malgré", "étonnamment", "saviez-vous", "surprise", "la vérité", "en réalité",
               "contre toute attente", "secret", "on croit que"],
    },
    "source": {
        "en": ["according to", "study", "report", "data", "survey", "statistics", "source",
               "research", "researchers", "census", "auditor", "expert", "experts", "university",
               "statistics canada", "published", "poll"],
        "fr": ["selon", "d'après", "étude", "rapport", "données", "sondage", "statistique",
               "statistiques", "source", "recherche", "chercheurs", "recensement",
               "vérificateur", "vérificatrice", "expert", "experts", "université", "institut",
               "statistique canada", "publié", "publiée", "inspq"],
    },
    "testimony": {
        "en": ["said", "says", "told", "tells", "explains", "explained", "testified", "witness",
               "in her words", "in his words"],
        "fr": ["a dit", "dit", "raconte", "témoigne", "témoignage", "explique", "a expliqué",
               "confie", "affirme", "nous a dit"],
    },
    "sequence": {
        "en": ["then", "when", "after", "before", "later", "yesterday", "last year", "last week",
               "one day", "that morning", "that night", "finally", "first", "until", "since",
               "ago", "at the time"],
        "fr": ["puis", "ensuite", "quand", "lorsque", "après", "avant", "plus tard", "hier",
               "l'an dernier", "la semaine dernière", "un jour", "ce matin-là", "ce soir-là",
               "finalement", "d'abord", "jusqu'à", "depuis", "il y a", "à l'époque"],
    },
    "first_person": {
        "en": ["i", "me", "my", "we", "our", "us", "i'm", "i've", "we're"],
        "fr": ["je", "j", "moi", "mon", "ma", "mes", "nous", "notre", "nos", "on"],
    },
    "people": {
        "en": ["he", "she", "her", "his", "mother", "father", "mom", "dad", "son", "daughter",
               "family", "neighbour", "neighbor", "nurse", "teacher", "student", "worker",
               "grandmother", "child", "children", "woman", "man", "friend"],
        "fr": ["il", "elle", "mère", "père", "maman", "papa", "fils", "fille", "famille",
               "voisin", "voisine", "infirmière", "infirmier", "enseignante", "enseignant",
               "étudiante", "étudiant", "travailleuse", "travailleur", "grand-mère", "enfant",
               "enfants", "femme", "homme", "ami", "amie"],
    },
    "you": {
        "en": ["you", "your", "yours", "you're", "you'll"],
        "fr": ["vous", "votre", "vos", "tu", "ton", "ta", "tes", "toi"],
    },
    "past": {
        "en": ["was", "were", "had", "did", "went", "said", "came", "saw", "took", "got",
               "made", "told", "found", "lost", "left", "felt", "became", "began", "knew", "paid"],
        "fr": ["était", "étaient", "avait", "avaient", "fut", "furent", "allait", "venait",
               "pensait", "voulait"],
    },
}
