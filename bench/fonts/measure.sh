#!/bin/sh
# bench/fonts/measure.sh - measures Debian 12's free CJK faces for the form's default faces
# (issue 17, point 1): coverage, Latin metrics and the bytes a face adds to a one-page form.
#
# For every face in FACES below that fontconfig finds (others are listed as missing):
#   - outline kind (glyf or CFF) and units per em;
#   - coverage (cmap) of GB 2312's 6 763 hanzi (level 1 = 3 755, level 2 = 3 008), generated
#     with Python's gb2312 codec over rows 16-55 and 56-87, and of the 8 105 characters of the
#     通用规范汉字表 (2013; 一级 3 500, 二级 3 000, 三级 1 605) from tongyong-8105.txt beside
#     this script, else from Unihan's kTGH field (Debian package unicode-data);
#   - characters of the sample forms the face lacks; printable ASCII present (of 94);
#   - the Latin: monospaced or proportional (advances of A-Z a-z 0-9), digit advance, cap
#     height (bbox of H) and digit height (bbox of 0) against the height of a hanzi's face
#     (mean bbox height of 国 田 回 口, what a reader compares the digits with), all in em;
#   - subset size: hb-subset of the characters of each sample form (examples/*.json) with the
#     flags beian uses (no hinting, the layout/cmap/name/post/OS/2 tables dropped), deflated
#     with zlib -9 (a PDF's FlateDecode font stream): as beian embeds it, rescaled to 64 units
#     per em (beian's QUANT_UPEM, src/fonts/ttf.c; for CFF what the same would give), and
#     unscaled; for CFF faces the bare CFF table (what a FontFile3/CIDFontType0C stream holds),
#     also desubroutinized. "title" subsets the title only;
#   - with bin/beian: the PDF of each sample form with each glyf face as title and body, its
#     size and font streams (beian embeds no CFF yet), and an estimate for chains of two faces.
# The characters of a form are the text of the PDF beian prints (bin/beian + pdftotext) when
# both are there; otherwise the strings of examples/<form>.json and forms/<form>.json plus the
# footer's characters (a superset of the page's text, a few characters more).
#
# Usage: sh bench/fonts/measure.sh            tables on stdout (markdown)
#        MEASURE_PNG=sample.png sh ...        also a side-by-side sample sheet (hb-view, ImageMagick)
#        MEASURE_TSV=out.tsv sh ...           also the raw numbers, tab-separated
#        MEASURE_WRITE_LIST=1 sh ...          (re)writes tongyong-8105.txt from unicode-data
# Debian 12 packages: fontconfig libharfbuzz-bin python3 python3-fonttools unicode-data, the
# faces (fonts-arphic-uming fonts-arphic-gbsn00lp fonts-arphic-bsmi00lp fonts-arphic-ukai
# fonts-noto-cjk fonts-noto-cjk-extra fonts-cwtex-ming fonts-cwtex-fs fonts-cns11643-sung
# fonts-ipafont-mincho fonts-ipaexfont-mincho fonts-hanazono fonts-babelstone-han
# fonts-lxgw-wenkai fonts-droid-fallback fonts-wqy-zenhei fonts-dejavu-core
# fonts-liberation2 fonts-texgyre), and for MEASURE_PNG imagemagick; poppler-utils optional.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=${PYTHON:-python3}
"$PY" -c 'import fontTools' 2>/dev/null || PY=/usr/bin/python3
"$PY" -c 'import fontTools' 2>/dev/null || { echo "measure: needs python3-fonttools" >&2; exit 69; }
command -v hb-subset >/dev/null || { echo "measure: needs hb-subset (libharfbuzz-bin)" >&2; exit 69; }
command -v fc-list >/dev/null || { echo "measure: needs fc-list (fontconfig)" >&2; exit 69; }
W=$(mktemp -d "${TMPDIR:-/tmp}/beian-fonts.XXXXXX") || exit 73
[ -n "${MEASURE_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

# The page text of each sample form, from the PDF beian prints when it can.
BEIAN=${BEIAN:-$ROOT/bin/beian}
for f in "$ROOT"/examples/*.json; do
  n=$(basename "$f" .json)
  if [ -x "$BEIAN" ] && command -v pdftotext >/dev/null &&
     BEIAN_FORMS="$ROOT/forms" BEIAN_FONTS="$ROOT/fonts" "$BEIAN" --quiet fill "$f" \
       -o "$W/$n.pdf" >/dev/null 2>&1; then
    pdftotext "$W/$n.pdf" "$W/$n.page.txt"
  fi
done

# label|family|style (the first one fontconfig lists; empty: any)|Debian package|what it is
FACES="Droid Sans Fallback|Droid Sans Fallback|Regular|fonts-droid-fallback|Hei (today's default)
WenQuanYi Zen Hei|WenQuanYi Zen Hei|Regular|fonts-wqy-zenhei|Hei (today's fallback)
Noto Sans CJK SC|Noto Sans CJK SC|Regular|fonts-noto-cjk|Hei (reference)
AR PL UMing CN|AR PL UMing CN|Light|fonts-arphic-uming|Ming
AR PL SungtiL GB|AR PL SungtiL GB|Regular|fonts-arphic-gbsn00lp|Song (GB)
AR PL Mingti2L Big5|AR PL Mingti2L Big5|Regular|fonts-arphic-bsmi00lp|Ming (Big5)
Noto Serif CJK SC|Noto Serif CJK SC|Regular|fonts-noto-cjk|Song
Noto Serif CJK SC SemiBold|Noto Serif CJK SC|SemiBold|fonts-noto-cjk-extra|Song, title weight
Noto Serif CJK SC Bold|Noto Serif CJK SC|Bold|fonts-noto-cjk|Song, title weight
Noto Serif CJK SC Black|Noto Serif CJK SC|Black|fonts-noto-cjk-extra|Song, title weight
cwTeX Ming|cwTeXMing||fonts-cwtex-ming|Ming (Big5)
cwTeX FangSong|cwTeXFangSong||fonts-cwtex-fs|FangSong (Big5)
TW-Sung|TW-Sung|Regular|fonts-cns11643-sung|Sung (CNS 11643)
IPAMincho|IPAMincho||fonts-ipafont-mincho|Mincho (JIS)
IPAexMincho|IPAexMincho||fonts-ipaexfont-mincho|Mincho (JIS)
HanaMinA|HanaMinA||fonts-hanazono|Mincho (today's fallback)
BabelStone Han|BabelStone Han||fonts-babelstone-han|Ming
AR PL UKai CN|AR PL UKai CN||fonts-arphic-ukai|Kai (comparison)
LXGW WenKai|LXGW WenKai|Regular|fonts-lxgw-wenkai|Kai (comparison)
DejaVu Sans|DejaVu Sans|Book|fonts-dejavu-core|Latin (today's Latin fallback)
DejaVu Serif|DejaVu Serif|Book|fonts-dejavu-core|Latin serif
Liberation Serif|Liberation Serif|Regular|fonts-liberation2|Latin serif (Times metrics)
TeX Gyre Termes|TeX Gyre Termes|Regular|fonts-texgyre|Latin serif (Times)"

fc-list -f '%{file}|%{index}|%{family}|%{style[0]}\n' | sed 's/\\//g' | sort >"$W/fclist"
echo "$FACES" | while IFS='|' read -r label family style pkg kind; do
  # the first file fontconfig lists with exactly this family (and style): file|index; not a
  # symlink such as fonts-japanese-mincho.ttf, which the alternatives system moves
  hit=$(awk -F'|' -v fam="$family" -v sty="$style" '{
          n = split($3, a, ",")
          for (i = 1; i <= n; i++) if (a[i] == fam && (sty == "" || $4 == sty)) { print $1 "|" $2; break }
        }' "$W/fclist" | while IFS='|' read -r f i; do [ -L "$f" ] || echo "$f|$i"; done | head -1)
  echo "$label|$pkg|$kind|$hit"
done >"$W/faces"

MEASURE_W=$W MEASURE_ROOT=$ROOT MEASURE_HERE=$HERE "$PY" - <<'EOF'
import bz2, glob, io, json, logging, os, re, statistics, subprocess, sys, zlib
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from fontTools.pens.boundsPen import BoundsPen
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.roundingPen import RoundingPen
logging.disable(logging.WARNING)   # e.g. a glyf table padded beyond its loca

W, ROOT, HERE = os.environ['MEASURE_W'], os.environ['MEASURE_ROOT'], os.environ['MEASURE_HERE']

# --- character sets ---------------------------------------------------------------------
def gb2312(rows):
    out = []
    for r in rows:
        for c in range(94):
            try:
                out.append(bytes([0xA0 + r, 0xA1 + c]).decode('gb2312'))
            except UnicodeDecodeError:
                pass                      # row 55 ends at 89 (55-90..94 are unassigned)
    return out
GB1, GB2 = gb2312(range(16, 56)), gb2312(range(56, 88))
assert (len(GB1), len(GB2)) == (3755, 3008), (len(GB1), len(GB2))

def tongyong():
    """{index: char} of the 通用规范汉字表, from the data file or from Unihan's kTGH."""
    def unihan():
        t = {}
        p = '/usr/share/unicode/Unihan_OtherMappings.txt.bz2'
        for line in bz2.open(p, 'rt', encoding='utf-8'):
            if line.startswith('U+'):
                cp, key, val = line.rstrip('\n').split('\t')
                if key == 'kTGH':
                    for v in val.split():
                        year, n = v.split(':')
                        if year == '2013':
                            t[int(n)] = chr(int(cp[2:], 16))
        return t, 'Unihan kTGH (' + p + ')'
    f = os.path.join(HERE, 'tongyong-8105.txt')
    if os.environ.get('MEASURE_WRITE_LIST'):
        t, src = unihan()
        write_list(f, t)
        print('measure: wrote %s (%d characters)' % (f, len(t)), file=sys.stderr)
        sys.exit(0)
    if os.path.exists(f):
        t = {}
        for line in open(f, encoding='utf-8'):
            if line.strip() and not line.startswith('#'):
                level, chars = line.rstrip('\n').split('\t')
                for ch in chars:
                    t[len(t) + 1] = ch
        src = 'bench/fonts/tongyong-8105.txt'
        if os.path.exists('/usr/share/unicode/Unihan_OtherMappings.txt.bz2'):
            u, _ = unihan()
            assert u == t, 'tongyong-8105.txt differs from Unihan kTGH'
            src += ' (= Unihan kTGH)'
        return t, src
    return unihan()
def write_list(path, t):
    head = """\
# 通用规范汉字表 (General Standard Chinese Characters table, State Council of the PRC,
# 2013-06-05, 国发〔2013〕23号): its 8 105 characters in the table's order, one level per
# line - level, a tab, the characters: 一级 3 500 (numbers 1-3500), 二级 3 000 (3501-6500),
# 三级 1 605 (6501-8105); the n-th character of the file, counted across the lines, is the
# table's number n. 196 characters are outside the BMP (CJK extensions B-G).
#
# Made by `MEASURE_WRITE_LIST=1 sh bench/fonts/measure.sh` from the kTGH field ("2013:n") of
# Unihan_OtherMappings.txt, Unicode 15.0.0 (Debian 12 package unicode-data 15.0.0-1), which
# measure.sh checks it against when that package is installed. Modified from the Unihan data
# file: only the kTGH field is kept, as characters in the table's order instead of code
# points. The table itself is a State Council document (PRC Copyright Law, article 5).
#
# Unihan_OtherMappings.txt: Unicode Character Database, (c) 2022 Unicode(R), Inc. Unicode and
# the Unicode Logo are registered trademarks of Unicode, Inc. in the U.S. and other countries.
# For terms of use, see https://www.unicode.org/terms_of_use.html
#
# COPYRIGHT AND PERMISSION NOTICE
# Copyright (c) 1991-2022 Unicode, Inc. All rights reserved. Distributed under the Terms of
# Use in https://www.unicode.org/copyright.html.
# Permission is hereby granted, free of charge, to any person obtaining a copy of the Unicode
# data files and any associated documentation (the "Data Files") or Unicode software and any
# associated documentation (the "Software") to deal in the Data Files or Software without
# restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, and/or sell copies of the Data Files or Software, and to permit persons to whom
# the Data Files or Software are furnished to do so, provided that either (a) this copyright
# and permission notice appear with all copies of the Data Files or Software, or (b) this
# copyright and permission notice appear in associated Documentation.
# THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
# PARTICULAR PURPOSE AND NONINFRINGEMENT OF THIRD PARTY RIGHTS. IN NO EVENT SHALL THE
# COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL
# INDIRECT OR CONSEQUENTIAL DAMAGES, OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE,
# DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
# ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA FILES OR SOFTWARE.
# Except as contained in this notice, the name of a copyright holder shall not be used in
# advertising or otherwise to promote the sale, use or other dealings in these Data Files or
# Software without prior written authorization of the copyright holder.
"""
    with open(path, 'w', encoding='utf-8') as out:
        out.write(head)
        for level, lo, hi in ((1, 1, 3500), (2, 3501, 6500), (3, 6501, 8105)):
            out.write('%d\t%s\n' % (level, ''.join(t[i] for i in range(lo, hi + 1))))

TG, TGSRC = tongyong()
assert sorted(TG) == list(range(1, 8106)) and len(set(TG.values())) == 8105, 'not 8105'
TG1 = [TG[i] for i in range(1, 3501)]
TG2 = [TG[i] for i in range(3501, 6501)]
TG3 = [TG[i] for i in range(6501, 8106)]
ASCII = [chr(c) for c in range(0x21, 0x7F)]

def strings(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)

FORMS = []     # (name, page chars, title chars, source)
for ex in sorted(glob.glob(os.path.join(ROOT, 'examples', '*.json'))):
    name = os.path.basename(ex)[:-5]
    data = json.load(open(ex, encoding='utf-8'))
    fdef = json.load(open(os.path.join(ROOT, 'forms', data['form'] + '.json'), encoding='utf-8'))
    title = set(''.join(strings(fdef.get('title', '')))) - set(' \n')
    page_txt = os.path.join(W, name + '.page.txt')
    if os.path.exists(page_txt):
        page, src = set(open(page_txt, encoding='utf-8').read()), 'pdftotext'
    else:
        page = set(''.join(strings(data)) + ''.join(strings(fdef)) + '草稿第页共年月日/：（）')
        src = 'json'
    page -= set(' \t\n\f\r')
    FORMS.append((name, ''.join(sorted(page)), ''.join(sorted(title)), src))
ALLFORMS = ''.join(sorted(set(''.join(f[1] for f in FORMS))))

# --- per face -------------------------------------------------------------------------------
DROP = ('GSUB,GPOS,GDEF,BASE,JSTF,morx,kern,vhea,vmtx,VORG,DSIG,EBDT,EBLC,EBSC,gasp,hdmx,'
        'LTSH,VDMX,MATH,cmap,name,post,OS/2,PCLT,meta,STAT')

def subset(path, index, text, tag):
    tf, out = os.path.join(W, tag + '.txt'), os.path.join(W, tag + '.sub')
    open(tf, 'w', encoding='utf-8').write(text)
    r = subprocess.run(['hb-subset', '--font-file=' + path, '--face-index=%d' % index,
                        '--no-hinting', '--drop-tables=' + DROP, '--text-file=' + tf,
                        '--output-file=' + out], capture_output=True)
    if r.returncode != 0:
        return None
    raw = open(out, 'rb').read()
    res = {'raw': len(raw), 'z': len(zlib.compress(raw, 9))}
    sub = TTFont(out)
    if 'CFF ' in sub:
        cff = sub.reader['CFF ']
        res['cff'], res['cffz'] = len(cff), len(zlib.compress(cff, 9))
        # without subroutines (HB_SUBSET_FLAGS_DESUBROUTINIZE): larger, but deflates better
        d = out + '.desubr'
        subprocess.run(['hb-subset', '--font-file=' + path, '--face-index=%d' % index,
                        '--no-hinting', '--desubroutinize', '--drop-tables=' + DROP,
                        '--text-file=' + tf, '--output-file=' + d], capture_output=True)
        if os.path.exists(d):
            res['desubrz'] = len(zlib.compress(TTFont(d).reader['CFF '], 9))
    # beian embeds glyf subsets rescaled to 64 units per em (src/fonts/ttf.c, QUANT_UPEM):
    # the same with fontTools for glyf (within a few per cent of beian's own streams); for
    # CFF what the same quantisation would give: the bare CFF table re-encoded from rounded
    # absolute coordinates (fontTools' scale_upem rounds CFF's relative coordinates one by
    # one, and its contours drift)
    if 'CFF ' in sub:
        q = TTFont(io.BytesIO(quantize_cff(sub, 64)))
        data = q.reader['CFF ']
    else:
        if sub['head'].unitsPerEm > 64:
            scale_upem(sub, 64)
        buf = io.BytesIO()
        sub.save(buf)
        data = buf.getvalue()
    res['q64'] = len(zlib.compress(data, 9))
    return res

def quantize_cff(font, q):
    """the font's glyphs as a name-keyed CFF font of q units per em, rounded (an estimate of
    a CIDFontType0C stream: the CID-keyed header differs by a few dozen bytes)"""
    upem = font['head'].unitsPerEm
    k = q / upem
    gs, order = font.getGlyphSet(), font.getGlyphOrder()
    charstrings, metrics = {}, {}
    for name in order:
        w = round(font['hmtx'][name][0] * k)
        pen = T2CharStringPen(w, None)
        gs[name].draw(TransformPen(RoundingPen(pen), (k, 0, 0, k, 0, 0)))
        charstrings[name], metrics[name] = pen.getCharString(), (w, 0)
    fb = FontBuilder(q, isTTF=False)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(font.getBestCmap() if 'cmap' in font else {})
    fb.setupCFF('Q', {'FullName': 'Q'}, charstrings, {})
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=q, descent=0)
    fb.setupNameTable({'familyName': 'Q', 'styleName': 'Regular'})
    fb.setupOS2()
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()

def glyph_bbox(font, gs, cmap, ch):
    g = cmap.get(ord(ch))
    if g is None:
        return None
    pen = BoundsPen(gs)
    gs[g].draw(pen)
    return pen.bounds

rows = []
for line in open(os.path.join(W, 'faces'), encoding='utf-8'):
    label, pkg, kind, hit = line.rstrip('\n').split('|', 3)
    row = {'label': label, 'pkg': pkg, 'kind': kind}
    rows.append(row)
    if not hit:
        row['missing'] = True
        continue
    path, index = hit.split('|')
    index = int(index or 0)
    row['path'] = path
    row['file'], row['index'] = os.path.basename(path) + ('#%d' % index if path.endswith('.ttc') else ''), index
    font = TTFont(path, fontNumber=index, lazy=True)
    upem = font['head'].unitsPerEm
    row['outline'] = 'CFF' if 'CFF ' in font else 'CFF2' if 'CFF2' in font else 'glyf'
    row['upem'] = upem
    cmap = font.getBestCmap()
    has = lambda s: sum(1 for c in s if ord(c) in cmap)
    row.update(gb1=has(GB1), gb2=has(GB2), tg1=has(TG1), tg2=has(TG2), tg3=has(TG3),
               ascii=has(ASCII))
    row['lack'] = ''.join(c for c in ALLFORMS if ord(c) not in cmap and ord(c) > 0x7F)
    gs = font.getGlyphSet()
    hmtx = font['hmtx']
    adv = lambda ch: hmtx[cmap[ord(ch)]][0] if ord(ch) in cmap else None
    alnum = [c for c in 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789']
    advs = {adv(c) for c in alnum if adv(c) is not None}
    if len(advs) == 0:
        row['latin'] = 'none'
    elif len(advs) == 1:
        row['latin'] = 'mono %.2f em' % (advs.pop() / upem)
    else:
        row['latin'] = 'proportional'
    a0 = adv('0')
    row['digit_adv'] = a0 / upem if a0 is not None else None
    bH, b0 = glyph_bbox(font, gs, cmap, 'H'), glyph_bbox(font, gs, cmap, '0')
    row['cap'] = (bH[3] / upem) if bH else None
    row['digit_h'] = ((b0[3] - b0[1]) / upem) if b0 else None
    hz = [glyph_bbox(font, gs, cmap, c) for c in '国田回口']
    hz = [b[3] - b[1] for b in hz if b]
    row['hanzi_h'] = statistics.mean(hz) / upem if hz else None
    row['sub'] = {}
    for name, page, title, src in FORMS:
        row['sub'][name] = subset(path, index, page, 'page-' + name)
        row['sub'][name + ':title'] = subset(path, index, title, 'title-' + name)
        body = ''.join(c for c in page if c not in title)
        row['sub'][name + ':body'] = subset(path, index, body, 'body-' + name)
    font.close()

# --- beian itself: each glyf face as title and body, the PDF's size and its font streams ----
BEIAN = os.environ.get('BEIAN') or os.path.join(ROOT, 'bin', 'beian')
HAVE_BEIAN = os.access(BEIAN, os.X_OK)

def pdf_fonts(pdf):
    """{font name without subset tag: bytes of its embedded font stream}"""
    d = open(pdf, 'rb').read()
    objs = {int(m.group(1)): m.group(2)
            for m in re.finditer(rb'(\d+) 0 obj\s*(.*?)endobj', d, re.S)}
    out = {}
    for body in objs.values():
        m = re.search(rb'/FontFile[23]? (\d+) 0 R', body)
        if not m:
            continue
        name = re.search(rb'/FontName /(?:[A-Z]{6}\+)?(\S+)', body).group(1).decode()
        stream = objs[int(m.group(1))]
        L = re.search(rb'/Length (\d+)( 0 R)?', stream)
        n = int(objs[int(L.group(1))].strip()) if L.group(2) else int(L.group(1))
        out[name] = out.get(name, 0) + n
    return out

def spec(r):
    return r['path'] + ('#%d' % r['index'] if r['path'].endswith('.ttc') else '')

def beian_trial(tag, title, body, fallback):
    d = os.path.join(W, 'fonts-' + tag)
    os.makedirs(d, exist_ok=True)
    json.dump({'roles': {'title': [title], 'body': [body], 'fallback': fallback}},
              open(os.path.join(d, 'fonts.json'), 'w'))
    res = {}
    env = dict(os.environ, BEIAN_FORMS=os.path.join(ROOT, 'forms'), BEIAN_FONTS=d)
    for name, *_ in FORMS:
        pdf = os.path.join(d, name + '.pdf')
        r = subprocess.run([BEIAN, '--quiet', 'fill', os.path.join(ROOT, 'examples', name + '.json'),
                            '-o', pdf], env=env, capture_output=True)
        res[name] = (os.path.getsize(pdf), pdf_fonts(pdf)) if r.returncode == 0 else None
    return res

byl = {r['label']: r for r in rows if not r.get('missing')}
FALLBACK = [spec(byl[l]) for l in ('DejaVu Sans', 'Droid Sans Fallback') if l in byl]
TRIALS = []
if HAVE_BEIAN:
    for r in rows:
        if r.get('missing') or r['outline'] != 'glyf' or r['kind'].startswith('Latin'):
            continue
        if r['gb1'] < 3755:
            continue                  # a Big5 or JIS face: the sample forms fall back too often
        TRIALS.append((r['label'], beian_trial('t%d' % len(TRIALS), spec(r), spec(r), FALLBACK)))

# --- report ---------------------------------------------------------------------------------
def pct(n, of):
    return '%d (%.1f%%)' % (n, 100.0 * n / of) if n < of else '%d (all)' % n
def kib(n):
    return '%.1f' % (n / 1024.0)
def em(x):
    return '—' if x is None else '%.3f' % x

print('Character sets: GB 2312 level 1 %d, level 2 %d (Python gb2312 codec); 通用规范汉字表 %d '
      '(一级 %d, 二级 %d, 三级 %d) from %s.' % (len(GB1), len(GB2), len(TG), len(TG1), len(TG2),
                                               len(TG3), TGSRC))
print('Sample forms: ' + '; '.join('%s %d characters (title %d, from %s)' %
                                   (n, len(p), len(t), s) for n, p, t, s in FORMS))
print()
print('| face | package | file | outline | GB2312 L1 /3755 | L2 /3008 | 通用 一级 /3500 | 二级 /3000 '
      '| 三级 /1605 | lacks of the samples |')
print('|---|---|---|---|---|---|---|---|---|---|')
for r in rows:
    if r.get('missing'):
        print('| %s | %s | not installed | | | | | | | |' % (r['label'], r['pkg']))
        continue
    print('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
        r['label'], r['pkg'], r['file'], r['outline'], pct(r['gb1'], 3755), pct(r['gb2'], 3008),
        pct(r['tg1'], 3500), pct(r['tg2'], 3000), pct(r['tg3'], 1605),
        (r['lack'] or '—') if len(r['lack']) < 30 else '%d chars' % len(r['lack'])))
print()
print('| face | ASCII /94 | Latin | digit advance | cap height | digit height | hanzi face height '
      '| digit / hanzi |')
print('|---|---|---|---|---|---|---|---|')
for r in rows:
    if r.get('missing'):
        continue
    ratio = (r['digit_h'] / r['hanzi_h']) if r['digit_h'] and r['hanzi_h'] else None
    print('| %s | %d | %s | %s | %s | %s | %s | %s |' % (
        r['label'], r['ascii'], r['latin'], em(r['digit_adv']), em(r['cap']), em(r['digit_h']),
        em(r['hanzi_h']), em(ratio)))
print()
names = [f[0] for f in FORMS]
print('Subset of each sample form\'s characters, KiB: the font stream as beian would embed it '
      '(rescaled to 64 units per em, zlib -9; CFF: the bare CFF table) and, after the slash, '
      'hb-subset\'s file unscaled, zlib -9 (CFF: bare CFF table; in brackets the same '
      'desubroutinized):')
print()
print('| face | outline | ' + ' | '.join(names) + ' | title only (' + names[0] + ') |')
print('|---|---|' + '---|' * (len(names) + 1))
for r in rows:
    if r.get('missing') or r['kind'].startswith('Latin'):
        continue
    cells = []
    for k in names + [names[0] + ':title']:
        s = r['sub'].get(k)
        if not s:
            cells.append('failed')
            continue
        c = '%s / %s' % (kib(s['q64']), kib(s.get('cffz', s['z'])))
        if 'desubrz' in s:
            c += ' (%s)' % kib(s['desubrz'])
        cells.append(c)
    print('| %s | %s | %s |' % (r['label'], r['outline'], ' | '.join(cells)))
print()
if TRIALS:
    print('beian fill with the face as title and body (fallback: %s), KiB: the PDF, and in '
          'brackets its font streams:' % ', '.join(os.path.basename(f) for f in FALLBACK))
    print()
    print('| face | ' + ' | '.join(names) + ' |')
    print('|---|' + '---|' * len(names))
    for label, res in TRIALS:
        cells = []
        for n in names:
            if not res.get(n):
                cells.append('failed')
                continue
            size, fonts = res[n]
            cells.append('%s [%s]' % (kib(size), ', '.join('%s %s' % (f, kib(b))
                                                           for f, b in sorted(fonts.items()))))
        print('| %s | %s |' % (label, ' | '.join(cells)))
else:
    print('(bin/beian not built: no PDF sizes)')

# Chains: the PDF estimated as today's PDF without its font streams (Droid Sans Fallback and
# DejaVu Sans, measured above) plus the body face's stream for the page's characters but the
# title's, plus the title face's stream for the title (both rescaled to 64 units per em).
CHAINS = [('AR PL UMing CN', 'AR PL UMing CN'),
          ('AR PL SungtiL GB', 'AR PL SungtiL GB'),
          ('Noto Serif CJK SC', 'Noto Serif CJK SC SemiBold'),
          ('Noto Serif CJK SC', 'Noto Serif CJK SC Bold'),
          ('Noto Serif CJK SC', 'Noto Serif CJK SC Black'),
          ('AR PL UMing CN', 'Noto Serif CJK SC Bold')]
base = dict(TRIALS).get('Droid Sans Fallback')
if base:
    print()
    print('Estimated PDF per chain, KiB (today\'s PDF without its fonts, plus the body and '
          'title streams): rescaled to 64 units per em / unscaled hb-subset streams:')
    print()
    print('| body | title | ' + ' | '.join(names) + ' |')
    print('|---|---|' + '---|' * len(names))
    for b, t in CHAINS:
        if b not in byl or t not in byl:
            continue
        cells = []
        for n in names:
            size, fonts = base[n]
            rest = size - sum(fonts.values())
            sb, st = byl[b]['sub'][n + ':body'], byl[t]['sub'][n + ':title']
            q = rest + sb['q64'] + st['q64']
            u = rest + sb.get('cffz', sb['z']) + st.get('cffz', st['z'])
            cells.append('%s / %s' % (kib(q), kib(u)))
        print('| %s | %s | %s |' % (b, t, ' | '.join(cells)))

tsv = os.environ.get('MEASURE_TSV')
if tsv:
    with open(tsv, 'w', encoding='utf-8') as out:
        keys = ['label', 'pkg', 'file', 'outline', 'upem', 'gb1', 'gb2', 'tg1', 'tg2', 'tg3',
                'ascii', 'latin', 'digit_adv', 'cap', 'digit_h', 'hanzi_h']
        out.write('\t'.join(keys + ['sub:' + k for k in names]) + '\n')
        for r in rows:
            if r.get('missing'):
                continue
            out.write('\t'.join(str(r.get(k)) for k in keys) + '\t' +
                      '\t'.join(str((r['sub'].get(k) or {}).get('z')) for k in names) + '\n')
EOF
rc=$?

# A sample sheet: one line of form text per face, and the title, side by side.
if [ -n "${MEASURE_PNG:-}" ] && [ $rc -eq 0 ]; then
  command -v hb-view >/dev/null && command -v convert >/dev/null ||
    { echo "measure: MEASURE_PNG needs hb-view (libharfbuzz-bin) and ImageMagick" >&2; exit 69; }
  LINE='新媒体平台名称 联系电话 13995012345 邮箱 xxgc@nxtc.edu.cn 2026年11月24日'
  TITLE='网络工作群备案登记表'
  dv=$(fc-list -f '%{file}\n' 'DejaVu Sans:style=Book' | head -1)
  i=0
  while IFS='|' read -r label pkg kind hit; do
    [ -n "$hit" ] || continue
    case $kind in Latin*) continue ;; esac
    file=${hit%|*} idx=${hit#*|}
    i=$((i + 1)); n=$(printf %02d $i)
    hb-view --font-file="$dv" --font-size=18 --margin=4 --text="$label ($kind)" \
      -O png -o "$W/l$n.png" 2>/dev/null
    hb-view --font-file="$file" --face-index="${idx:-0}" --font-size=40 --margin=4 \
      --text="$LINE" -O png -o "$W/s$n.png" 2>/dev/null
    hb-view --font-file="$file" --face-index="${idx:-0}" --font-size=40 --margin=4 \
      --text="$TITLE" -O png -o "$W/t$n.png" 2>/dev/null
    convert "$W/s$n.png" "$W/t$n.png" -background white -gravity center +append +repage "$W/r$n.png"
    convert "$W/l$n.png" "$W/r$n.png" -background white -gravity west -append +repage "$W/row$n.png"
  done <"$W/faces"
  convert "$W"/row*.png -background white -gravity west -append +repage "$MEASURE_PNG" &&
    echo "measure: wrote $MEASURE_PNG" >&2
fi
exit $rc
