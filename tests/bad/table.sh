#!/bin/sh
# Prints the catalogue of bad inputs (tests/bad/catalogue) as the Markdown table of
# docs/internals/reliability.md, between its bad-inputs markers. Run after changing the catalogue:
#   sh tests/bad/table.sh   (and paste; tests/e2e/bad.sh checks the two agree)
dir=$(dirname "$0")
awk -F '|' '
  function trim(s) { sub(/^ +/, "", s); sub(/ +$/, "", s); return s }
  function cell(s) { gsub(/\|/, "\\|", s); return s }
  BEGIN { print "| case | input | command | exit | message (stderr holds) |"; print "|---|---|---|---|---|" }
  /^# --- / { t = $0; sub(/^# --- /, "", t); sub(/ -+$/, "", t); print "| **" t "** | | | | |"; next }
  /^#/ || /^$/ { next }
  { n++; msg = trim($4); if (msg == "") msg = "—";
    printf "| `%s` | %s | `%s` | %s | %s |\n", trim($1), cell(trim($5)), cell(trim($3)), trim($2), cell(msg) }
  END { print ""; print n " cases." }
' "$dir/catalogue"
