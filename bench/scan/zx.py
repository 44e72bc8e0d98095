#!/usr/bin/python3
"""zx.py - the ZXing half of the scan benchmark (bench/scan/measure.sh).

Reads the same lines as zretry ("id<TAB>file.pgm<TAB>expected<TAB>rotation") on stdin and prints
"id<TAB>step=result:ms..." for ZXing-C++ (Debian 12: python3-zxing-cpp 1.4, numpy), QR only:
  zx_full  the whole page
  zx_c1    the footer corners (bottom right, then top left), as zretry crops them
  zx_c2    the corners scaled x2 (pixel repetition)
result: 1 the expected payload, 2 another beian: payload, 0 none. ms excludes reading the file.
"""
import sys
import time

import numpy as np
import zxingcpp

CORNER_W, CORNER_H = 0.50, 0.18
QR = zxingcpp.BarcodeFormat.QRCode


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    head = data.split(maxsplit=4)
    w, h = int(head[1]), int(head[2])
    return np.frombuffer(head[4][: w * h], dtype=np.uint8).reshape(h, w)


def judge(results, expected):
    r = 0
    for x in results:
        if x.text.startswith("beian:"):
            if x.text == expected:
                return 1
            r = 2
    return r


def corners(a):
    h, w = a.shape
    cw, ch = int(w * CORNER_W), int(h * CORNER_H)
    return [np.ascontiguousarray(a[h - ch :, w - cw :]), np.ascontiguousarray(a[:ch, :cw])]


def run(a, expected, k):
    r = 0
    for c in corners(a):
        if k > 1:
            c = np.ascontiguousarray(np.repeat(np.repeat(c, k, axis=0), k, axis=1))
        r = max(r, judge(zxingcpp.read_barcodes(c, formats=QR), expected))
        if r == 1:
            return 1
    return r


def main():
    for line in sys.stdin:
        f = line.rstrip("\n").split("\t")
        if len(f) < 3:
            continue
        ident, path, expected = f[0], f[1], f[2]
        try:
            a = read_pgm(path)
        except (OSError, ValueError, IndexError):
            print(f"{ident}\tunreadable", flush=True)
            continue
        out = [ident]
        steps = (
            ("zx_full", lambda: judge(zxingcpp.read_barcodes(a, formats=QR), expected)),
            ("zx_c1", lambda: run(a, expected, 1)),
            ("zx_c2", lambda: run(a, expected, 2)),
        )
        for name, fn in steps:
            t0 = time.perf_counter()
            r = fn()
            out.append(f"{name}={r}:{(time.perf_counter() - t0) * 1e3:.1f}")
        print("\t".join(out), flush=True)


if __name__ == "__main__":
    main()
