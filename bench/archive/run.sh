#!/bin/bash
# make bench-archive: the register at 1 000 and 10 000 records (issue 16). A benchmark, never
# a test: it prints what it measured and fails only when a command fails.
#
# Generates (once; kept in $BENCH_DIR between runs) an archive of 1 000 and one of 10 000
# work groups with about three versions each (bench/archive/gen.c: every filing through the
# library's own commit, in one process; the disk syncs skipped by nosync.so while generating
# only), verifies each, then times every command on it (the median of 3 runs, GNU time's
# peak memory), with index.db and with BEIAN_NO_INDEX=1 (the register read from the ledger
# and the bundles, once per command), and prints per command: the time at 1k and 10k, the
# growth factor, the time without the index at 10k and the ratio, and the peak memory.
#
# Usage: BEIAN=bin/beian GEN=build/bench/gen NOSYNC=build/bench/nosync.so bash bench/archive/run.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
GEN=${GEN:-$ROOT/build/bench/gen}
NOSYNC=${NOSYNC:-$ROOT/build/bench/nosync.so}
BENCH_DIR=${BENCH_DIR:-$ROOT/build/bench-archive}
SIZES=${BENCH_SIZES:-1000 10000}
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$BENCH_DIR"

# the phone number gen.c gives record k's first administrator, with hyphens
phone_of() { printf '13%09d' $((100000000 + ($1 * 7919) % 900000000)) | sed 's/^\(...\)\(....\)/\1-\2-/'; }

# measure NAME CMD...: median wall time (ms) of 3 runs and the largest peak memory (KiB)
measure() {
  local name=$1; shift
  local ts=() mem=0
  for i in 1 2 3; do
    t0=$(date +%s%N)
    /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" ||
      { echo "bench-archive: $name failed: $(head -3 "$W/err")"; exit 1; }
    t1=$(date +%s%N)
    read -r s m <"$W/t"
    ts+=("$(((t1 - t0) / 1000000))") # GNU time's %e counts in 10 ms steps
    [ "$m" -gt "$mem" ] && mem=$m
  done
  printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p >"$W/ms"
  echo "$(cat "$W/ms") $mem"
}

# once NAME CMD...: one run's wall time in ms and its peak memory (the bundle-reading path is
# slow; approve files only once)
once() {
  shift
  t0=$(date +%s%N)
  /usr/bin/time -f "%e %M %U %S" -o "$W/t" "$@" >/dev/null 2>"$W/err" ||
    { echo "bench-archive: $* failed: $(head -3 "$W/err")"; exit 1; }
  t1=$(date +%s%N)
  read -r s m u k <"$W/t"
  # the third figure: CPU time (user and system) in ms, the measure of "one core" when the
  # disk, not the processor, sets the wall time (a cold page cache)
  echo "$(((t1 - t0) / 1000000)) $m $(awk -v u="$u" -v k="$k" 'BEGIN { printf "%d", (u + k) * 1000 }')"
}

# approve3 DAY: the median time and largest peak memory of 3 approvals, each of a new
# submission's printed form scanned at 150 dpi (without the index: no)
approve3() {
  local ts=() mem=0
  for i in 1 2 3; do
    "$BEIAN" -q submit "$W/new.json" --date "2026-12-$1" -o "$W/ap.pdf" >"$W/aprec" 2>/dev/null || exit 1
    pdftoppm -r 150 -png -singlefile "$W/ap.pdf" "$W/ap" || exit 1
    read -r t m c <<<"$(once approve "$BEIAN" -q approve "$(cat "$W/aprec")" --scan "$W/ap.png" --date "2026-12-$1")"
    ts+=("$t")
    [ "$m" -gt "$mem" ] && mem=$m
  done
  echo "$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p) $mem"
}

# BENCH_BUNDLE_CMDS="list log": only these without the index (default: all; each takes as long
# as reading every bundle). BENCH_REUSE=1: the results of a size measured before (kept in $BENCH_DIR/results.N) are
# printed again instead of measured anew
# bundle_once NAME CMD...: once, when NAME is among $BENCH_BUNDLE_CMDS
bundle_once() {
  case " ${BENCH_BUNDLE_CMDS:-$names} " in
    *" $1 "*) once "$@" ;;
    *) echo "- -" ;;
  esac
}

# a new group to file: the example's data with a group code none of the generated groups has
# (archives generated before gen.c gave each group its own share the example's)
sed 's#weixin.qq.com/g/[A-Za-z0-9]*#weixin.qq.com/g/BenchNewGroup2026#' \
  "$ROOT/examples/workgroup-filing.json" >"$W/new.json"

