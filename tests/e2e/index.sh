# The register's index, index.db (issue 16): derived from the ledger and the bundles, caught
# up by readers and filings, checked by verify, rebuilt by reindex and fsck; search over every
# value of every version; a read-only copy still answers. Needs sqlite3.

QUN="$ROOT/examples/workgroup-filing.json"
APP="$ROOT/examples/platform-application.json"

ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
q() { sqlite3 "$BEIAN_ARCHIVE/index.db" "$1"; }

# one group (杨堃 its second administrator), rejected, then changed to 王某 and approved; a
# platform beside it
history() {
  ar "$1"
  "$BEIAN" -q submit "$QUN" --date 2026-03-02 -o "$T/f.pdf" >/dev/null || return 1
  "$BEIAN" -q submit "$APP" --date 2026-03-03 >/dev/null || return 1
  "$BEIAN" -q reject QUN-2026-0001 --reason "缺少签字" --date 2026-03-05 >/dev/null || return 1
  sed 's/"admin2_name": "杨堃"/"admin2_name": "王某"/; s/"admin2_mobile": "15109512345"/"admin2_mobile": "15209512345"/' \
    "$QUN" >"$T/changed.json"
  "$BEIAN" -q change QUN-2026-0001 "$T/changed.json" --date 2026-09-10 -o "$T/c.pdf" >/dev/null || return 1
}

test_search_names_the_record_field_and_versions_with_dates() {
  history s || return 1
  # two characters (most Chinese names): not in the trigram table, found all the same
  run "$BEIAN" search 杨堃
  expect_rc 0 || return 1
  [ "$(cat "$T/out")" = "QUN-2026-0001	2026级计算机应用技术1班	admin2_name	管理员姓名 2	杨堃	v1	2026-03-02	v3	2026-09-10" ] ||
    fail "search 杨堃: $(cat "$T/out")" || return 1
  run "$BEIAN" search 王某
  [ "$(cat "$T/out")" = "QUN-2026-0001	2026级计算机应用技术1班	admin2_name	管理员姓名 2	王某	v3	2026-09-10		" ] ||
    fail "search 王某: $(cat "$T/out")" || return 1
  # one character, and three or more (the trigram table): every field that holds it
  run "$BEIAN" search 堃
  expect_rc 0 && expect_out "杨堃	v1	2026-03-02	v3" || return 1
  run "$BEIAN" search 计算机应用
  expect_rc 0 && expect_out "group_name	群名称	2026级计算机应用技术1班	v1	2026-03-02		" || return 1
  # a phone number with or without its hyphen, in full-width digits too
  run "$BEIAN" search 09516033456
  expect_rc 0 && expect_out "office_phone	办公电话	0951-6033456" || return 1
  run "$BEIAN" search "１５１-0951-2345"
  expect_rc 0 && expect_out "admin2_mobile	管理员2手机	15109512345	v1	2026-03-02	v3	2026-09-10" || return 1
  # letters in any case
  run "$BEIAN" search XXGC2026@NXTC
  expect_rc 0 && expect_out "email	Email	xxgc2026@nxtc.edu.cn" || return 1
  run "$BEIAN" search 没有这个人
  expect_rc 0 && expect_err 'nothing in this archive holds "没有这个人"' || return 1
  [ ! -s "$T/out" ] || fail "a hit for nobody: $(cat "$T/out")"
}

