#!/usr/bin/env bash
# Chaos run (issue #22): 3 silos, the API, Azurite, the fake Graph API and the fake Calendly API (which the silos
# reconcile with every minute) on loopback, a Calendly-like client streaming signed webhooks (repeats, cancels,
# reschedules, no-show marks, some lost for good) and a Meta-like one tapping the attendance check's buttons and sending
# STOP (from the number or naming only the BSUID), while silos are killed, the cluster and Azurite stopped, Meta's fake
# answers 429, 500 or stalls, pauses a template, re-categorises another and fails some messages after accepting them
# (a failed status); then what should have been sent is compared with what was, and each failed status with its booking.
#   ./chaos.sh --minutes N [--seed S] [--port-base P] [--out folder]
# Ports from P (default 10433, or TURTLE_CHAOS_PORT_BASE) up to P+12, all on 127.0.0.1. Results in chaos-results/<time>/
# (summary.txt, findings.json, chaos.log, deliveries.jsonl, whatsapp-deliveries.jsonl, appointments.json, templates.json,
# graph-requests.txt, each process's log).
# Exit 0: nothing missing, duplicated or forbidden, every failed status on its message; 1: something was not; 2: it could
# not be set up.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

ensure_azurite || exit 2
if [ "${TURTLE_CHAOS_NO_BUILD:-}" != "1" ]; then
  log "building"
  dotnet build tests/Turtle.Chaos -c Debug -nologo -v quiet -clp:ErrorsOnly || exit 2
fi
exec dotnet tests/Turtle.Chaos/bin/Debug/net10.0/Turtle.Chaos.dll "$@"
