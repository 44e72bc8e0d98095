# fill: the three seed forms printed from JSON records, blank forms and PNG previews, and
# what layout does with a value too long for its cell or a character no font has. Real tools
# read the output: pdftotext, pdfinfo, pdffonts, qpdf, zbarimg, and the PNG header.
#
# The records in tests/data/ are not the samples of examples/: they hold other names (with
# 堃 and 喆, outside GB2312), a long 申请理由, and a work group with 58 members.

# The forms and fonts of this checkout, whatever directory the binary was built in.
export BEIAN_FORMS="$ROOT/forms" BEIAN_FONTS="$ROOT/fonts"
D="$ROOT/tests/data"

# form_labels ID: every fixed text of a form definition (附件 label, title lines, cell labels,
# signer lines, prefixes, notes), one a line, spaces and the label's line breaks ('\n')
# removed (pdf_text removes them too).
form_labels() {
  f="$ROOT/forms/$1.json"
  {
    grep -o '"\(attachment\|text\|signer\|prefix\)": *"[^"]*"' "$f" | sed 's/^"[a-z]*": *"//; s/"$//'
    grep -o '"\(title\|notes\)": *\[[^]]*\]' "$f" | sed 's/^"[a-z]*": *\[//' | grep -o '"[^"]*"' | tr -d '"'
  } | sed 's/\\n//g' | tr -d ' '
}

# json_values FILE: "id<TAB>value" for each field of a data file written one field a line.
json_values() {
  sed -n -e '/"fields"/,/^  }/s/^ *"\([a-z0-9_]*\)": *"\([^"]*\)",\{0,1\}$/\1	\2/p' \
    -e '/"fields"/,/^  }/s/^ *"\([a-z0-9_]*\)": *\([0-9][0-9]*\),\{0,1\}$/\1	\2/p' "$1"
}

# pages PDF: its page count.
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }

# missing_from PDF: reads wanted strings on stdin, one a line, and prints those that are not
# in the PDF's text (one awk for all: the checks stay fast).
missing_from() {
  pdf_text "$1" >"$T/text"
  awk 'NR == FNR { text = text $0; next } $0 != "" && index(text, $0) == 0' "$T/text" -
}

# expect_values DATA PDF [SKIP-IDS]: every filled value is in the PDF's text (dates as
# 2026年11月24日, the group number after 群号：); the QR payload is checked by decoding it.
expect_values() {
  json_values "$1" | awk -F '\t' -v skip=" $3 " '
    index(skip, " " $1 " ") || $1 == "group_qr" { next }
    { v = $2; gsub(/\\n/, "", v); gsub(/ /, "", v) }
    $1 == "group_number" { v = "群号：" v }
    $1 ~ /date$/ { split(v, d, "-"); v = d[1] "年" (d[2] + 0) "月" (d[3] + 0) "日" }
    { print v; n++ }
    END { if (n < 10) print "(only " n " values read from the data file)" }' >"$T/values"
  out=$(missing_from "$2" <"$T/values")
  [ -z "$out" ] || fail "values missing from $2: $out" || return 1
  # and no date is left in its ISO form
  iso=$(json_values "$1" | awk -F '\t' '$1 ~ /date$/ { print $2 }')
  for v in $iso; do
    if grep -qF -- "$v" "$T/text"; then fail "$v printed as it was typed, not in Chinese"; return 1; fi
  done
}

# expect_labels FORM-ID PDF: every fixed text of the form definition is in the PDF's text.
expect_labels() {
  [ "$(form_labels "$1" | wc -l)" -ge 12 ] || fail "too few labels read from forms/$1.json" || return 1
  out=$(form_labels "$1" | missing_from "$2")
  [ -z "$out" ] || fail "labels missing from $2: $out"
}

# expect_seed_wording FORM-ID PDF: the labels of the seed's 附件2/3/4, as the regulation has them.
expect_seed_wording() {
  case $1 in
    platform-registration) words="附件2 宁夏职业技术学院宁夏开放大学 新媒体平台信息登记表 新媒体平台基本信息
      名称 账号 主办单位 功能定位 管理员 姓名 职务 联系电话 邮箱 负责人 主办单位意见 公章" ;;
    platform-application) words="附件3 宁夏职业技术学院宁夏开放大学 新媒体平台申请表 名称 申请单位 申请时间
      管理员 姓名 职务 联系电话 邮箱 负责人 申请理由 功能定位 申请单位意见 负责人（签字盖章）：
      党委宣传统战部意见" ;;
    workgroup-filing) words="附件4 宁夏职业技术学院宁夏开放大学 网络工作群备案登记表 群二维码(号) 群名称
      建群范围 管理员姓名1 管理员姓名2 手机 Email 群成员数量 覆盖人员类型 所属部门名称 盖章
      部门负责人 职务 办公电话 备注：一个群填写一张。" ;;
  esac
  out=$(printf '%s\n' $words | missing_from "$2")
  [ -z "$out" ] || fail "seed wording missing from $2: $out"
}

