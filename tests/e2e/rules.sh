# The regulation's rules (issue 6): `beian due` (第七条, 第八条, 第十三条) with calendar and
# working days, the register `beian list` (table, CSV with BOM, JSON, A4 landscape PDF), and
# the warnings before signing (check, fill, submit; kept in the bundle; never the exit code).
# Needs pdftoppm, pdftotext, pdfinfo, unzip, python3.

REG="$ROOT/examples/platform-registration.json"
APP="$ROOT/examples/platform-application.json"
QUN="$ROOT/examples/workgroup-filing.json"
HOL="$ROOT/data/holidays-2026.json"

ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
# file_approved DATA SUBMIT-DATE APPROVE-DATE: submits and approves by the scan; prints the number
file_approved() {
  n=$("$BEIAN" -q submit "$1" --date "$2" -o "$T/form.pdf") || return 1
  pdftoppm -r 150 -png -singlefile "$T/form.pdf" "$T/scan" || return 1
  "$BEIAN" -q approve --scan "$T/scan.png" --date "$3" >/dev/null || return 1
  echo "$n"
}
# new_admin DATA OUT: the data with another administrator
new_admin() { sed 's/"admin_name": "[^"]*"/"admin_name": "李新"/; s/"admin1_name": "[^"]*"/"admin1_name": "李新"/' "$1" >"$2"; }
# json DATA OUT EXPR: the data file changed by a python expression on f (the fields)
json() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8")); f = d["fields"]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
}

# the issue's archive: an approved platform without this year's review, a change filed 9 days
# after it happened, and a dissolution filed on time
must_show_archive() {
  ar "$1"
  a=$(file_approved "$REG" 2026-03-01 2026-03-05) && [ "$a" = XMT-2026-0001 ] || return 1
  g=$(file_approved "$QUN" 2026-03-02 2026-03-06) && [ "$g" = QUN-2026-0001 ] || return 1
  new_admin "$QUN" "$T/qun-new.json"
  "$BEIAN" -q change "$g" "$T/qun-new.json" --date 2026-04-10 --changed-on 2026-04-01 >/dev/null || return 1
  p=$(file_approved "$APP" 2026-03-03 2026-03-07) && [ "$p" = XMT-2026-0002 ] || return 1
  "$BEIAN" -q dissolve "$p" --closed-on 2026-06-01 --date 2026-06-03 >/dev/null || return 1
}

test_due_lists_exactly_the_unreviewed_platform_and_the_late_change() {
  must_show_archive m1 || fail "could not build the archive" || return 1
  run "$BEIAN" due --today 2026-12-10
  expect_rc 0 || return 1
  [ "$(grep -c 'XMT-\|QUN-' "$T/out")" -eq 2 ] || fail "expected 2 items: $(cat "$T/out")" || return 1
  # most urgent first: the change, 2 days late, then the review, 21 days left
  sed -n 2p "$T/out" | grep -q '^第七条 *QUN-2026-0001 .*2026-04-08 *逾期2天' ||
    fail "line 2 is not the late change: $(cat "$T/out")" || return 1
  sed -n 2p "$T/out" | grep -qF '变更后第9天报备，限7天内' || fail "no day count: $(sed -n 2p "$T/out")" || return 1
  sed -n 3p "$T/out" | grep -q '^第八条 *XMT-2026-0001 .*2026-12-31 *剩余21天' ||
    fail "line 3 is not the review: $(cat "$T/out")" || return 1
  grep -q 'XMT-2026-0002' "$T/out" && fail "the dissolution filed on time is listed" && return 1
  # a review filed for the year takes the platform off the list
  "$BEIAN" -q review XMT-2026-0001 --year 2026 --date 2026-12-05 >/dev/null || return 1
  run "$BEIAN" due --today 2026-12-10 --format tsv
  expect_rc 0 || return 1
  [ "$(wc -l <"$T/out")" -eq 1 ] && expect_out "第七条	QUN-2026-0001" || fail "$(cat "$T/out")"
}

test_due_without_today_refuses_and_today_is_explicit() {
  must_show_archive m2 || return 1
  run "$BEIAN" due
  expect_rc 64 && expect_err "--today YYYY-MM-DD (or --today today)" || return 1
  run "$BEIAN" due --today 2026-13-01
  expect_rc 64 || return 1
  run "$BEIAN" due --today today
  expect_rc 0 && expect_out "第七条" || return 1
}

