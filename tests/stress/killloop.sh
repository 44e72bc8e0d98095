#!/bin/bash
# The kill -9 loop (issue 14): filings killed at random moments, fsck between, and every
# filing that was reported (its line printed on stdout, or exit 0) present in the ledger
# afterwards; the archive verifies after every fsck.
#
# One work group at a time goes through submit, approve (the printed form is the scan),
# change, review and dissolve; each command is started, killed after a random delay between
# 0 and STRESS_MAX_MS milliseconds (default 400, about one filing), then `beian fsck` and
# `beian verify` run unkilled. The dates advance a day per step, so no date goes back.
#
# Usage: BEIAN=build/bin/beian bash tests/stress/killloop.sh [KILLS]   (default 200)
# Prints "killloop: N runs, K killed, S reported successes, 0 lost" and exits 1 on a loss.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
KILLS=${1:-200}
MAX_MS=${STRESS_MAX_MS:-400}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts BEIAN_ARCHIVE=$W/archive
QUN=$ROOT/examples/workgroup-filing.json
RANDOM=${STRESS_SEED:-14}
: >"$W/successes"
day=0 runs=0 killed=0 bad=0
rec="" reviewed=""

date_of() { date -u -d "2026-01-01 +$1 days" +%Y-%m-%d; }
# state REC: the state of the record's latest version in the ledger ("" when none)
state() { grep " $1 v" "$BEIAN_ARCHIVE/ledger.txt" 2>/dev/null | tail -1 | cut -d' ' -f8; }
die() { echo "killloop: $*"; bad=$((bad + 1)); }

while [ $killed -lt "$KILLS" ]; do
  day=$((day + 1)); d=$(date_of $day); y=${d%%-*}
  st=""; [ -n "$rec" ] && st=$(state "$rec")
  case $st in
    ""|dissolved) cmd=(submit "$QUN" --date "$d" -o "$W/form.pdf"); reviewed="" ;;
    submitted|changed)
      # the form as printed (a killed filing that fsck completed never wrote its -o file)
      rm -f "$W/form.pdf"
      "$BEIAN" -q reprint "$rec" --exact -o "$W/form.pdf" --date "$d" 2>"$W/err" ||
        die "reprint $rec: $(cat "$W/err")"
      cmd=(approve "$rec" --scan "$W/form.pdf" --date "$d") ;;
    approved|reviewed)
      case $((RANDOM % 4)) in
        0) cmd=(change "$rec" "$QUN" --date "$d" -o "$W/form.pdf") ;;
        1) cmd=(dissolve "$rec" --reason "stress" --date "$d") ;;
        *) if [ "$reviewed" = "$y" ]; then cmd=(change "$rec" "$QUN" --date "$d" -o "$W/form.pdf")
           else cmd=(review "$rec" --year "$y" --result pass --date "$d"); fi ;;
      esac ;;
    *) cmd=(dissolve "$rec" --reason "stress" --date "$d") ;;
  esac
  "$BEIAN" -q "${cmd[@]}" >"$W/out" 2>"$W/err" &
  pid=$!
  ms=$((RANDOM % MAX_MS))
  sleep "$(printf '0.%03d' "$ms")"
  kill -9 $pid 2>/dev/null
  { wait $pid; } 2>/dev/null; rc=$?
  [ $rc -eq 137 ] && killed=$((killed + 1)) # a process that ended first counts as a run
  runs=$((runs + 1))
  if [ $rc -ne 0 ] && [ $rc -ne 137 ] && [ $rc -ne 65 ]; then
    die "${cmd[*]}: exit $rc: $(head -c 300 "$W/err")"
  fi
  # what was reported: "QUN-…" for a submission, "REC vN state" for the rest
  if [ -s "$W/out" ]; then
    line=$(head -1 "$W/out")
    case $line in
      *" v"*) echo "$line" | awk '{print $1, $2}' >>"$W/successes" ;;
      *) echo "$line v1" >>"$W/successes"; rec=$line ;;
    esac
  elif [ $rc -eq 0 ]; then
    die "${cmd[*]}: exit 0 without its line on stdout"
  fi
  "$BEIAN" -q fsck >"$W/fsck.out" 2>&1 || die "fsck after ${cmd[*]} (exit $rc): $(cat "$W/fsck.out")"
  "$BEIAN" -q verify >/dev/null 2>"$W/verify.err" || die "verify after fsck: $(head -c 400 "$W/verify.err")"
  while read -r r v; do
    grep -q " $r $v " "$BEIAN_ARCHIVE/ledger.txt" || die "reported $r $v is not in the ledger"
  done <"$W/successes"
  # a submission killed before it printed may still have been completed by fsck
  [ -z "$rec" ] && rec=$(tail -1 "$BEIAN_ARCHIVE/ledger.txt" 2>/dev/null | cut -d' ' -f5)
  last=$(tail -1 "$BEIAN_ARCHIVE/ledger.txt" 2>/dev/null | cut -d' ' -f5)
  [ -n "$last" ] && rec=$last
  [ "$(state "$rec")" = reviewed ] && reviewed=$y
  [ $bad -gt 0 ] && break
done
echo "killloop: $runs runs, $killed killed, $(wc -l <"$W/successes") reported successes, $bad lost or damaged"
[ $bad -eq 0 ]
