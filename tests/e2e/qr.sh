# QR codes on paper (issue 3): the group's code and the tracking code, read back from pixels.

# wg FILE [EXTRA-JSON-FIELDS]: writes a workgroup record; extra fields are spliced in.
wg() {
  cat >"$1" <<JSON
{"form": "workgroup-filing", "date": "2026-11-24", "fields": {
  $2
  "group_name": "2026级护理2班", "scope": "医学院2026级护理专业2班学生",
  "admin1_name": "马晓燕", "admin1_mobile": "13995011111", "email": "hl2@nxtc.edu.cn",
  "member_count": "52", "member_types": "学生、辅导员", "department": "医学院",
  "dept_head": "丁建国", "dept_head_title": "党总支书记", "office_phone": "0951-6035555",
  "mobile": "13909511111"}}
JSON
}

PAYLOAD='https://weixin.qq.com/g/AwYAAK-9xY8kFqLmT0pBcD7e_r2'

# decodes FILE (PNG) into $T/codes, one payload a line, sorted
codes() { zbarimg -q --raw "$1" 2>/dev/null | sort >"$T/codes"; }

test_printed_page_decodes_to_group_payload_and_tracking_code() {
  wg g.json "\"group_qr\": \"$PAYLOAD\", \"group_number\": \"61234567\","
  run "$BEIAN" fill g.json -o g.pdf; expect_rc 0 || return 1
  pdftoppm -r 150 -png g.pdf page || return 1
  codes page-1.png
  grep -qxF "$PAYLOAD" "$T/codes" || fail "group payload not decoded: $(cat "$T/codes")" || return 1
  grep -qE '^beian:DRAFT/0/[0-9A-F]{16}/P1$' "$T/codes" || fail "no tracking code: $(cat "$T/codes")"
}

test_tracking_digest_is_the_sha256_of_the_canonical_record() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o a.pdf; expect_rc 0 || return 1
  wg h.json "\"group_qr\": \"$PAYLOAD\", \"group_number\": \"1\","
  run "$BEIAN" fill h.json -o b.pdf; expect_rc 0 || return 1
  pdftoppm -r 150 -png a.pdf a; pdftoppm -r 150 -png b.pdf b
  a=$(zbarimg -q --raw a-1.png | grep '^beian:'); b=$(zbarimg -q --raw b-1.png | grep '^beian:')
  [ -n "$a" ] && [ "$a" != "$b" ] || fail "different data must give different tracking codes ($a, $b)"
}

test_page_at_100_dpi_still_decodes() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o g.pdf; expect_rc 0 || return 1
  pdftoppm -r 100 -png g.pdf low; codes low-1.png
  grep -qxF "$PAYLOAD" "$T/codes" && grep -q '^beian:' "$T/codes" || fail "100 dpi: $(cat "$T/codes")"
}

test_blurred_noisy_150_dpi_scan_still_decodes() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o g.pdf; expect_rc 0 || return 1
  pdftoppm -r 150 -gray -png g.pdf s
  # seeded noise: the same picture every run (unseeded, about 1 picture in 40 lost the code)
  convert s-1.png -seed 1 -blur 0x0.8 -attenuate 0.6 +noise Gaussian -colorspace Gray worn.png || return 1
  codes worn.png
  grep -qxF "$PAYLOAD" "$T/codes" && grep -q '^beian:' "$T/codes" || fail "worn scan: $(cat "$T/codes")"
}

test_png_preview_decodes_the_same() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o g.pdf --png g.png; expect_rc 0 || return 1
  codes g.png
  grep -qxF "$PAYLOAD" "$T/codes" && grep -q '^beian:DRAFT/0/' "$T/codes" || fail "preview: $(cat "$T/codes")"
}

