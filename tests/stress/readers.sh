#!/bin/bash
# Readers and writers at once (issue 16): WRITERS loops of `beian submit` and READERS loops
# of `beian list` and `beian search` on one archive for SECONDS seconds. Afterwards:
#
#   - no command failed (a writer may only be refused for the lock's time: exit 75);
#   - no reader saw a half-made filing: every register it printed holds records 0001..k
#     without a gap, each with its name (a row the index had not finished has none), and
#     every search found the group's administrator in each record it listed;
#   - every filing a writer reported is in the ledger and in index.db, and verify is clean.
#
# Usage: BEIAN=build/bin/beian bash tests/stress/readers.sh [SECONDS]   (default 60)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
SECONDS_RUN=${1:-60}
WRITERS=${STRESS_WRITERS:-8}
READERS=${STRESS_READERS:-8}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts BEIAN_ARCHIVE=$W/archive
QUN=$ROOT/examples/workgroup-filing.json
bad=0
die() { echo "readers: $*"; bad=$((bad + 1)); }

"$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || { echo "readers: submit failed"; exit 1; }
end=$(($(date +%s) + SECONDS_RUN))

writer() {
  local i=0
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    "$BEIAN" -q submit "$QUN" --date 2026-11-24 --wait 30 >>"$W/filed.$1" 2>"$W/werr.$1.$i"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 75 ]; then echo "submit exit $rc: $(head -2 "$W/werr.$1.$i")" >>"$W/fail"; fi
  done
}

# check_list FILE: records QUN-2026-0001..k, in order, none without a name
check_list() {
  awk -F'\t' '{ n++; want = sprintf("QUN-2026-%04d", n);
                if ($1 != want) { print "row " n " is " $1 ", not " want; exit 1 }
                if ($7 == "" || $7 == "?") { print $1 " has no name"; exit 1 } }' "$1"
}

reader() {
  local i=0
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 0 ]; then
      "$BEIAN" list --format tsv >"$W/r.$1" 2>"$W/rerr.$1" || echo "list exit $?: $(head -2 "$W/rerr.$1")" >>"$W/fail"
      why=$(check_list "$W/r.$1") || echo "list saw a half-made register: $why" >>"$W/fail"
    else
      "$BEIAN" search 杨堃 >"$W/r.$1" 2>"$W/rerr.$1" || echo "search exit $?: $(head -2 "$W/rerr.$1")" >>"$W/fail"
      # one hit per record (the administrator never changes), numbered without a gap
      why=$(awk -F'\t' '{ n++; want = sprintf("QUN-2026-%04d", n);
                          if ($1 != want || $3 != "admin2_name") { print "hit " n ": " $0; exit 1 } }' \
              "$W/r.$1") || echo "search saw a half-made filing: $why" >>"$W/fail"
    fi
  done
}

pids=()
for w in $(seq 1 "$WRITERS"); do writer "$w" & pids+=($!); done
for r in $(seq 1 "$READERS"); do reader "$r" & pids+=($!); done
wait "${pids[@]}"

# (not a pipe into the loop: die counts in this shell)
if [ -s "$W/fail" ]; then
  while read -r l; do die "$l"; done < <(sort "$W/fail" | uniq -c | head -10)
fi
filed=$(cat "$W"/filed.* | sort -u | wc -l)
lines=$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")
[ "$lines" -eq $((filed + 1)) ] || die "$filed filings reported, but the ledger has $lines lines (want $((filed + 1)))"
for r in $(cat "$W"/filed.*); do
  grep -q " $r v1 " "$BEIAN_ARCHIVE/ledger.txt" || die "$r was reported filed but is not in the ledger"
done
"$BEIAN" verify >/dev/null 2>"$W/verr" || die "verify: $(head -3 "$W/verr")"
grep -q "index.db" "$W/verr" && die "the index is not caught up: $(cat "$W/verr")"
indexed=$(sqlite3 "$BEIAN_ARCHIVE/index.db" "SELECT count(*) FROM records")
[ "$indexed" -eq $((filed + 1)) ] || die "index.db holds $indexed records, the ledger $((filed + 1))"
echo "readers: $SECONDS_RUN s, $WRITERS writers, $READERS readers, $filed filings, $bad problems"
[ $bad -eq 0 ]
