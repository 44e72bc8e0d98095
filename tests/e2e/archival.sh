# Archival-grade PDF (issue 8): PDF/A-1b by PDFBox Preflight, text that survives extraction
# and a Ghostscript round trip, and the PDF drawn by poppler matching the cairo preview.

J=/usr/share/java
preflight() {
  java -cp $J/pdfbox2.jar:$J/preflight.jar:$J/fontbox2.jar:$J/xmpbox.jar:$J/commons-logging.jar:$J/javax.activation.jar:$J/jaxb-api.jar \
    org.apache.pdfbox.preflight.Validator_A1b "$1" >"$T/preflight" 2>&1
  grep -q "is a valid PDF/A-1b file" "$T/preflight" || fail "$1 is not valid PDF/A-1b: $(head -c 800 "$T/preflight")"
}

# the values of a record's fields, one a line (JSON strings, as printed: dates in Chinese)
values() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k, v in d["fields"].items():
    if k in ("group_qr", "group_qr_image"):
        continue
    v = str(v)
    if len(v) == 10 and v[4] == "-" and v[7] == "-":
        v = "%d年%d月%d日" % (int(v[:4]), int(v[5:7]), int(v[8:]))
    print("".join(v.split()))
PY
}

# ink of image $1 not within one pixel of ink in image $2, in blobs at least 2x2 pixels
# (antialiasing moves the edge of a hairline by a pixel; a dropped glyph or stroke is a blob).
# Ink is darker than 50 % gray in $1 and than 75 % in $2: poppler and cairo antialias the
# hairlines of a Song face's horizontal strokes to different grays (one dark, one light).
ink_missing() {
  convert "$1" -colorspace Gray -threshold 50% -negate "$T/a1.png"
  convert "$2" -colorspace Gray -threshold 75% -negate -morphology Dilate Square:1 "$T/b1.png"
  convert "$T/a1.png" "$T/b1.png" -compose Minus_Src -composite -morphology Open Rectangle:2x2 \
    -format "%[fx:round(mean*w*h)]" info:
}

