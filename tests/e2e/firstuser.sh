# A first user's day (issue 15): a department secretary with the office's sheet and a clerk
# with a data file typed on a Chinese input method. Each test follows what the person does and
# checks what they rely on: the message they read (one per problem, naming the row Excel
# shows), the file they then find, and the value printed on the form.

export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"

# office_sheet N MOBILE-OF-ROW: the office's sheet of N groups as it keeps it: a 序号 column,
# the header copied from the paper form (手机 after 管理员姓名 1 and after 部门负责人), the
# code's date as Excel on Chinese Windows shows it. MOBILE-OF-ROW is an awk expression of i
# (the group) giving the administrator's mobile number as typed.
office_sheet() {
  printf '%s\r\n' '序号,群二维码,群二维码生成日期,群名称,建群范围,管理员姓名 1,手机,Email,群成员数量,覆盖人员类型,所属部门名称,部门负责人,职务,办公电话,手机'
  awk -v n="$1" "BEGIN {
    for (i = 1; i <= n; i++)
      printf \"%d,https://weixin.qq.com/g/FU-%d,2026/9/8,2026级护理%d班,护理学院,张伟,%s,hl%d@nxtc.edu.cn,45,学生,护理学院,周晓明,书记,0951-6033456,13909512345\\r\\n\", i, i, i, $2, i
  }"
}

test_a_column_excel_shortened_is_one_message_and_the_fixed_sheet_prints() {
  # Excel showed the 30 mobile numbers as 1.39E+10 when the sheet was saved as CSV
  office_sheet 30 '"1.39E+10"' >"$T/groups.csv"
  run "$BEIAN" batch workgroup-filing "$T/groups.csv" -o "$T/forms"
  expect_rc 65 || return 1
  [ "$(grep -c 'E+10' "$T/err")" -eq 1 ] || fail "not one message: $(grep -c 'E+10' "$T/err")" || return 1
  expect_err 'groups.csv: error: admin1_mobile (管理员1手机): rows 2–31: "1.39E+10" is a number Excel shortened' || return 1
  expect_err '30 of 30 rows cannot be printed (rows 2–31); nothing was written' || return 1
  expect_no_file "$T/forms" || return 1
  # retyped as text; two were typed with the input method's full-width digits
  office_sheet 30 'sprintf(i == 4 || i == 9 ? "１３８９５０００００%d" : "138950000%02d", i % 10)' >"$T/groups.csv"
  run "$BEIAN" batch workgroup-filing "$T/groups.csv" -o "$T/forms"
  expect_rc 0 || return 1
  expect_err 'groups.csv:1: note: column A "序号" is no field of workgroup-filing and is ignored' || return 1
  expect_err 'G "手机" as admin1_mobile (管理员1手机), O "手机" as mobile (部门负责人手机)' || return 1
  expect_err 'admin1_mobile (管理员1手机): rows 5, 10: "１３８９５０００００4" was read as "13895000004"' || return 1
  # the file of row 5 is 0005, and it holds the digits and the date as the form prints them
  t=$(pdf_text "$T/forms/0005-2026级护理4班.pdf")
  for want in 13895000004 二维码生成日期：2026年9月8日 2026级护理4班; do
    case "$t" in *"$want"*) ;; *) fail "row 5's form lacks $want"; return 1 ;; esac
  done
  [ "$(ls "$T/forms" | head -1)" = "0002-2026级护理1班.pdf" ] || fail "first file: $(ls "$T/forms" | head -1)"
}

test_skipped_rows_are_the_files_missing() {
  office_sheet 8 'sprintf("138950000%02d", i)' | sed -e '4s/,13895000003,/,1389500003,/' -e '7s/,hl6@nxtc.edu.cn,/,hl6@nxtc,/' >"$T/skip.csv"
  run "$BEIAN" batch workgroup-filing "$T/skip.csv" -o "$T/skip" --skip-invalid
  expect_rc 0 || return 1
  expect_err 'skip.csv:4: error: admin1_mobile' || return 1
  expect_err 'skip.csv:7: error: email' || return 1
  expect_err 'skipped 2 rows with problems (rows 4, 7)' || return 1
  for n in 2 3 5 6 8 9; do
    [ -n "$(ls "$T/skip" | grep "^000$n-")" ] || fail "row $n was not printed: $(ls "$T/skip")" || return 1
  done
  [ -z "$(ls "$T/skip" | grep -E '^000[47]-')" ] || fail "rows 4 and 7 were printed: $(ls "$T/skip")"
}

