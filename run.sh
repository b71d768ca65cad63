#!/usr/bin/env bash
# Runs Turtle on this machine: Azurite, one silo and the API on loopback, with embedded defaults
# (CSV advisors, dry-run WhatsApp outbox). Ctrl-C stops everything it started.
#
# Environment, for a second Turtle beside this one (a test, a demo); the defaults in brackets:
#   TURTLE_API_PORT [5080]                 the API and the console
#   TURTLE_AZURITE_BLOB_PORT [10000], TURTLE_AZURITE_QUEUE_PORT [10001], TURTLE_AZURITE_TABLE_PORT [10002]
#   Orleans__SiloPort [11111], Orleans__GatewayPort [30000], Orleans__DashboardPort [8080]   the silo's configuration
#   TURTLE_DATA_DIR [.data]                Azurite's data, the logs and the dry-run outbox
#   TURTLE_NO_BUILD=1                      start what is already built (Debug) instead of building first
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

API_PORT="${TURTLE_API_PORT:-5080}"
BLOB_PORT="${TURTLE_AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${TURTLE_AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${TURTLE_AZURITE_TABLE_PORT:-10002}"
export Orleans__SiloPort="${Orleans__SiloPort:-11111}"
export Orleans__GatewayPort="${Orleans__GatewayPort:-30000}"
export Orleans__DashboardPort="${Orleans__DashboardPort:-8080}"
DASHBOARD_PORT="$Orleans__DashboardPort"
DATA="${TURTLE_DATA_DIR:-.data}"
SILO_DLL=Turtle.Silo/bin/Debug/net10.0/Turtle.Silo.dll
API_DLL=Turtle.Api/bin/Debug/net10.0/Turtle.Api.dll
trap 'echo; log "stopping"; stop_all' EXIT
trap 'exit 130' INT TERM

ensure_azurite
mkdir -p "$DATA"
start_azurite "$DATA/azurite" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"
log "Azurite on 127.0.0.1:$BLOB_PORT, $QUEUE_PORT, $TABLE_PORT (data in $DATA/azurite)"

if [ "${TURTLE_NO_BUILD:-}" = 1 ]; then
  for dll in "$SILO_DLL" "$API_DLL"; do
    [ -f "$dll" ] || { log "TURTLE_NO_BUILD=1, but $dll is not built: run without it once"; exit 1; }
  done
else
  log "building"
  dotnet build Turtle.sln -c Debug -nologo -v quiet -clp:ErrorsOnly
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ConnectionStrings__AzureStorage="${ConnectionStrings__AzureStorage:-$AZURITE_CONNECTION}"
# A local signing key, so the sample webhook is signed exactly like Calendly's; override for real use.
export Calendly__SigningKey="${Calendly__SigningKey:-turtle-local-signing-key}"
export WhatsApp__OutboxPath="${WhatsApp__OutboxPath:-$DATA/outbox.jsonl}"

spawn "$DATA/silo.log" dotnet "$SILO_DLL"
wait_for_url "http://127.0.0.1:$DASHBOARD_PORT/health/live" 90 || { log "silo did not start; see $DATA/silo.log"; exit 1; }

spawn "$DATA/api.log" env ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" dotnet "$API_DLL"
wait_for_url "http://127.0.0.1:$API_PORT/health/ready" 90 || { log "API did not become ready; see $DATA/api.log"; exit 1; }

cat <<MSG

Turtle is running.
  Console         http://127.0.0.1:$API_PORT/   (sign in with Admin:ApiKey; unset in Development: sign in with it empty)
  API             http://127.0.0.1:$API_PORT
  API reference   http://127.0.0.1:$API_PORT/docs   (OpenAPI: /openapi/v1.json)
  Dashboard       http://127.0.0.1:$DASHBOARD_PORT
  Logs            $DATA/silo.log, $DATA/api.log    Outbox (dry run): $WhatsApp__OutboxPath
  Sample booking  scripts/sample-webhook.sh
Press Ctrl-C to stop.
MSG
wait -n "${TURTLE_PIDS[@]}"
log "a process exited; see $DATA/*.log"
