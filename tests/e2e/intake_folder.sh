# A folder of scans (issue 13, point 4): a stack of scans of any records, each filed on its own;
# the pages of one multi-page form that a scanner wrote as separate files are recognised by
# their codes and filed together as one version, the bundle holding every file. A form missing
# a page, or with a page in two files, is refused whole and the archive stays as it was.
# Needs pdftoppm and ImageMagick's convert.

QUN="$ROOT/examples/workgroup-filing.json"
LONG="$ROOT/tests/data/application-long-reason.json"

ar() { export BEIAN_ARCHIVE="$T/$1"; rm -rf "$BEIAN_ARCHIVE"; }
bundle() { ls "$BEIAN_ARCHIVE"/records/*/"$1"/v"$2"-*.zip; }
event_json() { unzip -p "$(bundle "$1" "$2")" '*data/event.json'; }
# scan PDF OUT [PAGE]: page PAGE (1) of the printed form as a 150 dpi grey scan (PNG or JPEG
# by OUT's name)
scan() {
  pdftoppm -r 150 -gray -f "${3:-1}" -l "${3:-1}" -png -singlefile "$1" "$T/raw" || return 1
  convert "$T/raw.png" "$2"
}
# two records: XMT-2026-0001, a form with its 附页 (two pages), and QUN-2026-0001 (one page);
# $T/p1.jpg, $T/p2.png are the pages of the first, $T/qun.jpg the second
two_records() {
  "$BEIAN" -q submit "$LONG" --date 2026-11-30 -o "$T/long.pdf" >/dev/null &&
    "$BEIAN" -q submit "$QUN" --date 2026-11-30 -o "$T/qun.pdf" >/dev/null || return 1
  [ -e "$T/p1.jpg" ] || { scan "$T/long.pdf" "$T/p1.jpg" 1 && scan "$T/long.pdf" "$T/p2.png" 2 &&
    scan "$T/qun.pdf" "$T/qun.jpg"; }
}

test_pages_of_a_form_in_separate_files_are_filed_as_one_version() {
  ar fj && two_records || return 1
  mkdir -p "$T/fj" && cp "$T/p1.jpg" "$T/fj/scan-001.jpg" && cp "$T/p2.png" "$T/fj/scan-002.png" &&
    cp "$T/qun.jpg" "$T/fj/scan-003.jpg" || return 1
  run "$BEIAN" approve --scan "$T/fj" --date 2026-12-01
  expect_rc 0 && expect_out "XMT-2026-0001 v2 approved" && expect_out "QUN-2026-0001 v2 approved" || return 1
  expect_err "scan-001.jpg: filed as page 1 of XMT-2026-0001 v2, together with scan-002.png" &&
    expect_err "scan-002.png: filed as page 2 of XMT-2026-0001 v2, together with scan-001.jpg" &&
    expect_err "scan-003.jpg: filed as QUN-2026-0001 v2" && expect_err "filed 3 scans" || return 1
  # one version, two scan files in the bundle, both in the manifest, both named in event.json
  run "$BEIAN" log XMT-2026-0001; [ "$(grep -c '^v' "$T/out")" -eq 2 ] || fail "versions: $(cat "$T/out")" || return 1
  b=$(bundle XMT-2026-0001 2)
  unzip -l "$b" | grep -q ' data/signed\.jpg$' && unzip -l "$b" | grep -q ' data/signed-p2\.png$' ||
    fail "entries: $(unzip -l "$b")" || return 1
  [ "$(unzip -l "$b" | grep -c ' data/signed')" -eq 2 ] || fail "entries: $(unzip -l "$b")" || return 1
  unzip -p "$b" '*manifest-sha256.txt' | grep -q "^$(sha256sum <"$T/p1.jpg" | cut -c1-64)  data/signed\.jpg$" &&
    unzip -p "$b" '*manifest-sha256.txt' | grep -q "^$(sha256sum <"$T/p2.png" | cut -c1-64)  data/signed-p2\.png$" ||
    fail "manifest: $(unzip -p "$b" '*manifest-sha256.txt')" || return 1
  event_json XMT-2026-0001 2 | python3 -c '
import json, sys
e = json.load(sys.stdin)
files = [(f["file"], f["name"], f["page"]) for f in e["scan"]["files"]]
assert files == [("data/signed.jpg", "scan-001.jpg", 1), ("data/signed-p2.png", "scan-002.png", 2)], files
assert e["scan"]["file"] == "data/signed.jpg" and e["scan"]["name"] == "scan-001.jpg", e["scan"]
assert [f["file"] for f in e["signed_files"]] == ["data/signed.jpg", "data/signed-p2.png"], e
' || fail "event.json: $(event_json XMT-2026-0001 2)" || return 1
  # a one-page scan keeps the one-file layout
  event_json QUN-2026-0001 2 | grep -q '"files"\|"signed_files"' && fail "one file listed: $(event_json QUN-2026-0001 2)" && return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
  run "$BEIAN" list; expect_out "XMT-2026-0001" && ! grep -q "未经校验" "$T/out" || fail "list: $(cat "$T/out")" || return 1
  run "$BEIAN" log XMT-2026-0001
  expect_out "scan data/signed.jpg (scan-001.jpg), data/signed-p2.png (scan-002.png, from page 2)" || return 1
  # the scans back, byte for byte: FILE for page 1, FILE-p2 with the filed kind for page 2
  run "$BEIAN" reprint XMT-2026-0001 --scan-out "$T/back.jpg"
  expect_rc 0 && cmp -s "$T/p1.jpg" "$T/back.jpg" && cmp -s "$T/p2.png" "$T/back-p2.png" ||
    fail "scan-out: $(ls "$T" | grep back) $(cat "$T/err")" || return 1
  expect_err "wrote $T/back-p2.png: data/signed-p2.png of XMT-2026-0001 (file 2 of 2, from page 2 on; filed from scan-002.png)" || return 1
  # a review carries the signed copy, every page of it
  "$BEIAN" -q review XMT-2026-0001 --year 2026 --date 2026-12-10 >/dev/null || return 1
  b3=$(bundle XMT-2026-0001 3)
  [ "$(unzip -l "$b3" | grep -c ' data/signed')" -eq 2 ] || fail "v3 entries: $(unzip -l "$b3")" || return 1
  run "$BEIAN" reprint XMT-2026-0001@v3 --scan-out "$T/back3.jpg"
  expect_rc 0 && cmp -s "$T/p1.jpg" "$T/back3.jpg" && cmp -s "$T/p2.png" "$T/back3-p2.png" || fail "v3 scan-out" || return 1
  run "$BEIAN" verify; expect_rc 0 || return 1
  # verify checks every file event.json lists: page 2 taken out of v3 (and out of its manifest)
  python3 - "$b3" <<'PY' || return 1
import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(path, "w") as z:
    for i, data in items:
        if i.filename == "data/signed-p2.png":
            continue
        if i.filename == "manifest-sha256.txt":
            data = b"".join(l for l in data.splitlines(True) if b"signed-p2" not in l)
        z.writestr(i, data)
PY
  run "$BEIAN" verify XMT-2026-0001
  expect_rc 65 && expect_err "REC-CONTENT: data/event.json names data/signed-p2.png, which is missing"
}

test_a_form_missing_a_page_is_refused_and_the_archive_unchanged() {
  ar fm && two_records || return 1
  mkdir -p "$T/fm" && cp "$T/p1.jpg" "$T/fm/a.jpg" && cp "$T/qun.jpg" "$T/fm/b.jpg" || return 1
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/fm-ledger-before"
  run "$BEIAN" -q approve --scan "$T/fm" --date 2026-12-01
  expect_rc 65 && expect_out "QUN-2026-0001 v2 approved" || return 1
  expect_err "the form of XMT-2026-0001 v1 has 2 pages, and page 2 (第2页) of it is in no file of the folder; the files seen: a.jpg (page 1)" &&
    expect_err "a.jpg: refused: page 1 of XMT-2026-0001 v1's form; the form cannot be put together (see above)" &&
    expect_err "filed 1 scan, refused 1" || return 1
  # nothing of XMT-2026-0001 filed: the ledger grew by QUN-2026-0001's line only
  diff "$T/fm-ledger-before" "$BEIAN_ARCHIVE/ledger.txt" | grep '^>' >"$T/fm-new"
  [ "$(wc -l <"$T/fm-new")" -eq 1 ] && grep -q "QUN-2026-0001" "$T/fm-new" || fail "ledger: $(cat "$T/fm-new")" || return 1
  # the 附页 alone: page 1, with the signatures, is missing
  ar fm2 && two_records || return 1
  rm -rf "$T/fm" && mkdir -p "$T/fm" && cp "$T/p2.png" "$T/fm/c.png" || return 1
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/fm-ledger-before"
  run "$BEIAN" -q approve --scan "$T/fm" --date 2026-12-01
  expect_rc 65 && expect_err "page 1 (第1页) of it is in no file of the folder (page 1 carries the signatures); the files seen: c.png (page 2)" || return 1
  cmp -s "$T/fm-ledger-before" "$BEIAN_ARCHIVE/ledger.txt" || fail "ledger changed"
}

test_a_page_in_two_files_is_refused_naming_both() {
  ar ft && two_records || return 1
  mkdir -p "$T/ft" && cp "$T/p1.jpg" "$T/ft/1.jpg" && cp "$T/p2.png" "$T/ft/2.png" &&
    convert "$T/p2.png" "$T/ft/2-again.jpg" || return 1
  cp "$BEIAN_ARCHIVE/ledger.txt" "$T/ft-ledger-before"
  run "$BEIAN" -q approve --scan "$T/ft" --date 2026-12-01
  expect_rc 65 && expect_err "page 2 (第2页) of the form of XMT-2026-0001 v1 is in two files, 2-again.jpg and 2.png" || return 1
  expect_err "1.jpg: refused: page 1 of XMT-2026-0001 v1's form, with 2-again.jpg, 2.png" || return 1
  cmp -s "$T/ft-ledger-before" "$BEIAN_ARCHIVE/ledger.txt" || fail "ledger changed" || return 1
  [ -z "$(ls "$BEIAN_ARCHIVE"/records/*/XMT-2026-0001/v2-* 2>/dev/null)" ] || fail "a bundle was left"
}

