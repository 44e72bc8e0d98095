#!/bin/sh
# bench/run.sh - `make bench`: beian against the ReportLab reference, side by side, in one run.
#
# Renders the same sheet of work groups (附件4, bench/rows.sh, 1000 rows unless BENCH_ROWS)
# four ways and prints forms per second, CPU time per form, bytes per PDF and peak memory:
#   ReportLab 3.6 (../shared/bench/reportlab_workgroup.py, Debian's python3-reportlab),
#   beian per file, beian per file with -j 2, and beian --combined (one print job);
# then beian per file on a 10 000-row sheet (BENCH_BIG_ROWS; 0 skips it) to show that its
# memory does not grow with the rows. Absolute times drift between machines and with their
# load; the ratios, measured in the same run, are what the targets of issue 4 are about.
#
# Rates are wall-clock over the whole process for beian (start-up, font parsing and reading
# the sheet included) and ReportLab's own in-process figure (its interpreter start-up and
# imports left out), which favours the reference. CPU ms/form is user + system time, which
# machine load does not inflate. BENCH_PROFILE=1 adds `perf` figures of where beian's time goes.
#
# Environment: BEIAN (the binary, default bin/beian), BENCH_ROWS, BENCH_BIG_ROWS,
# BENCH_REF (the ReportLab script), BENCH_PROFILE, BENCH_KEEP (keep the output folder).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
ROWS=${BENCH_ROWS:-1000}
BIG=${BENCH_BIG_ROWS:-10000}
REF=${BENCH_REF:-$ROOT/../shared/bench/reportlab_workgroup.py}
export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"

