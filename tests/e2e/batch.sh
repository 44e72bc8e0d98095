# `beian batch`: spreadsheets as offices save them become one PDF per row or one print job;
# every problem of every row is listed before anything is written.

# A build directory's binary finds the forms and fonts of the checkout through these.
export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"

HEADER='group_qr,group_number,群名称,建群范围,管理员姓名1,admin1_mobile,Email,群成员数量,member_types,所属部门名称（盖章）,部门负责人,职务,办公电话,mobile'

# groups N: a UTF-8 sheet (no BOM) of N work groups on stdout. Every scope holds a comma
# (quoted), row 7's scope a line break, row 9's member types doubled quotes.
groups() {
  printf '%s\r\n' "$HEADER"
  awk -v n="$1" 'BEGIN {
    split("张伟 王芳 李娜 刘洋 陈静 杨堃 马丽 阿依古丽·买买提", names, " ");
    for (i = 1; i <= n; i++) {
      scope = "\"信息工程学院," i "班全体学生\"";
      if (i == 7) scope = "\"信息工程学院\r\n7班全体学生\"";
      types = (i == 9) ? "\"学生、\"\"骨干\"\"\"" : "学生、班主任";
      printf "https://weixin.qq.com/g/BEIAN-%04d,5284%04d,2026级计算机%d班,%s,%s,138950%05d,g%d@nxtc.edu.cn,%d,%s,信息工程学院,周晓明,党总支书记,0951-6033456,13909512345\r\n",
        i, i, i, scope, names[(i - 1) % 8 + 1], i, i, 40 + i % 20, types;
    }
  }'
}

# qr_of_page PDF N: the QR codes zbarimg reads on page N, one per line.
qr_of_page() {
  pdftoppm -f "$2" -l "$2" -r 110 -gray -png "$1" "$T/qr" 2>/dev/null
  zbarimg -q --raw "$T"/qr*.png 2>/dev/null
  rm -f "$T"/qr*.png
}

test_gb18030_csv_of_120_groups_gives_one_pdf_per_row_matching_it() {
  groups 120 | iconv -f UTF-8 -t GB18030 >"$T/gb.csv" || return 1
  run "$BEIAN" batch workgroup-filing "$T/gb.csv" -o "$T/gb"
  expect_rc 0 || return 1
  expect_err "120 forms from $T/gb.csv (GB18030)" || return 1
  [ "$(ls "$T/gb" | wc -l)" -eq 120 ] || fail "expected 120 files: $(ls "$T/gb" | head)" || return 1
  # each file is numbered with its row in Excel: the header is row 1, group i is row i+1
  for i in $(seq 1 120); do
    f=$(printf '%s/gb/%04d-2026级计算机%d班.pdf' "$T" $((i + 1)) "$i")
    [ -f "$f" ] || fail "missing $f" || return 1
  done
  for i in 1 7 9 64 120; do
    f=$(printf '%s/gb/%04d-2026级计算机%d班.pdf' "$T" $((i + 1)) "$i")
    text=$(pdf_text "$f")
    num=$(printf '5284%04d' "$i"); mob=$(printf '138950%05d' "$i")
    scope="信息工程学院,${i}班全体学生"; [ "$i" -eq 7 ] && scope="信息工程学院7班全体学生"
    for want in "2026级计算机${i}班" "$scope" "群号：$num" "$mob" "g$i@nxtc.edu.cn"; do
      case "$text" in *"$want"*) ;; *) fail "row $i: $f lacks '$want'"; return 1 ;; esac
    done
  done
  case "$(pdf_text "$T/gb/0010-2026级计算机9班.pdf")" in
    *'学生、"骨干"'*) ;; *) fail "row 9: doubled quotes not read as one quote"; return 1 ;;
  esac
  for i in 1 120; do
    f=$(printf '%s/gb/%04d-2026级计算机%d班.pdf' "$T" $((i + 1)) "$i")
    qr_of_page "$f" 1 | grep -qx "$(printf 'https://weixin.qq.com/g/BEIAN-%04d' "$i")" \
      || fail "row $i: the printed QR code is not the row's" || return 1
  done
}

