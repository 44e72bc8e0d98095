# Documentation: every relative link of README.md and docs/**/*.md resolves, headings
# included, and the README stays under 250 lines (tests/docs.py). The other tests make small
# trees in $T to show the checker fails on what it must refuse.

docs_tree() { # docs_tree DIR: a README linking to one chapter, with a Chinese heading
  mkdir -p "$1/docs/internals"
  printf '# t\n\nSee [forms](docs/forms.md#附页与签字) and [arch](docs/internals/a.md#layers).\n' >"$1/README.md"
  printf '# Forms\n\n## 附页与签字\n\nBack to [the README](../README.md#t).\n' >"$1/docs/forms.md"
  printf '# A\n\n## Layers\n\nSee [forms](../forms.md).\n\n```\n[not a link](nowhere.md)\n```\n' >"$1/docs/internals/a.md"
}

test_docs_every_link_resolves() {
  run python3 "$ROOT/tests/docs.py"
  expect_rc 0 && expect_out "every link resolves"
}

test_docs_readme_is_under_250_lines() {
  n=$(wc -l <"$ROOT/README.md")
  [ "$n" -lt 250 ] || fail "README.md has $n lines"
}

test_docs_checker_accepts_a_sound_tree() {
  docs_tree "$T/ok"
  run python3 "$ROOT/tests/docs.py" "$T/ok"
  expect_rc 0
}

test_docs_checker_names_a_missing_file() {
  docs_tree "$T/file"
  printf 'and [gone](docs/batch.md)\n' >>"$T/file/README.md"
  run python3 "$ROOT/tests/docs.py" "$T/file"
  expect_rc 1 && expect_out "README.md:4: broken link docs/batch.md"
}

test_docs_checker_names_a_missing_heading() {
  docs_tree "$T/anchor"
  printf 'See [x](../README.md#nothing-here) and [y](#附页).\n' >>"$T/anchor/docs/forms.md"
  run python3 "$ROOT/tests/docs.py" "$T/anchor"
  expect_rc 1 && expect_out "docs/forms.md:6: broken link ../README.md#nothing-here" &&
    expect_out "docs/forms.md:6: broken link #附页"
}

test_docs_checker_refuses_a_long_readme() {
  docs_tree "$T/long"
  seq 1 260 >>"$T/long/README.md"
  run python3 "$ROOT/tests/docs.py" "$T/long"
  expect_rc 1 && expect_out "README.md: 263 lines"
}

test_docs_cite_no_file_outside_the_repository() {
  docs_tree "$T/cite"
  printf 'As NOTES.md says.\n' >>"$T/cite/docs/internals/a.md"
  run python3 "$ROOT/tests/docs.py" "$T/cite"
  expect_rc 1 && expect_out "cites NOTES.md" || return 1
  ! grep -rlE 'DESIGN\.md|NOTES\.md|readme\.sh' "$ROOT/README.md" "$ROOT/docs" ||
    fail "README.md or docs/ cite DESIGN.md, NOTES.md or readme.sh"
}
