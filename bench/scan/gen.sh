#!/bin/sh
# bench/scan/gen.sh - degraded "office scans" of beian's printed forms, for the scan benchmark.
#
#   gen.sh [-s SEED] [-n COUNT] [-o DIR]
#
# Prints the source forms with $BEIAN (default ../../bin/beian from this script): a 附件4 form
# (examples/workgroup-filing.json, one page, with the group's QR code), a form with its 附页
# (tests/data/application-long-reason.json, 2 pages), a 60-page print job (batch of
# tests/golden/groups-60.csv) and a submitted archive form (its code carries a record number).
# The expected payload of each page is what zbarimg reads from a clean 300 dpi render.
#
# Then COUNT cases (default 320), each a page with random degradations drawn from SEED
# (default 1; the same seed gives the same cases with the same tools, byte for byte but for a
# PDF's random /ID: the noise is seeded too):
#   dpi        100, 150 or 200 (pdftoppm)
#   colour     grey, or colour on a tinted paper
#   rotation   -3..3 degrees, one case in six upside down (180 more)
#   perspective  a phone held not quite flat: each corner moved by up to 0..1.5 % of the width
#   blur       Gaussian, sigma 0..1.5 px
#   noise      Gaussian (ImageMagick -attenuate 0..1 +noise Gaussian), in two cases of three
#   container  png, jpg (quality 40..95), or pdf: the JPEG embedded with img2pdf ("scan to PDF")
# DIR/manifest.tsv lists them: file, source, page, dpi, rotation, blur, quality, noise,
# perspective (% of width), colour, container, expected payload, and the perspective's points.
#
# Environment: BEIAN, GEN_JOBS (parallel jobs, default the processors), GEN_DPI (one dpi for
# every case), GEN_BLUR_MIN (the least blur, default 0), GEN_SOURCES (a TSV of
# "name<TAB>file<TAB>page<TAB>expected" to use instead of beian's forms: a .pdf page, or a
# .png raster of the A4 page, at 300 or 600 dpi, that is box-filtered down to the case's dpi).
# Needs (Debian 12): poppler-utils, imagemagick, img2pdf, zbar-tools, mawk or gawk.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# --case: one case (called by xargs below)
if [ "${1:-}" = "--case" ]; then
    shift
    out=$1 id=$2 file=$3 page=$4 dpi=$5 rot=$6 blur=$7 q=$8 noise=$9
    shift 9
    colour=$1 cont=$2 pts=$3 tint=$4 nseed=$5
    tmp=$out/tmp-$id
    case "$file" in
    *.pdf)
        if [ "$colour" = grey ]; then g=-gray; else g=; fi
        pdftoppm -r "$dpi" -f "$page" -l "$page" -singlefile $g -png "$file" "$tmp"
        ;;
    *)  # a master raster (300 or 600 dpi): what a scanner's sensor sees is the area average
        px=$(awk -v d="$dpi" 'BEGIN { printf "%d", 210 / 25.4 * d + 0.5 }')
        convert "$file" -filter Box -resize "${px}x" "$tmp.png"
        ;;
    esac
    set -- "$tmp.png"
    if [ "$colour" = colour ]; then
        set -- "$@" -colorspace sRGB -type TrueColor \( +clone -fill "$tint" -colorize 100 \) \
            -compose Multiply -composite
    fi
    set -- "$@" -background white -virtual-pixel background
    [ "$pts" = - ] || set -- "$@" -distort Perspective "$pts"
    set -- "$@" -rotate "$rot" +repage
    [ "$blur" = 0 ] || set -- "$@" -gaussian-blur "0x$blur"
    [ "$noise" = 0 ] || set -- "$@" -seed "$nseed" -attenuate "$noise" +noise Gaussian
    [ "$colour" = colour ] || set -- "$@" -colorspace Gray
    set -- "$@" -density "$dpi" -units PixelsPerInch -strip
    case "$cont" in
    png) convert "$@" "$out/$id.png" ;;
    jpg) convert "$@" -quality "$q" "$out/$id.jpg" ;;
    pdf)
        convert "$@" -quality "$q" "$tmp.jpg"
        img2pdf --nodate -o "$out/$id.pdf" "$tmp.jpg"
        rm -f "$tmp.jpg"
        ;;
    esac
    rm -f "$tmp.png"
    exit 0
fi

SEED=1 COUNT=320 OUT=scans
while getopts s:n:o: o; do
    case $o in
    s) SEED=$OPTARG ;;
    n) COUNT=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) echo "usage: gen.sh [-s SEED] [-n COUNT] [-o DIR]" >&2; exit 64 ;;
    esac
