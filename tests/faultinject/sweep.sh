#!/bin/bash
# Fault-injection sweep: runs `fill`, `batch` and `submit` once per failure point, with the
# N-th write, fsync, rename/link, file creation or allocation failing (shim.c), and checks
# after every run:
#
#   - no crash: the exit code is below 128 and no sanitizer or abort message was printed;
#   - the exit code is 0, or 73/74 (70 for a failed allocation: out of memory is not an I/O
#     error) with a "beian: " message on stderr;
#   - no partial output: every output file is either absent or byte for byte the file a
#     run without faults writes (beian's output is deterministic), and no temporary file
#     (*.tmp-*, archive/tmp/*) is left;
#   - submit: the archive still verifies (`beian verify`, without faults) and is either
#     exactly as before (nothing filed) or exactly as after a run without faults (filed),
#     leaving out index.db (and its -wal and -shm): it is derived from the ledger, SQLite
#     owns its bytes, and it may lag behind a filing whose index update failed after the
#     commit point. verify checks the index is that of the ledger or of a prefix of it
#     (never ahead, never contradicting it), and `beian list` (without faults) must print
#     what it prints after a run without faults: a reader catches a lagging index up.
#
# Usage: BEIAN=build/bin/beian SHIM=build/faultinject/shim.so sh tests/faultinject/sweep.sh
#        [SCENARIO...]   (fill batch submit; default all)
# FAULT_MALLOC_RUNS (default 300) bounds the allocation sweep: every one of the first 100
# allocations, then points spread evenly over the rest. Prints one line per scenario and
# kind, and "faultinject: N runs, N violations"; exits 1 on any violation.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
SHIM=${SHIM:?set SHIM to the built shim.so}
case "$SHIM" in /*) ;; *) SHIM=$ROOT/$SHIM ;; esac
MALLOC_RUNS=${FAULT_MALLOC_RUNS:-300}
KINDS=${FAULT_KINDS:-write fsync rename create malloc}
SCENARIOS=${*:-fill batch submit}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts
total=0
bad=0

# The inputs every scenario starts from (in $W/base), and the command of each scenario.
mkdir -p "$W/base"
cp "$ROOT/examples/workgroup-filing.json" "$W/base/group.json"
cp "$ROOT/examples/platform-application.json" "$W/base/app.json"
{
  echo "group_name,group_number,scope,admin1_name,admin1_mobile,email,member_count,member_types,department,dept_head,dept_head_title,office_phone,mobile"
  for i in 1 2 3; do
    echo "2026级计算机${i}班,5284193$i,信息工程学院2026级计算机${i}班,杨堃,13895012345,xxgc@nxtc.edu.cn,4$i,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345"
  done
} >"$W/base/groups.csv"
# submit appends to an archive that already holds a record
(cd "$W/base" && "$BEIAN" submit app.json --date 2026-11-20 --archive archive -q >/dev/null) || {
  echo "faultinject: cannot prepare the archive"; exit 1; }

scenario_cmd() {
  case "$1" in
    fill) echo "fill group.json -o out/form.pdf --png out/form.png" ;;
    batch) echo "batch workgroup-filing groups.csv -o out/batch --combined out/all.pdf -q" ;;
    submit) echo "submit group.json --date 2026-11-24 --archive archive -o out/submit.pdf -q" ;;
  esac
}

# tree DIR: every file with its SHA-256 (the archive's lock file left out: it is empty and
# stays, by design; index.db* too: see above), sorted, for comparing whole directories.
tree() {
  (cd "$1" && find . -type f ! -path ./archive/lock ! -path './archive/index.db*' ! -name '.std*' ! -name '.count' -print0 |
    sort -z | xargs -0 -r sha256sum)
}

# run SCENARIO KIND N DIR: one run in a fresh copy of base; leaves .stdout .stderr .count, rc
run_one() {
  rm -rf "$4"; cp -a "$W/base" "$4"; mkdir -p "$4/out"
  (cd "$4" && FAULT_CALL=$2 FAULT_AT=$3 FAULT_COUNT=$4/.count LD_PRELOAD=$SHIM \
    "$BEIAN" $(scenario_cmd "$1") >.stdout 2>.stderr)
  rc=$?
}

violation() {
  bad=$((bad + 1))
  echo "  VIOLATION $s $k #$n: $*"
  echo "    reproduce: cd <copy of the inputs> && FAULT_CALL=$k FAULT_AT=$n LD_PRELOAD=$SHIM $BEIAN $(scenario_cmd "$s")"
  sed 's/^/    stderr: /' "$d/.stderr" | head -5
}

for s in $SCENARIOS; do
  ref=$W/ref-$s
  run_one "$s" none 0 "$ref"
  if [ "$rc" -ne 0 ]; then
    echo "faultinject: $s fails without faults (exit $rc):"; cat "$ref/.stderr"; exit 1
  fi
  tree "$W/base" >"$W/before.sum"
  tree "$ref" >"$W/after-$s.sum"
  if [ "$s" = submit ]; then
    for st in before after; do
      sum=$W/before.sum dir=$W/base
      [ $st = after ] && sum=$W/after-$s.sum dir=$ref
      grep ' ./archive/' "$sum" >"$W/$st.rest"
      "$BEIAN" list --archive "$dir/archive" >"$W/$st.list" 2>/dev/null
    done
  fi
  for k in $KINDS; do
    d=$W/run
    run_one "$s" "$k" 0 "$d"
    calls=$(cut -d' ' -f1 "$d/.count" 2>/dev/null || echo 0)
    if [ "$k" = malloc ] && [ "$calls" -gt "$MALLOC_RUNS" ]; then
      points=$( (seq 1 100; seq 101 $(((calls - 100) / (MALLOC_RUNS - 100) + 1)) "$calls") | sort -un)
    else
      points=$(seq 1 "$calls")
    fi
    runs=0; ok=0; refused=0; codes=""
    for n in $points; do
      run_one "$s" "$k" "$n" "$d"
      runs=$((runs + 1)); total=$((total + 1))
      fired=$(grep -c fired "$d/.count" 2>/dev/null)
      if [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:|Segmentation fault|Aborted|GLib-ERROR|free\(\)|malloc\(\)' "$d/.stderr"; then
        violation "crashed (exit $rc)"; continue
      fi
      allowed=" 73 74 "
      [ "$k" = malloc ] && allowed=" 70 73 74 "
      if [ "$rc" -eq 0 ]; then
        ok=$((ok + 1))
      elif [ "${allowed#* $rc }" != "$allowed" ]; then
        refused=$((refused + 1))
        case " $codes " in *" $rc "*) ;; *) codes="$codes $rc" ;; esac
        grep -q '^beian: ' "$d/.stderr" || violation "exit $rc without a message"
      else
        violation "exit $rc (expected 0 or$allowed)"; continue
      fi
      [ "$fired" -eq 1 ] || violation "the fault was not injected (call $n of $calls)"
      # every file is as before, or as a run without faults writes it
      tree "$d" >"$W/now.sum"
      stray=$(comm -13 <(cat "$W/before.sum" "$W/after-$s.sum" | sort -u) <(sort "$W/now.sum") | head -3)
      [ -z "$stray" ] || violation "a partial or unexpected file: $stray"
      leftovers=$(cd "$d" && find . \( -name '*.tmp-*' -o -path './archive/tmp/*' \) -type f | head -3)
      [ -z "$leftovers" ] || violation "temporary files left: $leftovers"
      if [ "$s" = submit ]; then
        if ! "$BEIAN" verify --archive "$d/archive" >/dev/null 2>"$d/.verify"; then
          violation "the archive does not verify: $(head -2 "$d/.verify")"
        fi
        grep ' ./archive/' "$W/now.sum" >"$W/now.rest"
        if cmp -s "$W/now.rest" "$W/before.rest"; then
          state=before
        elif cmp -s "$W/now.rest" "$W/after.rest"; then
          state=after
        else
          state=
          violation "the archive is neither as before nor as after a complete submit"
        fi
        if [ -n "$state" ]; then
          "$BEIAN" list --archive "$d/archive" >"$d/.list" 2>/dev/null
          cmp -s "$d/.list" "$W/$state.list" ||
            violation "beian list does not list what the ledger holds: $(head -3 "$d/.list")"
        fi
      fi
    done
    printf 'faultinject: %-6s %-6s %6s calls, %4s runs: %4s succeeded, %4s refused (exit%s)\n' \
      "$s" "$k" "$calls" "$runs" "$ok" "$refused" "${codes:- -}"
  done
done
echo "faultinject: $total runs, $bad violations"
[ "$bad" -eq 0 ]
