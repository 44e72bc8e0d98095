# Reading the footer tracking code from office scans (issue 13, point 1): generated degraded
# scans of every form kind (a one-page form, both pages of a form with its 附页, a page of a
# print job, a submitted form), each read through beian's own reader by `beian approve`.
# About 20 cases from the ranges of bench/scan (which measures a few hundred); each is seeded,
# so a failure replays. Needs pdftoppm, ImageMagick's convert and img2pdf.

QUN="$ROOT/examples/workgroup-filing.json"
LONG="$ROOT/tests/data/application-long-reason.json"

# forms: prints the drafts once per file: $T/qun.pdf (one page, with the group's QR code),
# $T/long.pdf (a form and its 附页) and $T/job.pdf (a print job of three pages)
forms() {
  [ -s "$T/job.pdf" ] && return 0
  "$BEIAN" -q fill "$QUN" -o "$T/qun.pdf" && "$BEIAN" -q fill "$LONG" -o "$T/long.pdf" &&
    head -4 "$ROOT/tests/golden/groups-60.csv" >"$T/job.csv" &&
    "$BEIAN" -q batch workgroup-filing "$T/job.csv" --combined "$T/job.pdf" ||
    fail "cannot print the forms"
}

# degrade PDF PAGE DPI OUT SEED CONVERT-OPTION...: page PAGE of PDF rendered at DPI (grey;
# colour when the options start with "colour") and degraded by convert with -seed SEED. OUT
# ending in .pdf is a scanner's "scan to PDF": the page embedded as a JPEG by img2pdf.
degrade() {
  pdf=$1 page=$2 dpi=$3 out=$4 seed=$5; shift 5
  gray=-gray
  if [ "${1:-}" = colour ]; then gray=; shift; fi
  pdftoppm -r "$dpi" -f "$page" -l "$page" $gray -png -singlefile "$pdf" "$T/raw" || return 1
  case $out in
  *.pdf) convert -seed "$seed" "$T/raw.png" "$@" -quality 60 "$T/raw.jpg" && img2pdf -o "$out" "$T/raw.jpg" ;;
  *) convert -seed "$seed" "$T/raw.png" "$@" "$out" ;;
  esac || fail "cannot degrade $pdf page $page"
}

# persp PX: the control points of a phone held not quite flat (for -distort Perspective): the
# corners of the last page rendered ($T/raw.png) moved by up to PX pixels
persp() {
  w=$(identify -format %w "$T/raw.png") h=$(identify -format %h "$T/raw.png")
  echo "0,0,$1,$(($1 / 2)) $w,0,$((w - $1 / 3)),$1 0,$h,$(($1 / 2)),$((h - $1)) $w,$h,$((w - $1)),$((h - $1 / 3))"
}

# reads SCAN: beian's reader finds the tracking code on a draft's scan. approve in an archive
# that holds none of the scanned records tells a draft's code (refused as a draft: file it
# with submit) from none. (approve makes no archive: the archive holds one other record.)
reads() {
  export BEIAN_ARCHIVE="$T/ar-other"
  [ -d "$T/ar-other" ] || "$BEIAN" -q submit "$ROOT/examples/platform-registration.json" \
    --date 2026-11-01 >/dev/null || fail "cannot make the archive" || return 1
  run "$BEIAN" approve --scan "$1" --date 2026-12-01
  if grep -q "no beian tracking code\|no tracking code" "$T/err"; then
    fail "$1: no tracking code read"
  elif [ "$rc" -ne 0 ] && ! grep -qi "draft" "$T/err"; then
    fail "$1: unexpected answer (exit $rc): $(head -c 400 "$T/err")"
  fi
}

TILT="-background white -rotate"

test_one_page_form_reads_at_100_dpi_blurred_rotated_and_noisy() {
  forms || return 1
  degrade "$T/qun.pdf" 1 100 "$T/a1.png" 11 $TILT 1.5 -blur 0x1.0 && reads "$T/a1.png" || return 1
  degrade "$T/qun.pdf" 1 100 "$T/a2.jpg" 12 $TILT -2.8 -blur 0x1.4 -quality 40 && reads "$T/a2.jpg" || return 1
  degrade "$T/qun.pdf" 1 100 "$T/a3.png" 13 colour -channel B -evaluate multiply 0.88 +channel $TILT 0.7 -blur 0x1.2 -attenuate 0.8 +noise Gaussian && reads "$T/a3.png" || return 1
  degrade "$T/qun.pdf" 1 100 "$T/a4.jpg" 14 $TILT 3 -blur 0x0.8 -attenuate 0.5 +noise Gaussian -quality 55 && reads "$T/a4.jpg"
}