done
for t in pdftoppm convert img2pdf zbarimg; do
    command -v $t >/dev/null || { echo "gen.sh: needs $t (apt-get install poppler-utils imagemagick img2pdf zbar-tools)" >&2; exit 69; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JOBS=${GEN_JOBS:-$(nproc 2>/dev/null || echo 2)}

# The payload zbar reads from a clean 300 dpi render of a page, or "-".
expected() {
    pdftoppm -r 300 -gray -f "$2" -l "$2" -singlefile -png "$1" "$OUT/src/clean" &&
        zbarimg -q --raw -Sdisable -Sqrcode.enable "$OUT/src/clean.png" 2>/dev/null |
        grep '^beian:' | head -n 1 || echo -
}

if [ -n "${GEN_SOURCES:-}" ]; then
    SOURCES=$GEN_SOURCES
else
    SOURCES=$OUT/src/sources.tsv
    if ! [ -s "$SOURCES" ]; then
        BEIAN=${BEIAN:-$ROOT/bin/beian}
        [ -x "$BEIAN" ] || { echo "gen.sh: no beian binary at $BEIAN (make, or set BEIAN)" >&2; exit 66; }
        export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"
        S=$OUT/src
        rm -rf "$S" && mkdir -p "$S"
        (cd "$ROOT" &&
            "$BEIAN" fill examples/workgroup-filing.json -o "$S/filing.pdf" &&
            "$BEIAN" fill tests/data/application-long-reason.json -o "$S/appendix.pdf" &&
            "$BEIAN" batch workgroup-filing tests/golden/groups-60.csv --combined "$S/job.pdf" &&
            BEIAN_ARCHIVE="$S/archive" "$BEIAN" submit examples/platform-application.json \
                --date 2026-11-24 -o "$S/submitted.pdf") >"$S/beian.log" 2>&1 ||
            { cat "$S/beian.log" >&2; exit 1; }
        : >"$S/list.tmp"
        for p in filing:1 appendix:1 appendix:2 submitted:1; do
            n=${p%:*} pg=${p#*:}
            printf '%s\t%s\t%s\t%s\n' "$n" "$S/$n.pdf" "$pg" "$(expected "$S/$n.pdf" "$pg")" >>"$S/list.tmp"
        done
        pdftoppm -r 300 -gray -png "$S/job.pdf" "$S/job"
        for f in "$S"/job-*.png; do
            pg=${f##*-}
            pg=${pg%.png}
            pg=${pg#0}
            printf 'job\t%s\t%s\t%s\n' "$S/job.pdf" "$pg" "$(zbarimg -q --raw -Sdisable \
                -Sqrcode.enable "$f" 2>/dev/null | grep '^beian:' | head -n 1 || echo -)" >>"$S/list.tmp"
            rm -f "$f"
        done
        rm -f "$S/clean.png"
        mv "$S/list.tmp" "$SOURCES"
    fi
fi

# Parameters: a Park-Miller generator in awk (exact in mawk's and gawk's doubles), so a seed
# gives the same cases with either awk. Print-job pages are drawn as one source of five.
awk -F '\t' -v seed="$SEED" -v count="$COUNT" -v fixdpi="${GEN_DPI:-}" \
    -v blurmin="${GEN_BLUR_MIN:-0}" -v out="$OUT" '
function rnd() { st = (st * 16807) % 2147483647; return st / 2147483647 }
function pick(n) { return int(rnd() * n) }
function round(x, k) { return int(x * k + 0.5) / k }
{ name[NR] = $1; file[NR] = $2; page[NR] = $3; ex[NR] = $4
  if (!($1 in first)) { first[$1] = NR; kinds[++nk] = $1 }
  last[$1] = NR }
END {
  st = (seed * 7919 + 12345) % 2147483646 + 1
  for (i = 0; i < 10; i++) rnd()
  for (c = 1; c <= count; c++) {
    k = kinds[pick(nk) + 1]
    r = first[k] + pick(last[k] - first[k] + 1)
    dpi = fixdpi != "" ? fixdpi : (pick(3) == 0 ? 100 : (pick(2) ? 150 : 200))
    colour = pick(2) ? "colour" : "grey"
    rot = round(rnd() * 6 - 3, 10); if (pick(6) == 0) rot += 180
    blur = round(blurmin + rnd() * (1.5 - blurmin), 20); if (blurmin == 0 && pick(8) == 0) blur = 0
    noise = pick(3) == 0 ? 0 : round(rnd(), 100)
    u = rnd(); cont = u < 0.2 ? "png" : (u < 0.65 ? "jpg" : "pdf")
    q = cont == "png" ? "-" : 40 + pick(56)
    persp = pick(3) == 0 ? 0 : round(rnd() * 1.5, 10)
    w = int(210 / 25.4 * dpi + 0.5); h = int(297 / 25.4 * dpi + 0.5)
    if (persp > 0) {
      d = persp / 100 * w
      pts = sprintf("0,0 %d,%d  %d,0 %d,%d  %d,%d %d,%d  0,%d %d,%d", \
        rnd() * d, rnd() * d, w, w - rnd() * d, rnd() * d, w, h, w - rnd() * d, h - rnd() * d, \
        h, rnd() * d, h - rnd() * d)
    } else pts = "-"
    tint = sprintf("rgb(%d,%d,%d)", 250 - pick(8), 244 - pick(12), 225 - pick(25))
    id = sprintf("case%04d", c)
    printf "%s.%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, cont, name[r], page[r], \
      dpi, rot, blur, q, noise, persp, colour, cont, ex[r], pts > (out "/manifest.tsv.tmp")
    # the arguments of one --case call, one per line for xargs
    printf "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%d\n", out, id, file[r], page[r], \
      dpi, rot, blur, q == "-" ? 0 : q, noise, colour, cont, pts, tint, (seed % 20000) * 100000 + c
  }
}' "$SOURCES" | tr '\n' '\0' | xargs -0 -r -n 14 -P "$JOBS" sh "$HERE/gen.sh" --case
{
    printf 'file\tsource\tpage\tdpi\trotation\tblur\tquality\tnoise\tperspective\tcolour\tcontainer\texpected\tperspective_points\n'
    cat "$OUT/manifest.tsv.tmp"
} >"$OUT/manifest.tsv"
rm -f "$OUT/manifest.tsv.tmp"
echo "gen.sh: $COUNT cases (seed $SEED) in $OUT, listed in $OUT/manifest.tsv" >&2
