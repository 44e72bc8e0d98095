#!/bin/sh
# bench/scan/measure.sh - decode rates of beian's footer tracking code on generated scans.
#
#   measure.sh [-s SEED] [-n COUNT] [-o DIR] [-r] [-b]
#
# Runs gen.sh (SEED, COUNT: default 1 and 320; -r reuses the scans already in DIR), then reads
# every scan five ways and prints, per degradation bucket, the share of scans whose tracking
# code (the expected payload of the manifest) was read:
#   beian        beian's own reader, beian_scan_codes (src/input/scan.c: the whole page, then
#                the footer retries) on the file as written (readcodes.c, linked with the
#                libbeian.a beside $BEIAN: BEIAN_LIB), time per scan with the file's decoding;
#   zbarimg      `zbarimg --raw -q` on the file (a PDF rendered at 200 dpi by pdftocairo first,
#                as src/input/scan.c renders it), wall time of the commands;
#   zbar page    libzbar on the whole 8-bit grey page, as scan.c does today (zretry.c, step full);
#   zbar retries the cheapest sequence of zretry.c's preprocessing steps (footer corners, scale,
#                binarisation, sharpening, deskew) that reaches 99 %, found by analyze.py;
#   zxing        ZXing-C++ (python3-zxing-cpp) on the page and on the footer corners x2.
# -b reads with beian only, prints its table and exits 1 when its rate is below TARGET (the
# benchmark of issue 13 point 1). Times are per scan, in ms, on the grey page in memory (reading the file excluded), except for
# zbarimg. Then the page tests of issue 13 point 8 (pagestats.c): ink fraction and longest rule.
#
# Environment: BEIAN (for gen.sh), GEN_JOBS, PYTHON (default python3), TARGET (default 0.99),
# SEQS (sequences to evaluate besides those found, "c1_otsu>c1_adapt;zx_c2"), MAXLEN (longest sequence
# searched, default 4). Needs (Debian 12): build-essential, pkg-config, libzbar-dev, zbar-tools,
# poppler-utils, imagemagick, img2pdf, python3; python3-zxing-cpp and python3-numpy for ZXing.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SEED=1 COUNT=320 OUT=scans REUSE= ONLY=
while getopts s:n:o:rb o; do
    case $o in
    s) SEED=$OPTARG ;;
    n) COUNT=$OPTARG ;;
    o) OUT=$OPTARG ;;
    r) REUSE=1 ;;
    b) ONLY=beian ;;
    *) echo "usage: measure.sh [-s SEED] [-n COUNT] [-o DIR] [-r] [-b]" >&2; exit 64 ;;
    esac
done
if [ -z "$REUSE" ] || ! [ -s "$OUT/manifest.tsv" ]; then
    sh "$HERE/gen.sh" -s "$SEED" -n "$COUNT" -o "$OUT"
fi
OUT=$(cd "$OUT" && pwd)
PY=${PYTHON:-python3}
ZBAR_FLAGS=$(pkg-config --cflags --libs zbar) ||
    { echo "measure.sh: needs libzbar-dev and pkg-config" >&2; exit 69; }
# beian's reader: readcodes.c against the library built with $BEIAN (BUILD/libbeian.a for
# BIN=BUILD/bin; the default build/ and bin/ otherwise)
ROOT=$(cd "$HERE/../.." && pwd)
BEIAN_BIN=${BEIAN:-$ROOT/bin/beian}
LIB=${BEIAN_LIB:-$(dirname "$BEIAN_BIN")/../libbeian.a}
[ -s "$LIB" ] || LIB=$ROOT/build/libbeian.a
[ -s "$LIB" ] || { echo "measure.sh: no libbeian.a (run make, or set BEIAN_LIB)" >&2; exit 69; }
PKGS=$(sed -n 's/^PKGS := //p' "$ROOT/Makefile")
# shellcheck disable=SC2046,SC2086
cc -O2 -std=c11 -I"$ROOT/include" -o "$OUT/readcodes" "$HERE/readcodes.c" "$LIB" \
    $(pkg-config --libs $PKGS) -lhpdf -lm
tail -n +2 "$OUT/manifest.tsv" | awk -F '\t' -v d="$OUT" '{ id = $1; sub(/\.[a-z]+$/, "", id)
    print id "\t" d "/" $1 "\t" $12 }' | "$OUT/readcodes" >"$OUT/beian.tsv"
