#!/bin/sh
# bench/scan/variants.sh - scans of pages beian does not print, through the same generator.
#
#   variants.sh modules [-s SEED] [-n COUNT] [-o DIR]
#       The tracking code at candidate sizes, alone on a white A4 page at its footer place (the
#       modules' bottom right corner 28.2 mm from the right edge and 4.2 mm from the bottom, as
#       beian prints it): a record payload of today's length (38 characters, version 2-L, 25
#       modules, as beian prints a record's code) with modules of 0.79 mm (today), 1.0, 1.1 and
#       1.2 mm, and the same payload at level M (version 3, 29 modules) with 1.0 and 1.2 mm.
#       Scanned at 100 dpi with a blur of 1.0..1.5 px (GEN_DPI=100 GEN_BLUR_MIN=1.0), the other
#       degradations as gen.sh draws them. Default COUNT 240 (40 a variant).
#   variants.sh pages [-s SEED] [-n COUNT] [-o DIR]
#       A blank page and a page of text only (no table; a tracking code in its footer), at every
#       dpi and degradation of gen.sh, for the page tests of issue 13 point 8 (masters at 300
#       dpi). Default COUNT 80.
# Then measure.sh -r on DIR prints the table ("source" rows are the variants).
# Needs qrencode, imagemagick and fonts-wqy-zenhei besides what gen.sh and measure.sh need.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
what=${1:-}
shift || true
SEED=1 COUNT= OUT=
while getopts s:n:o: o; do
    case $o in
    s) SEED=$OPTARG ;;
    n) COUNT=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) exit 64 ;;
    esac
done
PAYLOAD=beian:QUN-2026-0001/1/3F2A9C0D11E4B7A8
W=4961 H=7016 # A4 at 600 dpi
RES=600
px() { awk -v mm="$1" -v res="$RES" 'BEGIN { printf "%d", mm / 25.4 * res + 0.5 }'; }

# code LEVEL MODULE_MM MASTER: the payload at its footer place on the page MASTER
code() {
    qrencode -l "$1" -m 0 -s 1 -o "$3.qr.png" "$PAYLOAD"
    n=$(identify -format %w "$3.qr.png")
    side=$(px "$(awk -v n="$n" -v m="$2" 'BEGIN { print n * m }')")
    x=$(($(px 181.84) - side)) y=$(($(px 292.84) - side))
    convert "$3" \( "$3.qr.png" -filter Point -resize "${side}x${side}!" \) -geometry "+$x+$y" \
        -composite -type Grayscale -depth 8 "$3"
    rm -f "$3.qr.png"
    echo "$n"
}

case $what in
modules)
    OUT=${OUT:-scans-modules} COUNT=${COUNT:-240}
    mkdir -p "$OUT/src"
    S=$(cd "$OUT/src" && pwd)
    : >"$S/sources.tsv"
    for v in L:0.79 L:1.0 L:1.1 L:1.2 M:1.0 M:1.2; do
        l=${v%:*} m=${v#*:}
        f=$S/$l-$m.png
        convert -size ${W}x$H xc:white -type Grayscale -depth 8 "$f"
        n=$(code "$l" "$m" "$f")
        mm=$(awk -v n="$n" -v m="$m" 'BEGIN { printf "%.1f", n * m }')
        echo "variants.sh: $l $m mm: $n modules, $mm mm without the quiet zone" >&2
        printf '%s\t%s\t1\t%s\n' "${l}${n}-${m}mm" "$f" "$PAYLOAD" >>"$S/sources.tsv"
    done
    GEN_SOURCES=$S/sources.tsv GEN_DPI=100 GEN_BLUR_MIN=1.0 \
        sh "$HERE/gen.sh" -s "$SEED" -n "$COUNT" -o "$OUT"
    ;;
pages)
    OUT=${OUT:-scans-pages} COUNT=${COUNT:-80}
    mkdir -p "$OUT/src"
    S=$(cd "$OUT/src" && pwd)
    RES=300 W=2481 H=3508 # text needs no finer master than this, and it is 4 times faster
    convert -size ${W}x$H xc:white -type Grayscale -depth 8 "$S/blank.png"
    font=$(fc-match -f '%{file}' 'WenQuanYi Zen Hei' 2>/dev/null || true)
    # lines of text of about 150 mm at 10.5 pt, and no rules: the 附页 of a long reason is such a
    # page (one label a line: ImageMagick 6 refuses a wide multi-line label)
    set --
    i=0
    while [ $i -lt 14 ]; do
        set -- "$@" label:"二、开通的必要性。当前学生获取信息主要依靠手机，短视频已成为青年学生最常用的学习" \
            label:"和娱乐方式。开通微信视频号《宁职院思政课堂》，可以把课堂上的精彩片段、专题讲座" \
            label:"和理论宣讲转化为学生喜闻乐见的短视频，推动思政课从线下走向线上、从课内延伸到课"
        i=$((i + 1))
    done
    convert -background white -fill black ${font:+-font "$font"} -pointsize 44 "$@" \
        -gravity West -append "$S/text.caption.png"
    convert "$S/blank.png" "$S/text.caption.png" -geometry "+$(px 25)+$(px 30)" -composite \
        -type Grayscale -depth 8 "$S/text.png"
    rm -f "$S/text.caption.png"
    code L 0.79 "$S/text.png" >/dev/null
    printf 'blank\t%s\t1\t-\ntext\t%s\t1\t%s\n' "$S/blank.png" "$S/text.png" "$PAYLOAD" >"$S/sources.tsv"
    GEN_SOURCES=$S/sources.tsv sh "$HERE/gen.sh" -s "$SEED" -n "$COUNT" -o "$OUT"
    ;;
*)
    echo "usage: variants.sh modules|pages [-s SEED] [-n COUNT] [-o DIR]" >&2
    exit 64
    ;;
esac
sh "$HERE/measure.sh" -r -o "$OUT"