test_utf8_bom_csv_gives_one_print_job_with_row_n_on_page_n() {
  { printf '\357\273\277'; groups 60; } >"$T/bom.csv"
  run "$BEIAN" batch workgroup-filing "$T/bom.csv" --combined "$T/all.pdf"
  expect_rc 0 || return 1
  [ "$(pdfinfo "$T/all.pdf" | awk '/^Pages:/ {print $2}')" = 60 ] || fail "expected 60 pages" || return 1
  # page n (pages end in a form feed) carries row n and no other row
  pdftotext "$T/all.pdf" - 2>/dev/null | tr -d ' \n' | tr '\f' '\n' | head -60 >"$T/pages"
  n=0
  while IFS= read -r page; do
    n=$((n + 1))
    case "$page" in *"2026级计算机${n}班"*) ;; *) fail "page $n does not carry row $n"; return 1 ;; esac
    [ "$(printf '%s' "$page" | grep -o '2026级计算机[0-9]*班' | sort -u | wc -l)" -eq 1 ] \
      || fail "page $n carries more than one row" || return 1
  done <"$T/pages"
  [ $n -eq 60 ] || fail "read $n pages" || return 1
  pdftotext -f 31 -l 31 "$T/all.pdf" - 2>/dev/null | tr -d ' \n\f' | grep -qF "2026级计算机31班" \
    || fail "pdftotext -f 31 -l 31 does not show row 31" || return 1
  for n in 1 37 60; do
    qr_of_page "$T/all.pdf" $n | grep -qx "$(printf 'https://weixin.qq.com/g/BEIAN-%04d' $n)" \
      || fail "page $n's QR code is not row $n's" || return 1
  done
  # one print job: each font embedded once, not once per form
  fonts=$(pdffonts "$T/all.pdf" 2>/dev/null | tail -n +3 | awk '{print $1}')
  [ "$(printf '%s\n' "$fonts" | wc -l)" -eq "$(printf '%s\n' "$fonts" | sort -u | wc -l)" ] \
    && [ "$(printf '%s\n' "$fonts" | wc -l)" -le 3 ] || fail "fonts repeated: $fonts"
}

test_two_bad_rows_are_both_named_and_nothing_is_written() {
  groups 10 | sed -e '5s/,13895000004,/,1389500004,/' -e 's/,2026级计算机8班,/,,/' >"$T/bad.csv"
  run "$BEIAN" batch workgroup-filing "$T/bad.csv" -o "$T/bad" --combined "$T/bad.pdf"
  expect_rc 65 || return 1
  expect_err "bad.csv:5: error: admin1_mobile (管理员1手机): \"1389500004\" is not a mobile number" || return 1
  # group 8 starts on line 10 of the file (group 7 holds a line break) and is row 9 in Excel:
  # the messages give the row Excel shows
  expect_err "bad.csv:9: error: group_name (群名称): is missing" || return 1
  ! grep -q 'bad.csv:10:' "$T/err" || fail "a message gives the CSV line 10" || return 1
  expect_err "2 of 10 rows cannot be printed (rows 5, 9); nothing was written" || return 1
  expect_no_file "$T/bad" && expect_no_file "$T/bad.pdf"
}

test_rows_whose_text_does_not_fit_are_found_before_anything_is_written() {
  long=$(printf 'A%.0s' $(seq 1 900))
  groups 8 | sed -e "4s|BEIAN-0003|$long|" -e "7s|BEIAN-0006|$long|" >"$T/fit.csv"
  for j in 1 2; do
    run "$BEIAN" batch workgroup-filing "$T/fit.csv" -o "$T/fit/out" -j $j
    expect_rc 65 || return 1
    # the same problem in two rows: said once, with both rows
    expect_err "fit.csv: error: group_qr (群二维码): rows 4, 7: is too long for the cell" || return 1
    expect_err "2 of 8 rows cannot be printed (rows 4, 7); nothing was written" || return 1
    expect_no_file "$T/fit" || return 1
  done
  run "$BEIAN" batch workgroup-filing "$T/fit.csv" -o "$T/fit" --skip-invalid -j 2
  expect_rc 0 && expect_err "skipped 2 rows with problems (rows 4, 7)" || return 1
  [ "$(ls "$T/fit" | wc -l)" -eq 6 ] || fail "expected 6 PDFs: $(ls -A "$T/fit")"
}

