#!/usr/bin/python3
"""Browser tests of `beian ui` (make test-web): Debian's chromium, driven by chromium-driver
through python3-selenium, against a server this script starts and stops.

  /usr/bin/python3 tests/web/run.py BEIAN OUTDIR

For each of the three sample records it types every value into the field found by its
<label>, checks the form, downloads the PDF and compares it byte for byte with `beian fill`
of the same file (its text with pdftotext and its QR codes with zbarimg too); it sees a wrong
phone number flagged beside its field and the message go when it is fixed, the preview change,
a group QR picture decoded, the draft still there after a reload, and a 390x844 window show
every field without sideways scrolling. Screenshots are kept in OUTDIR for a person to look at.
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEIAN = os.path.abspath(sys.argv[1])
OUT = os.path.abspath(sys.argv[2])
DL = os.path.join(OUT, "downloads")
FAILED = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILED.append(what)
    return cond


def start_server():
    env = dict(os.environ, BEIAN_FORMS=os.path.join(ROOT, "forms"),
               BEIAN_FONTS=os.path.join(ROOT, "fonts"), BEIAN_WEB=os.path.join(ROOT, "web"),
               BEIAN_ARCHIVE=os.path.join(OUT, "no-archive"))
    p = subprocess.Popen([BEIAN, "ui", "--no-browser"], stdout=subprocess.PIPE,
                         stderr=open(os.path.join(OUT, "server.err"), "w"), env=env, text=True)
    url = p.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        p.kill()
        sys.exit("test-web: the server printed no address: " + url)
    return p, url


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"download.default_directory": DL,
                                        "download.prompt_for_download": False})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": DL})
    return d


def field_by_label(d, label):
    """The input a <label> with exactly this text is for."""
    for lab in d.find_elements(By.TAG_NAME, "label"):
        if lab.text.strip() == label:
            return d.find_element(By.ID, lab.get_attribute("for"))
    raise AssertionError("no field labelled " + label)


def wait(d, fn, secs=10):
    """Polls fn until it is true (an exception, such as a field not built yet, is a no)."""
    end = time.time() + secs
    while time.time() < end:
        try:
            if fn():
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def choose(d, attachment):
    wait(d, lambda: d.find_elements(By.CSS_SELECTOR, "nav button"))
    for b in d.find_elements(By.CSS_SELECTOR, "nav button"):
        if b.text.startswith(attachment):
            b.click()
            return
    raise AssertionError("no form " + attachment)


def screenshot(d, name):
    h = d.execute_script("return document.documentElement.scrollHeight")
    w = d.execute_script("return document.documentElement.clientWidth")
    shot = d.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}})
    import base64
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def downloaded(name, secs=15):
    path = os.path.join(DL, name)
    end = time.time() + secs
    while time.time() < end:
        if os.path.exists(path) and not glob.glob(os.path.join(DL, "*.crdownload")):
            return path
        time.sleep(0.1)
    return None


def preview_digest(d):
    """A digest of the pixels the preview shows ('' before it has loaded)."""
    return d.execute_script("""
        const img = document.getElementById('preview');
        if (!img.complete || !img.naturalWidth) return '';
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const a = g.getImageData(0, 0, c.width, c.height).data; let h = 0;
        for (let i = 0; i < a.length; i += 4) h = (h * 31 + a[i]) >>> 0;
        return c.width + 'x' + c.height + ':' + h;""")


def fill_sample(d, url, sample):
    rec = json.load(open(os.path.join(ROOT, "examples", sample + ".json")))
    form = json.load(open(os.path.join(ROOT, "forms", rec["form"] + ".json")))
    labels = {f["id"]: f["label"] for f in form["fields"]}
    d.get(url)
    choose(d, form["attachment"])
    d.find_element(By.ID, "clear").click()
    field_by_label(d, "填表日期").send_keys(rec["date"])
    for fid, value in rec["fields"].items():
        field_by_label(d, labels[fid]).send_keys(value)
    d.find_element(By.ID, "check-all").click()
    check(wait(d, lambda: "检查通过" in d.find_element(By.ID, "status").text),
          f"{sample}: typed by label, the check passes ({d.find_element(By.ID, 'status').text})")
    settled = lambda: d.execute_script(
        "const p = document.getElementById('preview'); return !p.dataset.pending && p.complete")
    check(wait(d, settled), f"{sample}: the preview follows the typing")
    shown = d.execute_script("return document.getElementById('preview').naturalWidth")
    check(shown > 500, f"{sample}: the preview shows the page ({shown} px wide)")
    screenshot(d, f"desktop-{sample}.png")
    for old in glob.glob(os.path.join(DL, "*")):
        os.remove(old)
    d.find_element(By.ID, "download-pdf").click()
    pdf = downloaded(rec["form"] + ".pdf")
    if not check(pdf is not None, f"{sample}: 下载 PDF gives {rec['form']}.pdf"):
        return
    ref = os.path.join(OUT, sample + "-fill.pdf")
    subprocess.run([BEIAN, "fill", os.path.join(ROOT, "examples", sample + ".json"), "-o", ref, "-q"],
                   check=True, env=dict(os.environ, BEIAN_FORMS=os.path.join(ROOT, "forms"),
                                        BEIAN_FONTS=os.path.join(ROOT, "fonts")))
    check(open(pdf, "rb").read() == open(ref, "rb").read(),
          f"{sample}: the page's PDF is the bytes of beian fill")
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                             text=True).stdout)
    types = {f["id"]: f["type"] for f in form["fields"]}
    for fid, value in rec["fields"].items():
        if fid in ("group_qr",):
            continue
        if types[fid] == "date":  # printed as 2026年11月24日
            y, m, dd = value.split("-")
            value = f"{int(y)}年{int(m)}月{int(dd)}日"
        check(re.sub(r"\s+", "", value) in text, f"{sample}: the PDF prints {labels[fid]}")
    png = os.path.join(OUT, sample + "-page")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", pdf, png], check=True)
    codes = subprocess.run(["zbarimg", "-q", "--raw"] + glob.glob(png + "*.png"),
                           capture_output=True, text=True).stdout
    check("beian:DRAFT" in codes, f"{sample}: the tracking code reads back ({codes.strip()[:60]})")
    if "group_qr" in rec["fields"]:
        check(rec["fields"]["group_qr"] in codes, f"{sample}: the group's QR code reads back")


def wrong_phone_and_preview(d, url):
    d.get(url)
    choose(d, "附件4")
    box = field_by_label(d, "管理员1手机")
    problem = d.find_element(By.ID, "p-" + box.get_attribute("name"))
    check(wait(d, lambda: preview_digest(d) != ""), "the preview is shown")
    before = preview_digest(d)
    box.clear()
    box.send_keys("1389501234")
    check(wait(d, lambda: "不是手机号码" in problem.text),
          f"a wrong phone is flagged beside its field: {problem.text}")
    check(problem.get_attribute("aria-live") == "polite", "the message is announced (aria-live)")
    box.send_keys("5")
    check(wait(d, lambda: problem.text == ""), "the message goes when the phone is fixed")
    name = field_by_label(d, "群名称")
    name.send_keys("（二）")
    check(wait(d, lambda: preview_digest(d) not in ("", before)), "the preview changes with the data")
    d.refresh()
    check(wait(d, lambda: field_by_label(d, "群名称").get_attribute("value").endswith("（二）")),
          "after a reload the draft is still there")


def load_broken_json(d, url):
    """载入 a data file typed with a Chinese input method: the server's message, in Chinese."""
    text = open(os.path.join(ROOT, "examples", "workgroup-filing.json"), encoding="utf-8").read()
    path = os.path.join(OUT, "full-width-colon.json")
    open(path, "w", encoding="utf-8").write(text.replace('"fields":', '"fields"：', 1))
    d.get(url)
    choose(d, "附件4")
    d.find_element(By.ID, "load-json").send_keys(path)
    st = d.find_element(By.ID, "status")
    check(wait(d, lambda: "第 4 行第 11 列有全角符号 ：" in st.text),
          f"a broken data file is said in Chinese with its line and column: {st.text}")