[ -x "$BEIAN" ] || { echo "bench: no beian binary at $BEIAN (run make first)" >&2; exit 66; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (Debian package time)" >&2; exit 69; }
W=$(mktemp -d "${TMPDIR:-/tmp}/beian-bench.XXXXXX") || exit 73
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

sh "$ROOT/bench/rows.sh" "$ROWS" >"$W/rows.csv"

# measure NAME FORMS OUTPUT CMD...: runs CMD under GNU time and appends one result line:
# name|forms|wall s|cpu s|peak KiB|bytes written|files
measure() {
  name=$1 forms=$2 out=$3; shift 3
  if ! /usr/bin/time -f '%e %U %S %M' -o "$W/time" "$@" >"$W/stdout" 2>"$W/stderr"; then
    echo "bench: $name failed:" >&2; tail -5 "$W/stderr" >&2; return 1
  fi
  set -- $(cat "$W/time")
  wall=$1 cpu=$(awk -v u="$2" -v s="$3" 'BEGIN {print u + s}') rss=$4
  if [ -d "$out" ]; then
    bytes=$(find "$out" -name '*.pdf' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    files=$(find "$out" -name '*.pdf' | wc -l)
  else
    bytes=$(stat -c %s "$out"); files=1
  fi
  echo "$name|$forms|$wall|$cpu|$rss|$bytes|$files" >>"$W/results"
}

: >"$W/results"
ref_rate=""
if [ -f "$REF" ] && /usr/bin/python3 -c 'import reportlab' 2>/dev/null; then
  measure "ReportLab 3.6, per file" "$ROWS" "$W/rl" /usr/bin/python3 "$REF" "$W/rows.csv" "$W/rl" || exit 70
  ref_rate=$(sed -n 's/.*forms_per_s=\([0-9.]*\).*/\1/p' "$W/stdout")
else
  echo "bench: ReportLab reference not run: needs $REF and Debian's python3-reportlab" >&2
fi
measure "beian per file" "$ROWS" "$W/one" "$BEIAN" -q batch workgroup-filing "$W/rows.csv" -o "$W/one" || exit 70
measure "beian per file, -j 2" "$ROWS" "$W/two" "$BEIAN" -q batch workgroup-filing "$W/rows.csv" -o "$W/two" -j 2 || exit 70
measure "beian --combined" "$ROWS" "$W/all.pdf" "$BEIAN" -q batch workgroup-filing "$W/rows.csv" --combined "$W/all.pdf" || exit 70
if [ "$BIG" -gt 0 ]; then
  sh "$ROOT/bench/rows.sh" "$BIG" >"$W/big.csv"
  measure "beian per file, $BIG rows" "$BIG" "$W/big" "$BEIAN" -q batch workgroup-filing "$W/big.csv" -o "$W/big" || exit 70
  rm -rf "$W/big"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "beian bench: $ROWS work groups (附件4) from one CSV; $(nproc) cores ($cpu), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
awk -F'|' -v ref="$ref_rate" '
  function kib(b) { return b >= 1048576 ? sprintf("%.1f MiB", b / 1048576) : sprintf("%.1f KiB", b / 1024) }
  {
    rate = $2 / ($3 > 0 ? $3 : 0.001)
    if ($1 ~ /^ReportLab/ && ref != "") rate = ref
    cpu = $4 / $2
    if ($1 ~ /^ReportLab/) { base = rate; cbase = cpu }
    ratio = base ? sprintf("%.1fx", rate / base) : "-"
    c[NR] = cpu
    per = $7 > 1 ? kib($6 / $7) "/PDF" : kib($6 / $2) "/page"
    printf "  %-30s %8.1f forms/s %7s  %6.2f CPU ms/form  %15s  %10s total  %9s peak\n",
      $1, rate, ratio, 1000 * $4 / $2, per, kib($6), kib($5 * 1024)
    name[NR] = $1; r[NR] = rate; b[NR] = $6; f[NR] = $7; n[NR] = $2; m[NR] = $5
    if ($1 == "beian per file") small = $5
  }
  END {
    print ""
    for (i = 1; i <= NR; i++) {
      if (!base) break
      if (name[i] == "beian per file")
        printf "  target per file >= 6x ReportLab: %.1fx %s (by CPU time: %.1fx)\n", r[i] / base, (r[i] / base >= 6 ? "met" : "MISSED"), cbase / c[i]
      if (name[i] == "beian per file, -j 2")
        printf "  target -j 2 >= 10x: %.1fx %s\n", r[i] / base, (r[i] / base >= 10 ? "met" : "MISSED")
      if (name[i] == "beian --combined")
        printf "  target combined >= 30x and %d pages < 4 MiB: %.1fx %s (by CPU time: %.1fx), %s %s\n", n[i], r[i] / base, (r[i] / base >= 30 ? "met" : "MISSED"), cbase / c[i], kib(b[i]), (b[i] < 4194304 * (n[i] > 1000 ? n[i] / 1000 : 1) ? "met" : "MISSED")
    }
    for (i = 1; i <= NR; i++)
      if (name[i] ~ /rows$/)
        printf "  target %d rows per file < 64 MiB peak: %s %s (1000 rows: %s)\n", n[i], kib(m[i] * 1024), (m[i] < 65536 ? "met" : "MISSED"), kib(small * 1024)
  }' "$W/results"
largest=$(find "$W/one" -name '*.pdf' -printf '%s\n' | sort -n | tail -1)
# a one-page form in the Song face with its Latin face carries two font subsets: the budget
# is 48 KiB a form (issue 17), and a page of a print job under 4 KiB (the line above)
over=$(find "$W/one" -name '*.pdf' -size +48k | wc -l)
echo "  largest PDF: $largest bytes; $over of $ROWS over 48 KiB"

if [ -n "${BENCH_PROFILE:-}" ] && command -v perf >/dev/null; then
  echo
  echo "where the time goes (perf, beian per file, $ROWS rows):"
  rm -rf "$W/prof"
  perf record -q -o "$W/perf.data" "$BEIAN" -q batch workgroup-filing "$W/rows.csv" -o "$W/prof" >/dev/null 2>&1
  perf report -i "$W/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
  perf report -i "$W/perf.data" --no-children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
fi