test_a_libreoffice_sheet_is_told_how_to_save_it() {
  ln -s "$ROOT/tests/bad/inputs/sheet-ods.ods" "$T/工作群.ods"
  run "$BEIAN" batch workgroup-filing "$T/工作群.ods" -o "$T/ods"
  expect_rc 65 || return 1
  expect_err '工作群.ods: error: is an OpenDocument spreadsheet (.ods' || return 1
  expect_err '另存为' && expect_err 'CSV UTF-8' || return 1
  ! grep -q 'Word or PowerPoint' "$T/err" || fail "still asks about Word: $(cat "$T/err")"
}

test_a_data_file_typed_on_a_chinese_input_method() {
  # the colon after "group_name" and the date typed with the input method on
  sed -e 's/"group_name": /"group_name"：/' "$ROOT/tests/data/workgroup.json" >"$T/wg.json"
  run "$BEIAN" check "$T/wg.json"
  expect_rc 65 || return 1
  expect_err 'wg.json:7:17: error: JSON syntax error: a full-width colon ： at line 7, column 17: JSON needs the half-width :' || return 1
  sed -e 's/"date": "2026-09-08"/"date": "2026年9月8日"/' -e 's/"admin1_mobile": "13619512468"/"admin1_mobile": "１３６１９５１２４６８"/' \
    "$ROOT/tests/data/workgroup.json" >"$T/wg.json"
  run "$BEIAN" fill "$T/wg.json" -o "$T/wg.pdf"
  expect_rc 0 || return 1
  expect_err 'wg.json:3: note: date (填表日期): "2026年9月8日" was read as "2026-09-08"' || return 1
  pdf_text "$T/wg.pdf" | grep -qF 13619512468 || fail "the form lacks 13619512468" || return 1
  # the same form as from the file written the plain way
  run "$BEIAN" fill "$ROOT/tests/data/workgroup.json" -o "$T/plain.pdf"
  expect_rc 0 || return 1
  [ "$(pdf_text "$T/wg.pdf")" = "$(pdf_text "$T/plain.pdf")" ] || fail "the two spellings print different forms"
}

test_date_option_takes_the_spellings_a_data_file_takes() {
  export BEIAN_ARCHIVE="$T/ar-date"
  run "$BEIAN" -q submit "$ROOT/examples/workgroup-filing.json" --date 2026年11月25日
  expect_rc 0 && expect_out "QUN-2026-0001" || return 1
  grep -q ' 2026-11-25 ' "$BEIAN_ARCHIVE/ledger.txt" || ls "$BEIAN_ARCHIVE"/records/2026/QUN-2026-0001/v1-20261125.zip >/dev/null ||
    { fail "the filing is not dated 2026-11-25"; return 1; }
  run "$BEIAN" submit "$ROOT/examples/workgroup-filing.json" --date 9/8/2026
  expect_rc 64 && expect_err "ambiguous" || return 1
  run "$BEIAN" submit "$ROOT/examples/workgroup-filing.json" --date 2026-02-30
  expect_rc 64 && expect_err "February 2026 has 28 days"
}

test_quiet_silences_notes_but_not_errors() {
  sed 's/"13995012345"/"１３９９５０１２３４５"/' "$ROOT/examples/platform-application.json" >"$T/fw.json"
  run "$BEIAN" check "$T/fw.json"
  expect_rc 0 && expect_err "note:" || return 1
  run "$BEIAN" -q check "$T/fw.json"
  expect_rc 0 || return 1
  ! grep -q "note:" "$T/err" || fail "-q printed a note: $(cat "$T/err")"
}

test_a_wrong_archive_folder_is_not_made_an_archive() {
  mkdir "$T/typo"
  "$BEIAN" -q fill "$ROOT/examples/workgroup-filing.json" -o "$T/scan.pdf" || return 1
  run "$BEIAN" approve QUN-2026-0001 --scan "$T/scan.pdf" --date 2026-12-01 --archive "$T/typo"
  expect_rc 66 && expect_err "$T/typo: no archive here" || return 1
  [ -z "$(ls -A "$T/typo")" ] || fail "approve made $(ls -A "$T/typo")" || return 1
  run "$BEIAN" list --archive "$T/typo2"
  expect_rc 66 && expect_no_file "$T/typo2" || return 1
  # only a new record's filing makes an archive, and says so once
  run "$BEIAN" submit "$ROOT/examples/workgroup-filing.json" --archive "$T/typo"
  expect_rc 0 && expect_err "created a new archive at $T/typo" || return 1
  run "$BEIAN" submit "$ROOT/examples/platform-application.json" --archive "$T/typo"
  expect_rc 0 || return 1
  ! grep -q "created a new archive" "$T/err" || fail "said it again: $(cat "$T/err")"
}

