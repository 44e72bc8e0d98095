# Smoke: the sample records print and the command line answers.
test_version_names_libraries() {
  run "$BEIAN" --version; expect_rc 0 && expect_out "libharu" && expect_out "harfbuzz"
}
test_fill_sample_application() {
  run "$BEIAN" fill "$ROOT/examples/platform-application.json" -o "$T/a.pdf"
  expect_rc 0 || return 1
  pdf_text "$T/a.pdf" | grep -qF "新媒体平台申请表" || fail "title missing"
}
test_readme_names_the_two_setup_commands_and_the_tracking_contract() {
  grep -qF "make demo" "$ROOT/README.md" && grep -qF "make test" "$ROOT/README.md" &&
    grep -qF "beian:<RECORD>/<VERSION>/<DIGEST16>" "$ROOT/README.md" || fail "README lacks them"
}
