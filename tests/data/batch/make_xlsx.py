#!/usr/bin/python3
"""Writes the .xlsx fixtures of the batch tests, laid out as Excel 2016 writes a workbook:
[Content_Types].xml, the package and workbook relationships, a shared-string table, and one
part per worksheet. Deterministic (fixed ZIP timestamps), so the committed files only change
when this script does.

workgroups.xlsx
  sheet "工作群" (first): three work groups. Headers mix field ids and Chinese labels (one
  with a "*" and a full-width bracket, as templates have them). Cells use shared strings, an
  inline string (t="inlineStr"), a rich-text shared string with a phonetic run (<rPh>, not
  part of the text), a formula with a cached string (t="str"), numbers kept exactly (a mobile
  number, a member count, a group number), an _x000D_ escape, and a row without r attributes.
  sheet "Excel改过" (second): one row whose office number is a number that lost its leading 0.

usage: make_xlsx.py OUTDIR
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

HEADERS = ["group_qr", "group_number", "*群名称", "建群范围", "管理员姓名 1", "admin1_mobile",
           "email", "群成员数量", "member_types", "所属部门名称（盖章）", "部门负责人", "职务",
           "办公电话", "mobile"]


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class Strings:
    def __init__(self):
        self.items, self.index = [], {}

    def add(self, xml_si):
        if xml_si not in self.index:
            self.index[xml_si] = len(self.items)
            self.items.append(xml_si)
        return self.index[xml_si]

    def plain(self, text):
        return self.add("<si><t xml:space=\"preserve\">%s</t></si>" % escape(text))

    def xml(self):
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst %s count="%d" '
                'uniqueCount="%d">%s</sst>' % (NS, len(self.items), len(self.items),
                                                 "".join(self.items)))


def cell(ref, kind, value, sst):
    if kind == "s":
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, sst.plain(value))
    if kind == "si":  # a ready-made <si>
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, sst.add(value))
    if kind == "inline":
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(value))
    if kind == "str":
        return '<c r="%s" t="str"><f>LOWER("%s")</f><v>%s</v></c>' % (ref, escape(value.upper()),
                                                                    escape(value))
    if kind == "n":
        return '<c r="%s"><v>%s</v></c>' % (ref, value)
    raise ValueError(kind)


def sheet_xml(rows, sst, no_refs_row=None):
    out = []
    for r, cells in enumerate(rows, 1):
        if r == no_refs_row:  # neither the row nor its cells say where they are
            out.append("<row>%s</row>" % "".join(
                cell("", k, v, sst).replace(' r=""', "") for k, v in cells))
            continue
        out.append('<row r="%d">%s</row>' % (r, "".join(
            cell("%s%d" % (col(c), r), k, v, sst) for c, (k, v) in enumerate(cells))))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet %s %s>'
            '<dimension ref="A1:N%d"/><sheetData>%s</sheetData></worksheet>'
            % (NS, NS_R, len(rows), "".join(out)))


def main():
    outdir = sys.argv[1]
    sst = Strings()
    rich = ('<si><r><t>周</t></r><r><rPr><b/></rPr><t>晓明</t></r>'
            '<rPh sb="0" eb="1"><t>zhou</t></rPh></si>')
    header = [("s", h) for h in HEADERS]
    groups = [
        [("s", "https://weixin.qq.com/g/XLSX-ROW-1"), ("n", "52841937"),
         ("inline", "2026级护理1班"), ("s", "医学院2026级护理专业1班全体学生"),
         ("s", "马丽"), ("n", "13895012345"), ("s", "hl2026@nxtc.edu.cn"), ("n", "52"),
         ("s", "学生、班主任"), ("s", "医学院"), ("si", rich), ("s", "党总支书记"),
         ("s", "0951-6033456"), ("s", "13909512345")],
        [("s", "https://weixin.qq.com/g/XLSX-ROW-2"), ("n", "52841938"),
         ("s", "2026级护理2班"), ("s", "第一行_x000D_\n第二行"),
         ("s", "马强"), ("n", "1.3895012346E10"), ("str", "hl2026b@nxtc.edu.cn"), ("n", "48.0"),
         ("s", "学生"), ("s", "医学院"), ("s", "杨堃"), ("s", "副院长"),
         ("s", "0951-6033457"), ("s", "13909512346")],
        [("s", "https://weixin.qq.com/g/XLSX-ROW-3"), ("n", "52841939"),
         ("s", "2026级护理3班"), ("s", "医学院2026级护理专业3班"),
         ("s", "白雪"), ("s", "13895012347"), ("s", "hl2026c@nxtc.edu.cn"), ("n", "50"),
         ("s", "学生"), ("s", "医学院"), ("s", "周晓明"), ("s", "书记"),
         ("s", "0951-6033458"), ("s", "13909512347")],
    ]
    sheet1 = sheet_xml([header] + groups, sst, no_refs_row=4)
    bad = [("s", "https://weixin.qq.com/g/XLSX-BAD"), ("n", "52841940"), ("s", "2026级护理4班"),
           ("s", "医学院"), ("s", "马丽"), ("s", "13895012345"), ("s", "a@nxtc.edu.cn"),
           ("n", "45"), ("s", "学生"), ("s", "医学院"), ("s", "周晓明"), ("s", "书记"),
           ("n", "9516033456"), ("s", "13909512345")]
    sheet2 = sheet_xml([header, bad], sst)
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
            'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="'
            '/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="'
            'rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % REL,
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook %s %s>'
            '<sheets><sheet name="工作群" sheetId="1" r:id="rId1"/><sheet name="Excel改过" '
            'sheetId="2" r:id="rId2"/></sheets></workbook>' % (NS, NS_R),
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="%s/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
            '<Relationship Id="rId3" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>' % (REL, REL, REL),
        "xl/worksheets/sheet1.xml": sheet1,
        "xl/worksheets/sheet2.xml": sheet2,
        "xl/sharedStrings.xml": sst.xml(),
    }
    path = os.path.join(outdir, "workgroups.xlsx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    main()
