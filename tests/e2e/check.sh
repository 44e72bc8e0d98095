# check and fill refusing bad data: every kind of bad input exits 65 (66 for a missing file),
# names the field by its id or Chinese label (and the line of the data file where there is
# one), and leaves no output behind. Also `beian forms`.
#
# Each bad file is a valid record of tests/data/ with one change, made here with sed so the
# change is visible in the test; the helper checks that the change happened.

export BEIAN_FORMS="$ROOT/forms" BEIAN_FONTS="$ROOT/fonts"
D="$ROOT/tests/data"

# variant OUT SED-SCRIPT [BASE]: a copy of a valid record (default: the work group) changed
# by SED-SCRIPT; fails when the script changed nothing.
variant() {
  base=${3:-$D/workgroup.json}
  sed "$2" "$base" >"$1"
  ! cmp -s "$base" "$1" || fail "variant $1: '$2' changed nothing"
}

# refused FILE: `fill` exits 65 and writes neither the PDF nor the PNG nor a temporary file;
# `check` exits 65 too.
refused() {
  run "$BEIAN" check "$1"
  expect_rc 65 || return 1
  run "$BEIAN" fill "$1" -o out.pdf --png out.png
  expect_rc 65 && expect_no_file out.pdf && expect_no_file out.png || return 1
  left=$(ls -A . | grep -E '^out\.|\.tmp|tmp-' || true)
  [ -z "$left" ] || fail "files left behind: $left"
}

# expect_field ID LABEL: stderr names the field, by its Chinese label or by its id where a
# problem names its field ("error: ID (LABEL): ..." or "error: ID: ..."), so that an id that
# is also a word of the message (mobile, date, email) does not count.
expect_field() {
  grep -qF -- "$2" "$T/err" || grep -qF -- "error: $1 " "$T/err" || grep -qF -- "error: $1:" "$T/err" ||
    fail "stderr names neither $1 nor $2: $(head -c 600 "$T/err")"
}

# errors: the number of error lines on stderr.
errors() { grep -c ': error: ' "$T/err"; }

test_check_accepts_the_test_records_and_writes_nothing() {
  for f in registration application workgroup application-long-reason; do
    run "$BEIAN" check "$D/$f.json"
    expect_rc 0 || return 1
    [ "$(errors)" -eq 0 ] || fail "errors on a valid record" || return 1
  done
  [ -z "$(ls -A . | grep -v '^out$\|^err$\|^\.stderr')" ] || fail "check wrote files: $(ls -A .)"
}

test_fill_refuses_json_syntax_error_with_line_and_column() {
  # line 7 loses its comma: the parser trips on line 8, in "scope" (columns 5 to 11)
  variant syntax.json '7s/",$/"/' || return 1
  refused syntax.json || return 1
  col=$(sed -n 's/^beian: syntax\.json:8:\([0-9]*\):.*/\1/p' "$T/err" | head -1)
  [ -n "$col" ] || fail "no syntax.json:8:COLUMN: in: $(cat "$T/err")" || return 1
  [ "$col" -ge 5 ] && [ "$col" -le 12 ] || fail "column $col is not in \"scope\" (5-12)"
}

test_fill_refuses_unknown_field_and_suggests_the_close_one() {
  variant typo.json 's/"dept_head_title":/"dept_head_titel":/' || return 1
  refused typo.json || return 1
  expect_err 'typo.json:18:' && expect_err dept_head_titel || return 1
  grep -F dept_head_titel "$T/err" | grep -qF dept_head_title ||
    fail "no suggestion of dept_head_title: $(cat "$T/err")"
}

test_fill_unknown_field_far_from_any_gets_no_suggestion() {
  variant remark.json 's/"mobile": "13909517788"/&,\n    "remark": "请尽快审核"/' || return 1
  refused remark.json || return 1
  expect_err remark || return 1
  [ "$(errors)" -eq 1 ] || fail "expected one problem: $(cat "$T/err")" || return 1
  # no field id of the form is offered for a name that is not close to any
  for id in group_name scope email member_count member_types department dept_head mobile; do
    if grep -F remark "$T/err" | grep -qw "$id"; then fail "suggested $id for remark"; return 1; fi
  done
  return 0
}

test_fill_refuses_missing_required_field() {
  variant missing.json '/"dept_head":/d' || return 1
  refused missing.json && expect_field dept_head 部门负责人 || return 1
  [ "$(errors)" -eq 1 ] || fail "expected one problem: $(cat "$T/err")"
}

