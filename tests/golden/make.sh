#!/bin/sh
# The same bytes for the same input: renders a fixed set of outputs (every example form, the
# blank forms, a form with its 附页, a 60-page print job, an archive bundle, a marked, an exact
# and a masked reprint, the ledger slip) and prints "SHA-256  NAME" for each, after a header
# naming the library versions the hashes were made with.
#
#   sh tests/golden/make.sh            print the hashes of the binary in $BEIAN (or bin/beian)
#   sh tests/golden/make.sh --update   rewrite tests/golden/outputs.sha256 with them
#
# tests/e2e/golden.sh compares them with outputs.sha256. Regenerate deliberately, never to make
# a failing test pass: a changed hash means every PDF printed from now on differs from before.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
export BEIAN_FORMS="$ROOT/forms" BEIAN_FONTS="$ROOT/fonts" TZ=UTC LC_ALL=C.UTF-8
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

versions() {
  "$BEIAN" --version | sed -n 2p | tr ',' '\n' | sed 's/^ *//' | grep -E '^(libharu|harfbuzz) '
  echo "zlib $(pkg-config --modversion zlib 2>/dev/null || echo unknown)"
}

render() {
  for f in "$ROOT"/examples/*.json; do
    n=$(basename "$f" .json)
    "$BEIAN" -q fill "$f" -o "$W/$n.pdf" --png "$W/$n.png"
  done
  for id in platform-registration platform-application workgroup-filing; do
    "$BEIAN" -q fill --blank "$id" -o "$W/blank-$id.pdf"
  done
  "$BEIAN" -q fill "$ROOT/tests/data/application-long-reason.json" -o "$W/continued.pdf"
  "$BEIAN" -q batch workgroup-filing "$ROOT/tests/golden/groups-60.csv" --combined "$W/print-job-60.pdf"
  export BEIAN_ARCHIVE="$W/archive"
  "$BEIAN" -q submit "$ROOT/examples/platform-application.json" --date 2026-11-24 -o "$W/submitted.pdf" >/dev/null
  cp "$W"/archive/records/2026/XMT-2026-0001/v1-*.zip "$W/bundle-v1.zip"
  "$BEIAN" -q reprint XMT-2026-0001 -o "$W/reprint.pdf" --date 2027-03-01
  "$BEIAN" -q reprint XMT-2026-0001@v1 -o "$W/reprint-exact.pdf" --date 2027-03-01 --exact
  "$BEIAN" -q reprint XMT-2026-0001 -o "$W/reprint-masked.pdf" --date 2027-03-01 --mask
}

render
out=$W/hashes
{
  echo "# made with:"
  versions | sed 's/^/# /'
  (cd "$W" && sha256sum -- *.pdf *.png *.zip)
} >"$out"
if [ "${1:-}" = "--update" ]; then
  cp "$out" "$ROOT/tests/golden/outputs.sha256"
  echo "tests/golden/outputs.sha256 rewritten"
else
  cat "$out"
fi
