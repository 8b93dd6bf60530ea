#!/usr/bin/env bash
# `make demo`: the main job on the embedded default, from real public data bundled in data/.
# The demo project speaks French (its bascule.toml says language = "fr"), and so does this script.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE="${1:-0}"
B=.venv/bin/bascule
DATA=data/pheme_charliehebdo
DEMO=demo

if [ ! -f "$DEMO/bascule.toml" ]; then
  $B init "$DEMO" --config "$DATA/bascule.toml"
fi
echo "== Import des fils PHEME sur Charlie Hebdo (vraies publications, CC BY 4.0)"
$B import --project "$DEMO" "$DATA/tweets_v1.jsonl.gz" || true
$B import --project "$DEMO" --platform twitter "$DATA/retweets.jsonl.gz" || true
echo "== Analyse (langue, cibles, sentiment, position)"
$B analyze --project "$DEMO"
echo "== Recherche des communautés (les sections réseau du rapport s'en servent)"
$B communities --project "$DEMO" > /dev/null
echo "== Alertes précoces, rejouées au 7 janvier 2015, 14 h UTC (2 h 30 après l'attentat)"
$B alerts watch --once --no-deliver --now 2015-01-07T14:00:00 --project "$DEMO" > /dev/null
echo "== Écriture du rapport"
$B report --project "$DEMO" --out "$DEMO/report.html"
echo
$B status --project "$DEMO"
cat <<'MSG'

Ensuite :
  open demo/report.html                               le rapport, avec ses graphiques
  .venv/bin/bascule poll --project demo --target charlie-hebdo --by hour
  .venv/bin/bascule influencers --project demo --top 1%
  .venv/bin/bascule communities --project demo
  .venv/bin/bascule seeds --project demo --k 10
  .venv/bin/bascule message score "Hier, 3 familles sur 4 ont payé plus de loyer." --project demo
  make demo SERVE=1                                    le war room web sur http://127.0.0.1:8000
MSG
if [ "$SERVE" = "1" ]; then
  echo "demo-password" | $B user add demo --role admin --password-stdin --project "$DEMO" || true
  echo "War room web : http://127.0.0.1:8000  (compte demo, mot de passe demo-password)"
  exec $B serve --project "$DEMO"
fi
