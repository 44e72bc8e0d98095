#!/bin/bash
# Parallel writers with the lock file deleted mid-commit (issue 14, item 1). Each round
# files a record, then starts WRITERS filings on it at once (rejections with different
# dates, so each would be its own v2), the first of them paused at a random commit step
# (BEIAN_PAUSE_AT, a test hook), and deletes DIR/lock while they run. Afterwards every
# filing that reported success must be in the ledger, at most one v2 may have been
# filed, nothing may be left for fsck, and the archive must verify. A round where every writer
# is refused is allowed (the paused writer's lock was deleted, so it gives up, and the others
# found its bundle not yet in the ledger): refusing is safe, losing a reported filing is not.
# STRESS_VERBOSE=1 prints the writers' messages of such rounds.
#
# Usage: BEIAN=build/bin/beian bash tests/stress/lockrace.sh [ROUNDS]   (default 20)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
ROUNDS=${1:-20}
WRITERS=${STRESS_WRITERS:-3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts
QUN=$ROOT/examples/workgroup-filing.json
RANDOM=${STRESS_SEED:-14}
steps=(locked built temp-written linked temp-removed ledger-written)
bad=0 filed=0 refused=0
for r in $(seq 1 "$ROUNDS"); do
  export BEIAN_ARCHIVE=$W/a$r
  "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || { echo "lockrace: submit failed"; exit 1; }
  step=${steps[$((RANDOM % ${#steps[@]}))]}
  pids=()
  for w in $(seq 1 "$WRITERS"); do
    if [ "$w" -eq 1 ]; then
      BEIAN_PAUSE_AT=$step BEIAN_PAUSE_SECONDS=1 "$BEIAN" reject QUN-2026-0001 --reason "w$w" \
        --date "2026-12-0$w" --wait 5 >"$W/o$w" 2>"$W/e$w" &
    else
      ( sleep "0.$((RANDOM % 9 + 1))"; exec "$BEIAN" reject QUN-2026-0001 --reason "w$w" \
        --date "2026-12-0$w" --wait 5 ) >"$W/o$w" 2>"$W/e$w" &
    fi
    pids+=($!)
  done
  sleep "0.$((RANDOM % 5 + 2))"
  rm -f "$BEIAN_ARCHIVE/lock"
  for p in "${pids[@]}"; do wait "$p"; done
  ok=0
  for w in $(seq 1 "$WRITERS"); do
    if grep -q "v2 rejected" "$W/o$w"; then
      ok=$((ok + 1))
      grep -q "v2-2026120$w.zip" "$BEIAN_ARCHIVE/ledger.txt" ||
        { echo "lockrace: round $r ($step): writer $w reported v2 but the ledger lacks it"; bad=$((bad + 1)); }
    fi
  done
  filed=$((filed + ok)); refused=$((refused + WRITERS - ok))
  if [ $ok -eq 0 ] && [ -n "${STRESS_VERBOSE:-}" ]; then
    echo "lockrace: round $r ($step): every writer refused:"; cat "$W"/e*
  fi
  [ $ok -le 1 ] || { echo "lockrace: round $r: $ok writers filed v2"; bad=$((bad + 1)); }
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq $((1 + ok)) ] ||
    { echo "lockrace: round $r: the ledger has $(wc -l <"$BEIAN_ARCHIVE/ledger.txt") lines for $ok filings"; bad=$((bad + 1)); }
  "$BEIAN" -q verify >/dev/null 2>"$W/v" || { echo "lockrace: round $r ($step): $(head -c 300 "$W/v")"; bad=$((bad + 1)); }
done
echo "lockrace: $ROUNDS rounds of $WRITERS writers, lock deleted mid-commit: $filed filed, $refused refused, $bad problems"
[ $bad -eq 0 ]
