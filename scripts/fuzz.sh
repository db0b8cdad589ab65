#!/usr/bin/env bash
# Schema fuzz of the API: schemathesis over /api/v1/schema/ anonymously and with keys of several roles
# (data manager read-write, city office, district office, enterprise; read-only). Checks: no 5xx, every
# answer conforms to the schema (status code documented, body valid). Bounded: 127.0.0.1 only,
# MAX_EXAMPLES per operation (default 10), the server stopped at the end.
#   WENCHUANG_VAR_DIR=/tmp/fuzz .venv/bin/wenchuang setup   # once (a scratch database)
#   WENCHUANG_VAR_DIR=/tmp/fuzz bash scripts/fuzz.sh [PORT] [MAX_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-8792}"
examples="${2:-10}"
log="${WENCHUANG_VAR_DIR:-var}/fuzz-server.log"
# The rate limits would answer 429 (documented) to most of a fast fuzz: raised for this server only.
export WENCHUANG_API_RATE_ANON=100000/min WENCHUANG_API_RATE_USER=100000/min
.venv/bin/python -m gunicorn wenchuang.wsgi:application --bind "127.0.0.1:$port" --workers 2 --threads 4 \
  --no-control-socket > "$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS --max-time 5 "http://127.0.0.1:$port/api/v1/schema/" -o /dev/null 2>/dev/null && break; sleep 1; done
mapfile -t keys < <(.venv/bin/python scripts/fuzz_tokens.py)
status=0
run() {
  echo "=== schemathesis as $1"
  shift
  timeout 600 .venv/bin/schemathesis run "http://127.0.0.1:$port/api/v1/schema/" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" --seed 17 --request-timeout 30 --warnings off "$@" || status=1
}
run anonymous
for line in "${keys[@]}"; do
  run "${line%% *}" -H "Authorization: Token ${line#* }"
done
if grep -q "Internal Server Error\|Traceback" "$log"; then echo "server log shows a 500 or a traceback"; status=1; fi
exit $status
