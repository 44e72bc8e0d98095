# The archive (issue 5): dated, versioned, verifiable BagIt bundles; commit safety under
# concurrency and crashes; verify codes; reprints marked 补打; the ledger anchor.
# Needs unzip, sha256sum, pdftoppm, pdftotext, python3 (to forge damaged bundles).

APP="$ROOT/examples/platform-application.json"
QUN="$ROOT/examples/workgroup-filing.json"

# ar NAME: a fresh archive folder for one test, exported as BEIAN_ARCHIVE
ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
# bundle REC V: the path of version V of REC (there is one)
bundle() { ls "$BEIAN_ARCHIVE"/records/*/"$1"/v"$2"-*.zip; }
# scan PDF PNG: the printed form as a 150 dpi scan (the tracking code must survive it)
scan() { pdftoppm -r 150 -png -singlefile "$1" "${2%.png}"; }
# changed DATA OUT: the data with a new administrator
changed() { sed 's/"admin_name": "王堃"/"admin_name": "马昇"/; s/"admin_phone": "13995012345"/"admin_phone": "18709512345"/' "$1" >"$2"; }
# flip FILE OFFSET: inverts one byte
flip() {
  python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[off] ^= 0xFF
import os; os.chmod(p, 0o644); open(p, "wb").write(b)
PY
}

test_submit_approve_by_scan_change_verify_and_log() {
  ar a1
  run "$BEIAN" submit "$APP" --date 2026-11-24 -o "$T/a1-form.pdf"
  expect_rc 0 || return 1
  rec=$(cat "$T/out")
  [ "$rec" = "XMT-2026-0001" ] || fail "first record number is '$rec'" || return 1
  # the signed paper comes back; its scan is filed by the tracking code alone
  scan "$T/a1-form.pdf" "$T/a1-scan.png"
  run "$BEIAN" approve --scan "$T/a1-scan.png" --date 2026-12-01
  expect_rc 0 && expect_out "XMT-2026-0001 v2 approved" || return 1
  changed "$APP" "$T/a1-new.json"
  run "$BEIAN" change "$rec" "$T/a1-new.json" --date 2026-12-05 -o "$T/a1-v3.pdf"
  expect_rc 0 && expect_out "XMT-2026-0001 v3 changed" || return 1
  pdf_text "$T/a1-v3.pdf" | grep -qF "马昇" || fail "the changed form lacks the new administrator" || return 1
  run "$BEIAN" verify
  expect_rc 0 && expect_out "ok: 3 bundles of 1 record" || return 1
  run "$BEIAN" log "$rec"
  expect_rc 0 || return 1
  [ "$(grep -c '^v[0-9]' "$T/out")" -eq 3 ] || fail "log does not show 3 versions: $(cat "$T/out")" || return 1
  grep -q '^v1 .*2026-11-24 .*submitted' "$T/out" && grep -q '^v2 .*2026-12-01 .*approved' "$T/out" &&
    grep -q '^v3 .*2026-12-05 .*changed' "$T/out" || fail "log: $(cat "$T/out")" || return 1
  mkdir -p "$T/a1-unzip" && (cd "$T/a1-unzip" && unzip -q "$(bundle "$rec" 3)" &&
    sha256sum -c --quiet manifest-sha256.txt && sha256sum -c --quiet tagmanifest-sha256.txt) ||
    fail "sha256sum -c of the unzipped manifests failed" || return 1
  grep -A1 '^Previous-Bundle-SHA256:' "$T/a1-unzip/bag-info.txt" | tr -d ' \n' |
    grep -q "^Previous-Bundle-SHA256:$(sha256sum "$(bundle "$rec" 2)" | cut -c1-64)$" ||
    fail "v3 does not chain to v2's bundle" || return 1
  # the approval bundle holds the scan; the register shows the state
  unzip -l "$(bundle "$rec" 2)" | grep -q "data/signed.png" || fail "v2 lacks the signed scan" || return 1
  run "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "XMT-2026-0001	v3	2026-12-05	changed" || return 1
}

test_same_submission_into_two_fresh_archives_gives_identical_bytes() {
  ar d1; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  a=$(bundle QUN-2026-0001 1)
  ar d2; TZ=America/New_York "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  b=$(bundle QUN-2026-0001 1)
  cmp -s "$a" "$b" || fail "the two bundles differ" || return 1
  unzip -Z -T "$a" | grep -q "20261124.000000" || fail "entries are not dated from the bundle date"
}

test_flipped_byte_anywhere_is_found_and_named() {
  ar fb; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  b=$(bundle QUN-2026-0001 1); rel=${b#"$BEIAN_ARCHIVE"/}
  size=$(stat -c %s "$b"); cp "$b" "$T/fb-good.zip"
  for off in 5 40 300 $((size / 2)) $((size - 200)) $((size - 60)) $((size - 10)); do
    cp "$T/fb-good.zip" "$b"; flip "$b" "$off"
    run "$BEIAN" verify
    expect_rc 65 || { fail "flip at $off"; return 1; }
    expect_err "$rel: error: " || return 1
    grep -qE "error: (ZIP|BAG|REC|STORE)-[A-Z-]+:" "$T/err" || fail "no code for flip at $off" || return 1
  done
  cp "$T/fb-good.zip" "$b"; chmod 444 "$b"
  run "$BEIAN" verify; expect_rc 0
}

test_deleted_bundle_is_named() {
  ar db; "$BEIAN" -q submit "$APP" --date 2026-11-24 >/dev/null || return 1
  "$BEIAN" -q reject XMT-2026-0001 --reason "负责人未签字" --date 2026-11-25 >/dev/null || return 1
  b=$(bundle XMT-2026-0001 2); rm -f "$b"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "${b#"$BEIAN_ARCHIVE"/}: error: STORE-MISSING" || return 1
  run "$BEIAN" verify XMT-2026-0001; expect_rc 65 && expect_err "STORE-MISSING"
}

test_forged_bundle_with_correct_manifest_is_found() {
  ar fg; "$BEIAN" -q submit "$APP" --date 2026-11-24 >/dev/null || return 1
  scan_free=$(bundle XMT-2026-0001 1)
  "$BEIAN" -q reject XMT-2026-0001 --reason "材料不全" --date 2026-11-25 >/dev/null || return 1
  # rewrite v1's data, then recompute every digest inside: the bag itself is consistent
  python3 - "$scan_free" <<'PY' || return 1
import hashlib, sys, zipfile, os
p = sys.argv[1]
z = zipfile.ZipFile(p); files = {n: z.read(n) for n in z.namelist()}; z.close()
rec = files["data/record.json"].replace("王堃".encode(), "李四".encode())
files["data/record.json"] = rec
h = lambda b: hashlib.sha256(b).hexdigest()
import re  # the label's line and its continuation (bag-info folds at 79 characters)
info = re.sub(r"^Beian-Record-SHA256:.*\n(?:[ \t].*\n)*", "Beian-Record-SHA256:\n  " + h(rec) + "\n",
              files["bag-info.txt"].decode(), flags=re.M)
files["bag-info.txt"] = info.encode()
files["manifest-sha256.txt"] = "".join("%s  %s\n" % (h(files[n]), n) for n in sorted(files) if n.startswith("data/")).encode()
files["tagmanifest-sha256.txt"] = "".join("%s  %s\n" % (h(files[n]), n) for n in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")).encode()
os.chmod(p, 0o644)
with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as out:
    for n in sorted(files):
        zi = zipfile.ZipInfo(n, (2026, 11, 24, 0, 0, 0)); zi.external_attr = 0o100644 << 16; zi.create_system = 3
        out.writestr(zi, files[n])
PY
  run "$BEIAN" verify "$scan_free"
  expect_rc 0 || { fail "the forged bundle should be self-consistent"; return 1; }
  run "$BEIAN" verify
  expect_rc 65 && expect_err "${scan_free#"$BEIAN_ARCHIVE"/}: error: STORE-LEDGER-DIGEST" && expect_err "error: REC-CHAIN" || return 1
  run "$BEIAN" reprint XMT-2026-0001@v1 -o "$T/fg.pdf" --date 2027-01-05
  expect_rc 65 && expect_no_file "$T/fg.pdf" && expect_err "not reprinted"
}

test_bundle_with_dotdot_entry_is_refused() {
  ar dd; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  b=$(bundle QUN-2026-0001 1); chmod 644 "$b"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "a").writestr("../../evil.sh", "rm -rf ~\n")' "$b" 2>/dev/null || return 1
  run "$BEIAN" verify
  expect_rc 65 && expect_err "${b#"$BEIAN_ARCHIVE"/}: error: ZIP-UNSAFE-NAME" && expect_err '"..' || return 1
  run "$BEIAN" verify "$b"; expect_rc 65 && expect_err "ZIP-UNSAFE-NAME"
}

test_eight_concurrent_submissions_get_eight_numbers() {
  ar cc
  for i in 1 2 3 4 5 6 7 8; do
    "$BEIAN" -q submit "$QUN" --date 2026-11-24 >"$T/cc-$i.out" 2>"$T/cc-$i.err" &
  done
  wait
  cat "$T"/cc-*.out | sort >"$T/cc-all"
  [ "$(sort -u "$T/cc-all" | wc -l)" -eq 8 ] || fail "numbers: $(tr '\n' ' ' <"$T/cc-all") $(cat "$T"/cc-*.err)" || return 1
  for n in 1 2 3 4 5 6 7 8; do grep -qx "QUN-2026-000$n" "$T/cc-all" || fail "QUN-2026-000$n missing" || return 1; done
  [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq 8 ] || fail "the ledger lost a line" || return 1
  run "$BEIAN" verify; expect_rc 0 && expect_out "8 bundles of 8 records"
}

test_second_writer_waits_then_exits_75_naming_the_holder() {
  ar lk; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
  printf 'process 4242 (beian approve)\n' >"$BEIAN_ARCHIVE/lock"
  flock "$BEIAN_ARCHIVE/lock" sleep 3 &
  sleep 0.3
  run "$BEIAN" submit "$QUN" --date 2026-11-24 --wait 1
  expect_rc 75 && expect_err "busy" && expect_err "process 4242 (beian approve)" && expect_err "--wait" || return 1
  wait
  run "$BEIAN" submit "$QUN" --date 2026-11-24; expect_rc 0 && expect_out "QUN-2026-0002"
}

test_killed_submission_at_every_step_verifies_after_fsck() {
  for step in locked built temp-written linked temp-removed ledger-written ledger-synced indexed; do
    grep -qF "| \`$step\` |" "$ROOT/docs/audit.md" || { fail "docs/audit.md does not name the step $step"; return 1; }
    ar "k-$step"; "$BEIAN" -q submit "$QUN" --date 2026-11-24 >/dev/null || return 1
    BEIAN_CRASH_AT=$step "$BEIAN" -q submit "$APP" --date 2026-11-25 >/dev/null 2>&1
    rc=$?
    [ $rc -eq 137 ] || fail "$step: the submission was not killed (exit $rc)" || return 1
    run "$BEIAN" fsck
    expect_rc 0 || { fail "fsck after a crash at $step"; return 1; }
    run "$BEIAN" verify
    expect_rc 0 || { fail "verify after fsck, crash at $step"; return 1; }
    # after the link the filing is complete (fsck finishes it); before it, nothing is left
    case $step in
      locked|built|temp-written) want=1 ;;
      *) want=2 ;;
    esac
    [ "$(wc -l <"$BEIAN_ARCHIVE/ledger.txt")" -eq $want ] || fail "$step: ledger has $(wc -l <"$BEIAN_ARCHIVE/ledger.txt") lines, want $want" || return 1
    [ -z "$(ls -A "$BEIAN_ARCHIVE/tmp")" ] || fail "$step: tmp/ not empty after fsck" || return 1
    run "$BEIAN" submit "$APP" --date 2026-11-26
    expect_rc 0 || return 1
  done
}

test_crash_residue_fails_verify_until_fsck() {
  ar cr; "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/cr.pdf" >/dev/null || return 1
  scan_png="$T/cr.png"; scan "$T/cr.pdf" "$scan_png"
  BEIAN_CRASH_AT=linked "$BEIAN" -q approve QUN-2026-0001 --scan "$scan_png" --date 2026-12-01 >/dev/null 2>&1
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-UNLEDGERED" && expect_err "STORE-TEMP" || return 1
  run "$BEIAN" reject QUN-2026-0001 --reason "x" --date 2026-12-02
  expect_rc 65 && expect_err "run \`beian fsck\` first" || return 1
  run "$BEIAN" fsck --dry-run; expect_rc 0 && expect_out "would complete" || return 1
  run "$BEIAN" fsck
  expect_rc 0 && expect_out "completed the interrupted commit of records/2026/QUN-2026-0001/v2-20261201.zip" || return 1
  run "$BEIAN" log QUN-2026-0001; expect_out "approved"
}

test_reprint_carries_the_mark_and_the_archived_content() {
  ar rp; "$BEIAN" -q submit "$APP" --date 2026-11-24 >/dev/null || return 1
  run "$BEIAN" reprint XMT-2026-0001 -o "$T/rp.pdf" --date 2027-03-01
  expect_rc 0 || return 1
  t=$(pdf_text "$T/rp.pdf")
  case $t in *补打*) ;; *) fail "no 补打 mark: $(echo "$t" | head -c 300)"; return 1 ;; esac
  case $t in *宁职院信息工程学院*13995012345*) ;; *) fail "the archived content is missing"; return 1 ;; esac
  case $t in *2027-03-01*) ;; *) fail "no reprint date in the mark"; return 1 ;; esac
  grep -q "^2027-03-01 XMT-2026-0001 v1 marked " "$BEIAN_ARCHIVE/reprints.log" || fail "not logged" || return 1
  run "$BEIAN" reprint XMT-2026-0001@v1 -o "$T/rp-exact.pdf" --date 2027-03-01 --exact
  expect_rc 0 || return 1
  unzip -p "$(bundle XMT-2026-0001 1)" data/form.pdf | cmp -s - "$T/rp-exact.pdf" || fail "--exact differs from the archived PDF" || return 1
  run "$BEIAN" reprint XMT-2026-0001 -o "$T/rp-mask.pdf" --date 2027-03-01 --mask
  expect_rc 0 || return 1
  t=$(pdf_text "$T/rp-mask.pdf")
  case $t in *139\*\*\*\*2345*) ;; *) fail "mobile not masked"; return 1 ;; esac
  case $t in *13995012345*) fail "the full mobile number is still printed"; return 1 ;; esac
  [ "$(wc -l <"$BEIAN_ARCHIVE/reprints.log")" -eq 3 ] || fail "reprints.log should have 3 lines"
}

test_damaged_record_is_not_reprinted() {
  ar rd; "$BEIAN" -q submit "$APP" --date 2026-11-24 >/dev/null || return 1
  b=$(bundle XMT-2026-0001 1); flip "$b" 2000
  run "$BEIAN" reprint XMT-2026-0001 -o "$T/rd.pdf" --date 2027-03-01
  expect_rc 65 && expect_no_file "$T/rd.pdf" && expect_err "not reprinted" || return 1
  [ ! -e "$BEIAN_ARCHIVE/reprints.log" ] || fail "a refused reprint was logged"
}

test_workflow_refuses_with_the_state_named() {
  ar wf; "$BEIAN" -q submit "$APP" --date 2026-11-24 >/dev/null || return 1
  run "$BEIAN" change XMT-2026-0001 "$APP" --date 2026-11-25
  expect_rc 65 && expect_err "cannot change XMT-2026-0001: it is 已提交，待审批 (submitted" || return 1
  "$BEIAN" -q dissolve XMT-2026-0001 --reason "不再开通" --date 2026-11-26 >/dev/null || return 1
  "$BEIAN" -q fill "$APP" -o "$T/wf.pdf" && scan "$T/wf.pdf" "$T/wf.png"
  run "$BEIAN" approve XMT-2026-0001 --scan "$T/wf.png" --date 2026-11-27
  expect_rc 65 && expect_err "cannot approve XMT-2026-0001: it is 已注销 (dissolved" || return 1
  run "$BEIAN" approve XMT-2026-0099 --scan "$T/wf.png" --date 2026-11-27
  expect_rc 66 && expect_err "no record XMT-2026-0099"
}

test_scan_of_another_record_or_older_printing_or_other_data_is_refused() {
  ar sc
  "$BEIAN" -q submit "$APP" --date 2026-11-24 -o "$T/sc-1.pdf" >/dev/null || return 1
  "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/sc-2.pdf" >/dev/null || return 1
  scan "$T/sc-1.pdf" "$T/sc-1.png"; scan "$T/sc-2.pdf" "$T/sc-2.png"
  run "$BEIAN" approve XMT-2026-0001 --scan "$T/sc-2.png" --date 2026-12-01
  expect_rc 65 && expect_err "names QUN-2026-0001, not XMT-2026-0001" || return 1
  # a draft printed with other data
  changed "$APP" "$T/sc-other.json"; "$BEIAN" -q fill "$T/sc-other.json" -o "$T/sc-d.pdf"; scan "$T/sc-d.pdf" "$T/sc-d.png"
  run "$BEIAN" approve --scan "$T/sc-d.png" --date 2026-12-01
  expect_rc 65 && expect_err "whose data is that of no record in this archive" || return 1
  "$BEIAN" -q approve --scan "$T/sc-1.png" --date 2026-12-01 >/dev/null || return 1
  "$BEIAN" -q change XMT-2026-0001 "$T/sc-other.json" --date 2026-12-05 >/dev/null || return 1
  # the old paper (v1) after the form was printed again as v3
  run "$BEIAN" approve --scan "$T/sc-1.png" --date 2026-12-06
  expect_rc 65 && expect_err "names version 1" || return 1
  run "$BEIAN" verify; expect_rc 0
}

test_folder_of_scans_is_filed_by_codes() {
  ar fo; mkdir -p "$T/fo-scans"
  for i in 1 2 3; do
    "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/fo-$i.pdf" >/dev/null || return 1
    scan "$T/fo-$i.pdf" "$T/fo-scans/$i.png"
  done
  printf 'not a scan' >"$T/fo-scans/Thumbs.db"
  run "$BEIAN" approve --scan "$T/fo-scans" --date 2026-12-01
  expect_rc 0 && expect_err "skipped 1 file that is no PDF, PNG, JPEG or TIFF: Thumbs.db" && expect_err "filed 3 scans" || return 1
  [ "$(grep -c ' approved$' "$T/out")" -eq 3 ] || fail "$(cat "$T/out")" || return 1
  run "$BEIAN" list --state approved --format tsv; [ "$(wc -l <"$T/out")" -eq 3 ] || fail "list: $(cat "$T/out")"
}

test_dates_never_come_from_the_clock_unasked() {
  ar dt
  sed '/"date":/d' "$QUN" >"$T/dt.json"
  run "$BEIAN" submit "$T/dt.json"
  expect_rc 64 && expect_err "--date" && expect_no_file "$BEIAN_ARCHIVE/ledger.txt" || return 1
  run "$BEIAN" submit "$T/dt.json" --date today
  expect_rc 0 || return 1
  grep -q " $(date +%Y-%m-%d) " "$BEIAN_ARCHIVE/ledger.txt" || fail "--date today was not today" || return 1
  run "$BEIAN" reject "$(cat "$T/out")" --reason "x"
  expect_rc 64 && expect_err "give the date of the rejection with --date"
}

test_review_and_dissolve_complete_the_history() {
  ar rv; "$BEIAN" -q submit "$QUN" --date 2026-11-24 -o "$T/rv.pdf" >/dev/null || return 1
  scan "$T/rv.pdf" "$T/rv.png"
  "$BEIAN" -q approve --scan "$T/rv.png" --date 2026-12-01 >/dev/null || return 1
  run "$BEIAN" review QUN-2026-0001 --year 2027 --result fail --date 2027-12-10 --date-confirmed
  expect_rc 0 && expect_out "review-failed" || return 1
  run "$BEIAN" review QUN-2026-0001 --year 2027 --date 2027-12-20
  expect_rc 65 && expect_err "already reviewed for 2027" || return 1
  "$BEIAN" -q dissolve QUN-2026-0001 --reason "班级已毕业" --date 2029-07-01 --date-confirmed >/dev/null || return 1
  run "$BEIAN" log QUN-2026-0001
  expect_out "2027: fail" && expect_out "dissolved" && expect_out "班级已毕业" || return 1
  run "$BEIAN" verify; expect_rc 0
}

test_anchor_proves_the_ledger_was_not_rewritten() {
  ar an
  for d in 2026-11-24 2026-11-25 2026-11-26; do "$BEIAN" -q submit "$QUN" --date $d >/dev/null || return 1; done
  run "$BEIAN" anchor -o "$T/an.pdf" --date 2026-12-31
  expect_rc 0 || return 1
  anchor=$(cat "$T/out")
  pdf_text "$T/an.pdf" | grep -qF "${anchor#*:}" || fail "the slip lacks the head hash" || return 1
  "$BEIAN" -q submit "$QUN" --date 2027-01-05 >/dev/null || return 1
  run "$BEIAN" verify --anchor "$anchor"; expect_rc 0 && expect_out "matches the anchor" || return 1
  # rewrite history consistently: line 2's date, and every hash after it recomputed
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/an-ledger"
  python3 - "$BEIAN_ARCHIVE/ledger.txt" <<'PY' || return 1
import hashlib, sys
p = sys.argv[1]; lines = open(p).read().splitlines(); prev = "0" * 64; out = []
for i, l in enumerate(lines):
    f = l.split(" ")
    if i == 1: f[6] = "rejected"
    f[1] = prev; l = " ".join(f); out.append(l); prev = hashlib.sha256(l.encode()).hexdigest()
open(p, "w").write("\n".join(out) + "\n")
PY
  run "$BEIAN" verify --anchor "$anchor"
  expect_rc 65 && expect_err "STORE-ANCHOR" || return 1
  head -n 2 "$T/an-ledger" >"$BEIAN_ARCHIVE/ledger.txt"
  run "$BEIAN" verify --anchor "$anchor"
  expect_rc 65 && expect_err "STORE-ANCHOR" && expect_err "cut short"
}

test_index_behind_the_ledger_verifies_and_the_next_reader_catches_it_up() {
  # as a filing whose index update failed (a full disk after the commit) leaves the archive
  rm -rf "$T/ib"; cp -r "$ROOT/tests/fixtures/verify/intact-index-behind" "$T/ib"
  export BEIAN_ARCHIVE="$T/ib/archive"
  chmod -R u+w "$BEIAN_ARCHIVE"
  run "$BEIAN" verify
  expect_rc 0 && expect_out "ok: 2 bundles of 1 record" &&
    expect_err "index.db is behind the ledger (made from 1 of its 2 lines" || return 1
  # an index that contradicts the ledger is damage (verify, a reader, caught the index up:
  # start again from the fixture's, made from the first line only)
  cp "$ROOT/tests/fixtures/verify/intact-index-behind/archive/index.db" "$T/ib-index.db"
  cp "$T/ib-index.db" "$BEIAN_ARCHIVE/index.db"; rm -f "$BEIAN_ARCHIVE/index.db-"*
  sqlite3 "$BEIAN_ARCHIVE/index.db" "UPDATE versions SET state = 'approved' WHERE seq = 1"
  run "$BEIAN" verify
  expect_rc 65 && expect_err "index.db: error: STORE-INDEX: does not match the ledger's first lines: its row for ledger line 1" || return 1
  # readers check the ledger it names: one made from another ledger is not used
  sqlite3 "$BEIAN_ARCHIVE/index.db" "UPDATE meta SET value = '$(printf '%064d' 0)' WHERE key = 'ledger_head'"
  run "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "QUN-2026-0001	v2	2026-12-01	approved" &&
    expect_err "index.db contradicts the ledger" || return 1
  cp "$T/ib-index.db" "$BEIAN_ARCHIVE/index.db"
  # a reader catches the one behind up
  run "$BEIAN" list --format tsv
  expect_rc 0 && expect_out "QUN-2026-0001	v2	2026-12-01	approved" || return 1
  [ "$(sqlite3 "$BEIAN_ARCHIVE/index.db" "SELECT value FROM meta WHERE key = 'ledger_lines'")" = 2 ] ||
    fail "index.db not caught up to 2 lines" || return 1
  run "$BEIAN" submit "$QUN" --date 2026-12-02
  expect_rc 0 && expect_out "QUN-2026-0002" || return 1
  run "$BEIAN" verify
  expect_rc 0 || return 1
  if grep -q "index.db" "$T/err"; then fail "the index is still behind: $(cat "$T/err")"; return 1; fi
  # fsck and reindex rebuild a missing one
  rm "$BEIAN_ARCHIVE/index.db"*
  run "$BEIAN" verify
  expect_rc 0 && expect_err "index.db is missing" || return 1
  run "$BEIAN" fsck
  expect_rc 0 && expect_out "rebuilt index.db" || return 1
  echo "not a database" >"$BEIAN_ARCHIVE/index.db"; rm -f "$BEIAN_ARCHIVE/index.db-"*
  run "$BEIAN" verify
  expect_rc 65 && expect_err "STORE-INDEX: cannot be read" || return 1
  run "$BEIAN" reindex
  expect_rc 0 && expect_out "rebuilt index.db from 3 ledger lines" || return 1
  run "$BEIAN" verify
  expect_rc 0 || return 1
}

test_every_verify_code_has_a_fixture_that_raises_it() {
  "$BEIAN" verify --codes | awk '/^[A-Z]/ {print $1}' >"$T/codes"
  [ "$(wc -l <"$T/codes")" -ge 30 ] || fail "too few codes: $(cat "$T/codes")" || return 1
  while read -r code; do
    d="$ROOT/tests/fixtures/verify/$code"
    [ -d "$d" ] || { fail "no fixture for $code"; return 1; }
    [ "$(cat "$d/code")" = "$code" ] || { fail "$d/code is not $code"; return 1; }
    grep -qF "| \`$code\` |" "$ROOT/docs/audit.md" || { fail "docs/audit.md does not explain $code"; return 1; }
    rm -rf "$T/fx"; cp -r "$d" "$T/fx"
    if [ -f "$T/fx/bundle.zip" ]; then
      run "$BEIAN" verify "$T/fx/bundle.zip"; name=bundle.zip
    else
      run "$BEIAN" verify --archive "$T/fx/archive" $(cat "$T/fx/args" 2>/dev/null); name=$(cat "$T/fx/names")
    fi
    [ "$rc" -eq 65 ] || { fail "$code: exit $rc, want 65: $(head -c 400 "$T/err")"; return 1; }
    grep -qF "$name: error: $code: " "$T/err" || { fail "$code: stderr lacks '$name: error: $code': $(head -c 600 "$T/err")"; return 1; }
  done <"$T/codes"
  run "$BEIAN" verify --archive "$ROOT/tests/fixtures/verify/intact/archive"
  expect_rc 0
}

# provenance_ok BUNDLE: every font data/provenance.json names has the SHA-256 of its file
provenance_ok() {
  unzip -p "$1" data/provenance.json | python3 -c '
import hashlib, json, os, sys
bad = 0
for f in json.load(sys.stdin)["fonts"]:
    paths = [os.path.join(d, f["file"]) for d, _, files in os.walk("/usr/share/fonts") if f["file"] in files]
    real = hashlib.sha256(open(paths[0], "rb").read()).hexdigest() if paths else None
    if real != f["sha256"]:
        print("%s: provenance says %s, the file is %s" % (f["file"], f["sha256"], real)); bad = 1
sys.exit(bad)' >&2
}

test_font_digests_in_provenance_are_the_files_whatever_the_cache_holds() {
  ar fd
  export BEIAN_CACHE_DIR="$T/fd-cache"
  run "$BEIAN" submit "$QUN" --date 2026-11-24
  expect_rc 0 || return 1
  provenance_ok "$(bundle QUN-2026-0001 1)" || fail "first filing: a wrong font digest" || return 1
  c="$BEIAN_CACHE_DIR/font-digests.txt"
  [ "$(head -1 "$c")" = "beian font digests 1" ] || fail "no cache header: $(head -2 "$c")" || return 1
  [ "$(grep -c ' /usr/share/fonts/' "$c")" -ge 2 ] || fail "the cache lacks the faces: $(cat "$c")" || return 1
  # a cache whose identities no longer match (the files were replaced) is not believed
  sed -i 's/^[0-9a-f]\{64\} \([0-9]*\)/0000000000000000000000000000000000000000000000000000000000000000 1\1/' "$c"
  run "$BEIAN" submit "$QUN" --date 2026-11-25
  expect_rc 0 || return 1
  provenance_ok "$(bundle QUN-2026-0002 1)" || fail "a stale cache was believed" || return 1
  grep -q '^0\{64\} ' "$c" && fail "the stale lines were kept: $(cat "$c")" && return 1
  # nor is a damaged one
  printf 'beian font digests 1\ngarbage\n\0\0' >"$c"
  run "$BEIAN" submit "$QUN" --date 2026-11-26
  expect_rc 0 || return 1
  provenance_ok "$(bundle QUN-2026-0003 1)" || fail "a damaged cache was believed" || return 1
  unset BEIAN_CACHE_DIR
}
