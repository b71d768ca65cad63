#!/usr/bin/env bash
# Benchmarks Turtle against its storage limit (issue #7): builds Release, starts its own Azurite, and runs
# tests/Turtle.Benchmarks, which starts silo(s), the API and the fake Graph API on loopback.
#   ./bench.sh                 every scenario; results in bench-results/<scenario>.json and bench-results/SUMMARY.md
#   ./bench.sh ingest          one of: storage-limit ingest due-burst scale failover
#   ./bench.sh --smoke         every scenario at tiny sizes (about a minute and a half); results in .data/bench-smoke/
# Extra arguments go to the program (e.g. --scale-bookings 50000). Exits non-zero on errors, missing or duplicated messages.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

trap stop_all EXIT
trap 'exit 130' INT TERM

ensure_azurite || exit 1
log "building (Release)"
dotnet build Turtle.sln -c Release -nologo -v quiet -clp:ErrorsOnly || exit 1

smoke=0
for arg in "$@"; do [ "$arg" = "--smoke" ] && smoke=1; done
if [ $smoke = 1 ]; then data=.data/azurite-bench-smoke; else data=.data/azurite-bench; fi
# Ports apart from ./run.sh's and ./test.sh's, so a benchmark can run beside them.
rm -rf "$data"
start_azurite "$data" 10200 10201 10202 || exit 1
export TURTLE_TEST_STORAGE="$AZURITE_CONNECTION"
export TURTLE_AZURITE_PID="${TURTLE_PIDS[-1]}"
export TURTLE_AZURITE_VERSION="$AZURITE_VERSION"
TURTLE_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
export TURTLE_COMMIT

dotnet tests/Turtle.Benchmarks/bin/Release/net10.0/Turtle.Benchmarks.dll "$@"
