#!/usr/bin/env bash
# Checks deploy/kubernetes/prometheus-rules.yaml with promtool (Debian's `prometheus` package, installed when missing and
# running as root): its syntax, and the alert tests of tests/monitoring/prometheus-rules.test.yaml. promtool reads a
# plain rules file, so the PrometheusRule's `spec:` (its `groups:`) is taken out of the manifest first.
# Exit 0: valid; 1: invalid; 2: promtool is missing and could not be installed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_promtool() {
  command -v promtool >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    log "promtool is missing and this is not root: install Debian's prometheus package (apt-get install prometheus)"
    return 1
  fi
  log "installing Debian's prometheus package (for promtool)"
  mkdir -p .data
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus) >.data/prometheus-install.log 2>&1 \
    || { log "could not install prometheus; see .data/prometheus-install.log"; return 1; }
}

ensure_promtool || exit 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Everything below the top-level `spec:` line, two spaces of indentation less: the groups as promtool wants them.
awk 'found { sub(/^  /, ""); print } /^spec:/ { found = 1 }' deploy/kubernetes/prometheus-rules.yaml >"$work/rules.yaml"
grep -q '^groups:' "$work/rules.yaml" || { log "prometheus-rules.yaml has no spec.groups"; exit 1; }
promtool check rules "$work/rules.yaml" || exit 1
# The alerts fire on the series they are meant for (and not when all is well).
cp tests/monitoring/prometheus-rules.test.yaml "$work/"
promtool test rules "$work/prometheus-rules.test.yaml"
