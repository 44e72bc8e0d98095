# The same bytes for the same input (issue 12): every output of tests/golden/make.sh has the
# SHA-256 recorded in tests/golden/outputs.sha256, made with the libharu, harfbuzz and zlib
# versions named at its top. With other versions the bytes may differ for reasons of theirs:
# the test then says so and how to regenerate the hashes deliberately.

test_outputs_are_byte_identical_to_the_recorded_hashes() {
  want="$ROOT/tests/golden/outputs.sha256"
  BEIAN="$BEIAN" sh "$ROOT/tests/golden/make.sh" >"$T/now" 2>"$T/make-err" ||
    { fail "tests/golden/make.sh failed: $(head -c 600 "$T/make-err")"; return 1; }
  if ! diff <(grep '^#' "$want") <(grep '^#' "$T/now") >/dev/null; then
    fail "the hashes were made with other library versions:
$(diff <(grep '^#' "$want") <(grep '^#' "$T/now") | grep '^[<>]')
    if these outputs are right, regenerate them deliberately: sh tests/golden/make.sh --update"
    return 1
  fi
  if ! diff <(grep -v '^#' "$want") <(grep -v '^#' "$T/now") >"$T/diff"; then
    fail "outputs changed (a change of bytes must be deliberate; see tests/golden/make.sh):
$(grep '^>' "$T/diff")"
    return 1
  fi
}
