# The signed paper comes back (issue 13, points 2-10): a scan is filed only when its footer
# code was read and agrees with the record, the version in force and the data; a draft signed
# before filing is the same form; no code read is refused unless filed --unverified (and a
# blank page or one without a form never); only a scan is a signed copy; every page counts;
# review --scan follows the same rules; the filed scan can be had back byte for byte.
# Each test repeats an attack of the issue. Needs pdftoppm, ImageMagick's convert, img2pdf.

QUN="$ROOT/examples/workgroup-filing.json"
APP="$ROOT/examples/platform-application.json"
LONG="$ROOT/tests/data/application-long-reason.json"

ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
bundle() { ls "$BEIAN_ARCHIVE"/records/*/"$1"/v"$2"-*.zip; }
event_json() { unzip -p "$(bundle "$1" "$2")" '*data/event.json'; }
# scan PDF OUT [PAGE]: page PAGE (1) of the printed form as a 150 dpi grey scan (PNG or JPEG
# by OUT's name)
scan() {
  pdftoppm -r 150 -gray -f "${3:-1}" -l "${3:-1}" -png -singlefile "$1" "$T/raw" || return 1
  convert "$T/raw.png" "$2"
}
# tear IN OUT: the footer's bottom right corner (the tracking code) torn off
tear() { convert "$1" -fill white -draw "rectangle 860,1480 1240,1754" "$2"; }
# other QUN data: a new second administrator
changed() { sed 's/"admin2_name": "杨堃"/"admin2_name": "马昇"/' "$QUN" >"$1"; }
submitted() { "$BEIAN" -q submit "$QUN" --date 2026-11-30 -o "$T/$1.pdf" >/dev/null; }

test_draft_signed_before_filing_is_the_form_of_v1() {
  ar dr
  "$BEIAN" -q fill "$QUN" -o "$T/dr.pdf" && scan "$T/dr.pdf" "$T/dr.png" || return 1
  "$BEIAN" -q submit "$QUN" --date 2026-11-30 >/dev/null || return 1
  # without the record named: found by its digest (no duplicate submission advised)
  run "$BEIAN" approve --scan "$T/dr.png" --date 2026-12-01
  expect_rc 0 && expect_out "QUN-2026-0001 v2 approved" && expect_err "draft printed before filing" || return 1
  event_json QUN-2026-0001 2 | grep -q '"check": "draft"' || fail "event.json: $(event_json QUN-2026-0001 2)" || return 1
  event_json QUN-2026-0001 2 | grep -q '"code": "beian:DRAFT/0/' || fail "no code kept" || return 1
  run "$BEIAN" log QUN-2026-0001
  expect_out "a draft's code (printed before filing), data of v1" || return 1
  # with the record named, a second record filed from the same data: also accepted
  ar dr2; "$BEIAN" -q submit "$QUN" --date 2026-11-30 >/dev/null || return 1
  run "$BEIAN" approve QUN-2026-0001 --scan "$T/dr.png" --date 2026-12-01
  expect_rc 0 && expect_out "QUN-2026-0001 v2 approved"
}

test_draft_with_other_data_is_refused_also_when_the_record_is_named() {
  ar dd; changed "$T/dd.json"
  "$BEIAN" -q fill "$T/dd.json" -o "$T/dd.pdf" && scan "$T/dd.pdf" "$T/dd.png" || return 1
  "$BEIAN" -q submit "$QUN" --date 2026-11-30 >/dev/null || return 1
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/dd.png" --date 2026-12-01
  expect_rc 65 && expect_err "shows data other than v1's: it was printed before a change, or filled differently" || return 1
  [ ! -e "$BEIAN_ARCHIVE"/records/2026/QUN-2026-0001/v2-*.zip ] || fail "filed all the same"
}

test_existing_refusals_hold_with_the_record_named() {
  ar ex; submitted ex1 || return 1
  "$BEIAN" -q submit "$APP" --date 2026-11-30 -o "$T/ex-app.pdf" >/dev/null || return 1
  scan "$T/ex1.pdf" "$T/ex1.jpg" && scan "$T/ex-app.pdf" "$T/ex-app.png" || return 1
  # a 附件4 photo filed as the approval of a 附件3 record
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/ex-app.png" --date 2026-12-01
  expect_rc 65 && expect_err "this paper belongs to another record" || return 1
  # an old printing (v1) after a change made v3
  "$BEIAN" -q approve --scan "$T/ex1.jpg" --date 2026-12-01 >/dev/null || return 1
  changed "$T/ex.json"; "$BEIAN" -q change QUN-2026-0001 "$T/ex.json" --date 2026-12-05 >/dev/null || return 1
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/ex1.jpg" --date 2026-12-06
  expect_rc 65 && expect_err "names version 1" && expect_err "printed again as version 3" || return 1
  # a torn code does not switch the checks off: the record named is not enough
  tear "$T/ex1.jpg" "$T/ex1-torn.jpg"
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/ex1-torn.jpg" --date 2026-12-06
  expect_rc 65 && expect_err "rescan the paper at 300 dpi on a flatbed scanner" || return 1
  run "$BEIAN" log QUN-2026-0001; [ "$(grep -c '^v' "$T/out")" -eq 3 ] || fail "$(cat "$T/out")"
}

test_no_code_is_refused_and_unverified_filing_is_said_everywhere() {
  ar uv; submitted uv || return 1
  scan "$T/uv.pdf" "$T/uv.png" && tear "$T/uv.png" "$T/uv-torn.png" || return 1
  # the group's QR code still reads; the footer code is gone: refused, even under -q
  run "$BEIAN" -q approve --scan "$T/uv-torn.png" --date 2026-12-01
  expect_rc 65 && expect_err "no beian tracking code found in the footer" && expect_err "--unverified" || return 1
  # --unverified needs the record named
  run "$BEIAN" -q approve --scan "$T/uv-torn.png" --unverified "二维码破损" --date 2026-12-01
  expect_rc 64 || return 1
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/uv-torn.png" --unverified "二维码破损" --date 2026-12-01
  expect_rc 0 && expect_err "UNVERIFIED (未经校验)" && expect_err "二维码破损" || return 1
  event_json QUN-2026-0001 2 | grep -q '"unverified": "二维码破损"' || fail "event.json: $(event_json QUN-2026-0001 2)" || return 1
  event_json QUN-2026-0001 2 | grep -q '"signed_unverified": "二维码破损"' || fail "no signed_unverified" || return 1
  run "$BEIAN" log QUN-2026-0001; expect_out "未经校验 (unverified: no code read): 二维码破损" || return 1
  run "$BEIAN" list; expect_out "已备案（未经校验）" || return 1
  # csv and json say it too: a column 未经校验 and a key unverified
  run "$BEIAN" list --format csv
  head -1 "$T/out" | grep -q ',版本,未经校验' || fail "csv heading: $(head -1 "$T/out")" || return 1
  grep -q '^QUN-2026-0001,.*,已备案,.*,v2,是' "$T/out" || fail "csv row: $(cat "$T/out")" || return 1
  run "$BEIAN" list --format json
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["record"]=="QUN-2026-0001" and d[0]["unverified"] is True, d' "$T/out" ||
    fail "json: $(cat "$T/out")" || return 1
  run "$BEIAN" verify; expect_rc 0 && expect_out "QUN-2026-0001: 未经校验" || return 1
  run "$BEIAN" -q reprint QUN-2026-0001 -o "$T/uv-r.pdf" --date 2026-12-02
  expect_rc 0 && pdf_text "$T/uv-r.pdf" | grep -q "签字件未经校验" || fail "reprint lacks 未经校验" || return 1
  # carried to the next version while the same signed copy is
  "$BEIAN" -q review QUN-2026-0001 --year 2026 --date 2026-12-10 >/dev/null || return 1
  run "$BEIAN" list; expect_out "未经校验"
}

test_blank_page_or_page_without_form_is_refused_even_unverified() {
  ar bl; submitted bl || return 1
  convert -size 1240x1754 xc:white -attenuate 0.3 +noise Gaussian "$T/blank.png"
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/blank.png" --unverified "扫描件无码" --date 2026-12-01
  expect_rc 65 && expect_err "page 1 is blank" || return 1
  # the 附页 of a long application: text, no table
  "$BEIAN" -q fill "$LONG" -o "$T/long.pdf" && scan "$T/long.pdf" "$T/text.png" 2 || return 1
  tear "$T/text.png" "$T/text-torn.png"
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/text-torn.png" --unverified "扫描件无码" --date 2026-12-01
  expect_rc 65 && expect_err "page 1 has no form on it" || return 1
  run "$BEIAN" log QUN-2026-0001; [ "$(grep -c '^v' "$T/out")" -eq 1 ] || fail "filed: $(cat "$T/out")"
}

test_only_a_scan_is_a_signed_copy() {
  ar sc; submitted sc || return 1
  # the unsigned PDF beian printed
  run "$BEIAN" -q approve --scan "$T/sc.pdf" --date 2026-12-01
  expect_rc 65 && expect_err "page 1 is no scan" || return 1
  "$BEIAN" -q reprint QUN-2026-0001 -o "$T/sc-r.pdf" --date 2026-12-01 || return 1
  "$BEIAN" -q reprint QUN-2026-0001 --mask -o "$T/sc-m.pdf" --date 2026-12-01 || return 1
  "$BEIAN" -q reprint QUN-2026-0001 --exact -o "$T/sc-x.pdf" --date 2026-12-01 || return 1
  # a masked copy's code carries the record's digest and says it is masked
  scan "$T/sc-m.pdf" "$T/sc-m.png" && scan "$T/sc-r.pdf" "$T/sc-r.png" && scan "$T/sc-x.pdf" "$T/sc-x.png" || return 1
  orig=$(zbarimg -q --raw "$T/sc-x.png" 2>/dev/null | grep '^beian:')
  masked=$(zbarimg -q --raw "$T/sc-m.png" 2>/dev/null | grep '^beian:')
  [ -n "$orig" ] && [ "$masked" = "${orig%/P1}/M" ] || fail "masked code '$masked', original '$orig'" || return 1
  run "$BEIAN" -q approve --scan "$T/sc-r.png" --date 2026-12-01
  expect_rc 65 && expect_err "reprint (补打（副本）)" || return 1
  run "$BEIAN" -q approve QUN-2026-0001 --scan "$T/sc-m.png" --date 2026-12-01
  expect_rc 65 && expect_err "masked reprint" || return 1
  # an --exact reprint is the form itself, to be signed when the original was lost
  run "$BEIAN" -q approve --scan "$T/sc-x.png" --date 2026-12-01
  expect_rc 0 && expect_out "QUN-2026-0001 v2 approved"
}

test_a_code_away_from_the_footer_is_not_the_tracking_code() {
  ar gq; submitted gq || return 1
  "$BEIAN" -q submit "$QUN" --date 2026-11-30 >/dev/null || return 1 # QUN-2026-0002
  scan "$T/gq.pdf" "$T/gq.png" || return 1
  code=$(zbarimg -q --raw "$T/gq.png" 2>/dev/null | grep '^beian:' | sed 's/0001/0002/')
  # the form's footer code lost, another record's code planted where the group's QR is
  tear "$T/gq.png" "$T/gq-torn.png" || return 1
  qrencode -s 5 -o "$T/planted.png" "$code" || return 1
  convert "$T/gq-torn.png" "$T/planted.png" -geometry +700+500 -composite "$T/gq-planted.png" || return 1
  run "$BEIAN" -q approve --scan "$T/gq-planted.png" --date 2026-12-01
  expect_rc 65 && expect_err "a beian: code elsewhere on the page" || return 1
  # and the data file that would print such a code is refused at check
  sed "s#\"group_qr\": *\"[^\"]*\"#\"group_qr\": \"$code\"#" "$QUN" >"$T/planted.json"
  run "$BEIAN" check "$T/planted.json"
  expect_rc 65 && expect_err "is a beian tracking code: no field may hold one"
}

test_every_page_of_a_form_counts() {
  ar mp
  "$BEIAN" -q submit "$LONG" --date 2026-11-30 -o "$T/mp.pdf" >/dev/null || return 1
  "$BEIAN" -q submit "$APP" --date 2026-11-30 -o "$T/mp-other.pdf" >/dev/null || return 1
  scan "$T/mp.pdf" "$T/mp1.jpg" 1 && scan "$T/mp.pdf" "$T/mp2.jpg" 2 && scan "$T/mp-other.pdf" "$T/mpo.jpg" || return 1
  # page 2 alone (the signatures are on page 1)
  run "$BEIAN" -q approve --scan "$T/mp2.jpg" --date 2026-12-01
  expect_rc 65 && expect_err "has 2 pages" || return 1
  # page 1 of another record in the same PDF
  img2pdf -o "$T/mp-mixed.pdf" "$T/mpo.jpg" "$T/mp2.jpg" || return 1
  run "$BEIAN" -q approve --scan "$T/mp-mixed.pdf" --date 2026-12-01
  expect_rc 65 && expect_err "page 2 carries the tracking code of XMT-2026-0001 v1, but page 1 that of XMT-2026-0002 v1" || return 1
  # page 1 twice: as many coded pages as the form has, but its page 2 is missing (the codes say
  # their page), while the pages in reverse order are the whole form
  img2pdf -o "$T/mp-twice.pdf" "$T/mp1.jpg" "$T/mp1.jpg" || return 1
  run "$BEIAN" -q approve --scan "$T/mp-twice.pdf" --date 2026-12-01
  expect_rc 65 && expect_err "page 2 of it is not among the pages read" || return 1
  zbarimg -q --raw "$T/mp2.jpg" 2>/dev/null | grep -q '^beian:XMT-2026-0001/1/[0-9A-F]*/P2$' || fail "no page in the code" || return 1
  # both pages, as a scanner's PDF and as a multi-page TIFF
  img2pdf -o "$T/mp-both.pdf" "$T/mp2.jpg" "$T/mp1.jpg" || return 1
  convert "$T/mp1.jpg" "$T/mp2.jpg" -compress Group4 "$T/mp-both.tif" || return 1
  run "$BEIAN" -q approve --scan "$T/mp-both.tif" --date 2026-12-01
  expect_rc 0 && expect_out "XMT-2026-0001 v2 approved" || return 1
  # the TIFF is filed byte for byte, and had back with reprint --scan-out
  run "$BEIAN" -q reprint XMT-2026-0001 --scan-out "$T/back.tif"
  expect_rc 0 && cmp -s "$T/mp-both.tif" "$T/back.tif" || fail "scan-out differs" || return 1
  run "$BEIAN" -q reprint XMT-2026-0001@v1 --scan-out "$T/back1.tif"
  expect_rc 65 && expect_err "carries no scan" || return 1
  ar mp2; "$BEIAN" -q submit "$LONG" --date 2026-11-30 >/dev/null || return 1
  run "$BEIAN" -q approve --scan "$T/mp-both.pdf" --date 2026-12-01
  expect_rc 0 && expect_out "XMT-2026-0001 v2 approved"
}

