# Filing the office's sheet (issue 15, point 1): `beian submit` and `beian check` given a CSV
# or .xlsx sheet. Every row is checked before anything is filed; each row is its own record and
# commit, filed under one hold of the lock; a sheet filed again (after a crash) recognises the
# rows already filed by their data and files the rest; stdout gets the table of rows and numbers.

export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"

# groups N: the office's sheet of N groups (a 序号 column, headers copied from the paper form).
groups() {
  printf '%s\r\n' '序号,群二维码,群二维码生成日期,群名称,建群范围,管理员姓名 1,手机,Email,群成员数量,覆盖人员类型,所属部门名称,部门负责人,职务,办公电话,手机'
  awk -v n="$1" 'BEGIN {
    for (i = 1; i <= n; i++)
      printf "%d,https://weixin.qq.com/g/SUB-%d,2026/9/8,2026级护理%d班,护理学院,张伟,138950000%02d,hl%d@nxtc.edu.cn,45,学生,护理学院,周晓明,书记,0951-6033456,13909512345\r\n", i, i, i, i, i
  }'
}

ledger_lines() { [ -f "$1/ledger.txt" ] && wc -l <"$1/ledger.txt" | tr -d ' ' || echo 0; }

test_a_sheet_is_filed_row_by_row_with_a_table_of_numbers() {
  groups 5 >"$T/g.csv"
  run "$BEIAN" check "$T/g.csv"
  expect_rc 0 && expect_out "g.csv: ok (5 rows, form workgroup-filing" || return 1
  run "$BEIAN" submit "$T/g.csv" --archive "$T/ar0" --date 2026-11-25 -o "$T/sign" --combined "$T/all.pdf"
  expect_rc 0 || return 1
  expect_err "created a new archive at $T/ar0" || return 1
  expect_err "g.csv: row 6 filed as QUN-2026-0005 v1" || return 1
  # the checks before signing, a warning of every row said once with its rows
  [ "$(grep -c 'group code lasts 7 days' "$T/err")" -eq 1 ] || fail "not once: $(grep 'lasts 7' "$T/err")" || return 1
  expect_err "group_qr_date (群二维码生成日期): rows 2–6: 2026-09-08 is more than 7 days before 2026-11-25" || return 1
  # the table: a header and one line per row, tab-separated into a file
  [ "$(head -1 "$T/out")" = "$(printf '行\t备案编号\t名称\t本次')" ] || fail "header: $(head -1 "$T/out")" || return 1
  grep -qF "$(printf '4\tQUN-2026-0003\t2026级护理3班\t新备案')" "$T/out" || fail "row 4: $(cat "$T/out")" || return 1
  [ "$(ledger_lines "$T/ar0")" -eq 5 ] || fail "ledger: $(ledger_lines "$T/ar0") lines" || return 1
  # the forms to sign carry their numbers; each is the archived form itself
  unzip -p "$T/ar0/records/2026/QUN-2026-0003/v1-20261125.zip" data/form.pdf | cmp -s - "$T/sign/0004-2026级护理3班.pdf" ||
    fail "row 4's form is not the archived one" || return 1
  t=$(pdf_text "$T/all.pdf")
  for n in 1 2 3 4 5; do
    case "$t" in *"QUN-2026-000$n"*) ;; *) fail "the print job lacks QUN-2026-000$n"; return 1 ;; esac
  done
  # the data of each row is what the sheet said
  unzip -p "$T/ar0/records/2026/QUN-2026-0002/v1-20261125.zip" data/record.json | grep -q '"group_name":"2026级护理2班"' ||
    fail "QUN-2026-0002 does not hold row 3"
}

test_one_bad_row_refuses_the_sheet_and_skip_invalid_files_the_others() {
  groups 6 | sed -e '5s/,13895000004,/,1389500004,/' >"$T/bad.csv"
  run "$BEIAN" check "$T/bad.csv"
  expect_rc 65 && expect_err "bad.csv:5: error: admin1_mobile" || return 1
  run "$BEIAN" submit workgroup-filing "$T/bad.csv" --archive "$T/ar1" --date 2026-11-25
  expect_rc 65 || return 1
  expect_err "bad.csv:5: error: admin1_mobile" || return 1
  expect_err "1 of 6 rows have problems (row 5); nothing was filed" || return 1
  expect_no_file "$T/ar1" || return 1
  [ ! -s "$T/out" ] || fail "stdout: $(cat "$T/out")" || return 1
  run "$BEIAN" submit workgroup-filing "$T/bad.csv" --archive "$T/ar1" --date 2026-11-25 --skip-invalid
  expect_rc 0 || return 1
  expect_err "5 rows filed, 0 already filed; skipped the rows with problems (row 5)" || return 1
  ! grep -q "^5	" "$T/out" || fail "row 5 is in the table: $(cat "$T/out")" || return 1
  grep -qF "$(printf '6\tQUN-2026-0004')" "$T/out" || fail "row 6: $(cat "$T/out")"
}

