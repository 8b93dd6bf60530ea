#!/usr/bin/env bash
# `make demo`: the main job on the embedded default, from real public data bundled in data/.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE="${1:-0}"
B=.venv/bin/bascule
DATA=data/pheme_charliehebdo
DEMO=demo

if [ ! -f "$DEMO/bascule.toml" ]; then
  $B init "$DEMO" --config "$DATA/bascule.toml"
fi
echo "== Importing the PHEME Charlie Hebdo threads (real posts, CC BY 4.0)"
$B import --project "$DEMO" "$DATA/tweets_v1.jsonl.gz" || true
$B import --project "$DEMO" --platform twitter "$DATA/retweets.jsonl.gz" || true
echo "== Analysing (language, targets, sentiment, stance)"
$B analyze --project "$DEMO"
echo "== Finding communities (the network sections of the report use them)"
$B communities --project "$DEMO" > /dev/null
echo "== Early warning, replayed as of 7 January 2015, 14:00 UTC (2.5 hours after the attack)"
$B alerts watch --once --no-deliver --now 2015-01-07T14:00:00 --project "$DEMO" > /dev/null
echo "== Writing the report"
$B report --project "$DEMO" --out "$DEMO/report.html"
echo
$B status --project "$DEMO"
cat <<'MSG'

Next steps:
  open demo/report.html                               the report, with plots
  .venv/bin/bascule poll --project demo --target charlie-hebdo --by hour
  .venv/bin/bascule influencers --project demo --top 1%
  .venv/bin/bascule communities --project demo
  .venv/bin/bascule seeds --project demo --k 10
  .venv/bin/bascule message score "Hier, 3 familles sur 4 ont payé plus de loyer." --project demo
  make demo SERVE=1                                    the web war room on http://127.0.0.1:8000
MSG
if [ "$SERVE" = "1" ]; then
  echo "demo-password" | $B user add demo --role admin --password-stdin --project "$DEMO" || true
  echo "Web war room: http://127.0.0.1:8000  (user demo, password demo-password)"
  exec $B serve --project "$DEMO"
fi
