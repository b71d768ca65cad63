#!/usr/bin/env python3
"""BENCHMARK TOOLING ONLY: never part of Turtle, never deployed, never imported by Turtle's code.

A small reproduction of the design Turtle replaces, for `./bench.sh seed-baseline`: a Flask script that
kept every booking in a dict and every scheduled WhatsApp message in its own `threading.Timer`, one OS
thread per pending message, with nothing persisted, so a restart lost every scheduled message.

Flask is not installable here (PyPI is unreachable), so its threaded development server is reproduced
with the standard library the way Werkzeug builds it: `socketserver.ThreadingMixIn` over
`http.server.HTTPServer`, one daemon thread per connection, a listen queue of 128, HTTP/1.1 responses
that always close the connection, every request logged to stderr, and an unhandled error in the view
answered with 500.

    python3 seed_app.py --port 5000 --graph-api-base-url http://127.0.0.1:41234 --phone-number-id 1065...
    environment: CALENDLY_SIGNING_KEY, WHATSAPP_ACCESS_TOKEN

On purpose, exactly as the seed: no persistence, no retries, no idempotency, no per-number spacing.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ADVISOR_BIO_LEAD = timedelta(hours=24)
REMINDER_LEAD = timedelta(hours=1)
SIGNATURE_TOLERANCE_SECONDS = 180

# The seed's advisors lived beside the code; the benchmark's webhooks name this host.
ADVISORS = {
    "priya.sharma@turtle.example": {
        "name": "Priya Sharma",
        "bio": "Priya is a certified financial planner with twelve years of retirement and tax planning.",
    },
}
DEFAULT_ADVISOR = {"name": "Turtle advisor", "bio": "One of our certified financial planners."}

# The only copy of every booking: gone when the process ends.
bookings = {}
bookings_lock = threading.Lock()

config = argparse.Namespace()


def verify_signature(header, body):
    """Calendly webhook v2: t=<unix>,v1=<hex HMAC-SHA256(signing key, "t.body")>, timestamp within 3 minutes."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t"), parts.get("v1")
    if not t or not v1 or not t.isdigit() or abs(time.time() - int(t)) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(config.signing_key.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, v1)


def send_template(to, template, parameters, callback_data):
    """POST {base}/{version}/{phone number id}/messages; a failure is logged and the message is gone."""
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": "en"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}],
        },
        # Not necessarily in the seed: lets the benchmark tell which message arrived.
        "biz_opaque_callback_data": callback_data,
    }
    request = urllib.request.Request(
        f"{config.graph_api_base_url}/{config.graph_api_version}/{config.phone_number_id}/messages",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {config.access_token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except (urllib.error.URLError, OSError) as e:
        print(f"send {callback_data} failed: {e}", file=sys.stderr, flush=True)


def meeting_time(start, zone):
    try:
        local = start.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        local = start
    return local.strftime("%a, %d %b %Y, %I:%M %p").replace(" 0", " ")


def book(payload):
    invitee_id = payload["uri"].rsplit("/", 1)[-1]
    event = payload["scheduled_event"]
    start = datetime.fromisoformat(event["start_time"].replace("Z", "+00:00"))
    host = (event.get("event_memberships") or [{}])[0].get("user_email", "")
    advisor = ADVISORS.get(host, DEFAULT_ADVISOR)
    phone = "".join(c for c in (payload.get("text_reminder_number") or "") if c.isdigit())
    client = payload.get("name") or "there"
    when = meeting_time(start, payload.get("timezone") or "UTC")
    join_url = (event.get("location") or {}).get("join_url") or "-"
    booking = {"id": invitee_id, "phone": phone, "client": client, "start": start, "advisor": advisor, "timers": []}
    with bookings_lock:
        bookings[invitee_id] = booking

    send_template(phone, "turtle_booking_confirmation", [client, when, advisor["name"]], f"{invitee_id}:Confirmation")

    now = datetime.now(timezone.utc)
    plan = [
        (start - ADVISOR_BIO_LEAD, "AdvisorBio", "turtle_advisor_bio", [client, advisor["name"], advisor["bio"], when]),
        (start - REMINDER_LEAD, "Reminder", "turtle_meeting_reminder", [client, when, join_url]),
    ]
    for due, kind, template, parameters in plan:
        # One OS thread sleeping until the message is due. Thread creation failing here is a 500.
        timer = threading.Timer((due - now).total_seconds(), send_template, (phone, template, parameters, f"{invitee_id}:{kind}"))
        timer.start()
        booking["timers"].append(timer)


class SeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        if self.path != "/webhooks/calendly":
            return self.answer(404, b"Not Found")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            if not verify_signature(self.headers.get("Calendly-Webhook-Signature", ""), body):
                return self.answer(401, b"invalid signature")
            webhook = json.loads(body)
            if webhook.get("event") == "invitee.created":
                book(webhook["payload"])
            return self.answer(200, b'{"ok":true}')
        except Exception:  # Flask: an exception in the view is a 500, logged with its traceback
            traceback.print_exc()
            return self.answer(500, b"Internal Server Error")

    def answer(self, status, content):
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")  # Werkzeug closes every connection
        self.end_headers()
        self.wfile.write(content)


class SeedServer(ThreadingMixIn, HTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--graph-api-base-url", required=True)
    parser.add_argument("--graph-api-version", default="v23.0")
    parser.add_argument("--phone-number-id", required=True)
    parser.parse_args(namespace=config)
    config.graph_api_base_url = config.graph_api_base_url.rstrip("/")
    config.signing_key = os.environ.get("CALENDLY_SIGNING_KEY", "")
    config.access_token = os.environ.get("WHATSAPP_ACCESS_TOKEN", "")
    server = SeedServer(("127.0.0.1", config.port), SeedHandler)
    print(f"seed app on http://127.0.0.1:{config.port} (python {sys.version.split()[0]} at {sys.executable})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