test_a_sheet_filed_again_after_a_crash_files_only_the_rest() {
  groups 6 >"$T/g.csv"
  # the fourth commit dies after its bundle was linked, before the ledger knew it
  BEIAN_CRASH_AT=linked:4 "$BEIAN" -q submit "$T/g.csv" --archive "$T/ar2" --date 2026-11-25 >"$T/out" 2>"$T/err"
  [ "$(ledger_lines "$T/ar2")" -eq 3 ] || fail "after the crash: $(ledger_lines "$T/ar2") filings" || return 1
  # the half-done commit is for fsck, as for any filing; then the same sheet again
  run "$BEIAN" fsck --archive "$T/ar2"
  expect_rc 0 || return 1
  run "$BEIAN" submit "$T/g.csv" --archive "$T/ar2" --date 2026-11-25 --format csv
  expect_rc 0 || return 1
  for r in 2 3 4 5; do
    expect_err "g.csv: row $r is already QUN-2026-000$((r - 1)) (filed 2026-11-25); skipped" || return 1
  done
  expect_err "2 rows filed, 4 already filed" || return 1
  [ "$(ledger_lines "$T/ar2")" -eq 6 ] || fail "after the rerun: $(ledger_lines "$T/ar2") filings" || return 1
  [ ! -e "$T/ar2/records/2026/QUN-2026-0007" ] || fail "a row was numbered twice" || return 1
  # the table as CSV for Excel: a BOM, CRLF, every row with its number
  [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no BOM" || return 1
  grep -q "^7,QUN-2026-0006,2026级护理6班,新备案"$'\r'"$" "$T/out" || fail "row 7: $(cat "$T/out")" || return 1
  grep -q "^3,QUN-2026-0002,2026级护理2班,已备案（跳过）"$'\r'"$" "$T/out" || fail "row 3: $(cat "$T/out")" || return 1
  run "$BEIAN" verify --archive "$T/ar2"
  expect_rc 0
}

test_a_crash_before_the_bundle_leaves_the_rows_before_filed() {
  groups 4 >"$T/g.csv"
  BEIAN_CRASH_AT=built:3 "$BEIAN" -q submit "$T/g.csv" --archive "$T/ar3" --date 2026-11-25 >"$T/out" 2>"$T/err"
  [ "$(ledger_lines "$T/ar3")" -eq 2 ] || fail "after the crash: $(ledger_lines "$T/ar3") filings" || return 1
  run "$BEIAN" submit "$T/g.csv" --archive "$T/ar3" --date 2026-11-25
  expect_rc 0 && expect_err "2 rows filed, 2 already filed" || return 1
  run "$BEIAN" verify --archive "$T/ar3"
  expect_rc 0
}

test_a_gb18030_csv_and_a_workbook_are_filed() {
  groups 3 | iconv -f UTF-8 -t GB18030 >"$T/gb.csv" || return 1
  run "$BEIAN" submit workgroup-filing "$T/gb.csv" --archive "$T/ar4" --date 2026-11-25
  expect_rc 0 || return 1
  unzip -p "$T/ar4/records/2026/QUN-2026-0003/v1-20261125.zip" data/record.json | grep -q '"group_name":"2026级护理3班"' ||
    fail "the GB18030 sheet's row 4 is not QUN-2026-0003" || return 1
  run "$BEIAN" submit workgroup-filing "$ROOT/tests/data/batch/workgroups.xlsx" --archive "$T/ar4" --date 2026-11-26
  expect_rc 0 || return 1
  grep -qF "$(printf '2\tQUN-2026-0004')" "$T/out" || fail "xlsx row 2: $(cat "$T/out")" || return 1
  unzip -p "$T/ar4/records/2026/QUN-2026-0004/v1-20261126.zip" data/record.json | grep -q 'XLSX-ROW-1' ||
    fail "QUN-2026-0004 does not hold the workbook's first row"
}

test_a_data_file_option_for_sheets_is_refused_with_json() {
  run "$BEIAN" submit "$ROOT/examples/workgroup-filing.json" --archive "$T/ar5" --skip-invalid
  expect_rc 64 && expect_err "--skip-invalid is for a sheet (CSV or .xlsx), not a data file" || return 1
  expect_no_file "$T/ar5"
}
