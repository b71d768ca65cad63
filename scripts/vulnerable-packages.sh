#!/usr/bin/env bash
# Lists known vulnerabilities in every package Turtle.sln uses, direct or transitive, and fails on a high or critical one.
#   exit 0: none found, with vulnerability data to look in
#   1: a high or critical advisory (listed), or the listing itself failed
#   2: none found, but no package source offers vulnerability data, so nothing was really checked (said why)
# NuGet reads advisories from a source's VulnerabilityInfo resource (nuget.org's service index has one); a mirror
# that serves packages only answers "no vulnerable packages" for everything.
set -uo pipefail
cd "$(dirname "$0")/.."

out="$(dotnet list Turtle.sln package --vulnerable --include-transitive 2>&1)"
status=$?
printf '%s\n' "$out"
if [ $status -ne 0 ]; then
  echo "dotnet list package --vulnerable failed (exit $status)" >&2
  exit 1
fi
# Rows read "   > Package   1.2.3   High   https://github.com/advisories/GHSA-…"; a package's further advisories follow on lines of their own.
severe="$(grep -E '[[:space:]](High|Critical)[[:space:]]+https?://' <<<"$out" || true)"
if [ -n "$severe" ]; then
  echo "high or critical advisories:" >&2
  printf '%s\n' "$severe" >&2
  exit 1
fi

with_data=()
without_data=()
while read -r state url; do
  [ "$state" = "E" ] || continue
  if [[ "$url" =~ ^https?:// ]] && curl -fsS --compressed -m 30 "$url" 2>/dev/null | grep -q '"VulnerabilityInfo/'; then
    with_data+=("$url")
  else
    without_data+=("$url")
  fi
done < <(dotnet nuget list source --format short 2>/dev/null)

if [ ${#with_data[@]} -eq 0 ]; then
  echo "NOT CHECKED: no package source offers vulnerability data (no VulnerabilityInfo resource in: ${without_data[*]:-no enabled source})." >&2
  echo "'No vulnerable packages' above means only that the source had nothing to say; run this where nuget.org is reachable." >&2
  exit 2
fi
echo "no high or critical advisories (vulnerability data from: ${with_data[*]})" >&2
