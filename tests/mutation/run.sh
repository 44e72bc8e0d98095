#!/bin/bash
# The mutation check (issue 14, item 10): plants each bug of tests/mutation/mutants.json, one
# at a time, in a copy of the tree (never in the working tree), rebuilds, and runs the part of
# the suite the mutant lists ("unit", "layers", "faultinject", or e2e files by name:
# "integrity" is tests/e2e/integrity.sh). A mutant is caught when that suite fails. Prints
# one line per mutant and "mutation: N of M caught (P %)"; exits 1 when one survived.
#
# A mutant whose text is no longer found exactly once in its file is reported as stale (the
# code moved on): update tests/mutation/mutants.json. Each part of the suite is first run on
# the unmutated copy; a mutant whose part fails there is reported unscored, not caught. Usage: bash tests/mutation/run.sh [ID...]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JOBS=${JOBS:-2}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# the copy: the tracked and new files of the working tree, without build output or .git
mkdir "$W/tree"
(cd "$ROOT" && tar --exclude=./.git --exclude='./build*' --exclude=./bin -cf - .) | (cd "$W/tree" && tar -xf -)
cd "$W/tree" || exit 1
export BEIAN_FORMS=$W/tree/forms BEIAN_FONTS=$W/tree/fonts
M="make --no-print-directory BUILD=build-mut BIN=build-mut/bin"
if ! $M -j"$JOBS" all unit >"$W/base.log" 2>&1; then
  echo "mutation: the unmutated tree does not build:"; tail -20 "$W/base.log"; exit 1
fi

# suite WORDS...: 0 when every part passes
suite() {
  local rc=0 files=""
  for w in "$@"; do
    case $w in
      unit) $M unit >"$W/s.log" 2>&1 || rc=1 ;;
      layers) python3 tests/layers.py >"$W/s.log" 2>&1 || rc=1 ;;
      faultinject) $M faultinject-short >"$W/s.log" 2>&1 || rc=1 ;;
      *) files="$files tests/e2e/$w.sh" ;;
    esac
    [ $rc -eq 0 ] || return 1
  done
  [ -z "$files" ] || BEIAN=build-mut/bin/beian sh tests/e2e.sh $files >"$W/s.log" 2>&1
}

# the baseline: each part of the suite must pass on the unmutated copy, or a mutant "caught"
# by it would prove nothing (the copy holds whatever the working tree holds)
words=$(python3 -c 'import json,sys; print(" ".join(sorted({w for m in json.load(open(sys.argv[1])) for w in m["suite"]})))' tests/mutation/mutants.json)
broken=""
for w in $words; do
  suite "$w" || { broken="$broken $w"; echo "  baseline  $w FAILS on the unmutated tree: mutants that need it are not scored"; }
done

ids=$(python3 -c 'import json,sys; print(" ".join(m["id"] for m in json.load(open(sys.argv[1]))))' tests/mutation/mutants.json)
[ $# -gt 0 ] && ids="$*"
total=0 caught=0 stale=0 survived=""
for id in $ids; do
  # plant: file, original kept in $W/orig
  file=$(python3 - "$id" "$W/orig" <<'PY'
import json, sys
m = next(m for m in json.load(open("tests/mutation/mutants.json")) if m["id"] == sys.argv[1])
s = open(m["file"], encoding="utf-8").read()
if s.count(m["find"]) != 1:
    print("STALE " + m["file"]); sys.exit(0)
open(sys.argv[2], "w", encoding="utf-8").write(s)
open(m["file"], "w", encoding="utf-8").write(s.replace(m["find"], m["replace"], 1))
print(m["file"] + " " + " ".join(m["suite"]))
PY
)
  set -- $file
  if [ "$1" = STALE ]; then echo "  stale     $id ($2)"; stale=$((stale + 1)); continue; fi
  f=$1; shift
  skip=""
  for w in "$@"; do case " $broken " in *" $w "*) skip=$w ;; esac; done
  if [ -n "$skip" ]; then
    echo "  unscored  $id (its suite part $skip fails without it)"; cp "$W/orig" "$f"; touch "$f"
    stale=$((stale + 1)); continue
  fi
  total=$((total + 1))
  start=$(date +%s)
  if ! $M -j"$JOBS" all >"$W/b.log" 2>&1; then
    result="caught-by-build"; caught=$((caught + 1))
  elif suite "$@"; then
    result="SURVIVED"; survived="$survived $id"
  else
    result="caught"; caught=$((caught + 1))
  fi
  printf '  %-9s %s (%s; %s; %ds)\n' "${result%% *}" "$id" "$f" "$*" $(($(date +%s) - start))
  cp "$W/orig" "$f"; touch "$f"
done
pct=0; [ $total -gt 0 ] && pct=$((100 * caught / total))
s=""; [ $stale -gt 0 ] && s=", $stale stale or unscored"
echo "mutation: $caught of $total caught ($pct %)$s${survived:+; survived:$survived}"
[ -z "$survived" ] && [ $stale -eq 0 ]