def qr_upload(d, url):
    payload = "https://weixin.qq.com/g/AwYAAGxKc2Rk5vQm1cT9bq0Yk8"
    pic = os.path.join(OUT, "group-qr.png")
    subprocess.run(["qrencode", "-s", "6", "-o", pic, payload], check=True)
    d.get(url)
    choose(d, "附件4")
    field_by_label(d, "群二维码").clear()
    field_by_label(d, "上传群二维码图片（PNG 或 JPEG）").send_keys(pic)
    result = d.find_element(By.ID, "qr-result")
    check(wait(d, lambda: payload in result.text), f"an uploaded group QR is decoded: {result.text}")
    check(field_by_label(d, "群二维码").get_attribute("value") == payload,
          "the decoded code is the one that will print")


SHEET_HEADER = ("group_qr,group_number,群名称,建群范围,管理员姓名1,admin1_mobile,Email,群成员数量,"
                "member_types,所属部门名称（盖章）,部门负责人,职务,办公电话,mobile")


def sheet_rows(n, bad=False):
    rows = [SHEET_HEADER]
    for i in range(1, n + 1):
        mobile = "1389500" if bad and i == 2 else f"138950{i:05d}"
        office = "6033456" if bad and i == 3 else "0951-6033456"
        rows.append(f"https://weixin.qq.com/g/BEIAN-{i:04d},5284{i:04d},2026级计算机{i}班,"
                    f"信息工程学院{i}班全体学生,杨堃,{mobile},g{i}@nxtc.edu.cn,{40 + i},学生、班主任,"
                    f"信息工程学院,周晓明,党总支书记,{office},13909512345")
    return "\r\n".join(rows) + "\r\n"


