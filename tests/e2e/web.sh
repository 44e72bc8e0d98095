# beian ui's HTTP API, driven with curl (the browser tests are tests/web/). One server serves
# every test of this file: test_ui_00_* starts it, test_ui_99_* stops it with SIGINT and checks
# that it exits 0. $BEIAN_WRAP (for example valgrind with --error-exitcode) runs the server
# under a tool; make valgrind sets it, and a leak or a bad access then fails the last test.
# The header deadline is shortened with the BEIAN_UI_HEADER_SECONDS test hook.

ui_env() {
  URL=$(head -1 "$T/ui.out")
  PORT=$(printf '%s' "$URL" | sed 's|^http://127.0.0.1:\([0-9]*\)/.*|\1|')
  TOK=${URL##*token=}
  BASE=http://127.0.0.1:$PORT
  CSRF=$(cat "$T/ui.csrf" 2>/dev/null)
}

# get PATH / post PATH FILE [curl args]: with the cookie (and the CSRF token); the status in
# $code, the body in $T/body, the headers in $T/head.
get() { code=$(curl -s -D "$T/head" -o "$T/body" -w '%{http_code}' -b "beian_token=$TOK" "$BASE$1"); }
post() {
  p=$1; f=$2; shift 2
  code=$(curl -s -D "$T/head" -o "$T/body" -w '%{http_code}' -b "beian_token=$TOK" \
    -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' "$@" --data-binary "@$f" "$BASE$p")
}
expect_code() { [ "$code" = "$1" ] || fail "expected HTTP $1, got $code: $(head -c 300 "$T/body")"; }
expect_body() { grep -qF -- "$1" "$T/body" || fail "body lacks '$1': $(head -c 600 "$T/body")"; }

test_ui_00_starts_on_loopback_with_a_token() {
  (BEIAN_UI_HEADER_SECONDS=3 sh -c 'echo $$ >"$0"; exec "$@"' "$T/ui.pid" ${BEIAN_WRAP:-} \
     "$BEIAN" ui --no-browser >"$T/ui.out" 2>"$T/ui.err"; echo $? >"$T/ui.rc") &
  for _ in $(seq 1 1800); do  # up to 3 minutes: under valgrind the fonts parse slowly
    [ -s "$T/ui.out" ] && break
    sleep 0.1
  done
  ui_env
  printf '%s' "$URL" | grep -Eq '^http://127\.0\.0\.1:[0-9]+/\?token=[A-Za-z0-9_-]{43}$' \
    || fail "address: $URL $(cat "$T/ui.err")" || return 1
  # only loopback: the kernel's table of listening sockets (state 0A) has the port on
  # 127.0.0.1 (0100007F) and on no other address, IPv4 or IPv6
  hex=$(printf '%04X' "$PORT")
  listen=$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {print $2}' \
    /proc/net/tcp /proc/net/tcp6)
  [ "$listen" = "0100007F:$hex" ] || fail "listening on: $listen (want 0100007F:$hex only)" || return 1
  get /api/session
  expect_code 200
  sed 's/.*"csrf":"\([^"]*\)".*/\1/' "$T/body" >"$T/ui.csrf"
  [ -s "$T/ui.csrf" ]
}

test_ui_10_every_request_needs_the_token() {
  ui_env
  for p in / /index.html /api/forms /api/session /app.js; do
    c=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$p")
    [ "$c" = 403 ] || fail "$p without the token: $c" || return 1
    c=$(curl -s -o /dev/null -w '%{http_code}' -b "beian_token=x$TOK" "$BASE$p")
    [ "$c" = 403 ] || fail "$p with a wrong token: $c" || return 1
  done
  c=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/?token=nottheone")
  [ "$c" = 403 ] || fail "a wrong token in the address: $c" || return 1
  # the printed address: a cookie (HttpOnly, SameSite=Strict) and a redirect without the token
  curl -s -D "$T/head" -o /dev/null "$URL"
  grep -q '^HTTP/1.1 303' "$T/head" || fail "no redirect: $(cat "$T/head")" || return 1
  grep -qi "^Set-Cookie: beian_token=$TOK; Path=/; HttpOnly; SameSite=Strict" "$T/head" \
    || fail "cookie: $(cat "$T/head")" || return 1
  grep -qi '^Location: /' "$T/head" || fail "location" || return 1
  # another host name (DNS rebinding) is refused even with the cookie
  c=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: evil.example:$PORT" -b "beian_token=$TOK" "$BASE/")
  [ "$c" = 403 ] || fail "foreign Host: $c"
}

test_ui_11_pages_carry_the_security_headers() {
  ui_env
  get /
  expect_code 200
  expect_body '<label' || return 1
  grep -qi "^Content-Security-Policy: default-src 'self';.*frame-ancestors 'none'" "$T/head" \
    || fail "CSP: $(cat "$T/head")" || return 1
  grep -qi '^X-Content-Type-Options: nosniff' "$T/head" || fail "nosniff" || return 1
  # nothing from another host in the page's files
  for f in "$ROOT"/web/*; do
    ! grep -Eq '(src|href)="(https?:)?//' "$f" || fail "$f loads from another host" || return 1
  done
  get /../forms/workgroup-filing.json
  [ "$code" = 404 ] || [ "$code" = 403 ] || fail "path outside web/: $code"
}

test_ui_20_a_post_needs_the_csrf_token() {
  ui_env
  f=$ROOT/examples/workgroup-filing.json
  c=$(curl -s -o /dev/null -w '%{http_code}' -b "beian_token=$TOK" --data-binary "@$f" "$BASE/api/check")
  [ "$c" = 403 ] || fail "without CSRF: $c" || return 1
  c=$(curl -s -o /dev/null -w '%{http_code}' -b "beian_token=$TOK" -H "X-CSRF-Token: $TOK" \
    --data-binary "@$f" "$BASE/api/check")
  [ "$c" = 403 ] || fail "wrong CSRF: $c" || return 1
  post /api/check "$f"
  expect_code 200 && expect_body '"ok":true'
}

test_ui_30_bad_data_is_422_naming_field_and_label() {
  ui_env
  sed 's/"13895012345"/"1389501234"/; s/"0951-6033456"/"6033456"/' \
    "$ROOT/examples/workgroup-filing.json" >bad.json
  post '/api/check?lang=zh-CN' bad.json
  expect_code 422 || return 1
  expect_body '"field":"admin1_mobile"' && expect_body '"label":"管理员1手机"' \
    && expect_body '"id":"field.not_mobile"' \
    && expect_body '“1389501234”不是手机号码：应为 13 至 19 开头的 11 位数字，如 13912345678' \
    && expect_body '"field":"office_phone"' && expect_body '"label":"办公电话"' || return 1
  # in English it is what `beian check` says
  post '/api/check?lang=en' bad.json
  expect_code 422
  run "$BEIAN" check bad.json
  msg=$(grep admin1_mobile "$T/err" | sed 's/.*: error: [^:]*: "[^"]*" //')
  [ -n "$msg" ] && expect_body "$msg" || return 1
  # a PDF of bad data is refused the same way; nothing is printed
  post /api/pdf bad.json
  expect_code 422 && expect_body '"field":"admin1_mobile"'
  # the catalog the page asks for
  get '/api/messages?lang=zh-CN'
  expect_code 200 && expect_body '"field.not_mobile":"“{1}”不是手机号码'
}

test_ui_32_the_warnings_before_signing_come_with_the_check() {
  ui_env
  sed 's/"head_name": "[^"]*"/"head_name": "马昇"/' "$ROOT/examples/platform-registration.json" >same.json
  run "$BEIAN" check same.json
  grep -q 'warning' "$T/err" || fail "beian check gives no warning: $(cat "$T/err")" || return 1
  post '/api/check?lang=zh-CN' same.json
  expect_code 200 && expect_body '"ok":true' && expect_body '"severity":"warning"' \
    && expect_body '"field":"head_name"' && expect_body '"id":"rules.head_is_admin"' \
    && expect_body '“马昇”既是负责人，又填在“管理员姓名”栏：第十条要求落实专人负责' || return 1
  # a title that is not a unit head's: 第七条, said in Chinese
  sed 's/"head_title": "[^"]*"/"head_title": "科员"/' "$ROOT/examples/platform-registration.json" >title.json
  grep -q '"head_title": "科员"' title.json || fail "no head_title in the example" || return 1
  post '/api/check?lang=zh-CN' title.json
  expect_code 200 && expect_body '"id":"rules.not_head_title"' \
    && expect_body '“科员”不像单位主要负责人的职务（书记、院长、部长、处长、主任等）：第七条规定' || return 1
  post '/api/check?lang=en' title.json
  expect_body '\"科员\" does not look like the title of a unit head'
}

test_ui_31_broken_json_is_422() {
  ui_env
  printf '{"form": "workgroup-filing", "fields": {' >broken.json
  post /api/check broken.json
  expect_code 422 && expect_body 'JSON syntax error' || return 1
  # what the 填表 page's 载入 JSON 文件 shows, in Chinese
  post '/api/check?lang=zh-CN' broken.json
  expect_code 422 && expect_body '"id":"json.syntax"' && expect_body 'JSON 格式错误：第 1 行第 ' || return 1
  sed '4s/"fields":/"fields"：/' "$ROOT/examples/workgroup-filing.json" >colon.json
  post '/api/check?lang=zh-CN' colon.json
  expect_code 422 && expect_body '"id":"json.full_width"' && expect_body '第 4 行第 11 列有全角符号 ：，JSON 要求用半角符号 :（请把输入法切换到英文标点再输入）' || return 1
  printf '{"form": "workgroup-filing", "fields": {"group_name": "2026级",\n}}' >comma.json
  post '/api/check?lang=zh-CN' comma.json
  expect_code 422 && expect_body 'JSON 格式错误：第 1 行第 62 列，} 前多了一个逗号：JSON 的最后一项后面不能有逗号，请删去' || return 1
  post '/api/check?lang=en' comma.json
  expect_body 'JSON syntax error: a trailing comma before } at line 1, column 62' || return 1
  printf '{"form": "workgroup-filing", "fields": {"group_nmae": "2026级"}, "note": 1}' >key.json
  post '/api/check?lang=zh-CN' key.json
  expect_code 422 && expect_body '"id":"json.unknown_key"' && expect_body '无法识别的键：数据文件只有' || return 1
  sed 's/"group_name":/"group_nmae":/' "$ROOT/examples/workgroup-filing.json" >field.json
  post '/api/check?lang=zh-CN' field.json
  expect_code 422 && expect_body '不是表格 workgroup-filing 的栏目：是否想填“群名称”（group_name）？'
}

test_ui_40_pdf_is_the_bytes_of_beian_fill() {
  ui_env
  for f in "$ROOT"/examples/*.json; do
    n=$(basename "$f" .json)
    post /api/pdf "$f"
    expect_code 200 || return 1
    "$BEIAN" fill "$f" -o "$n.pdf" -q 2>/dev/null || fail "fill $n" || return 1
    cmp -s "$T/body" "$n.pdf" || fail "$n: the page's PDF differs from beian fill's" || return 1
    grep -qi "^Content-Disposition: attachment; filename=\"$n.pdf\"" "$T/head" || fail "name" || return 1
  done
  pdftotext "$T/body" - | grep -q '网络工作群备案登记表' || fail "text"
}

test_ui_41_preview_follows_the_data() {
  ui_env
  f=$ROOT/examples/workgroup-filing.json
  post /api/preview "$f"
  expect_code 200 || return 1
  head -c 8 "$T/body" | od -An -c | grep -q 'P   N   G' || fail "not a PNG" || return 1
  cp "$T/body" a.png
  sed 's/2026级计算机应用技术1班/2026级护理2班/' "$f" >b.json
  post /api/preview b.json
  cmp -s "$T/body" a.png && fail "the preview did not change" || true
  # an unfinished form still has a preview (the fields with errors left out)
  printf '{"form":"platform-application","fields":{"name":"宁职院团委","head_phone":"12"}}' >part.json
  post /api/preview part.json
  expect_code 200
}

test_ui_50_a_group_qr_picture_is_decoded() {
  ui_env
  qrencode -o qr.png -s 6 'https://weixin.qq.com/g/AwYAAGxKc2Rk5vQm1cT9bq0Yk8'
  post /api/qr qr.png -H 'Content-Type: image/png'
  expect_code 200 && expect_body '"payload":"https://weixin.qq.com/g/AwYAAGxKc2Rk5vQm1cT9bq0Yk8"' \
    || return 1
  printf 'not a picture' >junk.png
  post '/api/qr?lang=zh-CN' junk.png -H 'Content-Type: image/png'
  expect_code 422 && expect_body '"field":"group_qr_image"'
}

test_ui_60_oversized_bodies_are_413() {
  ui_env
  head -c 1100000 /dev/zero >big.json
  post /api/check big.json
  expect_code 413 || return 1
  # chunked: no Content-Length, counted as it comes
  post /api/check big.json -H 'Transfer-Encoding: chunked'
  expect_code 413 || return 1
  head -c 10500000 /dev/zero >big.png
  post /api/qr big.png -H 'Content-Type: image/png'
  expect_code 413 || return 1
  post /api/qr big.png -H 'Content-Type: image/png' -H 'Transfer-Encoding: chunked'
  expect_code 413 || return 1
  # a picture under its limit is not refused for its size (the JSON limit is not the picture's)
  head -c 2000000 /dev/zero >mid.png
  post /api/qr mid.png -H 'Content-Type: image/png'
  expect_code 422
}

test_ui_70_trickled_headers_are_cut_off() {
  ui_env
  # one header line a second: libmicrohttpd's idle timeout alone would never end it
  /usr/bin/python3 - "$PORT" <<'PY' || fail "trickled headers were not cut off"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
t = time.time()
try:
    while time.time() - t < 15:
        time.sleep(1)
        s.sendall(b"X-Slow: 1\r\n")
        s.settimeout(0.05)
        try:
            if s.recv(100) == b"":
                break
        except socket.timeout:
            pass
except OSError:
    pass
sys.exit(0 if time.time() - t < 10 else 1)
PY
}

test_ui_80_garbage_never_stops_the_server() {
  ui_env
  /usr/bin/python3 - "$PORT" <<'PY'
import os, socket, sys
port = int(sys.argv[1])
junk = [b"\x00\xff" * 500, b"GET\r\n\r\n", b"POST /api/check HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: " + b"a" * 70000 + b"\r\n\r\n", os.urandom(4096),
        b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
        b"POST /api/check HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]
for j in junk:
    try:
        s = socket.create_connection(("127.0.0.1", port)); s.sendall(j); s.close()
    except OSError:
        pass
PY
  # and a client that goes away in the middle of an upload
  head -c 500000 /dev/urandom >half.json
  timeout 0.2 curl -s -b "beian_token=$TOK" -H "X-CSRF-Token: $CSRF" --limit-rate 100k \
    --data-binary @half.json "$BASE/api/check" >/dev/null 2>&1
  get /api/forms
  expect_code 200 && expect_body '"attachment":"附件4"'
}

# a sheet of n work groups (UTF-8), as tests/e2e/batch.sh makes them
sheet_rows() {
  printf 'group_qr,group_number,group_name,scope,admin1_name,admin1_mobile,email,member_count,member_types,department,dept_head,dept_head_title,office_phone,mobile\r\n'
  awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
    printf "https://weixin.qq.com/g/BEIAN-%04d,5284%04d,2026级计算机%d班,信息工程学院%d班全体学生,杨堃,138950%05d,g%d@nxtc.edu.cn,%d,学生、班主任,信息工程学院,周晓明,党总支书记,0951-6033456,13909512345\r\n", i, i, i, i, i, i, 40 + i }'
}

test_ui_85_a_gb18030_sheet_gives_the_print_job_and_a_zip() {
  ui_env
  sheet_rows 5 | iconv -f UTF-8 -t GB18030 >gb.csv
  post '/api/sheet/check?form=workgroup-filing&name=gb.csv' gb.csv -H 'Content-Type: text/csv'
  expect_code 200 && expect_body '"rows":5' || return 1
  post '/api/sheet/pdf?form=workgroup-filing&name=gb.csv' gb.csv -H 'Content-Type: text/csv'
  expect_code 200 || return 1
  [ "$(pdfinfo "$T/body" | awk '/^Pages:/ {print $2}')" = 5 ] || fail "the print job has not 5 pages" || return 1
  pdftotext "$T/body" - | tr -d ' \n' | grep -q '2026级计算机5班' || fail "row 5 not printed" || return 1
  post '/api/sheet/zip?form=workgroup-filing&name=gb.csv' gb.csv -H 'Content-Type: text/csv'
  expect_code 200 || return 1
  cp "$T/body" rows.zip
  [ "$(unzip -Z1 rows.zip | grep -c '\.pdf$')" = 5 ] || fail "zip: $(unzip -Z1 rows.zip)" || return 1
  # each PDF of the ZIP is the one `beian batch -o DIR` writes for that row
  mkdir -p dir unz && "$BEIAN" batch workgroup-filing gb.csv -o dir -q 2>/dev/null && (cd unz && unzip -q ../rows.zip)
  for f in dir/*.pdf; do
    cmp -s "$f" "unz/$(basename "$f")" || fail "$(basename "$f") differs from beian batch's" || return 1
  done
}

test_ui_86_a_sheet_with_bad_rows_lists_each_problem_by_row_and_column() {
  ui_env
  sheet_rows 4 | sed '3s/,13895000002,/,1389500,/; 5s/,0951-6033456,/,6033456,/' >bad.csv
  post '/api/sheet/check?form=workgroup-filing&name=bad.csv&lang=zh-CN' bad.csv
  expect_code 422 || return 1
  # each row's problems keep their message ids, so the page says them in Chinese
  expect_body '"line":3' && expect_body '"field":"admin1_mobile"' && expect_body '"id":"field.not_mobile"' \
    && expect_body '“1389500”不是手机号码：应为 13 至 19 开头的 11 位数字' \
    && expect_body '"line":5' && expect_body '"label":"办公电话"' \
    && expect_body '“6033456”不是办公电话：应为区号、连字符和号码' || return 1
  post '/api/sheet/check?form=workgroup-filing&name=bad.csv&lang=en' bad.csv
  expect_body 'is not a mobile number' || return 1
  # what Excel did to a number, and a sheet the page cannot read, in Chinese too
  sheet_rows 2 | sed '2s/,138950[0-9]*,/,1.39E+10,/; 3s/,0951-6033456,/,9516033456,/' >excel.csv
  post '/api/sheet/check?form=workgroup-filing&name=excel.csv&lang=zh-CN' excel.csv
  expect_code 422 && expect_body '"id":"sheet.excel_scientific"' \
    && expect_body '“1.39E+10”被 Excel 缩写成了科学计数法，数字已经丢失' \
    && expect_body '“9516033456”像是丢了开头 0 的办公电话 0951-6033456' || return 1
  printf 'group_name\r\n"2026级\r\n' >open.csv
  post '/api/sheet/check?form=workgroup-filing&name=open.csv&lang=zh-CN' open.csv
  expect_code 422 && expect_body '从这一行开始的带引号的单元格没有结束' || return 1
  printf 'group_name\r\n2026级\r\n' >cols.csv
  post '/api/sheet/check?form=workgroup-filing&name=cols.csv&lang=zh-CN' cols.csv
  expect_code 422 && expect_body '"id":"sheet.column_required"' \
    && expect_body '为必填项，但表格中没有这一列：请添加一列，表头写“管理员1手机”（或 admin1_mobile）' || return 1
  printf 'group_name\r\n\x81\x30\xff\r\n' >enc.csv
  post '/api/sheet/check?form=workgroup-filing&name=enc.csv&lang=zh-CN' enc.csv
  expect_code 422 && expect_body '"id":"sheet.not_utf8_gb18030"' && expect_body '文字既不是 UTF-8 编码（第 2 行出错）' || return 1
  post '/api/sheet/pdf?form=workgroup-filing&name=bad.csv' bad.csv
  expect_code 422
}

test_ui_87_templates_keep_the_forms_columns() {
  ui_env
  get '/api/template?form=workgroup-filing&format=csv'
  expect_code 200 || return 1
  head -c 3 "$T/body" | od -An -tx1 | grep -q 'ef bb bf' || fail "no BOM" || return 1
  expect_body '群二维码,群二维码生成日期,群号,群名称,建群范围,管理员姓名 1,管理员1手机' || return 1
  get '/api/template?form=workgroup-filing&format=xlsx'
  expect_code 200 || return 1
  cp "$T/body" t.xlsx
  unzip -p t.xlsx xl/styles.xml | grep -q 'numFmtId="49"' || fail "no text format" || return 1
  unzip -p t.xlsx xl/worksheets/sheet1.xml | grep -q 'style="1"' || fail "columns not text" || return 1
  # the template with one row typed in is a sheet beian batch reads
  "$BEIAN" forms workgroup-filing >/dev/null 2>&1 || return 1
  post '/api/sheet/check?form=workgroup-filing&name=t.xlsx' t.xlsx
  expect_code 422 && expect_body 'no rows'
}

test_ui_99_stops_cleanly_on_sigint() {
  ui_env
  pid=$(cat "$T/ui.pid")
  [ -n "$pid" ] || fail "no server process" || return 1
  kill -INT "$pid"
  for _ in $(seq 1 300); do
    [ -s "$T/ui.rc" ] && break
    sleep 0.1
  done
  [ "$(cat "$T/ui.rc" 2>/dev/null)" = 0 ] || fail "exit $(cat "$T/ui.rc" 2>/dev/null): $(tail -20 "$T/ui.err")"
}
