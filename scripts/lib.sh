# Shared by run.sh, test.sh and bench.sh: Azurite install/start/stop and process bookkeeping.
# shellcheck shell=bash

TURTLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Azurite's version is pinned in .env (docker compose reads it too); why 3.35.0 is said there.
AZURITE_VERSION="$(sed -n 's/^AZURITE_VERSION=//p' "$TURTLE_ROOT/.env")"
AZURITE_BIN="$TURTLE_ROOT/node_modules/.bin/azurite"
AZURITE_ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
TURTLE_PIDS=()

log() { printf '[turtle] %s\n' "$*" >&2; }

# Installs Azurite into the repo (node_modules/, ignored by git) when it is missing.
ensure_azurite() {
  if [ -x "$AZURITE_BIN" ] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$TURTLE_ROOT/node_modules/azurite/package.json" 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null || { log "npm is required to install Azurite (Node.js)"; return 1; }
  log "installing azurite@$AZURITE_VERSION into node_modules/"
  (cd "$TURTLE_ROOT" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null)
}

# Installs Debian's chromium for the console's browser tests when it is missing (Playwright cannot download a browser
# here). Needs root, as CI has; elsewhere it says what to install.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "chromium is missing and this is not root: install Debian's chromium (apt-get install chromium) for the console tests"
    return 1
  fi
  log "installing Debian's chromium"
  mkdir -p "$TURTLE_ROOT/.data"
  if ! (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium) >"$TURTLE_ROOT/.data/chromium-install.log" 2>&1; then
    log "could not install chromium; see .data/chromium-install.log"
    return 1
  fi
}

# wait_for_port PORT SECONDS
wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2))
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# wait_for_url URL SECONDS
wait_for_url() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# spawn LOG COMMAND...: runs COMMAND in the background (output in LOG, no input) in a process group of its own, and
# records it for stop_all. A Ctrl-C, which the terminal sends to its foreground group, then reaches the script alone,
# whose trap stops everything in order: sent to every process at once, Azurite would close while the silo is still
# leaving the cluster's table, and the silo would hang until killed.
spawn() {
  local log=$1
  shift
  set -m
  "$@" </dev/null >"$log" 2>&1 &
  TURTLE_PIDS+=($!)
  set +m
}

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT: starts Azurite on loopback and exports its connection string.
start_azurite() {
  local dir=$1 blob=$2 queue=$3 table=$4
  mkdir -p "$dir"
  spawn "$dir/azurite.log" "$AZURITE_BIN" --silent --skipApiVersionCheck --loose --disableTelemetry \
    --location "$dir" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table"
  wait_for_port "$table" 60 || { log "Azurite did not open port $table; see $dir/azurite.log"; return 1; }
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  export AZURITE_CONNECTION
}

# Stops what was started, newest first (API, silos, then Azurite, which they need to shut down cleanly).
stop_all() {
  local i pid deadline
  for ((i = ${#TURTLE_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${TURTLE_PIDS[i]}
    kill "$pid" 2>/dev/null || continue
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  TURTLE_PIDS=()
}
