#!/usr/bin/env bash
# Benchmarks Turtle against its storage limit (issue #7): builds Release, starts Azurite, and runs
# tests/Turtle.Benchmarks, which starts silo(s), the API and the fake Graph API on loopback.
#   ./bench.sh                 every scenario; results in bench-results/<scenario>.json and bench-results/SUMMARY.md
#   ./bench.sh ingest          one of: storage-limit ingest due-burst scale failover seed-baseline console insights whole-life retention
#                              (insights: a quarter of counts, 13 weeks x 500 bookings, and /insights timed in chromium)
#                              (seed-baseline: the design Turtle replaces, tests/Turtle.Benchmarks/SeedBaseline; needs python3)
#                              (whole-life: storage transactions per booking from webhook to FollowUp, about ten minutes)
#                              (retention: the record's retention sweep over a day of 10,000 bookings, verify of 100,000 entries, export of 1,000)
#   ./bench.sh --smoke         every scenario at tiny sizes (about four minutes, most of it whole-life's steps); results in .data/bench-smoke/
# Environment: TURTLE_BENCH_CONFIGURATION [Release] and TURTLE_BENCH_NO_BUILD=1 run what is already built (./test.sh
# runs the smoke run on its Debug build); TURTLE_BENCH_PORT_BASE [10200] moves Azurite's three ports.
# Extra options go to the program (e.g. --scale-bookings 50000, --ingest-levels 32, --whole-life-bookings 32, --whole-life-gap 90, --due-burst-bookings 5000).
# Exits non-zero on errors, missing or duplicated messages.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

PORT_BASE="${TURTLE_BENCH_PORT_BASE:-10200}"
BLOB_PORT=$PORT_BASE QUEUE_PORT=$((PORT_BASE + 1)) TABLE_PORT=$((PORT_BASE + 2))
CONFIGURATION="${TURTLE_BENCH_CONFIGURATION:-Release}"

trap stop_all EXIT
trap 'exit 130' INT TERM

# start_bench_azurite: a fresh Azurite on ports apart from ./run.sh's and ./test.sh's, holding its data in memory.
# On disk, Azurite rewrites its whole table database every few seconds (30 MB after ~15,000 bookings), so its cost per
# request grows with every row and the benchmark would measure that rather than Turtle; Azure Storage has no such cost.
start_bench_azurite() {
  mkdir -p .data
  "$AZURITE_BIN" --silent --skipApiVersionCheck --loose --disableTelemetry --inMemoryPersistence \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$BLOB_PORT" --queuePort "$QUEUE_PORT" --tablePort "$TABLE_PORT" >.data/bench-azurite.log 2>&1 &
  TURTLE_PIDS+=($!)
  wait_for_port "$TABLE_PORT" 60 || { log "Azurite did not open port $TABLE_PORT; see .data/bench-azurite.log"; return 1; }
  export TURTLE_AZURITE_PID=$!
  export TURTLE_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
}

scenarios=(storage-limit ingest due-burst scale failover seed-baseline console insights whole-life retention)
selected=() options=() smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1; options+=("$arg") ;;
    --*) options+=("$arg") ;;
    *) if [ ${#options[@]} -gt 0 ] && [[ "${options[-1]}" == --* ]] && [[ "${options[-1]}" != --smoke ]]; then options+=("$arg"); else selected+=("$arg"); fi ;;
  esac
done
[ ${#selected[@]} -eq 0 ] || [ "${selected[0]}" = all ] && selected=("${scenarios[@]}")

ensure_azurite || exit 1
ensure_chromium || true   # the console and insights scenarios also time their page in chromium
# The scale scenario reads the silo's heap by type from a heap dump (dotnet-dump, from NuGet); a full run only.
if [ $smoke = 0 ] && [ ! -x .data/tools/dotnet-dump ]; then
  dotnet tool install --tool-path .data/tools dotnet-dump --version 10.0.750501 >/dev/null 2>&1 \
    || log "dotnet-dump could not be installed: the scale scenario will note that it took no heap dump"
fi
if [ "${TURTLE_BENCH_NO_BUILD:-}" != "1" ]; then
  log "building ($CONFIGURATION)"
  dotnet build Turtle.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly || exit 1
fi
export TURTLE_AZURITE_VERSION="$AZURITE_VERSION"
TURTLE_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
export TURTLE_COMMIT
program=(dotnet "tests/Turtle.Benchmarks/bin/$CONFIGURATION/net10.0/Turtle.Benchmarks.dll")

if [ $smoke = 1 ]; then
  # One process, one Azurite: the smoke run overlaps its scenarios to stay short.
  start_bench_azurite || exit 1
  "${program[@]}" "${selected[@]}" "${options[@]}"
  exit $?
fi

# Full run: each scenario against a fresh, empty Azurite, so none pays for the rows another left behind.
status=0
for scenario in "${selected[@]}"; do
  start_bench_azurite || exit 1
  "${program[@]}" "$scenario" "${options[@]}" || status=1
  stop_all
done
exit $status