test_the_command_line_says_what_was_wrong() {
  export BEIAN_ARCHIVE="$T/ar-cli"
  run "$BEIAN" -q submit "$ROOT/examples/workgroup-filing.json"
  expect_rc 0 && expect_out QUN-2026-0001 || return 1
  # a year given without --year: one line naming it, then the usage
  run "$BEIAN" review XMT-2026-0001 2027
  expect_rc 64 || return 1
  [ "$(head -1 "$T/err")" = 'beian: review: one argument too many ("2027"); the year is given as --year 2027' ] ||
    fail "first line: $(head -1 "$T/err")" || return 1
  expect_err "usage: beian review RECORD" || return 1
  # a record number typed in lower case, without its zeros
  run "$BEIAN" log qun-2026-1
  expect_rc 0 && expect_out "QUN-2026-0001" || return 1
  run "$BEIAN" reject qun-2026-1 --reason "负责人未签字" --date 2026-12-01
  expect_rc 0 && expect_out "QUN-2026-0001 v2 rejected" || return 1
  # a form by its attachment number or title
  run "$BEIAN" forms 附件4
  expect_rc 0 && expect_out "workgroup-filing: 附件4 网络工作群备案登记表" || return 1
  run "$BEIAN" forms 网络工作群备案登记表
  expect_rc 0 && expect_out "workgroup-filing: 附件4" || return 1
  # fill -o into a folder not made yet
  run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" -o "$T/新建/草稿.pdf"
  expect_rc 0 && pdf_text "$T/新建/草稿.pdf" | grep -q 网络工作群备案登记表 || fail "no form in the new folder" || return 1
  # due --format: what the help says is what it takes
  run "$BEIAN" help due
  expect_out "table (default) or tsv" || return 1
  run "$BEIAN" due --today 2026-12-10 --format csv
  expect_rc 64 && expect_err "due: --format is table or tsv" || return 1
  run "$BEIAN" help help
  expect_rc 0
}

test_qq_groups_get_no_wechat_warnings_and_a_class_teacher_is_no_unit_head() {
  # a WeChat group of 250 members whose code is 10 days older than the form
  sed -e 's/"member_count": "[^"]*"/"member_count": "250"/' -e 's/"group_qr": /"group_qr_date": "2026-11-10", "group_qr": /' \
    "$ROOT/examples/workgroup-filing.json" >"$T/wx.json"
  run "$BEIAN" check "$T/wx.json"
  expect_rc 0 && expect_err "a 微信 group of more than 200" && expect_err "a 微信 group code lasts 7 days" || return 1
  # the same as a QQ group: no rule is known, nothing is said
  sed -e 's#https://weixin.qq.com/g/[A-Za-z0-9]*#https://qm.qq.com/q/AbCdEf123#' "$T/wx.json" >"$T/qq.json"
  run "$BEIAN" check "$T/qq.json"
  expect_rc 0 || return 1
  ! grep -qE "200|lasts 7 days|expired" "$T/err" || fail "WeChat's rules for a QQ group: $(cat "$T/err")" || return 1
  # 班主任 holds 主任 but is no unit head
  sed -e 's/"dept_head_title": "[^"]*"/"dept_head_title": "班主任"/' "$ROOT/examples/workgroup-filing.json" >"$T/bzr.json"
  run "$BEIAN" check "$T/bzr.json"
  expect_rc 0 && expect_err '"班主任" does not look like the title of a unit head' || return 1
  sed -e 's/"dept_head_title": "[^"]*"/"dept_head_title": "办公室主任"/' "$ROOT/examples/workgroup-filing.json" >"$T/bgs.json"
  run "$BEIAN" check "$T/bgs.json"
  ! grep -q "unit head" "$T/err" || fail "办公室主任 warned: $(cat "$T/err")"
}