test_skip_invalid_prints_the_others_and_lists_the_skipped() {
  groups 10 | sed -e '5s/,13895000004,/,1389500004,/' -e 's/,2026级计算机8班,/,,/' >"$T/skip.csv"
  run "$BEIAN" batch workgroup-filing "$T/skip.csv" -o "$T/skip" --skip-invalid
  expect_rc 0 || return 1
  [ "$(ls "$T/skip" | wc -l)" -eq 8 ] || fail "expected 8 PDFs: $(ls "$T/skip")" || return 1
  # one numbering: the rows the messages and the summary name are the files missing
  expect_err "skip.csv:5: error: admin1_mobile" || return 1
  expect_err "skip.csv:9: error: group_name" || return 1
  expect_no_file "$T/skip/0005-2026级计算机4班.pdf" || return 1
  [ -z "$(ls "$T/skip" | grep '^0009-')" ] || fail "row 9 was printed" || return 1
  [ -f "$T/skip/0006-2026级计算机5班.pdf" ] || fail "row 6 keeps its number" || return 1
  expect_err "skipped 2 rows with problems (rows 5, 9)"
}

test_excel_scientific_phone_is_refused_with_how_to_reexport() {
  groups 3 | sed '3s/,13895000002,/,1.39E+10,/' >"$T/sci.csv"
  run "$BEIAN" batch workgroup-filing "$T/sci.csv" -o "$T/sci"
  expect_rc 65 || return 1
  expect_err "sci.csv:3: error: admin1_mobile (管理员1手机): \"1.39E+10\" is a number Excel shortened to scientific notation" || return 1
  expect_err "set its format to 文本" || return 1
  expect_no_file "$T/sci"
}

test_office_number_that_lost_its_zero_is_refused() {
  groups 2 | sed '2s/,0951-6033456,/,9516033456,/' >"$T/zero.csv"
  run "$BEIAN" batch workgroup-filing "$T/zero.csv" --combined "$T/zero.pdf"
  expect_rc 65 || return 1
  expect_err "office_phone (办公电话): \"9516033456\" looks like the office number 0951-6033456 without its leading 0"
}

test_xlsx_with_shared_and_inline_strings_prints_every_row() {
  run "$BEIAN" batch workgroup-filing "$ROOT/tests/data/batch/workgroups.xlsx" -o "$T/x"
  expect_rc 0 || return 1
  expect_err '3 forms from' || return 1
  expect_err '(xlsx, sheet "工作群")' || return 1
  t1=$(pdf_text "$T/x/0002-2026级护理1班.pdf"); t2=$(pdf_text "$T/x/0003-2026级护理2班.pdf")
  for want in 2026级护理1班 13895012345 周晓明 群号：52841937 hl2026@nxtc.edu.cn; do
    case "$t1" in *"$want"*) ;; *) fail "row 1 lacks $want"; return 1 ;; esac
  done
  for want in 第一行第二行 13895012346 hl2026b@nxtc.edu.cn 杨堃; do
    case "$t2" in *"$want"*) ;; *) fail "row 2 lacks $want"; return 1 ;; esac
  done
}