test_fill_refuses_work_group_with_neither_qr_code_nor_number() {
  variant noqr.json '/"group_qr":/d; /"group_number":/d' || return 1
  refused noqr.json && expect_field group_qr 群二维码
}

test_fill_refuses_mobile_that_is_not_11_digits() {
  variant m10.json 's/"admin1_mobile": "13619512468"/"admin1_mobile": "1361951246"/' || return 1
  refused m10.json && expect_field admin1_mobile 管理员1手机 && expect_err 'm10.json:10:'
}

test_fill_refuses_mobile_not_starting_1_3_to_9() {
  variant m12.json 's/"mobile": "13909517788"/"mobile": "12909517788"/' || return 1
  refused m12.json && expect_field mobile 部门负责人手机 && expect_err 'm12.json:20:'
}

test_fill_refuses_office_phone_without_area_code() {
  variant office.json 's/"office_phone": "0951-6037790"/"office_phone": "6037790"/' || return 1
  refused office.json && expect_field office_phone 办公电话 && expect_err 'office.json:19:'
}

test_fill_refuses_contact_phone_that_is_neither_mobile_nor_office() {
  variant phone.json 's/"admin_phone": "0951-6035678"/"admin_phone": "6035678"/' "$D/registration.json" || return 1
  refused phone.json && expect_field admin_phone 管理员联系电话 && expect_err 'phone.json:11:'
}

test_fill_refuses_bad_email() {
  variant addr.json 's/"email": "cj2026kj3@nxtc.edu.cn"/"email": "cj2026kj3@nxtc"/' || return 1
  refused addr.json && expect_field email Email && expect_err 'addr.json:13:'
}

test_fill_refuses_impossible_date() {
  variant date.json 's/"apply_date": "2026-10-15"/"apply_date": "2026-02-30"/' "$D/application.json" || return 1
  refused date.json && expect_field apply_date 申请时间 && expect_err 'date.json:8:'
}

test_fill_refuses_impossible_submission_date_naming_its_line() {
  variant sdate.json 's/"date": "2026-09-08"/"date": "2026-02-30"/' || return 1
  refused sdate.json && expect_field date 填表日期 && expect_err 'sdate.json:3:'
}

test_fill_refuses_member_count_of_zero() {
  variant zero.json 's/"member_count": 58/"member_count": 0/' || return 1
  refused zero.json && expect_field member_count 群成员数量 && expect_err 'zero.json:14:'
}

test_fill_refuses_member_count_that_is_not_a_number() {
  variant abc.json 's/"member_count": 58/"member_count": "abc"/' || return 1
  refused abc.json && expect_field member_count 群成员数量 && expect_err 'abc.json:14:'
}

test_fill_refuses_gbk_file_naming_its_line() {
  # the file as a Windows editor saves it in the GBK code page; line 7 holds the first Chinese
  iconv -f UTF-8 -t GBK "$D/workgroup.json" >gbk.json || fail "iconv cannot write GBK" || return 1
  ! cmp -s "$D/workgroup.json" gbk.json || fail "GBK file is the same bytes" || return 1
  refused gbk.json && expect_err 'gbk.json:7:' && expect_err UTF-8
}

test_fill_gbk_file_message_names_the_field() {
  iconv -f UTF-8 -t GBK "$D/workgroup.json" >gbk.json || fail "iconv cannot write GBK" || return 1
  refused gbk.json && expect_field group_name 群名称
}

test_fill_refuses_field_longer_than_its_limit() {
  # 群名称 allows 60 characters; this one has 61
  long=财经学院二〇二六级会计专业三班学生家长班主任任课教师家校联系群财经学院二〇二六级会计专业三班学生家长班主任任课教师家校联系
  [ "$(printf '%s' "$long" | iconv -f UTF-8 -t UTF-32LE | wc -c)" -eq 244 ] ||
    fail "test value is not 61 characters" || return 1
  variant long.json "s/\"group_name\": \"[^\"]*\"/\"group_name\": \"$long\"/" || return 1
  refused long.json && expect_field group_name 群名称 && expect_err 'long.json:7:' && expect_err 60
}

test_fill_refuses_duplicate_keys() {
  variant dup.json 's/"group_name": "[^"]*",/&\n    "group_name": "会计4班家校联系群",/' || return 1
  refused dup.json && expect_err group_name && expect_err 'dup.json:8:'
}

