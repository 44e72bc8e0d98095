# Shared helpers for the end-to-end tests. Each tests/e2e/*.sh file is sourced by
# tests/e2e.sh with $BEIAN (the binary), $ROOT (the checkout) and $T (a fresh temporary
# directory for that file) set. A test is a shell function named test_<behaviour>; the runner
# calls every such function of a file in order and counts it passed when it returns 0.

fail() { echo "    FAIL: $*" >&2; return 1; }

# run CMD...: runs it, keeping stdout in $T/out, stderr in $T/err and the exit code in $rc.
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; return 0; }

expect_rc() { [ "$rc" -eq "$1" ] || fail "expected exit $1, got $rc; stderr: $(head -c 600 "$T/err")"; }
expect_err() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1': $(head -c 600 "$T/err")"; }
expect_out() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1': $(head -c 600 "$T/out")"; }
expect_no_file() { [ ! -e "$1" ] || fail "$1 should not exist"; }

# pdf_text FILE: the PDF's text, with line breaks and spaces removed (values wrap in cells).
pdf_text() { pdftotext "$1" - 2>/dev/null | tr -d ' \n\f'; }