test_search_formats_csv_with_bom_and_json() {
  history f || return 1
  run "$BEIAN" search 杨堃 --format csv
  expect_rc 0 || return 1
  [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no BOM" || return 1
  expect_out '"QUN-2026-0001","2026级计算机应用技术1班","workgroup-filing","admin2_name","管理员姓名 2","杨堃","1","2026-03-02","3","2026-09-10"' || return 1
  run "$BEIAN" search 杨堃 --format json
  expect_rc 0 || return 1
  python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert len(h) == 1, h
h = h[0]
assert (h["record"], h["label"], h["value"], h["from_version"], h["until_version"], h["until_event"]) == \
    ("QUN-2026-0001", "管理员姓名 2", "杨堃", 1, 3, "changed"), h
' "$T/out" || fail "json: $(cat "$T/out")" || return 1
  run "$BEIAN" search 杨堃 --format table
  expect_rc 0 && expect_out "the change of v3 (2026-09-10)" || return 1
  run "$BEIAN" search 王某 --format table
  expect_out "still in v3 (latest)" || return 1
  run "$BEIAN" search 杨 --format xml
  expect_rc 64 || return 1
  # list --search: the register's rows of the records found
  run "$BEIAN" list --search 李喆 --format tsv
  expect_rc 0 && expect_out "XMT-2026-0001" || return 1
  if grep -q QUN "$T/out"; then fail "list --search 李喆 lists the group: $(cat "$T/out")"; return 1; fi
}

test_index_holds_every_version_and_readers_catch_it_up() {
  history i || return 1
  [ "$(q "SELECT count(*) FROM versions")" = 4 ] || fail "versions: $(q 'SELECT * FROM versions')" || return 1
  [ "$(q "SELECT state || ' v' || version FROM records WHERE record = 'QUN-2026-0001'")" = "changed v3" ] ||
    fail "records: $(q 'SELECT * FROM records')" || return 1
  [ "$(q "SELECT value FROM meta WHERE key = 'schema'")" = 3 ] || fail "no schema version" || return 1
  # a crash after the commit point, before the index step: the filing stands, the index lags
  BEIAN_CRASH_AT=ledger-synced "$BEIAN" -q reject XMT-2026-0001 --reason "x" --date 2026-09-11 >/dev/null 2>&1
  grep -q " XMT-2026-0001 v2 rejected " "$BEIAN_ARCHIVE/ledger.txt" || fail "the filing was lost" || return 1
  [ "$(q "SELECT value FROM meta WHERE key = 'ledger_lines'")" = 4 ] || fail "index not behind" || return 1
  run "$BEIAN" verify
  expect_rc 0 && expect_err "index.db is behind the ledger (made from 4 of its 5 lines" || return 1
  run "$BEIAN" log XMT-2026-0001
  expect_rc 0 && expect_out "v2   2026-09-11  rejected" && expect_out "reason: x" || return 1
  [ "$(q "SELECT value FROM meta WHERE key = 'ledger_lines'")" = 5 ] || fail "not caught up" || return 1
  # an older schema is rebuilt, not migrated
  q "UPDATE meta SET value = '0' WHERE key = 'schema'; DROP TABLE warnings"
  run "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "XMT-2026-0001	v2	2026-09-11	rejected" || return 1
  [ "$(q "SELECT value FROM meta WHERE key = 'schema'")" = 3 ] || fail "old schema kept" || return 1
  # the bundle-reading path (BEIAN_NO_INDEX=1) answers the same
  for cmd in "list" "log QUN-2026-0001" "search 杨堃" "due --today 2026-12-01"; do
    "$BEIAN" $cmd >"$T/with" 2>/dev/null
    BEIAN_NO_INDEX=1 "$BEIAN" $cmd >"$T/without" 2>/dev/null
    cmp -s "$T/with" "$T/without" || fail "$cmd differs without the index: $(diff "$T/with" "$T/without" | head -5)" || return 1
  done
}

test_index_ahead_of_the_ledger_is_ledger_damage() {
  history a || return 1
  head -n 2 "$BEIAN_ARCHIVE/ledger.txt" >"$T/cut"; cat "$T/cut" >"$BEIAN_ARCHIVE/ledger.txt"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-LEDGER: has 2 lines, but index.db was made from a ledger of 4" || return 1
  run "$BEIAN" list
  expect_rc 0 && expect_err "the ledger was cut short" || return 1
  run "$BEIAN" reindex
  expect_rc 65 && expect_err "restore ledger.txt from a copy" || return 1
  run "$BEIAN" fsck
  expect_rc 65 || return 1
  run "$BEIAN" submit "$QUN" --date 2026-09-12
  expect_rc 65 || return 1
  [ "$(q "SELECT value FROM meta WHERE key = 'ledger_lines'")" = 4 ] || fail "the evidence was rebuilt away"
}

# reader CMD...: runs it as a user who cannot write the copy (root writes through chmod a-w)
reader() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}

test_read_only_copy_answers_list_log_and_search() {
  history r || return 1
  "$BEIAN" -q reject XMT-2026-0001 --reason "x" --date 2026-09-11 >/dev/null || return 1
  cp -r "$BEIAN_ARCHIVE" "$T/ro"; cp -r "$BEIAN_ARCHIVE" "$T/ro-behind"
  chmod -R a-w "$T/ro"; chmod a+rx "$T"
  export BEIAN_ARCHIVE="$T/ro"
  run reader "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "XMT-2026-0001	v2	2026-09-11	rejected" || return 1
  [ ! -s "$T/err" ] || fail "notes for a fresh index: $(cat "$T/err")" || return 1
  run reader "$BEIAN" search 王某
  expect_rc 0 && expect_out "王某	v3	2026-09-10" || return 1
  run reader "$BEIAN" log QUN-2026-0001
  expect_rc 0 && expect_out "v3   2026-09-10  changed" || return 1
  run reader "$BEIAN" verify
  expect_rc 0 || return 1
  # behind, and nobody may write: say so and read the bundles
  export BEIAN_ARCHIVE="$T/ro-behind"
  sqlite3 "$BEIAN_ARCHIVE/index.db" "DELETE FROM versions WHERE seq = 5; UPDATE records SET state = 'submitted', version = 1, date = '2026-03-03', last_event = 'submitted' WHERE record = 'XMT-2026-0001'; UPDATE meta SET value = '4' WHERE key = 'ledger_lines'; UPDATE meta SET value = '$(sed -n 4p "$BEIAN_ARCHIVE/ledger.txt" | tr -d '\n' | sha256sum | cut -c1-64)' WHERE key = 'ledger_head'"
  chmod -R a-w "$BEIAN_ARCHIVE"
  run reader "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "XMT-2026-0001	v2	2026-09-11	rejected" &&
    expect_err "the archive is read-only and index.db is behind the ledger" || return 1
  run reader "$BEIAN" search 王某
  expect_rc 0 && expect_out "王某	v3	2026-09-10" || return 1
  [ ! -e "$T/ro/index.db-wal" ] && [ ! -e "$T/ro-behind/index.db-wal" ] || fail "the copy was written" || return 1
  chmod -R u+w "$T/ro" "$T/ro-behind"
}

# A damaged index.db cannot give a new filing a number the archive has (reviewed: a records
# table emptied made the next submission a second QUN-2026-0001 v1).
test_a_number_the_index_forgot_is_not_given_again() {
  ar nf; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/nf-ledger"
  q "DELETE FROM records"
  run "$BEIAN" submit "$QUN" --date 2026-11-25
  expect_rc 65 && expect_err "the next number, QUN-2026-0001, is taken: records/2026/QUN-2026-0001/v1-20261124.zip is there but not in the register" || return 1
  cmp -s "$T/nf-ledger" "$BEIAN_ARCHIVE/ledger.txt" || fail "the ledger changed" || return 1
  run "$BEIAN" reindex; expect_rc 0 || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-25
  expect_rc 0 && expect_out "QUN-2026-0002" || return 1
  run "$BEIAN" verify; expect_rc 0
}