test_fill_refuses_field_given_by_id_and_by_label() {
  variant twice.json 's/"group_name": "[^"]*",/&\n    "群名称": "会计4班家校联系群",/' || return 1
  refused twice.json && expect_field group_name 群名称 && expect_err 'twice.json:8:'
}

test_fill_refuses_number_where_text_belongs() {
  variant num.json 's/"admin1_mobile": "13619512468"/"admin1_mobile": 13619512468/' || return 1
  refused num.json && expect_field admin1_mobile 管理员1手机 && expect_err 'num.json:10:'
}

test_fill_refuses_file_larger_than_1_MiB() {
  # valid JSON, padded with spaces to 1 MiB and one byte
  size=$(wc -c <"$D/workgroup.json")
  { head -c -3 "$D/workgroup.json"; head -c $((1048576 + 1 - size)) /dev/zero | tr '\0' ' '
    tail -c 3 "$D/workgroup.json"; } >big.json
  [ "$(wc -c <big.json)" -eq 1048577 ] || fail "big.json is $(wc -c <big.json) bytes" || return 1
  refused big.json || return 1
  grep -qiE '1 ?MiB|1024 ?KiB|1048576' "$T/err" || fail "no size limit in: $(cat "$T/err")" || return 1
  if grep -qi syntax "$T/err"; then fail "refused as a syntax error, not by its size"; return 1; fi
}

test_fill_accepts_file_of_exactly_1_MiB() {
  size=$(wc -c <"$D/workgroup.json")
  { head -c -3 "$D/workgroup.json"; head -c $((1048576 - size)) /dev/zero | tr '\0' ' '
    tail -c 3 "$D/workgroup.json"; } >mib.json
  [ "$(wc -c <mib.json)" -eq 1048576 ] || fail "mib.json is $(wc -c <mib.json) bytes" || return 1
  run "$BEIAN" fill mib.json -o mib.pdf
  expect_rc 0
}

test_fill_refuses_unknown_form_id() {
  variant form.json 's/"form": "workgroup-filing"/"form": "workgroup-filling"/' || return 1
  refused form.json && expect_err 'form.json:2:' && expect_field form 表格 && expect_err workgroup-filling &&
    expect_err workgroup-filing # the known forms are listed
}

test_fill_missing_data_file_exits_66() {
  run "$BEIAN" check no-such.json
  expect_rc 66 && expect_err no-such.json || return 1
  run "$BEIAN" fill no-such.json -o out.pdf --png out.png
  expect_rc 66 && expect_err no-such.json && expect_no_file out.pdf && expect_no_file out.png
}

test_check_lists_every_problem_of_a_file() {
  variant many.json '
    s/"admin1_mobile": "13619512468"/"admin1_mobile": "1361951246"/
    s/"email": "cj2026kj3@nxtc.edu.cn"/"email": "cj2026kj3@nxtc"/
    s/"member_count": 58/"member_count": "abc"/
    s/"office_phone": "0951-6037790"/"office_phone": "6037790"/
    /"dept_head":/d
    s/"mobile": "13909517788"/&,\n    "remark": "请尽快审核"/' || return 1
  refused many.json || return 1
  [ "$(errors)" -eq 6 ] || fail "expected 6 problems, got $(errors): $(cat "$T/err")" || return 1
  for f in admin1_mobile email member_count office_phone dept_head remark; do
    grep ': error: ' "$T/err" | grep -qF "$f" || fail "$f not listed" || return 1
  done
  expect_err '6 problems'
}

test_check_lists_font_problems_together_with_field_problems() {
  # one value no font can print, one bad mobile: both are reported in one run
  pua=$(printf '\356\200\200')
  variant two.json "s/\"admin1_mobile\": \"13619512468\"/\"admin1_mobile\": \"1361951246\"/
    s/\"dept_head\": \"赵明远\"/\"dept_head\": \"赵${pua}远\"/" || return 1
  refused two.json || return 1
  expect_field admin1_mobile 管理员1手机 && expect_err U+E000 && expect_field dept_head 部门负责人
}

test_fill_refusal_keeps_an_existing_output() {
  variant m10.json 's/"admin1_mobile": "13619512468"/"admin1_mobile": "1361951246"/' || return 1
  printf 'the PDF printed yesterday\n' >keep.pdf
  cp keep.pdf keep.orig
  run "$BEIAN" fill m10.json -o keep.pdf
  expect_rc 65 || return 1
  cmp -s keep.pdf keep.orig || fail "a refused fill changed the existing keep.pdf"
}

