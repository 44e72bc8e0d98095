# The command line's words: one option table per command (src/cli/) gives the option parsing,
# `beian CMD --help` = `beian help CMD`, the usage of a usage error and man/beian.1.

# cli_commands: the command names, as `beian --help` lists them.
cli_commands() {
  "$BEIAN" --help | awk '/^commands:/{on=1; next} on && /^$/{exit} on && /^  [a-z]/{print $1}'
}

# cli_options CMD: the long options (--name) and short ones (-x) `beian help CMD` lists.
cli_options() {
  "$BEIAN" help "$1" | awk '/^options:/{on=1; next} on && /^$/{exit} on' |
    grep -oE '^  (-[a-zA-Z](, )?)?(--[a-z][a-z0-9-]*)?' | grep -oE -- '--?[a-zA-Z][a-z0-9-]*'
}

test_top_help_lists_every_command_and_the_exit_codes() {
  run "$BEIAN" --help
  expect_rc 0 && expect_out "usage: beian" && expect_out "exit codes: 0 ok, 64 usage" &&
    expect_out "78 bad form definition" && expect_out "BEIAN_ARCHIVE" || return 1
  n=$(cli_commands | wc -l)
  [ "$n" -ge 18 ] || fail "only $n commands listed: $(cli_commands | tr '\n' ' ')"
  for c in forms check fill batch submit approve reject change review dissolve log list due \
    reprint verify fsck anchor help; do
    cli_commands | grep -qx "$c" || fail "beian --help does not list $c" || return 1
  done
}

test_help_cmd_and_cmd_dash_dash_help_print_the_same_text() {
  for c in $(cli_commands); do
    "$BEIAN" help "$c" >"$T/a" 2>&1 || fail "beian help $c: exit $?" || return 1
    "$BEIAN" "$c" --help >"$T/b" 2>&1 || fail "beian $c --help: exit $?" || return 1
    cmp -s "$T/a" "$T/b" || fail "beian help $c and beian $c --help differ" || return 1
    grep -q "^usage: beian $c" "$T/a" || fail "beian help $c has no usage line" || return 1
  done
}

test_help_help_explains_itself() {
  run "$BEIAN" help help
  expect_rc 0 && expect_out "usage: beian help [COMMAND]" && expect_out "--man"
}

test_help_of_an_unknown_command_is_a_usage_error() {
  run "$BEIAN" help no-such-command
  expect_rc 64 && expect_err 'no command "no-such-command"'
}

test_every_help_line_fits_80_columns() {
  { "$BEIAN" --help; for c in $(cli_commands); do "$BEIAN" help "$c"; done; } >"$T/help"
  python3 - "$T/help" <<'PY' || fail "help lines wider than 80 columns (above)"
import sys, unicodedata
bad = 0
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
    if w > 80:
        print(f"{w} columns: {line}", file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
}

test_every_command_has_an_example_and_its_options() {
  for c in $(cli_commands); do
    "$BEIAN" help "$c" | grep -A1 '^example:$' | grep -q "^  beian $c" ||
      fail "beian help $c: no example" || return 1
  done
  cli_options fill | grep -qx -- "--no-tracking" || fail "fill's options: $(cli_options fill)"
}

test_a_usage_error_names_the_option_and_prints_the_usage() {
  run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" -o "$T/x.pdf" --no-such-option
  expect_rc 64 && expect_err "fill: unknown option --no-such-option" &&
    expect_err "usage: beian fill DATA.json" && expect_err "(see: beian help fill)" || return 1
  expect_no_file "$T/x.pdf" || return 1
  run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" -o
  expect_rc 64 && expect_err "fill: -o needs a value" || return 1
  run "$BEIAN" batch workgroup-filing x.csv --force=yes -o "$T/out"
  expect_rc 64 && expect_err "batch: --force takes no value" || return 1
  run "$BEIAN" --no-such-option
  expect_rc 64 && expect_err "unknown option --no-such-option (see: beian --help)"
}

test_options_take_their_values_in_every_spelling() {
  for form in "-o$T/a.pdf" "--output=$T/a.pdf" "--output $T/a.pdf"; do
    rm -f "$T/a.pdf"
    # shellcheck disable=SC2086 # the spelling "--output FILE" is two words on purpose
    run "$BEIAN" fill "$ROOT/examples/workgroup-filing.json" $form -q --dpi=72
    expect_rc 0 && [ -s "$T/a.pdf" ] || fail "fill $form did not write $T/a.pdf" || return 1
    [ ! -s "$T/err" ] || fail "-q still wrote: $(cat "$T/err")" || return 1
  done
  # after --, a word that looks like an option is an argument
  run "$BEIAN" check -- --not-an-option.json
  expect_rc 66 || return 1
}

test_version_keeps_its_two_first_lines() {
  run "$BEIAN" --version
  expect_rc 0 || return 1
  sed -n 1p "$T/out" | grep -qE '^beian [0-9]+\.[0-9]+\.[0-9]+' || fail "line 1: $(sed -n 1p "$T/out")"
  sed -n 2p "$T/out" | grep -qE '^libharu [^,]+, harfbuzz [^,]+, cairo [^,]+, libqrencode [^,]+, libzip ' ||
    fail "line 2: $(sed -n 2p "$T/out")"
}

test_man_page_is_made_from_the_option_tables_and_up_to_date() {
  "$BEIAN" help --man >"$T/beian.1" || fail "beian help --man: exit $?" || return 1
  cmp -s "$T/beian.1" "$ROOT/man/beian.1" ||
    fail "man/beian.1 is not what 'beian help --man' prints: run 'make man' and commit it"
}

test_man_page_renders_with_every_command_option_exit_code_and_variable() {
  command -v man >/dev/null || { fail "man is missing (Debian package man-db: make deps)"; return 1; }
  MANWIDTH=200 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$ROOT/man/beian.1" 2>"$T/warn" |
    col -bx >"$T/man.txt"
  [ -s "$T/man.txt" ] || fail "man -l rendered nothing: $(head -5 "$T/warn")" || return 1
  [ ! -s "$T/warn" ] || fail "man -l warns: $(head -5 "$T/warn")" || return 1
  for c in $(cli_commands); do
    grep -qE "^ +$c\$" "$T/man.txt" || fail "the man page has no section for $c" || return 1
    for o in $(cli_options "$c"); do
      grep -qF -- "$o" "$T/man.txt" || fail "the man page lacks $c's option $o" || return 1
    done
  done
  for w in "EXIT STATUS" "ENVIRONMENT" BEIAN_FORMS BEIAN_FONTS BEIAN_ARCHIVE "archive busy"; do
    grep -qF -- "$w" "$T/man.txt" || fail "the man page lacks $w" || return 1
  done
}

test_fonts_names_the_file_of_each_role_and_the_face_of_each_character() {
  export BEIAN_FORMS="${BEIAN_FORMS:-$ROOT/forms}" BEIAN_FONTS="${BEIAN_FONTS:-$ROOT/fonts}"
  run "$BEIAN" fonts
  expect_rc 0 && expect_out "chain of the body:" && expect_out "chain of the title:" || return 1
  grep -q '^body ' "$T/out" && grep -q '^title ' "$T/out" || fail "no file named for body and title" || return 1
  run "$BEIAN" fonts "$ROOT/examples/workgroup-filing.json"
  expect_rc 0 && expect_out "characters of the text, by face" || return 1
  grep -q '杨堃' "$T/out" || fail "the data's characters are not listed by face" || return 1
  printf '{"form": "workgroup-filing", "fields": {' >"$T/broken.json"
  run "$BEIAN" fonts "$T/broken.json"
  expect_rc 65
}
