#!/bin/sh
# Runs the commands that touch every stage under valgrind's memcheck: fill (PDF and PNG),
# batch (files and a combined PDF), submit, approve (with a scan), verify and reprint, on a
# fresh archive. Fails when valgrind finds an invalid access, a use of uninitialised memory or
# a definite or indirect leak in any of them (memory libraries keep until exit on purpose is
# "still reachable" and allowed). Usage: BEIAN=build/bin/beian sh tests/valgrind/run.sh
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEIAN=${BEIAN:-$ROOT/bin/beian}
case "$BEIAN" in /*) ;; *) BEIAN=$ROOT/$BEIAN ;; esac
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BEIAN_FORMS=$ROOT/forms BEIAN_FONTS=$ROOT/fonts
cp "$ROOT/examples/workgroup-filing.json" "$W/group.json"
cp "$ROOT/examples/platform-application.json" "$W/app.json"
{
  echo "group_name,group_number,scope,admin1_name,admin1_mobile,email,member_count,member_types,department,dept_head,dept_head_title,office_phone,mobile"
  echo "2026级计算机1班,52841931,信息工程学院2026级计算机1班,杨堃,13895012345,xxgc@nxtc.edu.cn,41,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345"
  echo "2026级计算机2班,52841932,信息工程学院2026级计算机2班,杨堃,13895012345,xxgc@nxtc.edu.cn,42,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345"
} >"$W/groups.csv"
cd "$W" || exit 1
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes"
failed=0
step() {
  name=$1; shift
  $VG "$BEIAN" "$@" >"$W/$name.out" 2>"$W/$name.err"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "valgrind: $name FAILED (exit $rc): beian $*"
    grep -E '^==[0-9]+==' "$W/$name.err" | head -40
    grep -vE '^==[0-9]+==' "$W/$name.err" | head -5
    failed=$((failed + 1))
  else
    echo "valgrind: $name ok"
  fi
}
step fill fill group.json -o form.pdf --png form.png
step batch batch workgroup-filing groups.csv -o batch --combined all.pdf -q
step submit submit app.json --date 2026-11-24 --archive archive -o submitted.pdf -q
# the signed paper comes back as a scan (a PDF beian wrote is refused as one)
pdftoppm -r 150 -png -singlefile submitted.pdf scan
step approve approve XMT-2026-0001 --scan scan.png --date 2026-12-01 --archive archive -q
step verify verify --archive archive
step reprint reprint XMT-2026-0001 -o reprint.pdf --date 2026-12-02 --archive archive
# beian ui under valgrind, driven by the API tests (tests/e2e/web.sh): the server's exit code
# (99 on a leak or a bad access) is checked by its last test
if BEIAN_WRAP="$VG" sh "$ROOT/tests/e2e.sh" "$ROOT/tests/e2e/web.sh" >"$W/ui.log" 2>&1; then
  echo "valgrind: ui ok"
else
  echo "valgrind: ui FAILED"; tail -30 "$W/ui.log"; failed=$((failed + 1))
fi
echo "valgrind: $failed failed"
[ $failed -eq 0 ]