if [ -n "$ONLY" ]; then
    rm -f "$OUT/zbarimg.tsv" "$OUT/zretry.tsv" "$OUT/zx.tsv"
    exec env ONLY=beian "$PY" "$HERE/analyze.py" "$OUT"
fi
cc -O2 -std=c11 -o "$OUT/zretry" "$HERE/zretry.c" $ZBAR_FLAGS -lm
cc -O2 -std=c11 -o "$OUT/pagestats" "$HERE/pagestats.c" -lm

ms() { echo $(($(date +%s%N) / 1000000)); }

# zbarimg on each file, and each page as 8-bit grey PGM for the in-process decoders
mkdir -p "$OUT/pgm"
: >"$OUT/zbarimg.tsv"
: >"$OUT/list.tsv"
tail -n +2 "$OUT/manifest.tsv" | while IFS="$(printf '\t')" read -r file src page dpi rot blur q noise persp colour cont expected pts; do
    id=${file%.*}
    f=$OUT/$file
    t0=$(ms)
    if [ "$cont" = pdf ]; then
        pdftocairo -r 200 -gray -png -singlefile "$f" "$OUT/pgm/$id"
        got=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$OUT/pgm/$id.png" 2>/dev/null || true)
        t1=$(ms)
        convert "$OUT/pgm/$id.png" -colorspace Gray "$OUT/pgm/$id.pgm"
        rm -f "$OUT/pgm/$id.png"
    else
        got=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$f" 2>/dev/null || true)
        t1=$(ms)
        convert "$f" -colorspace Gray "$OUT/pgm/$id.pgm"
    fi
    r=0
    if printf '%s\n' "$got" | grep -qxF "$expected"; then
        r=1
    elif printf '%s\n' "$got" | grep -q '^beian:'; then
        r=2
    fi
    printf '%s\t%s\t%s\n' "$id" $r $((t1 - t0)) >>"$OUT/zbarimg.tsv"
    printf '%s\t%s\t%s\t%s\n' "$id" "$OUT/pgm/$id.pgm" "$expected" "$rot" >>"$OUT/list.tsv"
done

"$OUT/zretry" <"$OUT/list.tsv" >"$OUT/zretry.tsv"
if "$PY" -c 'import zxingcpp, numpy' 2>/dev/null; then
    "$PY" "$HERE/zx.py" <"$OUT/list.tsv" >"$OUT/zx.tsv"
else
    echo "measure.sh: no ZXing (apt-get install python3-zxing-cpp python3-numpy): its columns are left out" >&2
    rm -f "$OUT/zx.tsv"
fi
"$OUT/pagestats" <"$OUT/list.tsv" >"$OUT/pagestats.tsv"

"$PY" "$HERE/analyze.py" "$OUT"
echo
echo "Page tests (issue 13 point 8), min..max over these scans per source page: ink50, ink75 = share"
echo "of pixels darker than 1/2, 3/4 of the paper; mass = darkness beyond a dead zone of 1/5 of the"
echo "paper; rule = the longest ruled line as a share of the page width (pagestats.c):"
awk -F '\t' 'NR == FNR { if (FNR > 1) { id = $1; sub(/\.[a-z]+$/, "", id); src[id] = $2 ($2 == "appendix" ? $3 : "") }; next }
    { s = src[$1]; if (!(s in n)) { n[s] = 0; for (c = 2; c <= 5; c++) { lo[s, c] = 9; hi[s, c] = -1 } }
      n[s]++; t[s] += $6
      for (c = 2; c <= 5; c++) { if ($c < lo[s, c]) lo[s, c] = $c; if ($c > hi[s, c]) hi[s, c] = $c } }
    END { printf "  %-12s %4s  %-15s  %-15s  %-15s  %-11s  %s\n", "source", "n", "ink50", "ink75", "mass", "rule", "ms"
          for (s in n) printf "  %-12s %4d  %.4f..%.4f  %.4f..%.4f  %.4f..%.4f  %.2f..%.2f  %.0f\n", s, n[s],
              lo[s, 2], hi[s, 2], lo[s, 3], hi[s, 3], lo[s, 4], hi[s, 4], lo[s, 5], hi[s, 5], t[s] / n[s] }' \
    "$OUT/manifest.tsv" "$OUT/pagestats.tsv"
