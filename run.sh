#!/usr/bin/env bash
# Runs Turtle on this machine: Azurite, one silo and the API on loopback, with embedded defaults
# (CSV advisors, dry-run WhatsApp outbox). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

API_PORT="${TURTLE_API_PORT:-5080}"
DASHBOARD_PORT="${Orleans__DashboardPort:-8080}"
trap 'echo; log "stopping"; stop_all' EXIT
trap 'exit 130' INT TERM

ensure_azurite
mkdir -p .data
start_azurite .data/azurite 10000 10001 10002
log "Azurite on 127.0.0.1:10000-10002 (data in .data/azurite)"

log "building"
dotnet build Turtle.sln -c Debug -nologo -v quiet -clp:ErrorsOnly

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ConnectionStrings__AzureStorage="${ConnectionStrings__AzureStorage:-$AZURITE_CONNECTION}"
# A local signing key, so the sample webhook is signed exactly like Calendly's; override for real use.
export Calendly__SigningKey="${Calendly__SigningKey:-turtle-local-signing-key}"

dotnet Turtle.Silo/bin/Debug/net10.0/Turtle.Silo.dll >.data/silo.log 2>&1 &
TURTLE_PIDS+=($!)
wait_for_url "http://127.0.0.1:$DASHBOARD_PORT/health/live" 90 || { log "silo did not start; see .data/silo.log"; exit 1; }

ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" dotnet Turtle.Api/bin/Debug/net10.0/Turtle.Api.dll >.data/api.log 2>&1 &
TURTLE_PIDS+=($!)
wait_for_url "http://127.0.0.1:$API_PORT/health/ready" 90 || { log "API did not become ready; see .data/api.log"; exit 1; }

cat <<MSG

Turtle is running.
  Console         http://127.0.0.1:$API_PORT/   (sign in with Admin:ApiKey; unset in Development: sign in with it empty)
  API             http://127.0.0.1:$API_PORT
  API reference   http://127.0.0.1:$API_PORT/docs   (OpenAPI: /openapi/v1.json)
  Dashboard       http://127.0.0.1:$DASHBOARD_PORT
  Logs            .data/silo.log, .data/api.log    Outbox (dry run): .data/outbox.jsonl
  Sample booking  scripts/sample-webhook.sh
Press Ctrl-C to stop.
MSG
wait -n "${TURTLE_PIDS[@]}"
log "a process exited; see .data/*.log"
