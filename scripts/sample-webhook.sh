#!/usr/bin/env bash
# Posts a signed Calendly `invitee.created` webhook to a running Turtle (./run.sh), like Calendly would.
# Usage: scripts/sample-webhook.sh [phone] [hours-until-meeting]
set -euo pipefail
API="${TURTLE_API:-http://127.0.0.1:5080}"
KEY="${Calendly__SigningKey:-turtle-local-signing-key}"
PHONE="${1:-+91 98765 43210}"
HOURS="${2:-48}"
ID="$(cat /proc/sys/kernel/random/uuid)"
START="$(date -u -d "+${HOURS} hours" +%Y-%m-%dT%H:00:00.000000Z)"
END="$(date -u -d "+${HOURS} hours 30 minutes" +%Y-%m-%dT%H:30:00.000000Z)"
NOW="$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"

BODY=$(cat <<JSON
{"event":"invitee.created","created_at":"$NOW","created_by":"https://api.calendly.com/users/SAMPLEUSER",
 "payload":{"uri":"https://api.calendly.com/scheduled_events/SAMPLEEVENT00001/invitees/$ID",
  "email":"asha.rao@example.com","name":"Asha Rao","first_name":"Asha","last_name":"Rao",
  "timezone":"Asia/Kolkata","text_reminder_number":"$PHONE","status":"active","rescheduled":false,
  "old_invitee":null,"new_invitee":null,"questions_and_answers":[],
  "cancel_url":"https://calendly.com/cancellations/$ID","reschedule_url":"https://calendly.com/reschedulings/$ID",
  "created_at":"$NOW","updated_at":"$NOW",
  "scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/SAMPLEEVENT00001","name":"Financial planning consultation",
   "status":"active","start_time":"$START","end_time":"$END",
   "location":{"type":"google_conference","join_url":"https://meet.google.com/abc-defg-hij"},
   "event_memberships":[{"user":"https://api.calendly.com/users/SAMPLEUSER","user_email":"priya.sharma@turtle.example","user_name":"Priya Sharma"}]}}}
JSON
)
T="$(date +%s)"
SIG="$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$KEY" -hex | sed 's/^.*= //')"
curl -sS -X POST "$API/webhooks/calendly" -H 'Content-Type: application/json' \
  -H "Calendly-Webhook-Signature: t=$T,v1=$SIG" --data-binary "$BODY"
echo
echo "appointment: $ID"
echo "see it:      curl -s $API/api/appointments/$ID"