test_a_failed_review_is_reviewed_again_after_a_change() {
  export BEIAN_ARCHIVE="$T/ar-review"
  reg="$ROOT/examples/platform-registration.json"
  a=$("$BEIAN" -q submit "$reg" --date 2026-03-01 -o "$T/r1.pdf") || return 1
  pdftoppm -r 150 -png -singlefile "$T/r1.pdf" "$T/r1" && "$BEIAN" -q approve --scan "$T/r1.png" --date 2026-03-05 >/dev/null || return 1
  "$BEIAN" -q review "$a" --year 2026 --result fail --date 2026-12-02 >/dev/null || return 1
  # not again before it is changed
  run "$BEIAN" review "$a" --year 2026 --date 2026-12-03
  expect_rc 65 && expect_err "was already reviewed for 2026" || return 1
  sed 's/"admin_name": "[^"]*"/"admin_name": "李新"/' "$reg" >"$T/new.json"
  "$BEIAN" -q change "$a" "$T/new.json" --date 2026-12-05 -o "$T/r4.pdf" >/dev/null || return 1
  pdftoppm -r 150 -png -singlefile "$T/r4.pdf" "$T/r4" && "$BEIAN" -q approve --scan "$T/r4.png" --date 2026-12-08 >/dev/null || return 1
  run "$BEIAN" due --today 2026-12-10
  expect_rc 0 && expect_out "2026年度年审未通过（2026-12-02），已变更，待再次年审" || return 1
  run "$BEIAN" review "$a" --year 2026 --date 2026-12-10
  expect_rc 0 && expect_out "$a v6 approved" || return 1
  run "$BEIAN" due --today 2026-12-11
  ! grep -q "$a" "$T/out" || fail "still due: $(cat "$T/out")" || return 1
  run "$BEIAN" help review
  tr '\n' ' ' <"$T/out" | tr -s ' ' | grep -qF "second review of the same year is allowed" || fail "help review: $(cat "$T/out")" || return 1
  # the reprint of v6 shows the form printed as v4: the mark says which is which
  run "$BEIAN" reprint "$a" -o "$T/re.pdf" --date 2027-01-05
  expect_rc 0 || return 1
  t=$(pdf_text "$T/re.pdf")
  case "$t" in *"档案第6版（此表印于第4版）"*) ;; *) fail "mark: $t"; return 1 ;; esac
}

test_bag_info_lines_fold_at_79_and_old_bundles_stay_valid() {
  export BEIAN_ARCHIVE="$T/ar-bag"
  # a long group name with spaces folds at a space; the digests go on their own lines
  sed 's/"group_name": "[^"]*"/"group_name": "2026级 计算机应用技术专业 1班 全体学生 与 辅导员 及 任课教师 交流群 （含 实习 就业 指导）"/' \
    "$ROOT/examples/workgroup-filing.json" >"$T/long.json"
  n=$("$BEIAN" -q submit "$T/long.json" --date 2026-11-25) || return 1
  "$BEIAN" -q reject "$n" --reason "负责人未签字" --date 2026-11-26 >/dev/null || return 1
  info=$(unzip -p "$BEIAN_ARCHIVE"/records/2026/$n/v2-20261126.zip bag-info.txt)
  long=$(printf '%s\n' "$info" | python3 -c 'import sys; [print(l) for l in sys.stdin.read().split("\n") if len(l) > 79]')
  [ -z "$long" ] || fail "lines over 79 characters: $long" || return 1
  printf '%s\n' "$info" | grep -q '^Beian-Record-SHA256:$' || fail "not folded: $info" || return 1
  printf '%s\n' "$info" | grep -qE '^  [0-9a-f]{64}$' || fail "no digest line: $info" || return 1
  [ "$(printf '%s\n' "$info" | grep -c '^  ')" -ge 3 ] || fail "the description is not folded: $info" || return 1
  run "$BEIAN" verify
  expect_rc 0 || return 1
  run "$BEIAN" log "$n"
  expect_out "全体学生 与 辅导员 及 任课教师 交流群" || return 1
  # a bundle written before folding (one line per value) still verifies
  cp -R "$ROOT/tests/fixtures/verify/intact/archive" "$T/old"
  unzip -p "$T/old"/records/2026/QUN-2026-0001/v2-*.zip bag-info.txt | grep -qE '^Previous-Bundle-SHA256: [0-9a-f]{64}$' ||
    fail "the fixture is not an unfolded bundle" || return 1
  run "$BEIAN" verify --archive "$T/old"
  expect_rc 0
}

test_the_form_filled_and_the_filing_have_each_their_date() {
  export BEIAN_ARCHIVE="$T/ar-dates"
  run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" -o "$T/draft.pdf"
  pdf_text "$T/draft.pdf" | grep -qF "草稿填表日期：2026年11月24日" || fail "draft footer: $(pdf_text "$T/draft.pdf" | tail -c 200)" || return 1
  n=$("$BEIAN" -q submit "$ROOT/examples/workgroup-filing.json" --date 2026-11-25 -o "$T/filed.pdf") || return 1
  pdf_text "$T/filed.pdf" | grep -qF "${n}第1版备案日期：2026年11月25日" || fail "filed footer: $(pdf_text "$T/filed.pdf" | tail -c 200)" || return 1
  # the data keeps the day it was filled in: the digest does not change with the filing date
  unzip -p "$BEIAN_ARCHIVE"/records/2026/$n/v1-20261125.zip data/record.json | grep -q '^{"date":"2026-11-24"' ||
    fail "record.json's date changed" || return 1
  run "$BEIAN" help submit
  tr '\n' ' ' <"$T/out" | tr -s ' ' | grep -qF "the day the form was filled" || fail "help submit: $(cat "$T/out")"
}