test_every_sample_record_is_valid_pdfa_1b() {
  for f in "$ROOT"/examples/*.json; do
    run "$BEIAN" fill "$f" -o "$T/s.pdf"; expect_rc 0 || return 1
    preflight "$T/s.pdf" || return 1
  done
}

test_blank_forms_are_valid_pdfa_1b() {
  for id in platform-registration platform-application workgroup-filing; do
    run "$BEIAN" fill --blank $id -o "$T/b.pdf"; expect_rc 0 || return 1
    preflight "$T/b.pdf" || return 1
  done
}

test_continuation_sheet_document_is_valid_pdfa_1b() {
  /usr/bin/python3 - "$ROOT/examples/platform-application.json" > long.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["fields"]["reason"] = d["fields"]["reason"] * 4
print(json.dumps(d, ensure_ascii=False))
PY
  run "$BEIAN" fill long.json -o long.pdf; expect_rc 0 || return 1
  [ "$(pdfinfo long.pdf | awk '/^Pages:/{print $2}')" -eq 2 ] || fail "expected a 附页" || return 1
  preflight long.pdf
}

test_metadata_names_the_form_and_the_date_from_the_data() {
  run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" -o m.pdf; expect_rc 0 || return 1
  pdfinfo m.pdf > info.txt
  grep -q "^Title:.*网络工作群备案登记表" info.txt || fail "title: $(cat info.txt)" || return 1
  grep -q "^CreationDate:.*Nov 24.*2026" info.txt || fail "date: $(cat info.txt)"
}

test_text_extracts_without_warnings_and_after_ghostscript() {
  for f in "$ROOT"/examples/*.json; do
    run "$BEIAN" fill "$f" -o x.pdf; expect_rc 0 || return 1
    pdftotext x.pdf x.txt 2> warn.txt
    [ ! -s warn.txt ] || fail "pdftotext warns: $(head -3 warn.txt)" || return 1
    gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=gs.pdf x.pdf >/dev/null 2>&1 ||
      fail "ghostscript failed" || return 1
    for pdf in x.pdf gs.pdf; do
      text=$(pdftotext "$pdf" - 2>/dev/null | tr -d ' \n\f')
      values "$f" | while read -r v; do
        case "$text" in *"$v"*) ;; *) echo "$pdf lacks $v" ;; esac
      done > lost.txt
      [ ! -s lost.txt ] || fail "$(basename "$f"): $(head -3 lost.txt)" || return 1
    done
  done
}

test_poppler_page_matches_cairo_preview_glyph_for_glyph() {
  for f in "$ROOT"/examples/*.json; do
    run "$BEIAN" fill "$f" -o c.pdf --png c.png --dpi 150; expect_rc 0 || return 1
    pdftoppm -r 150 -gray -png c.pdf p || return 1
    a=$(ink_missing p-1.png c.png); b=$(ink_missing c.png p-1.png)
    [ "$a" -le 20 ] && [ "$b" -le 20 ] ||
      fail "$(basename "$f"): $a ink pixels of the PDF and $b of the preview have no counterpart" || return 1
  done
}

test_rare_given_names_print_in_both_renderings() {
  sed 's/"admin_name": "[^"]*"/"admin_name": "王堃喆"/; s/"head_name": "[^"]*"/"head_name": "李镕昇·䶮"/' \
    "$ROOT/examples/platform-registration.json" > rare.json
  run "$BEIAN" fill rare.json -o rare.pdf --png rare.png --dpi 150; expect_rc 0 || return 1
  pdf_text rare.pdf | grep -qF "王堃喆" && pdf_text rare.pdf | grep -qF "李镕昇·䶮" ||
    fail "rare names not extracted: $(pdftotext rare.pdf - | grep -E '王|李')" || return 1
  pdftoppm -r 150 -gray -png rare.pdf rp
  a=$(ink_missing rp-1.png rare.png); b=$(ink_missing rare.png rp-1.png)
  [ "$a" -le 20 ] && [ "$b" -le 20 ] || fail "renderings differ: $a / $b pixels"
}

test_extension_b_names_print_and_extract_as_the_real_characters() {
  sed 's/"admin_name": "[^"]*"/"admin_name": "吉田𠮷"/; s/"head_name": "[^"]*"/"head_name": "王𪚥"/' \
    "$ROOT/examples/platform-registration.json" > extb.json
  run "$BEIAN" fill extb.json -o extb.pdf --png extb.png --dpi 150; expect_rc 0 || return 1
  pdftotext extb.pdf extb.txt 2> warn.txt
  [ ! -s warn.txt ] || fail "pdftotext warns: $(head -3 warn.txt)" || return 1
  grep -qF "吉田𠮷" extb.txt && grep -qF "王𪚥" extb.txt || fail "not extracted: $(grep -E '吉田|王' extb.txt)" || return 1
  preflight extb.pdf || return 1
  pdftoppm -r 150 -gray -png extb.pdf ep
  a=$(ink_missing ep-1.png extb.png); b=$(ink_missing extb.png ep-1.png)
  [ "$a" -le 20 ] && [ "$b" -le 20 ] || fail "renderings differ: $a / $b pixels"
}

test_character_no_font_has_is_refused_with_its_code_point() {
  # U+10FFFD is a valid code point that no font has; U+E000 is private use
  for c in "$(printf '\364\217\277\275')" "$(printf '\356\200\200')"; do
    sed "s/\"admin_name\": \"[^\"]*\"/\"admin_name\": \"张$c\"/" "$ROOT/examples/platform-registration.json" > nf.json
    rm -f nf.pdf; run "$BEIAN" fill nf.json -o nf.pdf
    expect_rc 65 && expect_err "admin_name (管理员姓名)" && expect_err "U+" && expect_no_file nf.pdf || return 1
  done
}

test_print_job_reprint_and_anchor_slip_are_valid_pdfa_1b() {
  # a print job of three rows
  /usr/bin/python3 - "$ROOT/examples/workgroup-filing.json" > rows.csv <<'PY'
import csv, json, sys
f = json.load(open(sys.argv[1]))["fields"]
w = csv.writer(sys.stdout)
keys = list(f)
w.writerow(keys)
for i in range(3):
    row = dict(f, group_name="%s（%d）" % (f["group_name"], i + 1))
    w.writerow([row[k] for k in keys])
PY
  run "$BEIAN" batch workgroup-filing rows.csv --combined job.pdf; expect_rc 0 || return 1
  [ "$(pdfinfo job.pdf | awk '/^Pages:/{print $2}')" -eq 3 ] || fail "job pages" || return 1
  preflight job.pdf || return 1
  # a reprint and the ledger slip
  export BEIAN_ARCHIVE="$T/arc"
  run "$BEIAN" submit "$ROOT/examples/platform-registration.json" --date 2026-11-24; expect_rc 0 || return 1
  rec=$(cat "$T/out")
  run "$BEIAN" reprint "$rec" -o re.pdf --date 2026-11-30; expect_rc 0 || return 1
  pdf_text re.pdf | grep -qF "补打" || fail "no reprint mark" || return 1
  preflight re.pdf || return 1
  run "$BEIAN" anchor -o slip.pdf --date 2026-11-30; expect_rc 0 || return 1
  preflight slip.pdf
}

# fonts_with ROLE FACE...: a fonts folder in $T/fonts-cff whose fonts.json puts FACE first in
# ROLE (title or body), the rest as in the checkout's fonts.json
fonts_with() {
  mkdir -p "$T/fonts-cff"
  /usr/bin/python3 - "$ROOT/fonts/fonts.json" "$T/fonts-cff/fonts.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
role = sys.argv[3]
d["roles"][role] = sys.argv[4:] + d["roles"][role]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}

test_opentype_cff_faces_embed_as_cidfonttype0_and_stay_pdfa_1b() {
  bold=/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc
  regular=/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
  if [ ! -f "$bold" ] || [ ! -f "$regular" ]; then
    echo "  (skipped: fonts-noto-cjk is not installed)" >&2
    return 0
  fi
  fonts_with title "$bold#2"
  BEIAN_FONTS="$T/fonts-cff" run "$BEIAN" fill "$ROOT/examples/platform-application.json" -o cff.pdf \
    --png cff.png --dpi 150; expect_rc 0 || return 1
  pdffonts cff.pdf | grep -q "NotoSerifCJKsc-Bold *CID Type 0C" ||
    fail "the title is not a CIDFontType0C font: $(pdffonts cff.pdf)" || return 1
  preflight cff.pdf || return 1
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=gs.pdf cff.pdf >/dev/null 2>&1 ||
    fail "ghostscript failed" || return 1
  for pdf in cff.pdf gs.pdf; do
    pdf_text $pdf | grep -qF "宁夏职业技术学院宁夏开放大学新媒体平台申请表" ||
      fail "$pdf: the CFF title does not extract: $(pdftotext $pdf - | head -4)" || return 1
  done
  pdftoppm -r 150 -gray -png cff.pdf cp
  a=$(ink_missing cp-1.png cff.png); b=$(ink_missing cff.png cp-1.png)
  [ "$a" -le 20 ] && [ "$b" -le 20 ] || fail "renderings differ: $a / $b pixels" || return 1
  # and a CFF body face, with the rare names of the samples
  fonts_with body "$regular#2"
  sed 's/"admin_name": "[^"]*"/"admin_name": "王堃喆"/' "$ROOT/examples/platform-registration.json" > r.json
  BEIAN_FONTS="$T/fonts-cff" run "$BEIAN" fill r.json -o body.pdf; expect_rc 0 || return 1
  preflight body.pdf || return 1
  pdf_text body.pdf | grep -qF "王堃喆" || fail "the CFF body does not extract" || return 1
}

test_without_noto_the_uming_chain_prints_a_bold_title_and_scaled_latin() {
  mkdir -p "$T/fonts-uming"
  /usr/bin/python3 - "$ROOT/fonts/fonts.json" "$T/fonts-uming/fonts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for role in d["roles"]:
    d["roles"][role] = [f for f in d["roles"][role] if "/opentype/" not in f]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
  for f in "$ROOT"/examples/*.json; do
    BEIAN_FONTS="$T/fonts-uming" run "$BEIAN" fill "$f" -o u.pdf --png u.png --dpi 150; expect_rc 0 || return 1
    pdffonts u.pdf | grep -q "UMing" && pdffonts u.pdf | grep -q "LiberationSerif" ||
      fail "$(basename "$f"): not UMing with Liberation Serif: $(pdffonts u.pdf)" || return 1
    preflight u.pdf || return 1
    [ "$(wc -c < u.pdf)" -le 49152 ] || fail "$(basename "$f"): over 48 KiB with UMing" || return 1
    pdftoppm -r 150 -gray -png u.pdf up
    a=$(ink_missing up-1.png u.png); b=$(ink_missing u.png up-1.png)
    [ "$a" -le 20 ] && [ "$b" -le 20 ] || fail "$(basename "$f"): renderings differ: $a / $b" || return 1
  done
  # the title is a synthetic bold: filled and stroked text
  qpdf --qdf --object-streams=disable u.pdf u.qdf
  grep -aq '^2 Tr' u.qdf || fail "no synthetic bold (2 Tr) in the title"
}
