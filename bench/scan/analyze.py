#!/usr/bin/python3
"""analyze.py - the table of bench/scan/measure.sh.

  analyze.py DIR

DIR holds manifest.tsv (gen.sh) and the step results: zbarimg.tsv (id, result, ms: the zbarimg
command on the file as written), zretry.tsv and, when ZXing was run, zx.tsv ("id<TAB>step=r:ms").
A retry sequence reads a scan when one of its steps does; its time is the sum of its steps up
to the first that reads (all of them when none does). Prints the decode rate per degradation
bucket for today's reading, the cheapest sequences that reach the target rate, and ZXing; then
the cases that every approach misses. Needs python3-numpy.
"""
import itertools
import os
import sys

TARGET = float(os.environ.get("TARGET", "0.99"))
MAXLEN = int(os.environ.get("MAXLEN", "4"))  # the longest sequence searched


def load(d):
    cases = {}
    with open(os.path.join(d, "manifest.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            cases[row["file"].split(".")[0]] = {"m": row, "s": {}}
    for name in ("beian.tsv", "zbarimg.tsv", "zretry.tsv", "zx.tsv"):
        p = os.path.join(d, name)
        if not os.path.exists(p):
            continue
        with open(p) as f:
            for line in f:
                f_ = line.rstrip("\n").split("\t")
                c = cases.get(f_[0])
                if c is None:
                    continue
                if name == "zbarimg.tsv":
                    c["s"]["zbarimg"] = (int(f_[1]), float(f_[2]))
                    continue
                for item in f_[1:]:
                    if "=" not in item:
                        continue
                    k, v = item.split("=")
                    r, ms = v.split(":")
                    c["s"][k] = (int(r), float(ms))
    return [c for c in cases.values() if c["s"]]


def seq_eval(cases, seq):
    ok, ms = 0, 0.0
    for c in cases:
        for st in seq:
            r, t = c["s"].get(st, (0, 0.0))
            ms += t
            if r == 1:
                ok += 1
                break
    return ok, ms / max(len(cases), 1)


def seq_ok(c, seq):
    return any(c["s"].get(st, (0, 0))[0] == 1 for st in seq)


def buckets(m):
    dpi = int(m["dpi"])
    blur = float(m["blur"])
    rot = float(m["rotation"])
    q = m["quality"]
    noise = float(m["noise"])
    persp = float(m["perspective"])
    out = [("all", "all")]
    out.append(("dpi", str(dpi)))
    out.append(("blur", "0-0.5" if blur <= 0.5 else "0.5-1" if blur <= 1.0 else "1-1.5"))
    upside = rot > 90
    r = abs(rot - 180) if upside else abs(rot)
    out.append(("rotation", ("180+" if upside else "") + ("<=1" if r <= 1 else "1-3")))
    out.append(("jpeg q", "lossless" if q == "-" else "70-95" if int(q) >= 70 else "40-69"))
    out.append(("noise", "0" if noise == 0 else "<=0.5" if noise <= 0.5 else "0.5-1"))
    out.append(("perspective", "none" if persp == 0 else "<=0.8%" if persp <= 0.8 else "0.8-1.5%"))
    out.append(("colour", m["colour"]))
    out.append(("container", m["container"]))
    out.append(("source", m["source"]))
    if dpi == 100 and blur > 1.0:
        out.append(("hard", "100dpi blur>1"))
    if dpi == 150 and blur > 1.0:
        out.append(("hard", "150dpi blur>1"))
    return out


def table(cases, approaches):
    """Prints the decode rate of each approach per bucket, and the time per scan."""
    rows = {}
    for c in cases:
        for b in buckets(c["m"]):
            rows.setdefault(b, []).append(c)
    order = ["all", "dpi", "blur", "rotation", "jpeg q", "noise", "perspective", "colour",
             "container", "source", "hard"]
    names = [a[0] for a in approaches]
    print("\nDecode rate of the footer tracking code, per bucket (cases in brackets):\n")
    print("| bucket | n | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for key in sorted(rows, key=lambda b: (order.index(b[0]), b[1])):
        cs = rows[key]
        cells = []
        for _, seq in approaches:
            ok = sum(1 for c in cs if seq_ok(c, seq))
            cells.append(f"{ok / len(cs):.1%}")
        label = key[1] if key[0] == "all" else f"{key[0]} {key[1]}"
        print(f"| {label} | {len(cs)} | " + " | ".join(cells) + " |")
    cells = []
    for _, seq in approaches:
        _, ms = seq_eval(cases, seq)
        worst = max(sum(c["s"].get(s, (0, 0))[1] for s in seq) for c in cases)
        cells.append(f"{ms:.0f} ({worst:.0f})")
    print("| ms per scan, mean (worst) | | " + " | ".join(cells) + " |")


def beian_only(cases):
    """measure.sh -b: beian's reader alone; 1 when it reads less than TARGET or misreads."""
    n = len(cases)
    ok, ms = seq_eval(cases, ["beian"])
    mis = sum(1 for c in cases if c["s"].get("beian", (0,))[0] == 2)
    print(f"beian's reader: {ok}/{n} scans read ({ok / n:.1%}; target {TARGET:.0%}), "
          f"{ms:.0f} ms per scan, {mis} misreads")
    table(cases, [("beian", ("beian",))])
    print("\nScans beian's reader misses:")
    for c in cases:
        if not seq_ok(c, ["beian"]):
            m = c["m"]
            print("  " + " ".join(f"{k}={m[k]}" for k in ("file", "source", "dpi", "rotation",
                  "blur", "quality", "noise", "perspective", "colour", "container")))
    return 0 if ok >= TARGET * n and mis == 0 else 1


def main():
    d = sys.argv[1]
    cases = load(d)
    n = len(cases)
    if n == 0:
        sys.exit("analyze.py: no results in " + d)
    steps = sorted({k for c in cases for k in c["s"]})
    mis = {k: sum(1 for c in cases if c["s"].get(k, (0,))[0] == 2) for k in steps}

    print(f"{n} scans; target {TARGET:.0%}\n")
    print("Single steps (rate, mean ms per scan, misreads):")
    for k in steps:
        ok, ms = seq_eval(cases, [k])
        print(f"  {k:12s} {ok / n:7.1%}  {ms:8.1f} ms  {mis[k]}")

    if os.environ.get("ONLY") == "beian":
        sys.exit(beian_only(cases))
    zb = [k for k in steps if not k.startswith("zx_") and k not in ("zbarimg", "beian")]
    zx = [k for k in steps if k.startswith("zx_")]

    import numpy as np  # python3-numpy

    T = {k: np.array([c["s"].get(k, (0, 0.0))[1] for c in cases]) for k in steps}
    S = {k: np.array([c["s"].get(k, (0,))[0] == 1 for c in cases]) for k in steps}

    def search(pool, first=None, maxlen=MAXLEN):
        """The sequence of the highest rate (the cheapest of those) and the cheapest that reaches
        the target."""
        return search1(pool, first, maxlen, 2.0)[0], search1(pool, first, maxlen, TARGET)[1]

    def search1(pool, first, maxlen, target):
        """The sequence of the highest rate (the cheapest of those), and the cheapest that
        reaches the target, by a depth-first search that drops a prefix costing more than the
        cheapest sequence found."""
        best = {"ok": None, "fast": None}

        def dfs(seq, rem, cost):
            ok = n - int(rem.sum())
            if seq:
                cand = (tuple(seq), ok, cost / n)
                b = best["ok"]
                if b is None or (ok, -cost) > (b[1], -b[2] * n):
                    best["ok"] = cand
                if ok >= target * n and (best["fast"] is None or cost / n < best["fast"][2]):
                    best["fast"] = cand
                    return
            if len(seq) == maxlen or not rem.any():
                return
            for k in pool:
                if k in seq or (not seq and first and k != first):
                    continue
                if not (S[k] & rem).any():
                    continue
                c2 = cost + float(T[k][rem].sum())
                if best["fast"] is not None and c2 / n >= best["fast"][2]:
                    continue
                dfs(seq + [k], rem & ~S[k], c2)

        dfs([], np.ones(n, dtype=bool), 0.0)
        return best["ok"], best["fast"]

    approaches = [("zbarimg", ("zbarimg",)), ("zbar page", ("full",))]
    if "beian" in steps:
        approaches.insert(0, ("beian", ("beian",)))
    print("\nRetry sequences around zbar (steps of zretry.c), after the whole page (today's read):")
    best_ok, best_fast = search(zb, first="full")
    for label, b in (("best rate", best_ok), (f"cheapest >= {TARGET:.0%}", best_fast)):
        if b:
            print(f"  {label:16s} {' > '.join(b[0])}: {b[1] / n:.1%} ({b[1]}/{n}), {b[2]:.1f} ms")
    approaches.append(("page+retries", (best_fast or best_ok)[0]))
    print("Retry sequences around zbar, footer corners only:")
    best_ok, best_fast = search([k for k in zb if not k.startswith("full")])
    for label, b in (("best rate", best_ok), (f"cheapest >= {TARGET:.0%}", best_fast)):
        if b:
            print(f"  {label:16s} {' > '.join(b[0])}: {b[1] / n:.1%} ({b[1]}/{n}), {b[2]:.1f} ms")
    chosen = (best_fast or best_ok)[0]
    approaches.append(("corner retries", chosen))
    if zx:
        approaches.append(("zxing page", ("zx_full",)))
        approaches.append(("zxing corners x2", ("zx_c2",)))
        b_ok, b_fast = search(zb + zx)
        print("\nSequences of zbar and ZXing steps:")
        for label, b in (("best rate", b_ok), (f"cheapest >= {TARGET:.0%}", b_fast)):
            if b:
                print(f"  {label:16s} {' > '.join(b[0])}: {b[1] / n:.1%} ({b[1]}/{n}), {b[2]:.1f} ms")
        approaches.append(("zbar+zxing", (b_fast or b_ok)[0]))

    # sequences named in SEQS ("a>b>c;d>e"), e.g. one chosen on another seed's scans
    for spec in filter(None, os.environ.get("SEQS", "").split(";")):
        seq = tuple(spec.split(">"))
        approaches.append(("SEQS " + str(len(approaches)), seq))
        ok, ms = seq_eval(cases, seq)
        print(f"  given: {' > '.join(seq)}: {ok / n:.1%} ({ok}/{n}), {ms:.1f} ms")

    table(cases, approaches)
    for name, seq in approaches:
        print(f"  {name}: {' > '.join(seq)}")

    print("\nScans no approach reads:")
    every = [s for _, seq in approaches for s in seq]
    missed = [c for c in cases if not seq_ok(c, every)]
    for c in missed:
        m = c["m"]
        print("  " + " ".join(f"{k}={m[k]}" for k in ("file", "source", "page", "dpi", "rotation",
              "blur", "quality", "noise", "perspective", "colour")))
    if not missed:
        print("  none")
    print(f"\nScans the chosen zbar sequence misses ({' > '.join(chosen)}):")
    for c in cases:
        if not seq_ok(c, chosen):
            m = c["m"]
            print("  " + " ".join(f"{k}={m[k]}" for k in ("file", "source", "dpi", "rotation",
                  "blur", "quality", "noise", "perspective", "colour", "container")))
    if any(mis.values()):
        print("\nMISREADS (a beian: payload other than the expected one):", mis)


if __name__ == "__main__":
    main()
