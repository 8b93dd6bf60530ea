"""Numbers, percentages and labels as campaign staff read them, in French or English.

French uses a narrow no-break space between thousands and a decimal comma ("12 345,6",
"67 %"); English uses "12,345.6" and "67%". Missing values print as an em dash. The number
rules are `bascule.i18n`'s, which the report and the charts use too.
"""

from __future__ import annotations

import re

from bascule.alerts import KIND_LABELS
from bascule.diffusion.labels import GRAPH_LABELS, MODEL_LABELS
from bascule.i18n import (  # noqa: F401 - one set of rules
    DASH,
    NNBSP,
    colon,
    label,
    number,
    percent,
    plural_s,
    tr,
    when,
)
from bascule.messages.effect import FINDINGS

ALERT_KINDS = KIND_LABELS
STANCES = {
    "favor": ("pour", "for"),
    "against": ("contre", "against"),
    "none": ("ni l'un ni l'autre", "neither"),
}
MODELS = MODEL_LABELS
GRAPHS = GRAPH_LABELS
ROLES = {
    "admin": ("administrateur", "admin"),
    "analyst": ("analyste", "analyst"),
    "viewer": ("lecteur", "viewer"),
}
TARGET_KINDS = {
    "party": ("parti", "party"),
    "leader": ("chef", "leader"),
    "candidate": ("candidat", "candidate"),
    "issue": ("enjeu", "issue"),
    "other": ("autre", "other"),
}
TABLES = {
    "kind": ALERT_KINDS,
    "stance": STANCES,
    "model": MODELS,
    "graph": GRAPHS,
    "role": ROLES,
    "target_kind": TARGET_KINDS,
    "finding": FINDINGS,
}
# the detail of an alert: known keys with a human label; others are shown under their key
DETAIL_LABELS = {
    "term": ("Terme", "Term"),
    "kind": ("Nature", "Kind"),
    "start": ("Début", "Start"),
    "end": ("Fin", "End"),
    "ongoing": ("En cours", "Ongoing"),
    "posts": ("Publications", "Posts"),
    "baseline_posts": ("Publications attendues", "Expected posts"),
    "baseline_per_hour": ("Attendu par heure", "Expected per hour"),
    "baseline_share": ("Part habituelle", "Usual share"),
    "ratio": ("Fois plus que d'habitude", "Times the usual"),
    "hours": ("Durée (heures)", "Duration (hours)"),
    "target_id": ("Cible", "Target"),
    "post_id": ("Publication", "Post"),
    "author_id": ("Auteur", "Author"),
    "spreaders": ("Comptes qui relaient", "Accounts spreading it"),
    "undecided_reached": ("Indécis atteints", "Undecided reached"),
    "observed": ("Partages observés", "Shares observed"),
    "forecast": ("Partages prévus", "Shares forecast"),
    "predicted": ("Partages prévus", "Shares forecast"),
    "threshold": ("Seuil", "Threshold"),
    "created_at": ("Détectée le", "Detected at"),
    "stance": ("Position", "Stance"),
    "score": ("Score", "Score"),
    "observed_reposts": ("Partages déjà observés", "Reposts observed so far"),
    "predicted_reposts": ("Partages prévus au total", "Total reposts forecast"),
    "interval": ("Fourchette", "Range"),
    "age_minutes": ("Âge de la publication (minutes)", "Age of the post (minutes)"),
    "method": ("Méthode", "Method"),
    "communities_reached": ("Communautés atteintes", "Communities reached"),
    "undecided_communities": ("Communautés d'indécis atteintes", "Undecided communities reached"),
    "spreaders_in_undecided_communities": (
        "Relais dans ces communautés",
        "Spreaders in those communities",
    ),
    "undecided_spreaders_share": ("Part d'indécis parmi les relais", "Undecided among spreaders"),
    "undecided_source": ("Indécision mesurée par", "Undecided measured by"),
    "basis": ("Base", "Basis"),
    "qualifies": ("Critère rempli", "Criterion met"),
}


def quoted(text: object, lang: str) -> str:
    """A quotation in the page's language: « text » in French, “text” in English."""
    return tr(lang, f"« {text} »", f"“{text}”")


def stance_mix(mix: dict | None, lang: str) -> str:
    """A stance mix {"favor": .67, "against": .33, "none": 0} as "67 / 33 / 0 %"."""
    if not mix:
        return DASH
    parts = [number(100 * float(mix.get(k) or 0), lang) for k in ("favor", "against", "none")]
    return " / ".join(parts) + ("%" if lang == "en" else f"{NNBSP}%")


# reject reasons of the importers (stored in English) -> French, by pattern; the particulars
# (a date as written, the JSON parser's message) stay as they are
REJECT_REASONS_FR = [
    (r"broken JSON", "JSON illisible"),
    (r"(record is )?not a JSON object", "pas un objet JSON"),
    (r"bad encoding: not valid UTF-8", "encodage invalide : pas de l'UTF-8"),
    (r"bad encoding", "encodage invalide"),  # the reason's kind (histogram)
    (r"record too large \(> ([\d,]+) bytes\)", r"enregistrement trop gros (> \1 octets)"),
    (r"record too large", "enregistrement trop gros"),
    (r"missing id", "identifiant manquant"),
    (r"author id rounded by a spreadsheet", "identifiant d'auteur arrondi par un tableur"),
    (r"id rounded by a spreadsheet", "identifiant arrondi par un tableur"),
    (r"missing author_id", "auteur (author_id) manquant"),
    (r"missing author", "auteur manquant"),
    (r"missing account", "compte manquant"),
    (r"missing user", "utilisateur manquant"),
    (r"missing date", "date manquante"),
    (r"bad date (.*) \(epoch out of range\)", r"date invalide \1 (hors des dates possibles)"),
    (r"bad date", "date invalide"),
    (r"bad tweet id", "identifiant de tweet invalide"),
    (
        r"tweet id (\S+) predates snowflake ids: no time in it",
        r"le tweet \1 est antérieur aux identifiants datés : sa date est inconnue",
    ),
    (r"bad delay", "délai invalide"),
    (r"bad CSV record", "ligne CSV invalide"),
    (r"wrong number of columns: (\d+) for (\d+)", r"\1 colonnes au lieu de \2"),
    (r"wrong number of columns", "nombre de colonnes inattendu"),  # the reason's kind
    (r"expected (\d+) columns, got (\d+)", r"\1 colonnes attendues, \2 trouvées"),  # before
    (r"expected$", "nombre de colonnes inattendu"),
    (r"user without id", "utilisateur sans identifiant"),
    (r"account without acct", "compte sans « acct »"),
    (r"delete notice without id", "avis de suppression sans identifiant"),
    (
        r"not a Bluesky post, repost, PostView or Jetstream event",
        "ni publication, ni partage, ni PostView, ni événement Jetstream de Bluesky",
    ),
    (r"unexpected record shape", "forme d'enregistrement inattendue"),
]
_REJECT_PATTERNS = [(re.compile(en), fr) for en, fr in REJECT_REASONS_FR]


def reject_reason(reason: str, lang: str) -> str:
    """An importer's reject reason in the page's language (its particulars untouched)."""
    if lang != "fr" or not reason:
        return reason
    for pattern, fr in _REJECT_PATTERNS:
        m = pattern.match(reason)
        if m:
            rest = reason[m.end() :]
            return m.expand(fr) + (" :" + rest[1:] if rest.startswith(":") else rest)
    return reason
