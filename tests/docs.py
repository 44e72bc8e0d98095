#!/usr/bin/env python3
"""Every relative link of the README and of docs/ resolves, and the README stays short.

For README.md and every docs/**/*.md it reads the Markdown links and images outside code
([text](target), ![alt](target), and reference definitions [label]: target) and checks that
  - a relative target names a file or folder that exists (relative to the linking file),
  - a #fragment names a heading of the target Markdown file (or of the same file), by
    GitHub's rule: lower case, punctuation other than "-" and "_" dropped, spaces to "-",
    a repeated heading gets -1, -2, ...; Chinese characters are kept as they are;
and that README.md has fewer than MAX_README_LINES lines and that no file cites DESIGN.md
or NOTES.md, which are not part of the repository. Links with a scheme (https:, mailto:)
are not fetched. It prints one line per problem, "FILE:LINE: what", and exits 1 if any.

  python3 tests/docs.py          check the checkout this file belongs to
  python3 tests/docs.py DIR      check the README.md and docs/ of DIR instead
"""
import os
import re
import sys
import unicodedata

MAX_README_LINES = 250
UNCITABLE = ("DESIGN.md", "NOTES.md")

FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(<[^>]*>|\S+)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def strip_code_spans(line):
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def slug(text):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "-_ " or cat[0] in "LNM":
            out.append("-" if ch == " " else ch)
    return "".join(out)


def parse(path):
    """The file's anchors and its links as (line number, target)."""
    anchors, seen, links = set(), {}, []
    in_fence = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if m:
            mark = m.group(1)[0] * 3
            if in_fence is None:
                in_fence = mark
            elif line.strip().startswith(in_fence):
                in_fence = None
            continue
        if in_fence:
            continue
        h = HEADING.match(line)
        if h:
            base = slug(h.group(2))
            k = seen.get(base, 0)
            anchors.add(base if k == 0 else "%s-%d" % (base, k))
            seen[base] = k + 1
        for m in re.finditer(r'<a\s+(?:name|id)="([^"]+)"', line):
            anchors.add(m.group(1))
        plain = strip_code_spans(line)
        for m in INLINE_LINK.finditer(plain):
            links.append((n, m.group(2).strip("<>")))
        r = REF_DEF.match(plain)
        if r:
            links.append((n, r.group(2).strip("<>")))
    return anchors, links, lines


def files(root):
    out = []
    if os.path.exists(os.path.join(root, "README.md")):
        out.append(os.path.join(root, "README.md"))
    for d, dirs, names in os.walk(os.path.join(root, "docs")):
        dirs.sort()
        out.extend(os.path.join(d, f) for f in sorted(names) if f.endswith(".md"))
    return out


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    problems = []
    cache = {}

    def anchors_of(path):
        if path not in cache:
            cache[path] = parse(path)[0]
        return cache[path]

    docs = files(root)
    if not docs:
        problems.append("%s: no README.md and no docs/*.md" % root)
    for path in docs:
        rel = os.path.relpath(path, root)
        anchors, links, lines = parse(path)
        cache[path] = anchors
        for n, line in enumerate(lines, 1):
            for name in UNCITABLE:
                if name in line:
                    problems.append("%s:%d: cites %s, which is not in the repository" % (rel, n, name))
        for n, target in links:
            if not target or SCHEME.match(target):
                continue
            file_part, _, frag = target.partition("#")
            if file_part:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not os.path.exists(dest):
                    problems.append("%s:%d: broken link %s: no file %s" %
                                    (rel, n, target, os.path.relpath(dest, root)))
                    continue
            else:
                dest = path
            if frag:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    continue
                if frag not in anchors_of(dest):
                    problems.append("%s:%d: broken link %s: %s has no heading #%s" %
                                    (rel, n, target, os.path.relpath(dest, root), frag))
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            count = len(f.read().splitlines())
        if count >= MAX_README_LINES:
            problems.append("README.md: %d lines; it must stay under %d (move detail to docs/)" %
                            (count, MAX_README_LINES))
    for p in problems:
        print("docs: " + p)
    print("docs: %d files, %s" % (len(docs), "%d problems" % len(problems) if problems else "every link resolves"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