test_a_page_of_another_record_is_never_joined() {
  ar fo && two_records || return 1
  # page 1 of XMT-2026-0001 with a page 2 of another record (XMT-2026-0002, the same long form)
  "$BEIAN" -q submit "$LONG" --date 2026-11-30 -o "$T/long3.pdf" >/dev/null || return 1
  mkdir -p "$T/fo" && cp "$T/p1.jpg" "$T/fo/a.jpg" && scan "$T/long3.pdf" "$T/fo/b.png" 2 || return 1
  run "$BEIAN" -q approve --scan "$T/fo" --date 2026-12-01
  expect_rc 65 && expect_err "the files seen: a.jpg (page 1)" && expect_err "the files seen: b.png (page 2)" || return 1
  run "$BEIAN" log XMT-2026-0001; [ "$(grep -c '^v' "$T/out")" -eq 1 ] || fail "filed: $(cat "$T/out")"
}

# old PNG OUT: the page's footer code replaced by the same code without its page, as beian
# printed it before codes carried the page
old() {
  code=$(zbarimg -q --raw "$1" 2>/dev/null | grep '^beian:' | sed 's#/P[0-9]*$##')
  [ -n "$code" ] && qrencode -l M -s 4 -m 0 -o "$T/old-qr.png" "$code" || return 1
  convert "$T/old-qr.png" -filter point -resize 116x116! "$T/old-qr.png" &&
    convert "$1" -fill white -draw "rectangle 950,1605 1082,1737" "$T/old-qr.png" -geometry +958+1613 -composite "$2"
}

