#!/bin/sh
# Rebuilds the end of README.md from the chapters in docs/ (batch, archive, rules,
# reliability): everything after the marker line is replaced by those files, in that order.
# `sh docs/readme.sh --check` exits 1 when README.md is not up to date (run by the tests).
set -eu
cd "$(dirname "$0")/.."
marker='<!-- The chapters below are docs/*.md, copied by docs/readme.sh: edit those files. -->'
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v m="$marker" '{ print } $0 == m { exit }' README.md > "$tmp"
grep -qxF "$marker" "$tmp" || printf '\n%s\n' "$marker" >> "$tmp"
for f in docs/batch.md docs/archive.md docs/rules.md docs/reliability.md; do
  [ -f "$f" ] || continue
  printf '\n' >> "$tmp"
  cat "$f" >> "$tmp"
done
if [ "${1:-}" = "--check" ]; then
  cmp -s "$tmp" README.md || { echo "README.md is not up to date: sh docs/readme.sh" >&2; exit 1; }
else
  cp "$tmp" README.md
fi