test_the_bytes_filed_are_the_bytes_read() {
  ar fi; submitted fi && scan "$T/fi.pdf" "$T/fi.jpg" || return 1
  # a pipe can be read once only: a second open would find nothing to file
  mkfifo "$T/fi.pipe" && (cat "$T/fi.jpg" >"$T/fi.pipe" &)
  run "$BEIAN" -q approve --scan "$T/fi.pipe" --date 2026-12-01
  expect_rc 0 || return 1
  run "$BEIAN" -q reprint QUN-2026-0001 --scan-out "$T/fi-back.jpg"
  cmp -s "$T/fi.jpg" "$T/fi-back.jpg" || fail "the filed scan is not the one read"
}

test_review_scan_follows_the_same_rules() {
  ar rv; submitted rv && scan "$T/rv.pdf" "$T/rv.png" || return 1
  "$BEIAN" -q approve --scan "$T/rv.png" --date 2026-12-01 >/dev/null || return 1
  printf '%%PDF-1.4 garbage' >"$T/garbage.pdf"
  run "$BEIAN" -q review QUN-2026-0001 --year 2026 --scan "$T/garbage.pdf" --date 2026-12-10
  expect_rc 65 && expect_err "the PDF file cannot be read" || return 1
  run "$BEIAN" -q review QUN-2026-0001 --year 2026 --scan "$T/rv.pdf" --date 2026-12-10
  expect_rc 65 && expect_err "is no scan" || return 1
  tear "$T/rv.png" "$T/rv-torn.png"
  run "$BEIAN" -q review QUN-2026-0001 --year 2026 --scan "$T/rv-torn.png" --date 2026-12-10
  expect_rc 65 && expect_err "no beian tracking code found" || return 1
  run "$BEIAN" -q review QUN-2026-0001 --year 2026 --scan "$T/rv.png" --date 2026-12-10
  expect_rc 0 && expect_out "QUN-2026-0001 v3" || return 1
  event_json QUN-2026-0001 3 | grep -q '"check": "code"' || fail "event.json: $(event_json QUN-2026-0001 3)"
}

test_folder_names_subfolders_and_skipped_files_under_quiet() {
  ar fo-ar; mkdir -p "$T/fo/2026-11"
  printf 'not a scan' >"$T/fo/Thumbs.db"; printf 'x' >"$T/fo/notes.txt"
  run "$BEIAN" -q approve --scan "$T/fo" --date 2026-12-01
  expect_rc 66 && expect_err "skipped 2 files that are no PDF, PNG, JPEG or TIFF: Thumbs.db, notes.txt" && expect_err "1 subfolder not read (file each with its own --scan): 2026-11" || return 1
  submitted fo && scan "$T/fo.pdf" "$T/fo/a.png" || return 1
  run "$BEIAN" approve --scan "$T/fo" --date 2026-12-01
  expect_rc 0 && expect_err "filed 1 scan" && expect_err "Thumbs.db, notes.txt"
}