test_group_code_given_as_picture_prints_crisp_and_decodable() {
  qrencode -o pic.png -s 6 "$PAYLOAD" || return 1
  convert pic.png -quality 85 pic.jpg
  for p in pic.png pic.jpg; do
    wg g.json "\"group_qr_image\": \"$p\","
    run "$BEIAN" fill g.json -o g.pdf; expect_rc 0 || return 1
    # printed as vectors: the page carries no image at all
    [ "$(pdfimages -list g.pdf | wc -l)" -eq 2 ] || fail "$p: the code was printed as a picture" || return 1
    pdftoppm -r 150 -png g.pdf page; codes page-1.png
    grep -qxF "$PAYLOAD" "$T/codes" || fail "$p: decoded $(cat "$T/codes")" || return 1
  done
}

test_picture_without_a_code_is_refused_naming_the_field() {
  convert -size 300x300 xc:white blank.png
  wg g.json '"group_qr_image": "blank.png",'
  rm -f g.pdf; run "$BEIAN" fill g.json -o g.pdf
  expect_rc 65 && expect_err "group_qr_image" && expect_err "no readable QR code" && expect_no_file g.pdf
}

test_picture_with_two_codes_is_refused() {
  qrencode -o a.png -s 5 "first"; qrencode -o b.png -s 5 "second"
  convert a.png b.png +append two.png
  wg g.json '"group_qr_image": "two.png",'
  rm -f g.pdf; run "$BEIAN" fill g.json -o g.pdf
  expect_rc 65 && expect_err "more than one QR code" && expect_no_file g.pdf
}

test_picture_that_is_not_an_image_is_refused() {
  printf '%%PDF-1.4 not really' > fake.png
  wg g.json '"group_qr_image": "fake.png",'
  rm -f g.pdf; run "$BEIAN" fill g.json -o g.pdf
  expect_rc 65 && expect_err "group_qr_image" && expect_no_file g.pdf
}

test_over_long_payload_is_refused_naming_the_field() {
  long=$(printf 'https://example.edu.cn/join?token=%0900d' 0)
  wg g.json "\"group_qr\": \"$long\","
  rm -f g.pdf; run "$BEIAN" fill g.json -o g.pdf
  expect_rc 65 && expect_err "group_qr (群二维码)" && expect_err "too long" && expect_no_file g.pdf
}

test_expired_group_code_warns_and_prints_its_date() {
  wg g.json "\"group_qr\": \"$PAYLOAD\", \"group_qr_date\": \"2026-11-10\","
  run "$BEIAN" fill g.json -o g.pdf
  expect_rc 0 && expect_err "warning: group_qr_date" && expect_err "expired" || return 1
  pdf_text g.pdf | grep -qF "二维码生成日期：2026年11月10日" || fail "code date not printed"
}

test_fresh_group_code_gives_no_warning() {
  wg g.json "\"group_qr\": \"$PAYLOAD\", \"group_qr_date\": \"2026-11-20\","
  run "$BEIAN" fill g.json -o g.pdf
  expect_rc 0 || return 1
  ! grep -q warning "$T/err" || fail "unexpected warning: $(cat "$T/err")"
}

test_no_tracking_and_blank_forms_carry_no_tracking_code() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o g.pdf --no-tracking; expect_rc 0 || return 1
  run "$BEIAN" fill --blank workgroup-filing -o b.pdf; expect_rc 0 || return 1
  pdftoppm -r 150 -png g.pdf g; pdftoppm -r 150 -png b.pdf b
  ! zbarimg -q --raw g-1.png b-1.png 2>/dev/null | grep -q '^beian:' || fail "tracking code printed"
  zbarimg -q --raw g-1.png | grep -qxF "$PAYLOAD" || fail "group code lost with --no-tracking"
}

test_footer_names_draft_date_and_pages() {
  wg g.json "\"group_qr\": \"$PAYLOAD\","
  run "$BEIAN" fill g.json -o g.pdf; expect_rc 0 || return 1
  pdf_text g.pdf | grep -qF "草稿填表日期：2026年11月24日第1页/共1页" || fail "footer: $(pdftotext g.pdf - | tail -5)"
}