test_pages_whose_codes_do_not_say_their_page_cannot_be_joined() {
  ar fp && two_records || return 1
  mkdir -p "$T/fp" && old "$T/p1.jpg" "$T/fp/a.png" && old "$T/p2.png" "$T/fp/b.png" || return 1
  zbarimg -q --raw "$T/fp/b.png" 2>/dev/null | grep -q '^beian:XMT-2026-0001/1/[0-9A-F]*$' || fail "no old code planted" || return 1
  run "$BEIAN" -q approve --scan "$T/fp" --date 2026-12-01
  expect_rc 65 && expect_err "b.png: error: scan (扫描件): the form of XMT-2026-0001 has 2 pages" &&
    expect_err "its code does not say its page (printed by an earlier beian), so it cannot be put together with the folder's other files: scan all 2 pages of the signed paper into one PDF or TIFF" || return 1
  run "$BEIAN" log XMT-2026-0001; [ "$(grep -c '^v' "$T/out")" -eq 1 ] || fail "filed: $(cat "$T/out")" || return 1
  # the same pages in one file are the whole form, counted by their codes
  convert "$T/fp/a.png" "$T/fp/b.png" -compress Group4 "$T/fp-both.tif" || return 1
  run "$BEIAN" -q approve --scan "$T/fp-both.tif" --date 2026-12-01
  expect_rc 0 && expect_out "XMT-2026-0001 v2 approved"
}