test_png_previews_one_per_row_with_the_row_qr_code() {
  run "$BEIAN" batch workgroup-filing "$ROOT/tests/data/batch/workgroups.xlsx" --png "$T/png" --dpi 100
  expect_rc 0 || return 1
  [ "$(ls "$T/png" | wc -l)" -eq 3 ] || fail "expected 3 previews: $(ls "$T/png")" || return 1
  zbarimg -q --raw "$T/png/0004-2026级护理3班.png" 2>/dev/null | grep -qx 'https://weixin.qq.com/g/XLSX-ROW-3' \
    || fail "preview of row 3 does not carry its QR code"
}

test_xlsx_sheet_by_name_and_number_without_leading_zero() {
  run "$BEIAN" batch workgroup-filing "$ROOT/tests/data/batch/workgroups.xlsx" --sheet Excel改过 -o "$T/x2"
  expect_rc 65 || return 1
  expect_err "workgroups.xlsx:2: error: office_phone (办公电话): \"9516033456\" looks like the office number 0951-6033456 without its leading 0: the workbook stored it as a number" || return 1
  run "$BEIAN" batch workgroup-filing "$ROOT/tests/data/batch/workgroups.xlsx" --sheet 汇总 -o "$T/x2"
  expect_rc 65 && expect_err 'has no sheet named "汇总"; its sheets are "工作群", "Excel改过"'
}

test_utf16_unicode_text_with_tabs() {
  { printf '\377\376'; groups 3 | sed 's/"[^"]*"/范围/g; s/,/\t/g' | iconv -f UTF-8 -t UTF-16LE; } >"$T/u16.txt"
  run "$BEIAN" batch workgroup-filing "$T/u16.txt" --combined "$T/u16.pdf"
  expect_rc 0 && expect_err "(UTF-16LE)" || return 1
  pdf_text "$T/u16.pdf" | grep -qF "2026级计算机3班" || fail "row 3 missing"
}

test_unknown_column_names_it_and_suggests_the_field() {
  groups 2 | sed '1s/,mobile$/,部门负责人手机号/; 1s/,mobile\r$/,部门负责人手机号\r/' >"$T/col.csv"
  # ignored with a note that suggests the field; the required mobile then has no column
  run "$BEIAN" batch workgroup-filing "$T/col.csv" -o "$T/col"
  expect_rc 65 || return 1
  expect_err "col.csv:1: note: column N \"部门负责人手机号\" (did you mean mobile (部门负责人手机)?) is no field of workgroup-filing and is ignored" || return 1
  expect_err "col.csv:1: error: mobile (部门负责人手机): is required, but the sheet has no column for it" || return 1
  expect_no_file "$T/col" || return 1
  run "$BEIAN" batch workgroup-filing "$T/col.csv" -o "$T/col" --strict
  expect_rc 65 || return 1
  expect_err "col.csv:1: error: column N \"部门负责人手机号\" is not a field of workgroup-filing; did you mean mobile (部门负责人手机)?" || return 1
  expect_err "beian forms workgroup-filing" || return 1
  expect_no_file "$T/col"
}