# expect_embedded_subset PDF: pdffonts lists at least one font, every one embedded and subset.
expect_embedded_subset() {
  pdffonts "$1" 2>/dev/null >"$T/fonts" || fail "pdffonts cannot read $1" || return 1
  awk 'NR > 2 { n++; if ($(NF-4) != "yes" || $(NF-3) != "yes") bad = bad " " $1 }
       END { if (n == 0) { print "no fonts listed"; exit 1 }
             if (bad != "") { print "not embedded and subset:" bad; exit 1 } }' "$T/fonts" >&2 ||
    fail "fonts of $1: $(cat "$T/fonts")"
}

# expect_qpdf_clean PDF: qpdf --check finds no error and no warning (exit 0).
expect_qpdf_clean() {
  qpdf --check "$1" >"$T/qpdf" 2>&1 || fail "qpdf --check $1: $(tail -5 "$T/qpdf")" || return 1
  grep -q 'No syntax or stream encoding errors' "$T/qpdf" || fail "qpdf --check $1: $(cat "$T/qpdf")"
}

# png_dims PNG: "WIDTH HEIGHT" from the IHDR chunk, after checking the PNG signature and that
# the file is well formed: chunks to IEND, each with its CRC, and the image data inflating
# to one filter byte and WIDTH gray or RGB samples per row.
png_dims() {
  [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
  /usr/bin/python3 - "$1" <<'PY' || return 1
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
i, idat, ihdr = 8, b"", None
while i < len(d):
    n, t = struct.unpack(">I4s", d[i:i + 8])
    body = d[i + 8:i + 8 + n]
    if struct.unpack(">I", d[i + 8 + n:i + 12 + n])[0] != zlib.crc32(t + body):
        sys.exit("bad CRC in " + t.decode("latin1"))
    if t == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif t == b"IDAT":
        idat += body
    elif t == b"IEND":
        break
    i += 12 + n
else:
    sys.exit("no IEND")
w, h, depth, color = ihdr[:4]
channels = {0: 1, 2: 3, 6: 4}[color]
if depth != 8 or len(zlib.decompress(idat)) != h * (1 + w * channels):
    sys.exit("image data does not match the header")
PY
  [ "$(od -An -c -j12 -N4 "$1" | tr -d ' \n')" = IHDR ] || return 1
  od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4,
                                            $5*16777216 + $6*65536 + $7*256 + $8 }'
}

