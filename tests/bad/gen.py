#!/usr/bin/env python3
"""Makes the catalogue's inputs that are too large to commit (tests/bad/catalogue: gen/NAME).

    python3 tests/bad/gen.py gen/NAME [...]

Each input is built from the committed examples, deterministically, at the limit it tests
(docs/internals/reliability.md, "Limits") or just over it. Written next to the case that uses it and
deleted with the case's temporary directory.
"""
import copy
import io
import json
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIB = 1024 * 1024

RECORD_MAX = 1 * MIB          # BEIAN_RECORD_MAX_BYTES (record.h)
FORM_MAX = 1 * MIB            # FORM_MAX_BYTES (form.c)
SHEET_MAX = 64 * MIB          # BEIAN_SHEET_MAX_BYTES (sheet.h)
SHEET_ROWS = 100000           # BEIAN_SHEET_MAX_ROWS
SHEET_COLUMNS = 256           # BEIAN_SHEET_MAX_COLUMNS
SHEET_CELL = 64 * 1024        # BEIAN_SHEET_MAX_CELL_BYTES
PART_MAX = 256 * MIB          # BEIAN_SHEET_MAX_PART_BYTES
SCAN_MAX = 64 * MIB           # BEIAN_SCAN_MAX_BYTES (scan.h)
BUNDLE_MAX = 512 * MIB        # BEIAN_BUNDLE_MAX_BYTES (bundle.h)
BUNDLE_ENTRIES = 1000         # BEIAN_BUNDLE_MAX_ENTRIES

HEADER = ("group_name,group_number,scope,admin1_name,admin1_mobile,email,member_count,"
          "member_types,department,dept_head,dept_head_title,office_phone,mobile")
ROW = ("2026级计算机1班,52841937,信息工程学院2026级计算机1班,杨堃,13895012345,xxgc@nxtc.edu.cn,46,"
       "学生,信息工程学院,周晓明,书记,0951-6033456,13909512345")


def example():
    with open(os.path.join(ROOT, "examples", "workgroup-filing.json"), encoding="utf-8") as f:
        return json.load(f)


def record_of_size(size):
    """A valid record padded with spaces after the closing brace to exactly size bytes."""
    text = json.dumps(example(), ensure_ascii=False, indent=1).encode()
    return text + b" " * (size - len(text))


def string_record(nbytes):
    rec = example()
    rec["fields"]["group_name"] = "a" * nbytes
    return json.dumps(rec).encode()


def csv_rows(n, last_bad=True):
    """A header and n rows; the last one has a bad e-mail so that batch stops before it
    renders anything, and its message proves every row was read."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    for i in range(n - 1):
        out.write(ROW + "\n")
    out.write(ROW.replace("xxgc@nxtc.edu.cn", "last-row@" if last_bad else "xxgc@nxtc.edu.cn") + "\n")
    return out.getvalue().encode()


def csv_columns(n):
    """A header of n columns: the real ones, then n - 13 extra headed x14, x15, ..."""
    extra = ["x%d" % i for i in range(14, n + 1)]
    return (",".join([HEADER] + extra) + "\n" + ROW + "," * len(extra) + "\n").encode()


def csv_cell(nbytes):
    return (HEADER + "\n" + ROW.replace("学生", "a" * nbytes, 1) + "\n").encode()


def xlsx_bomb():
    """A workbook whose worksheet inflates past the part limit (a zip bomb): 257 MiB of
    spaces deflate to about 250 KiB."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w:
            w.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * MIB
            for _ in range(PART_MAX // MIB + 1):
                w.write(chunk)
            w.write(b"</sheetData></worksheet>")
    return b.getvalue()


def bundle_entries(n):
    """A ZIP of n small stored entries (a sound container, but no bag)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            info = zipfile.ZipInfo("data/e%04d.txt" % i, (2026, 11, 24, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            z.writestr(info, b"x")
    return b.getvalue()


def form_of_size(size, form_id):
    """The catalogue's small valid definition (inputs/forms/mini.json) as form_id, padded with
    spaces to exactly size bytes."""
    with open(os.path.join(ROOT, "tests", "bad", "inputs", "forms", "mini.json"), "rb") as f:
        text = f.read().replace(b'"mini"', b'"%s"' % form_id.encode(), 1)
    return text + b" " * (size - len(text))


SPARSE = {
    # sizes past a limit that is checked from the file's size: a sparse file costs no disk
    "bundle-over-size-limit.zip": BUNDLE_MAX + 1,
    "csv-over-size-limit.csv": SHEET_MAX + 1,
    "csv-at-size-limit.csv": SHEET_MAX,
    "scan-at-size-limit.png": SCAN_MAX,
    "scan-over-size-limit.png": SCAN_MAX + 1,
}

GENERATORS = {
    "json-100mb-string.json": lambda: string_record(100 * 1000 * 1000),
    "json-at-size-limit.json": lambda: record_of_size(RECORD_MAX),
    "json-over-size-limit.json": lambda: record_of_size(RECORD_MAX + 1),
    "csv-1m-columns.csv": lambda: csv_columns(1000000),
    "csv-at-column-limit.csv": lambda: csv_columns(SHEET_COLUMNS),
    "csv-over-column-limit.csv": lambda: csv_columns(SHEET_COLUMNS + 1),
    "csv-at-row-limit.csv": lambda: csv_rows(SHEET_ROWS),
    "csv-over-row-limit.csv": lambda: csv_rows(SHEET_ROWS + 1),
    "csv-at-cell-limit.csv": lambda: csv_cell(SHEET_CELL),
    "csv-over-cell-limit.csv": lambda: csv_cell(SHEET_CELL + 1),
    "xlsx-zip-bomb.xlsx": xlsx_bomb,
    "bundle-entries-at-limit.zip": lambda: bundle_entries(BUNDLE_ENTRIES),
    "bundle-entries-over-limit.zip": lambda: bundle_entries(BUNDLE_ENTRIES + 1),
    "form-at-size-limit.json": lambda: form_of_size(FORM_MAX, "form-at-size-limit"),
    "form-over-size-limit.json": lambda: form_of_size(FORM_MAX + 1, "form-over-size-limit"),
}


def main(argv):
    for path in argv[1:]:
        name = os.path.basename(path)
        if name in SPARSE:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "wb") as f:
                f.truncate(SPARSE[name])
            continue
        if name not in GENERATORS:
            sys.exit("gen.py: no generator for %s" % name)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(GENERATORS[name]())


if __name__ == "__main__":
    main(sys.argv)