test_a_sheet_as_the_office_keeps_it_with_序号_and_the_paper_forms_headers() {
  # a 序号 column and a 备注 column of the office's own, and the header copied from the paper
  # form: 手机 after each 管理员姓名 and after 部门负责人 (the row's 职务 and 办公电话 between)
  printf '%s\r\n' '序号,群二维码,群名称,建群范围,管理员姓名 1,手机,管理员姓名 2,手机,Email,群成员数量,覆盖人员类型,所属部门名称,部门负责人,职务,办公电话,手机,备注' >"$T/office.csv"
  printf '%s\r\n' '1,https://weixin.qq.com/g/OFFICE-1,2026级护理1班,护理学院,张伟,13895000001,王芳,13895000002,hl1@nxtc.edu.cn,45,学生,护理学院,周晓明,书记,0951-6033456,13909512345,新建' >>"$T/office.csv"
  printf '%s\r\n' '2,https://weixin.qq.com/g/OFFICE-2,2026级护理2班,护理学院,李娜,13895000003,,,hl2@nxtc.edu.cn,46,学生,护理学院,周晓明,书记,0951-6033456,13909512345,' >>"$T/office.csv"
  run "$BEIAN" batch workgroup-filing "$T/office.csv" -o "$T/office"
  expect_rc 0 || return 1
  expect_err 'office.csv:1: note: columns A "序号", Q "备注" are no field of workgroup-filing and are ignored' || return 1
  expect_err 'F "手机" as admin1_mobile (管理员1手机), H "手机" as admin2_mobile (管理员2手机), P "手机" as mobile (部门负责人手机)' || return 1
  t=$(pdf_text "$T/office/0002-2026级护理1班.pdf")
  for want in 13895000001 13895000002 13909512345 王芳; do
    case "$t" in *"$want"*) ;; *) fail "row 2 lacks $want"; return 1 ;; esac
  done
  case "$t" in *新建*) fail "the 备注 column was printed"; return 1 ;; esac
  [ -f "$T/office/0003-2026级护理2班.pdf" ] || fail "row 3 missing: $(ls "$T/office")" || return 1
  run "$BEIAN" batch workgroup-filing "$T/office.csv" -o "$T/office2" --strict
  expect_rc 65 && expect_err 'column A "序号" is not a field of workgroup-filing' || return 1
  expect_no_file "$T/office2"
}

test_existing_files_are_kept_without_force() {
  groups 3 >"$T/ow.csv"
  run "$BEIAN" batch workgroup-filing "$T/ow.csv" -o "$T/ow"
  expect_rc 0 || return 1
  echo keep >"$T/ow/0003-2026级计算机2班.pdf"
  run "$BEIAN" batch workgroup-filing "$T/ow.csv" -o "$T/ow"
  expect_rc 73 && expect_err "use --force" || return 1
  [ "$(cat "$T/ow/0003-2026级计算机2班.pdf")" = keep ] || fail "file replaced without --force" || return 1
  run "$BEIAN" batch workgroup-filing "$T/ow.csv" -o "$T/ow" --force
  expect_rc 0 || return 1
  pdf_text "$T/ow/0003-2026级计算机2班.pdf" | grep -qF 2026级计算机2班 || fail "not replaced with --force" || return 1
  [ -z "$(ls -A "$T/ow" | grep -v '\.pdf$')" ] || fail "temporary files left: $(ls -A "$T/ow")"
}

test_workers_write_the_same_bytes_in_the_same_order() {
  groups 12 >"$T/j.csv"
  run "$BEIAN" batch workgroup-filing "$T/j.csv" -o "$T/j1" --combined "$T/j1.pdf"
  expect_rc 0 || return 1
  run "$BEIAN" batch workgroup-filing "$T/j.csv" -o "$T/j3" --combined "$T/j3.pdf" -j 3
  expect_rc 0 || return 1
  diff -r "$T/j1" "$T/j3" >/dev/null || fail "-j 3 wrote different files" || return 1
  cmp -s "$T/j1.pdf" "$T/j3.pdf" || fail "-j 3 wrote a different print job"
}

test_stopped_run_leaves_no_files_behind() {
  groups 300 >"$T/stop.csv"
  "$BEIAN" batch workgroup-filing "$T/stop.csv" -o "$T/stop/out" -j 2 2>"$T/err" &
  pid=$!
  for i in $(seq 1 50); do
    [ -n "$(ls -A "$T/stop/out" 2>/dev/null)" ] && break; sleep 0.1
  done
  kill -TERM $pid; wait $pid; rc=$?
  [ $rc -eq 143 ] || fail "expected death by SIGTERM (143), got $rc: $(cat "$T/err")" || return 1
  expect_err "interrupted; nothing was written" || return 1
  expect_no_file "$T/stop"
}

test_progress_bar_on_a_terminal() {
  groups 6 >"$T/tty.csv"
  script -qec "\"$BEIAN\" batch workgroup-filing \"$T/tty.csv\" --combined \"$T/tty.pdf\"" /dev/null >"$T/tty.out" 2>&1
  grep -q "6/6 forms" "$T/tty.out" || fail "no progress bar on a terminal: $(head -c 300 "$T/tty.out")"
}

