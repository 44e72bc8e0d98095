# The catalogue of bad inputs (tests/bad/catalogue): one test function per case, so that the
# e2e runner reports each by name (test_bad_json_deep_nesting, ...). Run alone with
# `make bad`; part of `make test` through tests/e2e.sh. What a case must do is described at
# the top of tests/bad/catalogue.

BAD_DIR=$ROOT/tests/bad

# bad_field LINE N: field N (1-based) of a catalogue line, trimmed.
bad_field() {
  printf '%s\n' "$1" | awk -F '|' -v n="$2" '{ v = $n; sub(/^ +/, "", v); sub(/ +$/, "", v); print v }'
}

# bad_run ID: runs one case in a fresh directory under $T and checks it.
bad_run() {
  line=$(grep -E "^$1 [|]" "$BAD_DIR/catalogue")
  [ -n "$line" ] || { fail "no case $1 in tests/bad/catalogue"; return 1; }
  want_rc=$(bad_field "$line" 2)
  cmd=$(bad_field "$line" 3)
  msg=$(bad_field "$line" 4)
  d="$T/bad-$1"
  rm -rf "$d"; mkdir -p "$d" && cd "$d" || return 1
  ln -s "$BAD_DIR"/inputs/* . || return 1
  for w in $cmd; do
    case "$w" in
      gen/*) python3 "$BAD_DIR/gen.py" "$w" || { fail "gen.py $w"; return 1; } ;;
      fix/*) code=${w#fix/}; code=${code%%/*}
             mkdir -p fix && cp -r "$ROOT/tests/fixtures/verify/$code" fix/ || return 1 ;;
    esac
  done
  # `beian` as a command word is the binary under test
  run_cmd=$(printf '%s' "$cmd" | sed -E 's/(^|[ ;&|(])beian /\1"$BEIAN" /g')
  BEIAN="$BEIAN" sh -c "$run_cmd" >.stdout 2>.stderr
  rc=$?
  ok=0
  if [ "$rc" -ne "$want_rc" ]; then
    fail "$1: exit $rc, expected $want_rc"; ok=1
  fi
  if [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:|Segmentation fault|Aborted' .stderr; then
    fail "$1: crashed or a sanitizer reported (exit $rc)"; ok=1
  fi
  if [ -n "$msg" ] && ! grep -qF -- "$msg" .stderr; then
    fail "$1: stderr lacks '$msg'"; ok=1
  fi
  # before a usage block (whose help text is the command line's own), only beian's lines
  stray=$(awk '/^usage: /{exit} !/^(beian: |$)/' .stderr | head -3)
  if [ -n "$stray" ]; then
    fail "$1: stderr lines not from beian's command line (the library never prints): $stray"; ok=1
  fi
  if [ "$rc" -ne 0 ]; then
    left=$(find . \( -name 'out*' -o -name '*.tmp-*' \) -print | head -3)
    [ -d archive/tmp ] && left="$left$(find archive/tmp -type f | head -3)"
    if [ -n "$left" ]; then
      fail "$1: a failed run left files behind: $left"; ok=1
    fi
  fi
  if [ -d archive ] && ! "$BEIAN" verify --archive archive >/dev/null 2>.verify; then
    fail "$1: the archive it leaves does not verify: $(head -3 .verify)"; ok=1
  fi
  if [ "$ok" -ne 0 ]; then
    echo "    command: $cmd" >&2
    sed 's/^/    stderr: /' .stderr | head -8 >&2
  fi
  cd "$T" && rm -rf "$d"
  return $ok
}

test_bad_catalogue_has_at_least_60_distinct_cases() {
  ids=$(grep -vE '^(#|$)' "$BAD_DIR/catalogue" | awk -F '|' '{sub(/ +$/, "", $1); print $1}')
  n=$(printf '%s\n' "$ids" | wc -l)
  u=$(printf '%s\n' "$ids" | sort -u | wc -l)
  [ "$n" -ge 60 ] || fail "only $n cases"
  [ "$n" -eq "$u" ] || fail "duplicate ids: $(printf '%s\n' "$ids" | sort | uniq -d)"
}

test_bad_catalogue_table_in_docs_is_current() {
  sh "$BAD_DIR/table.sh" >"$T/table.md" || return 1
  awk '/<!-- bad-inputs:begin/{on=1; next} /<!-- bad-inputs:end/{on=0} on' \
    "$ROOT/docs/internals/reliability.md" >"$T/documented.md"
  cmp -s "$T/table.md" "$T/documented.md" ||
    fail "docs/internals/reliability.md's catalogue table is out of date: sh tests/bad/table.sh"
}

while IFS= read -r bad_line; do
  case "$bad_line" in '' | '#'*) continue ;; esac
  bad_id=${bad_line%% |*}
  eval "test_bad_$(printf '%s' "$bad_id" | tr -c 'A-Za-z0-9\n' '_')() { bad_run '$bad_id'; }"
done <"$BAD_DIR/catalogue"