test_one_page_form_reads_at_150_dpi_as_a_phone_photo() {
  forms || return 1
  degrade "$T/qun.pdf" 1 150 "$T/b1.jpg" 21 $TILT 1.5 -blur 0x1.0 -quality 60 && reads "$T/b1.jpg" || return 1
  degrade "$T/qun.pdf" 1 150 "$T/b2.jpg" 22 colour $TILT -1.2 -blur 0x1.5 -quality 40 && reads "$T/b2.jpg" || return 1
  degrade "$T/qun.pdf" 1 150 "$T/b3.png" 23 $TILT 2.2 -blur 0x1.5 -attenuate 1 +noise Gaussian && reads "$T/b3.png" || return 1
  pdftoppm -r 150 -gray -png -singlefile "$T/qun.pdf" "$T/raw" || return 1
  degrade "$T/qun.pdf" 1 150 "$T/b4.jpg" 24 -virtual-pixel white -distort Perspective "$(persp 18)" $TILT 1 -blur 0x1.2 -quality 50 && reads "$T/b4.jpg"
}

test_pages_scanned_upside_down_read() {
  forms || return 1
  degrade "$T/qun.pdf" 1 100 "$T/c1.png" 31 $TILT 181.5 -blur 0x1.1 && reads "$T/c1.png" || return 1
  degrade "$T/long.pdf" 1 150 "$T/c2.jpg" 32 $TILT 177.5 -blur 0x1.3 -quality 45 && reads "$T/c2.jpg" || return 1
  degrade "$T/job.pdf" 2 100 "$T/c3.jpg" 33 colour $TILT 180 -blur 0x0.9 -attenuate 0.6 +noise Gaussian -quality 70 && reads "$T/c3.jpg"
}

test_both_pages_of_a_form_with_its_attachment_read() {
  forms || return 1
  degrade "$T/long.pdf" 1 100 "$T/d1.png" 41 $TILT -1.8 -blur 0x1.2 -attenuate 0.4 +noise Gaussian && reads "$T/d1.png" || return 1
  degrade "$T/long.pdf" 2 100 "$T/d2.png" 42 $TILT 2.5 -blur 0x1.2 && reads "$T/d2.png" || return 1
  degrade "$T/long.pdf" 2 150 "$T/d3.jpg" 43 colour $TILT -0.6 -blur 0x1.4 -quality 40 && reads "$T/d3.jpg"
}

test_print_job_pages_read() {
  forms || return 1
  degrade "$T/job.pdf" 1 100 "$T/e1.jpg" 51 $TILT 2 -blur 0x1.3 -quality 60 && reads "$T/e1.jpg" || return 1
  degrade "$T/job.pdf" 3 150 "$T/e2.png" 52 colour $TILT -2.5 -blur 0x1.5 -attenuate 0.7 +noise Gaussian && reads "$T/e2.png" || return 1
  degrade "$T/job.pdf" 2 200 "$T/e3.jpg" 53 $TILT 1.2 -blur 0x1.5 -quality 40 && reads "$T/e3.jpg"
}

test_scan_to_pdf_reads() {
  forms || return 1
  degrade "$T/qun.pdf" 1 100 "$T/f1.pdf" 61 $TILT -1 -blur 0x1.2 && reads "$T/f1.pdf" || return 1
  degrade "$T/long.pdf" 2 150 "$T/f2.pdf" 62 colour $TILT 2.7 -blur 0x1.4 -attenuate 0.5 +noise Gaussian && reads "$T/f2.pdf"
}

test_degraded_scan_of_a_submitted_form_is_filed_by_its_code() {
  export BEIAN_ARCHIVE="$T/ar-sub"; rm -rf "$BEIAN_ARCHIVE"
  "$BEIAN" -q submit "$QUN" --date 2026-11-30 -o "$T/sub.pdf" >/dev/null || fail "submit failed" || return 1
  degrade "$T/sub.pdf" 1 100 "$T/g1.jpg" 71 $TILT 1.7 -blur 0x1.3 -attenuate 0.5 +noise Gaussian -quality 50 || return 1
  run "$BEIAN" approve --scan "$T/g1.jpg" --date 2026-12-01
  expect_rc 0 && expect_err "QUN-2026-0001" || return 1
}