test_no_progress_bar_when_not_a_terminal_and_one_summary_line() {
  groups 4 >"$T/q.csv"
  run "$BEIAN" batch workgroup-filing "$T/q.csv" --combined "$T/q.pdf"
  expect_rc 0 || return 1
  ! grep -q "$(printf '\r')" "$T/err" || fail "progress bar written to a file" || return 1
  [ "$(wc -l <"$T/err")" -eq 1 ] || fail "expected one summary line: $(cat "$T/err")" || return 1
  expect_err "4 forms from $T/q.csv (UTF-8): $T/q.pdf (4 pages," || return 1
  run "$BEIAN" -q batch workgroup-filing "$T/q.csv" --combined "$T/q.pdf"
  expect_rc 0 && [ ! -s "$T/err" ] || fail "--quiet still wrote: $(cat "$T/err")"
}

test_usage_and_missing_input() {
  groups 1 >"$T/u.csv"
  run "$BEIAN" batch workgroup-filing "$T/u.csv"
  expect_rc 64 && expect_err "say where the forms go" || return 1
  run "$BEIAN" batch no-such-form "$T/u.csv" -o "$T/u"
  expect_rc 64 && expect_err 'there is no form "no-such-form"' || return 1
  run "$BEIAN" batch workgroup-filing "$T/missing.csv" -o "$T/u"
  expect_rc 66 && expect_err "missing.csv: error: cannot read the file" || return 1
  run "$BEIAN" batch workgroup-filing "$T/u.csv" -o "$T/u" --encoding klingon
  expect_rc 64 && expect_err 'unknown encoding "klingon"' || return 1
  run "$BEIAN" batch workgroup-filing "$T/u.csv" -o "$T/u" -j 0
  expect_rc 64 || return 1
  run "$BEIAN" help batch
  expect_rc 0 && expect_out "usage: beian batch FORM-ID FILE" && expect_out "example:"
}

test_a_column_excel_shortened_is_one_message_with_its_rows() {
  # 90 mobile numbers shown as 1.39E+10 (rows 2 to 91) and one other problem in row 50
  # (group i is row i+1 in Excel; its mobile number is 138950000ii)
  groups 95 | sed -E -e 's/,138950000([0-8][0-9]|90),/,1.39E+10,/' -e 's/,g49@nxtc.edu.cn,/,g49@nxtc,/' >"$T/sci90.csv"
  run "$BEIAN" batch workgroup-filing "$T/sci90.csv" -o "$T/sci90"
  expect_rc 65 || return 1
  [ "$(grep -c '1.39E+10' "$T/err")" -eq 1 ] || fail "expected one message for the column: $(grep -c '1.39E+10' "$T/err") lines" || return 1
  expect_err 'sci90.csv: error: admin1_mobile (管理员1手机): rows 2–91: "1.39E+10" is a number Excel shortened to scientific notation' || return 1
  [ "$(grep -c '文本' "$T/err")" -eq 1 ] || fail "the advice is not said once" || return 1
  expect_err 'sci90.csv:50: error: email (Email): "g49@nxtc" is not an e-mail address' || return 1
  expect_err '90 of 95 rows cannot be printed (rows 2–91); nothing was written' || return 1
  # the same problem with different values is one message too, quoting the first
  groups 6 | sed -e '3s/,13895000002,/,1.38E+10,/' -e '4s/,13895000003,/,1.39E+10,/' -e '6s/,13895000005,/,1.39E+10,/' >"$T/sci3.csv"
  run "$BEIAN" batch workgroup-filing "$T/sci3.csv" -o "$T/sci3"
  expect_rc 65 || return 1
  expect_err 'admin1_mobile (管理员1手机): rows 3–4, 6: "1.38E+10" is a number Excel shortened' || return 1
  expect_err "(the value quoted is the first row's; the other rows have their own)"
}