# expect_a4_png PNG DPI: a real PNG of 210 x 297 mm at DPI, to the pixel (rounding either way).
expect_a4_png() {
  dims=$(png_dims "$1") || fail "$1 is not a PNG" || return 1
  set -- "$1" "$2" $dims
  w=$3; h=$4
  dw=$((w * 254 - 2100 * $2)); dh=$((h * 254 - 2970 * $2))
  [ ${dw#-} -le 254 ] && [ ${dh#-} -le 254 ] ||
    fail "$1 is ${w}x${h} px, not A4 at $2 dpi ($((2100 * $2 / 254))x$((2970 * $2 / 254)))"
}

# fill_ok DATA OUT.pdf: fills and expects success, one page.
fill_ok() {
  run "$BEIAN" fill "$1" -o "$2"
  expect_rc 0 || return 1
  [ "$(pages "$2")" = 1 ] || fail "$2 has $(pages "$2") pages, expected 1"
}

# filled NAME: tests/data/NAME.json filled once for this file, as $T/filled-NAME.pdf (the
# tests that only read the output share it; each still works alone).
filled() {
  [ -s "$T/filled-$1.pdf" ] && return 0
  run "$BEIAN" fill "$D/$1.json" -o "$T/filled-$1.pdf.new"
  expect_rc 0 && mv "$T/filled-$1.pdf.new" "$T/filled-$1.pdf"
}

test_fill_registration_prints_every_value_and_label() {
  fill_ok "$D/registration.json" reg.pdf || return 1
  expect_values "$D/registration.json" reg.pdf && expect_labels platform-registration reg.pdf &&
    expect_seed_wording platform-registration reg.pdf
}

test_fill_application_prints_every_value_and_label() {
  fill_ok "$D/application.json" app.pdf || return 1
  expect_values "$D/application.json" app.pdf && expect_labels platform-application app.pdf &&
    expect_seed_wording platform-application app.pdf || return 1
  # the long 申请理由 is on the page, not continued: nothing marks a 附页
  if pdf_text app.pdf | grep -qF 附页; then fail "a reason that fits its cell was continued"; return 1; fi
  # 名称 is printed twice and both 意见 cells have their signer line, as in the seed
  [ "$(pdf_text app.pdf | grep -oF '负责人（签字盖章）：' | wc -l)" -eq 2 ] ||
    fail "expected two signer lines"
}

test_fill_workgroup_prints_every_value_and_label() {
  fill_ok "$D/workgroup.json" grp.pdf || return 1
  expect_values "$D/workgroup.json" grp.pdf && expect_labels workgroup-filing grp.pdf &&
    expect_seed_wording workgroup-filing grp.pdf
}

test_fill_group_qr_decodes_from_the_png_preview() {
  run "$BEIAN" fill "$D/workgroup.json" -o grp.pdf --png grp.png
  expect_rc 0 || return 1
  zbarimg -q --raw grp.png 2>/dev/null | grep -qxF 'https://weixin.qq.com/g/AQYAAKd8mVz1bX7cR3pT0sWq' ||
    fail "the group's QR code does not decode to its payload: $(zbarimg -q --raw grp.png 2>&1)"
}

test_fill_embeds_only_subset_fonts() {
  for f in registration application workgroup; do
    filled $f && expect_embedded_subset "filled-$f.pdf" || return 1
  done
}

test_fill_output_passes_qpdf_check() {
  for f in registration application workgroup; do
    filled $f && expect_qpdf_clean "filled-$f.pdf" || return 1
  done
}

# A one-page form carries the subsets of a Song face for the table and a heavy one for the
# title (Noto Serif CJK SC, or AR PL UMing with Liberation Serif for Latin): the budget of
# issue 17 is 48 KiB a form.
test_fill_output_is_at_most_48_KiB() {
  big=""
  for f in registration application workgroup; do
    filled $f || return 1
    size=$(wc -c <"filled-$f.pdf")
    [ "$size" -le 49152 ] || big="$big $f.json=${size}B"
  done
  [ -z "$big" ] || fail "larger than 48 KiB (49152 bytes):$big"
}

test_fill_is_byte_identical_on_rerun() {
  for f in registration application workgroup; do
    filled $f || return 1
    run "$BEIAN" fill "$D/$f.json" -o "$f-again.pdf"
    expect_rc 0 || return 1
    cmp -s "filled-$f.pdf" "$f-again.pdf" || fail "$f: two runs wrote different bytes" || return 1
  done
}

test_fill_blank_forms_have_every_label_and_no_value() {
  for id in platform-registration platform-application workgroup-filing; do
    run "$BEIAN" fill --blank $id -o "$id.pdf"
    expect_rc 0 || return 1
    [ "$(pages "$id.pdf")" = 1 ] || fail "blank $id has $(pages "$id.pdf") pages" || return 1
    expect_labels $id "$id.pdf" && expect_seed_wording $id "$id.pdf" &&
      expect_embedded_subset "$id.pdf" && expect_qpdf_clean "$id.pdf" || return 1
    # what is left once every label is taken away must be only the 年 月 日 to fill in
    left=$(form_labels $id | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2- |
      awk -v text="$(pdf_text "$id.pdf")" '
        { while ((i = index(text, $0)) > 0) text = substr(text, 1, i - 1) substr(text, i + length($0)) }
        END { print text }' | sed 's/年//g; s/月//g; s/日//g; s/　//g')
    [ -z "$left" ] || fail "blank $id prints more than its labels: $left" || return 1
  done
}

test_fill_blank_png_is_a4_at_the_chosen_dpi() {
  run "$BEIAN" fill --blank workgroup-filing -o b.pdf --png b100.png --dpi 100
  expect_rc 0 && expect_a4_png b100.png 100 || return 1
  run "$BEIAN" fill --blank platform-application -o b.pdf --png b72.png --dpi 72
  expect_rc 0 && expect_a4_png b72.png 72 || return 1
  run "$BEIAN" fill --blank platform-registration -o b.pdf --png b150.png
  expect_rc 0 && expect_a4_png b150.png 150 # the default
}

test_fill_png_of_a_filled_form_is_a4() {
  run "$BEIAN" fill "$D/application.json" -o a.pdf --png a.png --dpi 120
  expect_rc 0 && expect_a4_png a.png 120
}

# covered_in_order VALUE PDF: VALUE (spaces and \n removed) is printed whole and in order,
# starting on page 1 and continued page after page: each page holds the next piece of it.
covered_in_order() {
  n=$(pages "$2")
  for p in $(seq 1 "$n"); do
    pdftotext -f "$p" -l "$p" "$2" - 2>/dev/null | tr -d ' \n\f' >"$T/page$p"
  done
  printf '%s' "$1" | sed 's/\\n//g' | tr -d ' ' >"$T/value"
  awk -v n="$n" -v dir="$T" '
    BEGIN {
      getline rest < (dir "/value")
      for (p = 1; p <= n; p++) {
        page = ""
        while ((getline line < (dir "/page" p)) > 0) page = page line
        lo = 0; hi = length(rest)   # the longest prefix of what is left that is on this page
        while (lo < hi) {
          mid = int((lo + hi + 1) / 2)
          if (index(page, substr(rest, 1, mid)) > 0) lo = mid; else hi = mid - 1
        }
        if (p == 1 && lo == 0) { print "nothing of it in its cell on page 1"; exit 1 }
        rest = substr(rest, lo + 1)
      }
      if (rest != "") { print "lost or out of order from: " substr(rest, 1, 60); exit 1 }
    }' >&2
}

test_fill_long_reason_continues_on_a_marked_attachment_sheet() {
  run "$BEIAN" fill "$D/application-long-reason.json" -o long.pdf
  expect_rc 0 || return 1
  [ "$(pages long.pdf)" -ge 2 ] || fail "a 999-character reason fits no 42 mm cell, yet one page" || return 1
  pdftotext -f 2 -l 2 long.pdf - 2>/dev/null | tr -d ' \n\f' | grep -qF 附页 ||
    fail "page 2 is not marked 附页" || return 1
  pdftotext -f 2 -l 2 long.pdf - 2>/dev/null | tr -d ' \n\f' | grep -qF 申请理由 ||
    fail "page 2 does not say which field it continues" || return 1
  reason=$(json_values "$D/application-long-reason.json" | sed -n 's/^reason	//p')
  [ ${#reason} -gt 500 ] || fail "reason not read from the data file" || return 1
  covered_in_order "$reason" long.pdf || fail "申请理由 is not printed whole and in order" || return 1
  # the rest of the form is still on page 1
  expect_values "$D/application-long-reason.json" long.pdf reason &&
    expect_labels platform-application long.pdf
}

test_fill_two_long_fields_continue_over_several_sheets() {
  run "$BEIAN" fill "$D/application-two-continued.json" -o two.pdf
  expect_rc 0 || return 1
  n=$(pages two.pdf)
  [ "$n" -ge 3 ] || fail "expected the 附页 to run over two sheets, got $n pages" || return 1
  for p in $(seq 2 "$n"); do
    pdftotext -f "$p" -l "$p" two.pdf - 2>/dev/null | tr -d ' \n\f' | grep -qF 附页 ||
      fail "page $p is not marked 附页" || return 1
  done
  for id in reason purpose; do
    v=$(json_values "$D/application-two-continued.json" | sed -n "s/^$id	//p")
    [ ${#v} -gt 300 ] || fail "$id not read from the data file" || return 1
    covered_in_order "$v" two.pdf || fail "$id is not printed whole and in order" || return 1
  done
}

test_fill_prints_a_40_character_name_in_full() {
  name=宁夏职业技术学院会计专业二〇二六级学生实习就业信息服务与校友联络宣传推广服务平台
  sed "s/\"name\": \"[^\"]*\"/\"name\": \"$name\"/" "$D/application.json" >name40.json
  run "$BEIAN" fill name40.json -o n.pdf
  expect_rc 0 || return 1
  [ "$(pages n.pdf)" = 1 ] || fail "a 40-character name is continued" || return 1
  pdf_text n.pdf | grep -qF "$name" || fail "the 40-character name is not printed whole"
}

test_fill_refuses_single_line_field_that_cannot_fit_its_cell() {
  # 60 characters, the limit of the second 名称 cell, do not fit 45 x 13 mm even at 7 pt
  long=宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号
  sed "s/\"account\": \"[^\"]*\"/\"account\": \"$long\"/" "$D/application.json" >acct.json
  run "$BEIAN" check acct.json
  expect_rc 65 || return 1
  run "$BEIAN" fill acct.json -o acct.pdf --png acct.png
  expect_rc 65 && expect_err account && expect_no_file acct.pdf && expect_no_file acct.png &&
    expect_err "acct.json:6:"
}

test_fill_refuses_private_use_character_with_its_code_point() {
  pua=$(printf '\356\200\200') # U+E000, private use: no font has it
  sed "s/\"admin_name\": \"韩佳喆\"/\"admin_name\": \"韩${pua}喆\"/" "$D/application.json" >pua.json
  grep -qF "韩${pua}喆" pua.json || fail "no private-use character in the test data" || return 1
  run "$BEIAN" fill pua.json -o pua.pdf
  expect_rc 65 && expect_err U+E000 && expect_err admin_name && expect_err 管理员姓名 &&
    expect_no_file pua.pdf
}

test_fill_refuses_emoji_no_font_has_with_its_code_point() {
  # 🥰 (U+1F970) is in none of the fonts of fonts/fonts.json (DejaVu Sans has older emoji such
  # as U+1F600, which print); above U+FFFF, so it must be named by its code point, not a box
  sed 's/"member_types": "[^"]*"/"member_types": "学生家长🥰、班主任"/' "$D/workgroup.json" >emoji.json
  run "$BEIAN" fill emoji.json -o emoji.pdf
  expect_rc 65 && expect_err U+1F970 && expect_err member_types && expect_no_file emoji.pdf
}

test_fill_prints_a_rare_character_a_font_of_the_chain_has() {
  # 𠀋 (U+2000B, CJK Extension B) is in HanaMinB, the last font of the fallback chain: the
  # issue's rule is that only a character no font has is refused
  sed 's/"admin2_name": "王丽"/"admin2_name": "王𠀋"/' "$D/workgroup.json" >extb.json
  run "$BEIAN" fill extb.json -o extb.pdf
  expect_rc 0 || return 1
  pdf_text extb.pdf | grep -qF 王𠀋 || fail "王𠀋 is not extractable from the PDF"
}

test_fill_long_latin_word_stays_inside_the_table() {
  # an account name wider than its cell, after Chinese text: it may shrink or break, never
  # run past the table into the margin
  sed 's/"account": "[^"]*"/"account": "抖音号：nxtc_caijing_xueyuan_official"/' "$D/application.json" >latin.json
  run "$BEIAN" fill latin.json -o latin.pdf
  expect_rc 0 || return 1
  f="$ROOT/forms/platform-application.json"
  pw=$(grep -o '"width_mm": *[0-9.]*' "$f" | head -1 | grep -o '[0-9.]*$')
  rm=$(grep -o '"right": *[0-9.]*' "$f" | head -1 | grep -o '[0-9.]*$')
  edge=$(awk -v w="$pw" -v r="$rm" 'BEGIN { print (w - r) * 72 / 25.4 }')
  pdftotext -f 1 -l 1 -bbox latin.pdf - 2>/dev/null |
    sed -n 's/.*xMax="\([0-9.]*\)".*>\(.*\)<\/word>.*/\1 \2/p' >"$T/words"
  [ -s "$T/words" ] || fail "no words from pdftotext -bbox" || return 1
  out=$(awk -v edge="$edge" '$1 > edge + 1 { print $2 " ends at " $1 " pt" }' "$T/words")
  [ -z "$out" ] || fail "text runs past the right edge of the table ($edge pt): $out"
}

test_fill_no_seal_mark_leaves_the_circle_out_and_the_text_in_place() {
  run "$BEIAN" fill "$D/application.json" -o seal.pdf; expect_rc 0 || return 1
  run "$BEIAN" fill "$D/application.json" -o noseal.pdf --no-seal-mark; expect_rc 0 || return 1
  pdftotext -layout seal.pdf a.txt && pdftotext -layout noseal.pdf b.txt &&
    cmp -s a.txt b.txt || fail "--no-seal-mark moved the printed text" || return 1
  # the dashed circle is the only dashed path: its dash operator is gone
  qpdf --qdf --object-streams=disable seal.pdf s.qdf && qpdf --qdf --object-streams=disable noseal.pdf n.qdf
  grep -aq '] 0 d' s.qdf || fail "no dashed seal circle in the default output" || return 1
  ! grep -aq '\[[0-9.]* [0-9.]*\] 0 d' n.qdf || fail "--no-seal-mark still draws a dashed circle"
}