names="submit approve log list list-state due search-2 search-3 search-phone verify reindex"
for n in $SIZES; do
  a=$BENCH_DIR/a$n
  if [ "${BENCH_REUSE:-0}" = 1 ] && [ -s "$BENCH_DIR/results.$n" ]; then
    cat "$BENCH_DIR/results.$n" >>"$W/results"; continue
  fi
  : >"$W/results.$n"
  if [ ! -s "$a/ledger.txt" ] || [ ! -e "$a/.complete" ]; then
    rm -rf "$a"
    echo "bench-archive: generating $n records ..." >&2
    start=$(date +%s)
    LD_PRELOAD=$NOSYNC "$GEN" "$a" "$n" || { echo "bench-archive: generator failed"; exit 1; }
    echo "bench-archive: generated $(wc -l <"$a/ledger.txt") bundles in $(($(date +%s) - start)) s" >&2
    "$BEIAN" verify --archive "$a" >/dev/null || { echo "bench-archive: the generated archive does not verify"; exit 1; }
    touch "$a/.complete"
  fi
  export BEIAN_ARCHIVE=$a
  bytes=$(du -sb "$a/records" | cut -f1)
  mid=$(printf 'QUN-2026-%04d' $((n / 2)))
  for mode in index bundles; do
    if [ $mode = bundles ]; then export BEIAN_NO_INDEX=1; run=bundle_once; else unset BEIAN_NO_INDEX; run=measure; fi
    day=$((10 + ${#mode}))
    BEIAN_NO_INDEX= "$BEIAN" -q submit "$W/new.json" --date 2026-12-$day -o "$W/form.pdf" >"$W/rec" 2>/dev/null || exit 1
    r_submit=$($run submit "$BEIAN" -q submit "$W/new.json" --date 2026-12-$day -o "$W/form.pdf")
    rec=$(tail -1 "$BEIAN_ARCHIVE/ledger.txt" | cut -d' ' -f5)
    # the signed paper comes back as a 150 dpi scan (a PDF beian wrote is no scan); an
    # approval files once, so each of the 3 runs approves a submission of its own
    pdftoppm -r 150 -png -singlefile "$W/form.pdf" "$W/scan" || exit 1
    if [ $mode = index ]; then
      r_approve=$(approve3 "$day")
    else
      r_approve=$(bundle_once approve "$BEIAN" -q approve "$rec" --scan "$W/scan.png" --date 2026-12-$day)
    fi
    r_log=$($run log "$BEIAN" log "$mid")
    r_list=$($run list "$BEIAN" list --format tsv)
    r_list_state=$($run list-state "$BEIAN" list --state changed --format tsv)
    r_due=$($run due "$BEIAN" due --today 2026-12-31)
    r_search_2=$($run search-2 "$BEIAN" search 王伟)
    r_search_3=$($run search-3 "$BEIAN" search "测试$((n / 3))班")
    r_search_phone=$($run search-phone "$BEIAN" search "$(phone_of $((n / 2)))")
    if [ $mode = index ]; then
      r_verify=$(once verify "$BEIAN" verify)
      r_reindex=$(once reindex "$BEIAN" reindex)
    else
      r_verify=$r_verify r_reindex=$r_reindex
    fi
    for c in $names; do
      v=r_${c//-/_}
      echo "$n $mode $c ${!v}" >>"$W/results.$n"
    done
  done
  unset BEIAN_NO_INDEX
  echo "$n bytes $bytes $(wc -l <"$a/ledger.txt")" >>"$W/results.$n"
  cp "$W/results.$n" "$BENCH_DIR/results.$n"
  cat "$W/results.$n" >>"$W/results"
done

# the table
awk -v sizes="$SIZES" '
  { if ($3 ~ /^[0-9]+$/ && $2 == "bytes") { bytes[$1] = $3; lines[$1] = $4; next }
    t[$1, $2, $3] = $4; m[$1, $2, $3] = $5; cpu[$1, $2, $3] = $6 }
  END {
    split(sizes, s, " "); a = s[1]; b = s[2]
    printf "%-13s %9s %9s %7s %13s %7s %9s\n", "command", a " ms", b " ms", "growth", "no index " b, "ratio", "peak MiB"
    n = split("submit approve log list list-state due search-2 search-3 search-phone verify reindex", c, " ")
    for (i = 1; i <= n; i++) {
      x = t[a, "index", c[i]]; y = t[b, "index", c[i]]; z = t[b, "bundles", c[i]]
      printf "%-13s %9d %9d %6.2fx %13s %7s %9.1f\n", c[i], x, y, x ? y / x : 0,
        (c[i] == "verify" || c[i] == "reindex" || z == "-") ? "-" : z,
        (c[i] == "verify" || c[i] == "reindex" || z == "-" || !y) ? "-" : sprintf("%.0fx", z / y),
        m[b, "index", c[i]] / 1024
    }
    for (k = 1; k <= 2; k++) if (t[s[k], "index", "verify"])
      printf "verify at %s records: %d bundles, %.0f MB in %.1f s = %.0f MB/s (CPU %.1f s = %.0f MB/s on one core)\n",
        s[k], lines[s[k]], bytes[s[k]] / 1e6, t[s[k], "index", "verify"] / 1000,
        bytes[s[k]] / 1e3 / t[s[k], "index", "verify"], cpu[s[k], "index", "verify"] / 1000,
        cpu[s[k], "index", "verify"] ? bytes[s[k]] / 1e3 / cpu[s[k], "index", "verify"] : 0
  }' "$W/results"
