#!/usr/bin/env python3
"""The layers of src/ call only downwards, and no module calls back into one that calls it.

For every .c file under src/ it reads the functions the file defines (non-static, at the
start of a line) and the identifiers the file uses; file A depends on file B when A uses a
function B defines. It fails (exit 1), naming the files and functions, when
  - a file depends on a file of a higher layer (the order is LAYERS below), or
  - the dependencies form a circle (A uses B and B, directly or through others, uses A).
It also checks the include lines: a file may include only headers of its own layer or below
(the Makefile's per-layer include paths make the compiler refuse the rest as well), and the
sizes that keep a file readable: no source file over MAX_FILE_LINES lines, no function over
MAX_FUNCTION_LINES.

  python3 tests/layers.py          check, print one line per problem, exit 1 if any
  python3 tests/layers.py --graph  print the file dependencies too
"""
import os
import re
import sys

LAYERS = ["util", "fonts", "input", "layout", "backend", "archive", "rules", "web", "cli"]
MAX_FILE_LINES = 900
MAX_FUNCTION_LINES = 150
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")

DEF = re.compile(r"^(?!static\b)(?!typedef\b)(?:[A-Za-z_][\w]*[\s\*]+)+?([A-Za-z_]\w*)\s*\(([^;]*)$")
ANYDEF = re.compile(r"^(?!typedef\b)(?:[A-Za-z_][\w]*[\s\*]+)+?([A-Za-z_]\w*)\s*\(([^;]*)$")
IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def strip(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def layer_of(path):
    rel = os.path.relpath(path, SRC).split(os.sep)
    return rel[0] if len(rel) > 1 else None


def sources():
    for d, _, files in os.walk(SRC):
        for f in sorted(files):
            if f.endswith(".c"):
                yield os.path.join(d, f)


def main():
    problems = []
    defs = {}  # function -> file
    uses = {}
    incs = {}
    for path in sources():
        raw = open(path, encoding="utf-8").read()
        incs[path] = [m.group(1) for m in map(INCLUDE.match, raw.splitlines()) if m]
        text = strip(raw)
        lines = text.splitlines()
        if len(raw.splitlines()) > MAX_FILE_LINES:
            problems.append(f"{rel(path)}: {len(raw.splitlines())} lines (at most {MAX_FILE_LINES})")
        for i, line in enumerate(lines):
            fm = ANYDEF.match(line)
            if fm and not line.startswith((" ", "\t", "#", "}")):
                rest = "\n".join(lines[i:i + 8])
                if re.search(r"\)\s*\{", rest) and not re.search(r"\)\s*;", rest.split("{")[0]):
                    end = next((k for k in range(i + 1, len(lines)) if lines[k] == "}"), i)
                    if end - i > MAX_FUNCTION_LINES:
                        problems.append(f"{rel(path)}:{i + 1}: {fm.group(1)} is {end - i} lines "
                                        f"(at most {MAX_FUNCTION_LINES})")
            m = DEF.match(line)
            if not m or line.startswith((" ", "\t", "#", "}")):
                continue
            # a definition: the parameter list closes before a line that opens the body
            rest = "\n".join(lines[i:i + 8])
            if re.search(r"\)\s*\{", rest) and not re.search(r"\)\s*;", rest.split("{")[0]):
                name = m.group(1)
                if name in defs and defs[name] != path:
                    problems.append(f"{rel(path)}: {name} is also defined in {rel(defs[name])}")
                defs[name] = path
        uses[path] = set(IDENT.findall(text))
    for path in uses:
        if layer_of(path) not in LAYERS:
            problems.append(f"{rel(path)}: not in a layer folder ({', '.join('src/' + l for l in LAYERS)})")
    edges = {p: {} for p in uses}
    for a, ids in uses.items():
        for name in ids:
            b = defs.get(name)
            if b and b != a:
                edges[a].setdefault(b, []).append(name)
    order = {l: i for i, l in enumerate(LAYERS)}
    for a, bs in edges.items():
        for b, names in bs.items():
            la, lb = layer_of(a), layer_of(b)
            if la in order and lb in order and order[lb] > order[la]:
                problems.append(f"{rel(a)} calls up into {rel(b)} (layer {lb} above {la}): {', '.join(sorted(names)[:4])}")
    for a, hs in incs.items():
        for h in hs:
            target = resolve(a, h)
            lb = layer_of(target) if target else None
            if h.startswith("beian/"):
                lb = PUBLIC_LAYER.get(h)
            la = layer_of(a)
            if lb in order and la in order and order[lb] > order[la]:
                problems.append(f"{rel(a)} includes {h} of the {lb} layer, above {la}")
    for comp in sccs(edges):
        if len(comp) > 1:
            cyc = sorted(rel(p) for p in comp)
            detail = []
            for p in comp:
                for q, names in edges[p].items():
                    if q in comp:
                        detail.append(f"{rel(p)} -> {rel(q)} ({', '.join(sorted(names)[:3])})")
            problems.append("circle: " + " ~ ".join(cyc) + "\n    " + "\n    ".join(sorted(detail)))
    if "--graph" in sys.argv:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print(f"{rel(a)} -> {rel(b)}: {', '.join(sorted(edges[a][b]))}")
    for p in problems:
        print("layers: " + p)
    print(f"layers: {len(uses)} files, {sum(len(v) for v in edges.values())} dependencies, "
          f"{len(problems)} problems")
    return 1 if problems else 0


def resolve(src, h):
    for base in (os.path.dirname(src), os.path.join(ROOT, "include")):
        p = os.path.normpath(os.path.join(base, h))
        if os.path.exists(p):
            return p
    return None


def rel(p):
    return os.path.relpath(p, ROOT)


def load_public_layers():
    """The layer of each public header: the layer of the files that define its functions."""
    out = {}
    inc = os.path.join(ROOT, "include", "beian")
    mk = open(os.path.join(ROOT, "Makefile"), encoding="utf-8").read()
    for l in LAYERS:
        m = re.search(r"^PUBLIC_" + l + r"\s*:?=\s*(.*(?:\\\n.*)*)", mk, re.M)
        if m:
            for h in m.group(1).replace("\\\n", " ").split():
                out["beian/" + h] = l
    for h in os.listdir(inc):
        if "beian/" + h not in out:
            out["beian/" + h] = None
    return out


def sccs(g):
    index, low, stack, on, res, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop(); on.discard(w); comp.add(w)
                if w == v:
                    break
            res.append(comp)
    for v in g:
        if v not in index:
            visit(v)
    return res


PUBLIC_LAYER = {}
if __name__ == "__main__":
    PUBLIC_LAYER = load_public_layers()
    sys.exit(main())