test_forms_lists_the_three_seed_forms() {
  run "$BEIAN" forms
  expect_rc 0 || return 1
  expect_out platform-registration && expect_out 附件2 && expect_out 新媒体平台信息登记表 &&
    expect_out platform-application && expect_out 附件3 && expect_out 新媒体平台申请表 &&
    expect_out workgroup-filing && expect_out 附件4 && expect_out 网络工作群备案登记表
}

test_forms_workgroup_filing_lists_its_fields() {
  run "$BEIAN" forms workgroup-filing
  expect_rc 0 || return 1
  for id in group_qr group_qr_image group_number group_name scope admin1_name admin1_mobile \
    admin2_name admin2_mobile email member_count member_types department dept_head \
    dept_head_title office_phone mobile; do
    grep -q "^$id[[:space:]]" "$T/out" || fail "field $id not listed: $(cat "$T/out")" || return 1
  done
  for label in 群名称 建群范围 群成员数量 覆盖人员类型 所属部门名称 部门负责人 办公电话; do
    expect_out "$label" || return 1
  done
  # types and whether a field is required are part of the listing
  grep "^member_count[[:space:]]" "$T/out" | grep -q count || fail "member_count's type not shown"
}

test_fill_reads_dates_as_people_write_them_and_prints_the_one_date() {
  for spelling in '2026/10/15' '2026年10月15日' '2026.10.15'; do
    variant d.json "s|\"apply_date\": \"2026-10-15\"|\"apply_date\": \"$spelling\"|" "$D/application.json" || return 1
    run "$BEIAN" fill d.json -o d.pdf
    expect_rc 0 || return 1
    expect_err "d.json:8: note: apply_date (申请时间): \"$spelling\" was read as \"2026-10-15\"" || return 1
    case "$(pdf_text d.pdf)" in *2026年10月15日*) ;; *) fail "$spelling: the PDF lacks 2026年10月15日"; return 1 ;; esac
    rm -f d.pdf
  done
}

test_check_refuses_impossible_and_ambiguous_dates_saying_why() {
  variant d.json 's|"apply_date": "2026-10-15"|"apply_date": "2026/2/30"|' "$D/application.json" || return 1
  refused d.json || return 1
  expect_err 'd.json:8: error: apply_date (申请时间): "2026/2/30" is not a possible date: February 2026 has 28 days' || return 1
  variant d.json 's|"apply_date": "2026-10-15"|"apply_date": "10/15/2026"|' "$D/application.json" || return 1
  refused d.json || return 1
  expect_err 'apply_date (申请时间): "10/15/2026" is ambiguous: the year is last'
}

test_fill_reads_full_width_digits_of_an_input_method_as_digits() {
  variant fw.json 's|"admin1_mobile": "13619512468"|"admin1_mobile": "１３６１９５１２４６８"|; s|"office_phone": "0951-6037790"|"office_phone": "０９５１－６０３７７９０"|' || return 1
  run "$BEIAN" fill fw.json -o fw.pdf
  expect_rc 0 || return 1
  expect_err 'fw.json:10: note: admin1_mobile (管理员1手机): "１３６１９５１２４６８" was read as "13619512468"' || return 1
  expect_err 'office_phone (办公电话): "０９５１－６０３７７９０" was read as "0951-6037790"' || return 1
  text=$(pdf_text fw.pdf)
  for want in 13619512468 0951-6037790; do
    case "$text" in *"$want"*) ;; *) fail "the PDF lacks $want"; return 1 ;; esac
  done
}

test_check_names_a_full_width_colon_or_comma_and_a_trailing_comma_in_json() {
  # line 13 typed with a Chinese input method's colon: "email"：
  variant fw.json '13s/"email": /"email"： /' || return 1
  refused fw.json || return 1
  expect_err 'fw.json:13:12: error: JSON syntax error: a full-width colon ： at line 13, column 12: JSON needs the half-width :' || return 1
  variant fw.json '13s/",$/"，/' || return 1
  refused fw.json || return 1
  expect_err 'a full-width comma ， at line 13, column 37: JSON needs the half-width ,' || return 1
  variant fw.json '20s/"$/",/' || return 1
  refused fw.json || return 1
  expect_err 'fw.json:20:28: error: JSON syntax error: a trailing comma before } at line 20, column 28' || return 1
  # inside a text a full-width comma or quotation mark is text, and fine
  variant fw.json 's/"dept_head_title": "党总支书记"/"dept_head_title": "党总支书记，“兼”"/' || return 1
  run "$BEIAN" check fw.json
  expect_rc 0
}