test_late_dissolution_failed_review_and_opening_before_approval_are_flagged() {
  ar f1
  a=$(file_approved "$REG" 2026-03-01 2026-03-05) || return 1
  "$BEIAN" -q review "$a" --year 2026 --result fail --date 2026-12-02 >/dev/null || return 1
  q=$(file_approved "$QUN" 2026-03-02 2026-03-06) || return 1
  "$BEIAN" -q dissolve "$q" --closed-on 2026-06-01 --date 2026-06-08 >/dev/null || return 1
  p=$("$BEIAN" -q submit "$APP" --date 2026-03-03 --opened-on 2026-03-01) || return 1
  run "$BEIAN" due --today 2026-12-10
  expect_rc 0 || return 1
  sed -n 2p "$T/out" | grep -q "^第八条 *$a .*停止运行" || fail "stopped not first: $(cat "$T/out")" || return 1
  expect_out "第十三条" && expect_out "逾期4天报备" && expect_out "关闭后第7天报备，限3天内" || return 1
  grep "$p" "$T/out" | grep -q "^第七条 .*批准前开通.*至今未批准备案" || fail "opening: $(cat "$T/out")" || return 1
  # the dates the deadlines count from are checked when filed
  run "$BEIAN" dissolve "$p" --closed-on 2026-12-20 --date 2026-12-10
  expect_rc 65 && expect_err "closed_on (关闭日期)" || return 1
  run "$BEIAN" review "$a" --year 2027 --closed-on 2026-12-01 --date 2026-12-10
  expect_rc 64 && expect_err "unknown option --closed-on" || return 1
  run "$BEIAN" verify
  expect_rc 0 || return 1
}

test_working_days_skip_the_national_day_holiday_of_the_calendar_file() {
  ar w1
  g=$(file_approved "$QUN" 2026-09-01 2026-09-02) || return 1
  new_admin "$QUN" "$T/w-new.json"
  # changed on Monday 28 September, filed Friday 9 October (国庆 1-7 October, 10 October worked)
  "$BEIAN" -q change "$g" "$T/w-new.json" --date 2026-10-09 --changed-on 2026-09-28 >/dev/null || return 1
  run "$BEIAN" due --today 2026-10-12
  expect_rc 0 && expect_out "逾期4天报备" || return 1
  run "$BEIAN" due --today 2026-10-12 --working-days --holidays "$HOL"
  expect_rc 0 || return 1
  grep -q "$g" "$T/out" && fail "on time in working days, yet listed: $(cat "$T/out")" && return 1
  # without the calendar only weekends are skipped: 2 working days late
  run "$BEIAN" due --today 2026-10-12 --working-days
  expect_rc 0 && expect_out "逾期2个工作日报备" && expect_err "no holiday calendar for 2026" || return 1
  printf '{"year": 2026, "holidays": [{"from": "2026-10-01", "to": "2026-09-07"}]}' >"$T/bad.json"
  run "$BEIAN" due --today 2026-10-12 --working-days --holidays "$T/bad.json"
  expect_rc 78 && expect_err "holidays[0]" || return 1
}

