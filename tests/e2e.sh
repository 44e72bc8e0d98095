#!/bin/sh
# Runs every tests/e2e/*.sh file (or the files given) and prints one closing line:
# "e2e: N passed, N failed". Needs $BEIAN, the binary under test.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
export ROOT BEIAN
passed=0; failed=0; failures=""
files=${*:-$(ls "$ROOT"/tests/e2e/*.sh | grep -v '/lib.sh$')}
for f in $files; do
  T=$(mktemp -d)
  out=$(T="$T" bash -c '
    . "$ROOT/tests/e2e/lib.sh"; . "$1"
    for t in $(declare -F | awk "{print \$3}" | grep "^test_"); do
      if (cd "$T" && "$t") 2>"$T/.stderr-$t"; then echo "PASS $t"; else echo "FAIL $t"; sed "s/^/  /" "$T/.stderr-$t"; fi
    done' _ "$f")
  rm -rf "$T"
  printf '%s\n' "$out" | grep -v '^PASS' || true
  p=$(printf '%s\n' "$out" | grep -c '^PASS'); q=$(printf '%s\n' "$out" | grep -c '^FAIL')
  passed=$((passed + p)); failed=$((failed + q))
  echo "  $(basename "$f"): $p passed, $q failed"
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
