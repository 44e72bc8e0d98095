#!/usr/bin/python3
"""make bench-web: beian ui under 16 concurrent clients, against `beian batch` in the same run.

  /usr/bin/python3 bench/web/bench.py BEIAN [SECONDS]

The records are the rows of bench/rows.sh (work groups, 附件4, each different). It prints:
  - the check of a record as one types (POST /api/check), alone: p50 and p99;
  - 16 clients asking for previews and PDFs of different records for SECONDS (default 30):
    requests per second, p50 and p99 of each, and meanwhile the latency of a trivial GET
    (GET /api/session) and of a check, which the thread-per-connection model keeps from
    waiting behind the renders;
  - 16 clients asking for PDFs only, against `beian batch` per file on the same rows: the
    ratio of PDFs per second (target >= 0.8: HTTP costs little next to rendering);
  - the server's resident memory after the first 1000 requests and at the end.
"""
import csv
import http.client
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEIAN = os.path.abspath(sys.argv[1])
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
CLIENTS = 16
ENV = dict(os.environ, BEIAN_FORMS=os.path.join(ROOT, "forms"), BEIAN_FONTS=os.path.join(ROOT, "fonts"),
           BEIAN_WEB=os.path.join(ROOT, "web"), BEIAN_ARCHIVE="/nonexistent-archive")


def rows(n):
    text = subprocess.run(["sh", os.path.join(ROOT, "bench", "rows.sh"), str(n)], capture_output=True,
                          check=True).stdout.decode("utf-8-sig")
    return text, [r for r in csv.DictReader(io.StringIO(text))]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000 if xs else float("nan")


class Client:
    def __init__(self, port, token, csrf):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.h = {"Cookie": "beian_token=" + token, "X-CSRF-Token": csrf, "Host": f"127.0.0.1:{port}"}

    def req(self, method, path, body=None):
        t = time.perf_counter()
        self.c.request(method, path, body=body, headers=self.h)
        r = self.c.getresponse()
        data = r.read()
        return r.status, data, time.perf_counter() - t


def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main():
    sheet, recs = rows(400)
    bodies = [json.dumps({"form": "workgroup-filing", "date": "2026-11-24",
                          "fields": {k: v for k, v in r.items() if v}}, ensure_ascii=False).encode()
              for r in recs]
    p = subprocess.Popen([BEIAN, "ui", "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=ENV, text=True)
    url = p.stdout.readline().strip()
    port = int(url.split(":")[2].split("/")[0])
    token = url.split("token=")[1]
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/api/session", headers={"Cookie": "beian_token=" + token, "Host": f"127.0.0.1:{port}"})
    csrf = json.loads(c.getresponse().read())["csrf"]
    total = [0]
    rss_1000 = [None]
    lock = threading.Lock()

    def count():
        with lock:
            total[0] += 1
            if total[0] == 1000:
                rss_1000[0] = rss(p.pid)

    one = Client(port, token, csrf)
    alone = []
    for i in range(200):
        s, _, dt = one.req("POST", "/api/check", bodies[i % len(bodies)])
        assert s == 200, s
        alone.append(dt)
        count()
    print(f"check alone: p50 {pct(alone, .5):.1f} ms, p99 {pct(alone, .99):.1f} ms (target p99 < 20 ms)")

    def load(kinds, secs, lat, stop):
        def run(k):
            cl = Client(port, token, csrf)
            i = k
            while not stop.is_set():
                kind = kinds[i % len(kinds)]
                s, data, dt = cl.req("POST", "/api/" + kind, bodies[i % len(bodies)])
                assert s == 200, (kind, s, data[:200])
                with lock:
                    lat.setdefault(kind, []).append(dt)
                count()
                i += CLIENTS
        ts = [threading.Thread(target=run, args=(k,)) for k in range(CLIENTS)]
        t0 = time.perf_counter()
        for t in ts:
            t.start()
        return ts, t0

    def probe(stop, out):
        cl = Client(port, token, csrf)
        while not stop.is_set():
            s, _, dt = cl.req("GET", "/api/session")
            out.setdefault("GET /api/session", []).append(dt)
            s, _, dt = cl.req("POST", "/api/check", bodies[0])
            out.setdefault("check", []).append(dt)
            count()
            time.sleep(0.05)

    lat, side, stop = {}, {}, threading.Event()
    ts, t0 = load(["preview", "pdf"], SECONDS, lat, stop)
    pr = threading.Thread(target=probe, args=(stop, side))
    pr.start()
    time.sleep(SECONDS)
    stop.set()
    for t in ts + [pr]:
        t.join()
    dt = time.perf_counter() - t0
    n = sum(len(v) for v in lat.values())
    print(f"{CLIENTS} clients, previews and PDFs, {dt:.0f} s: {n / dt:.1f} requests/s")
    for k, v in sorted(lat.items()):
        print(f"  {k}: {len(v)} requests, p50 {pct(v, .5):.0f} ms, p99 {pct(v, .99):.0f} ms")
    for k, v in sorted(side.items()):
        print(f"  meanwhile {k}: p50 {pct(v, .5):.1f} ms, p99 {pct(v, .99):.1f} ms")

    lat2, stop2 = {}, threading.Event()
    ts, t0 = load(["pdf"], SECONDS / 2, lat2, stop2)
    time.sleep(SECONDS / 2)
    stop2.set()
    for t in ts:
        t.join()
    dt = time.perf_counter() - t0
    web_rate = len(lat2["pdf"]) / dt
    out = tempfile.mkdtemp(prefix="beian-bench-web-")
    sheet_path = os.path.join(out, "rows.csv")
    open(sheet_path, "w", encoding="utf-8-sig").write(sheet)
    t = time.perf_counter()
    subprocess.run([BEIAN, "batch", "workgroup-filing", sheet_path, "-o", os.path.join(out, "pdf"), "-q"],
                   check=True, env=ENV, stderr=subprocess.DEVNULL)
    batch_rate = len(recs) / (time.perf_counter() - t)
    shutil.rmtree(out)
    print(f"PDFs/s: beian ui {web_rate:.1f}, beian batch per file {batch_rate:.1f}: "
          f"ratio {web_rate / batch_rate:.2f} (target >= 0.8)")
    end = rss(p.pid)
    print(f"server memory: {rss_1000[0]} MiB after 1000 requests, {end} MiB after {total[0]}")
    p.send_signal(2)
    p.wait(30)


if __name__ == "__main__":
    main()