test_register_csv_has_a_bom_and_one_row_per_record_json_and_filters() {
  must_show_archive r1 || return 1
  run "$BEIAN" list --format csv
  expect_rc 0 || return 1
  [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no UTF-8 BOM" || return 1
  [ "$(wc -l <"$T/out")" -eq 4 ] || fail "expected a heading and 3 rows: $(cat "$T/out")" || return 1
  grep -q "^XMT-2026-0001,新媒体平台,宁职院团委,共青团宁夏职业技术学院委员会,马昇,已备案,批准备案,2026-03-05,platform-registration,v2,$(printf '\r')\$" "$T/out" ||
    fail "row: $(cat "$T/out")" || return 1
  expect_out "QUN-2026-0001,网络工作群" && expect_out "已注销" || return 1
  run "$BEIAN" list --format json
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==3 and d[0]["state_label"]=="已变更，待审批" and d[0]["unverified"] is False, d' "$T/out" ||
    fail "json: $(cat "$T/out")" || return 1
  run "$BEIAN" list --format csv --state approved
  [ "$(wc -l <"$T/out")" -eq 2 ] || fail "--state: $(cat "$T/out")" || return 1
  run "$BEIAN" list --format csv --unit 信息工程
  [ "$(wc -l <"$T/out")" -eq 3 ] || fail "--unit: $(cat "$T/out")" || return 1
  run "$BEIAN" list --format csv --year 2025
  [ "$(wc -l <"$T/out")" -eq 1 ] || fail "--year: $(cat "$T/out")" || return 1
  run "$BEIAN" list --format table --form workgroup-filing
  expect_rc 0 && expect_out "编号" && expect_out "QUN-2026-0001  网络工作群" || return 1
  # not a terminal: the screen's columns, tab-separated, with the header line (issue 15)
  run "$BEIAN" list
  [ "$(head -1 "$T/out")" = "$(printf '编号\t类别\t名称\t单位\t管理员\t状态\t最近事项\t日期')" ] || fail "header: $(head -1 "$T/out")" || return 1
  expect_out "XMT-2026-0001	新媒体平台	宁职院团委	共青团宁夏职业技术学院委员会	马昇	已备案	批准备案	2026-03-05" || return 1
  # --format tsv: the tab-separated lines of the first register, for scripts
  run "$BEIAN" list --format tsv
  expect_out "XMT-2026-0001	v2	2026-03-05	approved	已备案	platform-registration	宁职院团委" || return 1
}

test_register_pdf_is_an_a4_landscape_table() {
  must_show_archive p1 || return 1
  run "$BEIAN" list --pdf "$T/台账.pdf" --date 2026-12-31
  expect_rc 0 || return 1
  pdfinfo "$T/台账.pdf" | grep -q 'Page size: *841.89 x 595.27[0-9]* pts (A4)' ||
    fail "not A4 landscape: $(pdfinfo "$T/台账.pdf")" || return 1
  pdf_text "$T/台账.pdf" >"$T/text"
  for s in 新媒体平台及网络工作群备案台账 共3条 2026年12月31日 XMT-2026-0001 QUN-2026-0001 XMT-2026-0002 已变更，待审批 第1页/共1页; do
    grep -qF "$s" "$T/text" || fail "the PDF lacks $s: $(cat "$T/text")" || return 1
  done
  pdffonts "$T/台账.pdf" | grep -q ' yes *yes ' || fail "fonts not embedded as subsets" || return 1
}

test_warnings_before_signing_never_change_the_exit_code() {
  must_show_archive v1 || return 1
  json "$APP" "$T/same.json" 'f["head_name"] = f["admin_name"]; f["head_title"] = "干事"; f["name"] = "掌上宁职院APP"'
  json "$QUN" "$T/big.json" 'f["member_count"] = "350"'
  json "$REG" "$T/again.json" 'f["name"] = "宁职院团委"'
  for cmd in check fill; do
    out=""; [ $cmd = fill ] && out="-o $T/w.pdf"
    run "$BEIAN" $cmd "$T/same.json" $out
    expect_rc 0 && expect_err "warning: head_name (负责人姓名): 王堃 is both admin_name" &&
      expect_err "warning: head_title (负责人职务): \"干事\" does not look like the title of a unit head" &&
      expect_err "warning: name (名称): this applies for an app client" || return 1
    run "$BEIAN" $cmd "$T/big.json" $out
    expect_rc 0 && expect_err "warning: member_count (群成员数量): 350 members" || return 1
    run "$BEIAN" $cmd "$T/again.json" $out
    expect_rc 0 && expect_err "is already filed as XMT-2026-0001" || return 1
  done
  # outside the archive's folder, --archive names it
  run env -u BEIAN_ARCHIVE "$BEIAN" check "$T/again.json" --archive "$BEIAN_ARCHIVE"
  expect_rc 0 && expect_err "is already filed as XMT-2026-0001" || return 1
  # a second filing of the group under another number (the first was changed, same QR code)
  run "$BEIAN" submit "$QUN" --date 2026-12-01
  expect_rc 0 && expect_err "warning: group_qr (群二维码): " && expect_err "already filed as QUN-2026-0001" || return 1
  n=$(cat "$T/out")
  run "$BEIAN" submit "$T/same.json" --date 2026-12-01
  expect_rc 0 && expect_err "warning: head_title" || return 1
  s=$(cat "$T/out")
  # the warnings are kept in the bundle
  unzip -p "$BEIAN_ARCHIVE"/records/2026/"$s"/v1-*.zip data/event.json >"$T/event.json"
  python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; assert len(w)==3 and w[0].startswith("head_name (负责人姓名): "), w' "$T/event.json" ||
    fail "event.json: $(cat "$T/event.json")" || return 1
  unzip -p "$BEIAN_ARCHIVE"/records/2026/"$n"/v1-*.zip data/event.json | grep -q 'already filed as QUN-2026-0001' ||
    fail "the duplicate warning is not in $n's bundle" || return 1
  run "$BEIAN" verify
  expect_rc 0 || return 1
}
