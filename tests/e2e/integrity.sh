# The archive under accident and attack (issue 14): each test repeats what was done to the
# archive and checks that nothing is lost, nothing forged and nothing silently repaired.
# Needs python3, sha256sum, unzip.

QUN="$ROOT/examples/workgroup-filing.json"
APP="$ROOT/examples/platform-application.json"

ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
bundle() { ls "$BEIAN_ARCHIVE"/records/*/"$1"/v"$2"-*.zip; }
# in_ledger REC VERSION EVENT: the ledger lists that version with that event
in_ledger() { grep -q " $1 v$2 $3 " "$BEIAN_ARCHIVE/ledger.txt"; }

# Item 1: a writer paused after building its bundle; meanwhile the lock file is deleted and a
# second writer files. The first must not report a success the ledger lacks.
test_deleted_lock_cannot_lose_a_reported_filing() {
  ar dl; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  BEIAN_PAUSE_AT=built BEIAN_PAUSE_SECONDS=3 "$BEIAN" reject QUN-2026-0001 --reason "印章不清" \
    --date 2026-12-02 >"$T/dl-a.out" 2>"$T/dl-a.err" &
  pid=$!
  sleep 1
  rm -f "$BEIAN_ARCHIVE/lock"
  "$BEIAN" reject QUN-2026-0001 --reason "缺少签字" --date 2026-12-03 >"$T/dl-b.out" 2>"$T/dl-b.err"
  rb=$?
  wait $pid; ra=$?
  for w in a b; do
    if grep -q "v2 rejected" "$T/dl-$w.out"; then
      d=$([ $w = a ] && echo 20261202 || echo 20261203)
      grep -q "records/2026/QUN-2026-0001/v2-$d.zip" "$BEIAN_ARCHIVE/ledger.txt" ||
        fail "writer $w reported v2 rejected but the ledger lacks it: $(cat "$BEIAN_ARCHIVE/ledger.txt")" || return 1
    fi
  done
  [ $ra -eq 0 ] && [ $rb -eq 0 ] && fail "both writers succeeded on the same version" && return 1
  [ $ra -eq 0 ] || [ $rb -eq 0 ] || fail "neither writer filed: $(cat "$T/dl-a.err" "$T/dl-b.err")" || return 1
  [ $ra -eq 0 ] || grep -q "nothing was filed" "$T/dl-a.err" || fail "a: $(cat "$T/dl-a.err")" || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
}

test_busy_message_does_not_invite_deleting_the_lock() {
  ar bz; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  BEIAN_PAUSE_AT=built BEIAN_PAUSE_SECONDS=2 "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null 2>&1 &
  pid=$!
  sleep 0.7
  run "$BEIAN" submit "$QUN" --date 2026-11-24 --wait 0
  wait $pid
  expect_rc 75 && expect_err "holds its lock" && expect_err "nothing to remove" || return 1
}

# Item 2: no output of any command may land inside the archive, also through a link.
test_output_inside_the_archive_is_refused_with_73() {
  ar oi; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  v1=$(bundle QUN-2026-0001 1); s1=$(sha256sum "$v1"); led=$(sha256sum "$BEIAN_ARCHIVE/ledger.txt")
  sed 's/"admin1_name": "[^"]*"/"admin1_name": "马昇"/' "$QUN" >"$T/oi.json"
  run "$BEIAN" change QUN-2026-0001 "$T/oi.json" --date 2026-11-25 -o "$v1"
  expect_rc 73 && expect_err "inside the archive" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-24 -o "$BEIAN_ARCHIVE/ledger.txt"
  expect_rc 73 || return 1
  run "$BEIAN" reprint QUN-2026-0001 -o "$BEIAN_ARCHIVE/index.db" --date 2026-12-01
  expect_rc 73 || return 1
  run "$BEIAN" list --pdf "$BEIAN_ARCHIVE/tmp/r.pdf" --date 2026-12-01
  expect_rc 73 || return 1
  run "$BEIAN" anchor -o "$BEIAN_ARCHIVE/slip.pdf" --date 2026-12-01
  expect_rc 73 || return 1
  # through a link to a folder inside, and a relative path from inside the archive
  ln -s "$BEIAN_ARCHIVE/records" "$T/oi-link"
  run "$BEIAN" reprint QUN-2026-0001 -o "$T/oi-link/x.pdf" --date 2026-12-01
  expect_rc 73 || return 1
  (cd "$BEIAN_ARCHIVE/records" && "$BEIAN" reprint QUN-2026-0001 -o ../ledger.txt --date 2026-12-01 >/dev/null 2>&1)
  [ $? -eq 73 ] || fail "a relative path into the archive was taken" || return 1
  [ "$(sha256sum "$v1")" = "$s1" ] && [ "$(sha256sum "$BEIAN_ARCHIVE/ledger.txt")" = "$led" ] ||
    fail "the archive changed" || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 1 ] || fail "something was filed" || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
  run "$BEIAN" reprint QUN-2026-0001 -o "$T/oi-ok.pdf" --date 2026-12-01; expect_rc 0
}

# Item 4: one line, one hash. A line that is not written the way beian writes it is damage,
# found before anything is appended.
test_ledger_line_not_canonical_is_damage_and_filing_refuses() {
  for edit in 's/$/ /' 's/$/\r/' 's/ v1 / v1  /'; do
    ar nc; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
    "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null || return 1
    sed -i "1$edit" "$BEIAN_ARCHIVE/ledger.txt"
    before=$(sha256sum "$BEIAN_ARCHIVE/ledger.txt")
    run "$BEIAN" verify
    expect_rc 65 && expect_err "STORE-LEDGER" && expect_err "line 1 " || { fail "edit $edit"; return 1; }
    run "$BEIAN" fsck; expect_rc 65 || { fail "fsck took edit $edit"; return 1; }
    run "$BEIAN" submit "$QUN" --date 2026-11-26
    expect_rc 65 && expect_err "ledger is damaged" || { fail "filed on edit $edit"; return 1; }
    [ "$(sha256sum "$BEIAN_ARCHIVE/ledger.txt")" = "$before" ] || fail "the ledger was rewritten" || return 1
  done
}

# Item 3: fsck completes one interrupted commit, and nothing more.
test_fsck_does_not_rebuild_a_deleted_ledger_from_bundles() {
  ar fl; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null || return 1
  "$BEIAN" -q reject QUN-2026-0001 --reason "x" --date 2026-11-26 >/dev/null || return 1
  rm "$BEIAN_ARCHIVE/ledger.txt"
  run "$BEIAN" fsck
  expect_rc 65 && expect_err "restore ledger.txt" || return 1
  expect_no_file "$BEIAN_ARCHIVE/ledger.txt" || return 1
  [ -z "$(ls -A "$BEIAN_ARCHIVE/quarantine" 2>/dev/null)" ] || fail "fsck moved bundles aside" || return 1
  run "$BEIAN" verify; expect_rc 65 && expect_err "STORE-LEDGER" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-27; expect_rc 65 || return 1
  # without the index too: still more than one commit's worth of bundles
  rm -f "$BEIAN_ARCHIVE/index.db"*
  run "$BEIAN" fsck; expect_rc 65 && expect_err "3 bundles are not in the ledger" || return 1
  expect_no_file "$BEIAN_ARCHIVE/ledger.txt"
}

test_ledger_cut_short_is_damage_not_a_stale_index() {
  ar cs; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null || return 1
  "$BEIAN" -q reject QUN-2026-0001 --reason "x" --date 2026-11-26 >/dev/null || return 1
  head -n 2 "$BEIAN_ARCHIVE/ledger.txt" >"$T/cs.txt"; cat "$T/cs.txt" >"$BEIAN_ARCHIVE/ledger.txt"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-LEDGER" && expect_err "cut short" || return 1
  grep -q "STORE-INDEX" "$T/err" && fail "called a cut ledger a stale index: $(cat "$T/err")" && return 1
  grep -q "run \`beian fsck\`" "$T/err" && fail "advises fsck for a cut ledger" && return 1
  run "$BEIAN" fsck; expect_rc 65 && expect_err "cut short" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-27; expect_rc 65 && expect_err "cut short" || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 2 ] || fail "a later filing was appended" || return 1
  run "$BEIAN" verify; expect_rc 65 || return 1
}

# Item 9: output errors are errors; versions parsed strictly.
test_stdout_that_cannot_be_written_exits_74() {
  [ -w /dev/full ] || return 0
  ar of
  "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/full 2>"$T/of.err"
  rc=$?
  [ $rc -eq 74 ] || fail "submit > /dev/full exited $rc" || return 1
  grep -q "standard output" "$T/of.err" || fail "no message: $(cat "$T/of.err")" || return 1
  "$BEIAN" list >/dev/full 2>/dev/null; [ $? -eq 74 ] || fail "list > /dev/full did not fail" || return 1
  "$BEIAN" --version >/dev/full 2>/dev/null; [ $? -eq 74 ] || fail "--version > /dev/full did not fail" || return 1
}

test_reprint_versions_are_parsed_strictly() {
  ar vs; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  for v in "@v+1" "@v 1" "@+1" "@v-1" "@v01" "@ 1" "@v1x" "@v"; do
    run "$BEIAN" reprint "QUN-2026-0001$v" -o "$T/vs.pdf" --date 2026-12-01
    expect_rc 64 || { fail "reprint QUN-2026-0001$v was taken"; return 1; }
  done
  for v in "@v1" "@1"; do
    run "$BEIAN" reprint "QUN-2026-0001$v" -o "$T/vs.pdf" --date 2026-12-01
    expect_rc 0 || return 1
  done
}

# Item 6: numbers come from the ledger; a failed filing leaves nothing; verify sees strays.
test_planted_empty_folder_does_not_block_numbers_and_verify_reports_it() {
  ar pf; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  mkdir -p "$BEIAN_ARCHIVE/records/2026/QUN-2026-999999"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-STRAY" && expect_err "QUN-2026-999999" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-25
  expect_rc 0 && expect_out "QUN-2026-0002" || return 1
  run "$BEIAN" fsck; expect_rc 0 || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
}

test_failed_filing_leaves_no_folder_and_uses_no_number() {
  ar ff; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  # a file size limit (SIGXFSZ ignored, so write fails with EFBIG, also as root): the bundle's
  # write to tmp/ fails after its record folder was made
  (trap '' XFSZ; ulimit -f 8; exec "$BEIAN" submit "$QUN" --date 2026-11-25) >"$T/out" 2>"$T/err"
  rc=$?
  [ $rc -eq 74 ] || [ $rc -eq 73 ] || fail "exit $rc: $(cat "$T/err")" || return 1
  expect_err "nothing was filed" || return 1
  [ ! -e "$BEIAN_ARCHIVE/records/2026/QUN-2026-0002" ] || fail "the failed filing left its folder" || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 1 ] || fail "something was filed" || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-25; expect_rc 0 && expect_out "QUN-2026-0002"
}

# Item 7: writers never follow links inside the archive.
test_year_folder_linked_outside_makes_submit_refuse() {
  ar ly; "$BEIAN" -q submit "$QUN" --date 2025-12-24 >/dev/null || return 1
  mkdir -p "$T/ly-outside"; ln -s "$T/ly-outside" "$BEIAN_ARCHIVE/records/2026"
  run "$BEIAN" submit "$QUN" --date 2026-01-05
  expect_rc 73 && expect_err "symbolic link" || return 1
  [ -z "$(ls -A "$T/ly-outside")" ] || fail "a bundle was written outside the archive" || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 1 ] || fail "something was filed" || return 1
}

test_bundle_replaced_by_a_link_blocks_events_on_its_record() {
  ar lb; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  "$BEIAN" -q reject QUN-2026-0001 --reason "x" --date 2026-11-25 >/dev/null || return 1
  v1=$(bundle QUN-2026-0001 1); cp "$v1" "$T/lb-copy.zip"; rm -f "$v1"; ln -s "$T/lb-copy.zip" "$v1"
  run "$BEIAN" dissolve QUN-2026-0001 --reason "y" --date 2026-11-26
  expect_rc 65 && expect_err "v1" && expect_err "damaged" || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 2 ] || fail "an event was filed" || return 1
  v2=$(bundle QUN-2026-0001 2); cp "$v2" "$T/lb-copy2.zip"; rm -f "$v2"; ln -s "$T/lb-copy2.zip" "$v2"
  rm -f "$v1"; cp "$T/lb-copy.zip" "$v1"
  run "$BEIAN" dissolve QUN-2026-0001 --reason "y" --date 2026-11-26
  expect_rc 65 && expect_err "v2" || return 1
  run "$BEIAN" verify; expect_rc 65 || return 1
}

# Item 10: the chain is checked even when a wrong prev hash is well formed and no index is
# there to give the change away.
test_wrong_prev_hash_without_index_is_caught() {
  rm -rf "$T/cb"; cp -r "$ROOT/tests/fixtures/verify/ledger-chain-broken" "$T/cb"
  [ ! -e "$T/cb/archive/index.db" ] || fail "the fixture has an index" || return 1
  run "$BEIAN" verify --archive "$T/cb/archive"
  expect_rc 65 && expect_err "ledger.txt: error: STORE-LEDGER: line 2 " || return 1
  run "$BEIAN" submit "$QUN" --date 2026-12-02 --archive "$T/cb/archive"
  expect_rc 65 || return 1
}

# The tracking digest recomputed without beian: sha256sum of the bundle's data/record.json
# is bag-info's Beian-Record-SHA256, and its first 16 digits are in the printed QR code.
test_tracking_digest_recomputed_independently() {
  ar td; "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/td.pdf" >/dev/null || return 1
  rm -rf "$T/td-u"; mkdir "$T/td-u"; (cd "$T/td-u" && unzip -q "$(bundle QUN-2026-0001 1)") || return 1
  d=$(sha256sum "$T/td-u/data/record.json" | cut -c1-64)
  grep -A1 '^Beian-Record-SHA256:' "$T/td-u/bag-info.txt" | tr -d ' \n' | grep -qx "Beian-Record-SHA256:$d" ||
    fail "bag-info does not carry sha256sum of record.json ($d)" || return 1
  # the record as filed is the example's data: its fields survive (not an empty digest input)
  grep -q "2026级计算机应用技术1班" "$T/td-u/data/record.json" || fail "record.json lacks the group" || return 1
  command -v zbarimg >/dev/null || return 0
  pdftoppm -r 200 -png -singlefile "$T/td.pdf" "$T/td-page" || return 1
  code=$(zbarimg --raw -q "$T/td-page.png" 2>/dev/null | grep '^beian:')
  want="beian:QUN-2026-0001/1/$(printf %s "$d" | cut -c1-16 | tr a-f A-F)/P1" # its page (issue 13)
  [ "$code" = "$want" ] || fail "tracking code '$code', want '$want'" || return 1
  # a change gives another digest, again sha256sum of its record.json
  sed 's/"admin1_name": "[^"]*"/"admin1_name": "马昇"/' "$QUN" >"$T/td.json"
  "$BEIAN" -q reject QUN-2026-0001 --reason "x" --date 2026-11-25 >/dev/null || return 1
  "$BEIAN" -q change QUN-2026-0001 "$T/td.json" --date 2026-11-25 >/dev/null || return 1
  rm -rf "$T/td-u2"; mkdir "$T/td-u2"; (cd "$T/td-u2" && unzip -q "$(bundle QUN-2026-0001 3)") || return 1
  d2=$(sha256sum "$T/td-u2/data/record.json" | cut -c1-64)
  [ "$d2" != "$d" ] && grep -A1 '^Beian-Record-SHA256:' "$T/td-u2/bag-info.txt" | tr -d ' \n' | grep -qx "Beian-Record-SHA256:$d2" ||
    fail "the changed record's digest is not sha256sum of its record.json" || return 1
}

# Item 5: dates and years that cannot be true, judged from the ledger (no clock).
test_review_years_and_far_future_dates_are_refused() {
  ar dt; "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/dt.pdf" >/dev/null || return 1
  pdftoppm -r 150 -png -singlefile "$T/dt.pdf" "$T/dt" || return 1
  "$BEIAN" -q approve --scan "$T/dt.png" --date 2026-11-26 >/dev/null || return 1
  # a review for a year after the year of its date, or before the record existed
  run "$BEIAN" review QUN-2026-0001 --year 2031 --result pass --date 2026-12-06
  expect_rc 65 && expect_err "from 2026" && expect_err "to 2026" && expect_err "not 2031" || return 1
  run "$BEIAN" review QUN-2026-0001 --year 2025 --result pass --date 2026-12-06
  expect_rc 65 && expect_err "not 2025" || return 1
  # a typo of a date decades on: refused, saying what would be right; confirmed, taken
  run "$BEIAN" dissolve QUN-2026-0001 --reason "y" --date 2062-11-25
  expect_rc 65 && expect_err "more than a year after the newest date in the ledger (2026-11-26)" &&
    expect_err "up to 2027-11-26" && expect_err "--date-confirmed" || return 1
  run "$BEIAN" submit "$APP" --date 2027-11-27
  expect_rc 65 || return 1
  run "$BEIAN" submit "$APP" --date 2027-11-26; expect_rc 0 || return 1
  run "$BEIAN" submit "$APP" --date 2029-01-01 --date-confirmed; expect_rc 0 || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 4 ] || fail "ledger: $(cat "$BEIAN_ARCHIVE/ledger.txt")"
}

# Item 8: a masked copy hides phone numbers and e-mail addresses in every field.
test_masked_reprint_hides_contacts_in_free_text_and_names() {
  ar mk
  sed 's/"scope": "[^"]*"/"scope": "本班学生，联系13812345678或ty@qq.com，备用 139-1234-5678"/; s/"group_name": "[^"]*"/"group_name": "计应1班15912345678"/' "$QUN" >"$T/mk.json"
  "$BEIAN" -q submit "$T/mk.json" --date 2026-11-24 >/dev/null 2>&1 || return 1
  run "$BEIAN" reprint QUN-2026-0001 --mask -o "$T/mk.pdf" --date 2026-12-01
  expect_rc 0 || return 1
  t=$(pdf_text "$T/mk.pdf")
  for s in 13812345678 ty@qq.com 15912345678 139-1234-5678 13895012345 xxgc2026@nxtc.edu.cn; do
    case $t in *"$s"*) fail "the masked copy shows $s"; return 1 ;; esac
  done
  for s in 138****5678 t***@qq.com 159****5678 "139-****-5678" 已隐去联系方式 计应1班 2026-12-01; do
    case $t in *"$s"*) ;; *) fail "the masked copy lacks $s"; return 1 ;; esac
  done
  # the exact copy still shows them (masking is of the copy only)
  run "$BEIAN" reprint QUN-2026-0001 -o "$T/mk-full.pdf" --date 2026-12-01
  case $(pdf_text "$T/mk-full.pdf") in *13812345678*ty@qq.com*) ;; *) fail "the full copy lost the scope"; return 1 ;; esac
}

# The append-only ledger (issue 16): what a power failure in the middle of an append leaves
# is a torn last line. verify reports it, filings wait, and fsck cuts it and completes the
# filing from its bundle.
test_torn_last_line_is_cut_by_fsck_and_the_filing_completed() {
  ar tl; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  BEIAN_CRASH_AT=temp-removed "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null 2>&1
  # the power failed in the middle of the line's write: its first 70 bytes reached the disk
  line1=$(head -1 "$BEIAN_ARCHIVE/ledger.txt")
  printf '2 %s' "$(printf %s "$line1" | cut -c3-70)" >>"$BEIAN_ARCHIVE/ledger.txt"
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/tl-before"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-LEDGER" && expect_err "the last line is cut short (70 bytes after the last line feed)" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-11-26
  expect_rc 65 && expect_err "the ledger is damaged" || return 1
  cmp -s "$T/tl-before" "$BEIAN_ARCHIVE/ledger.txt" || fail "a refused filing changed the ledger" || return 1
  run "$BEIAN" fsck --dry-run
  expect_rc 0 && expect_out "would cut the torn last line of the ledger (70 bytes)" &&
    expect_out "would complete the interrupted commit of records/2026/XMT-2026-0001/v1-20261125.zip" || return 1
  cmp -s "$T/tl-before" "$BEIAN_ARCHIVE/ledger.txt" || fail "a dry run changed the ledger" || return 1
  run "$BEIAN" fsck
  expect_rc 0 && expect_out "cut the torn last line of the ledger (70 bytes)" &&
    expect_out "completed the interrupted commit of records/2026/XMT-2026-0001/v1-20261125.zip" || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 2 ] && in_ledger XMT-2026-0001 1 submitted ||
    fail "the filing was not completed: $(cat "$BEIAN_ARCHIVE/ledger.txt")" || return 1
}

# A whole line that lost only its line feed keeps its filing: fsck gives the line feed back.
test_last_line_without_its_line_feed_is_completed_not_cut() {
  ar lf; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null || return 1
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/lf-whole"
  truncate -s -1 "$BEIAN_ARCHIVE/ledger.txt"
  run "$BEIAN" verify; expect_rc 65 && expect_err "cut short" || return 1
  run "$BEIAN" fsck
  expect_rc 0 && expect_out "added the line feed the ledger's last line lost" || return 1
  cmp -s "$T/lf-whole" "$BEIAN_ARCHIVE/ledger.txt" || fail "the ledger is not what it was" || return 1
  [ -z "$(ls -A "$BEIAN_ARCHIVE/quarantine" 2>/dev/null)" ] || fail "fsck moved a bundle aside" || return 1
  run "$BEIAN" verify; expect_rc 0
}

# While a writer holds the lock, a reader takes a rest after the last line feed for the
# append in progress, not for damage; once no writer holds it, the same rest is damage.
test_reader_ignores_an_append_in_progress_but_not_a_torn_line() {
  command -v flock >/dev/null || return 0
  ar ip; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  printf '2 0000' >>"$BEIAN_ARCHIVE/ledger.txt"
  flock -x "$BEIAN_ARCHIVE/lock" "$BEIAN" list >"$T/out" 2>"$T/err"; rc=$?
  expect_rc 0 && expect_out "QUN-2026-0001" || return 1
  [ ! -s "$T/err" ] || fail "a reader warned of an append in progress: $(cat "$T/err")" || return 1
  run "$BEIAN" list
  expect_rc 0 && expect_out "QUN-2026-0001" && expect_err "the ledger is damaged" || return 1
}