def batch_sheet(d, url):
    good = os.path.join(OUT, "groups-gb18030.csv")
    open(good, "wb").write(sheet_rows(6).encode("gb18030"))
    bad = os.path.join(OUT, "groups-bad.csv")
    open(bad, "w", encoding="utf-8").write(sheet_rows(4, bad=True))
    d.get(url)
    choose(d, "附件4")
    field_by_label(d, "选择表格文件（CSV 或 .xlsx）").send_keys(bad)
    problems = d.find_element(By.ID, "sheet-problems")
    check(wait(d, lambda: "第 3 行 · 管理员1手机" in problems.text and "第 4 行 · 办公电话" in problems.text),
          f"a sheet with bad rows shows each problem by row and column: {problems.text[:120]}")
    check("“1389500”不是手机号码" in problems.text,
          f"a sheet's row problems are said in Chinese: {problems.text[:160]}")
    field_by_label(d, "选择表格文件（CSV 或 .xlsx）").send_keys(good)
    status = d.find_element(By.ID, "sheet-name")
    check(wait(d, lambda: "共 6 行" in status.text), f"the GB18030 sheet is read: {status.text}")
    for old in glob.glob(os.path.join(DL, "*")):
        os.remove(old)
    d.find_element(By.ID, "sheet-pdf").click()
    pdf = downloaded("workgroup-filing.pdf")
    if check(pdf is not None, "下载打印文件 gives the print job"):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        check(re.search(r"^Pages:\s+6$", info, re.M) is not None, "the print job has one page per row")
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                                 text=True).stdout)
        check("2026级计算机6班" in text, "the print job prints the last row")


def phone_window(d, url):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    for att, name in (("附件2", "registration"), ("附件3", "application"), ("附件4", "workgroup")):
        d.get(url)
        choose(d, att)
        time.sleep(0.3)
        sw = d.execute_script("return document.documentElement.scrollWidth")
        iw = d.execute_script("return window.innerWidth")
        wide = d.execute_script("""return Array.from(document.querySelectorAll('input,textarea,label,button'))
            .filter(e => e.offsetParent !== null && !e.classList.contains('offscreen'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 0.5 || r.left < 0; })
            .map(e => e.id || e.textContent);""")
        check(sw <= iw and not wide, f"{att} at 390x844: no sideways scrolling (scrollWidth {sw}, "
                                     f"width {iw}, outside: {wide})")
        screenshot(d, f"phone-{name}.png")
    d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def main():
    os.makedirs(DL, exist_ok=True)
    server, url = start_server()
    d = None
    try:
        d = browser()
        for sample in ("platform-registration", "platform-application", "workgroup-filing"):
            fill_sample(d, url, sample)
        wrong_phone_and_preview(d, url)
        qr_upload(d, url)
        load_broken_json(d, url)
        batch_sheet(d, url)
        phone_window(d, url)
        # a 422 of the API is an answer the page shows, not an error of the page
        errors = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"
                  and not re.search(r"/api/\S+ - Failed to load resource: .* 422", e["message"])]
        check(not errors, f"no console errors: {errors[:3]}")
    finally:
        if d:
            d.quit()
        server.send_signal(signal.SIGINT)
        try:
            rc = server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            rc = "none (killed)"
        check(rc == 0, f"the server stops cleanly on SIGINT (exit {rc})")
    print(f"test-web: {len(FAILED)} failed; screenshots in {OUT}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
