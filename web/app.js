// The 填表 page of `beian ui`. It only shows: every check is the server's (POST /api/check runs
// the checks of `beian check`), the preview and the PDF are the library's. Text from data is
// put in with textContent, never as HTML. The draft of each form is kept in localStorage.
"use strict";

const LANG = "zh-CN";
const HINTS = {
  mobile: "手机 11 位，如 13912345678",
  phone: "手机 11 位或带区号的办公电话，如 0951-1234567",
  office_phone: "带区号的办公电话，如 0951-1234567",
  email: "电子邮箱，如 name@nxtc.edu.cn",
  date: "日期，如 2026-11-24",
  count: "正整数，如 45",
  qr: "群二维码的链接，或在下面上传二维码图片",
};
const DATE_FIELD = { id: "date", label: "填表日期", type: "date", required: false, max_chars: 10 };

let csrf = "";
let forms = [];
let form = null;           // the chosen form's definition (GET /api/forms)
const touched = new Set(); // fields the person has left: only they are told "未填写"
let checkTimer = 0, previewTimer = 0, checkSeq = 0, previewSeq = 0, previewUrl = "";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function status(text) { $("status").textContent = text; }

async function api(path, body, type) {
  const r = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "X-CSRF-Token": csrf, "Content-Type": type || "application/json" },
    body: body === undefined ? undefined : body,
    credentials: "same-origin",
  });
  return r;
}

function fieldsOf(f) {
  // a picture's path has no meaning on a page: the picture is uploaded and decoded instead
  return [DATE_FIELD].concat(f.fields.filter((x) => x.type !== "image"));
}

function record() {
  const fields = {};
  for (const fd of fieldsOf(form)) {
    if (fd.id === "date") continue;
    const v = $("f-" + fd.id).value;
    if (v !== "") fields[fd.id] = v;
  }
  const rec = { form: form.id, fields };
  const d = $("f-date").value;
  if (d !== "") rec.date = d;
  return rec;
}

function saveDraft() {
  if (!form) return;
  localStorage.setItem("beian-draft-" + form.id, JSON.stringify(record()));
  localStorage.setItem("beian-form", form.id);
}

function fill(rec) {
  for (const fd of fieldsOf(form)) {
    const input = $("f-" + fd.id);
    input.value = fd.id === "date" ? rec.date || "" : (rec.fields && rec.fields[fd.id]) || "";
    count(fd, input);
  }
}

function count(fd, input) {
  const n = Array.from(input.value).length;
  const c = $("c-" + fd.id);
  c.textContent = n + " / " + fd.max_chars;
  c.classList.toggle("over", n > fd.max_chars);
}

function buildField(fd) {
  const box = el("div", { class: "field", id: "box-" + fd.id });
  const id = "f-" + fd.id;
  box.appendChild(el("label", { for: id }, fd.label));
  if (fd.required) box.appendChild(el("span", { class: "req", title: "必填", "aria-hidden": "true" }, "*"));
  const hint = HINTS[fd.type];
  if (hint) box.appendChild(el("span", { class: "type-hint", id: "h-" + fd.id }, hint));
  const multi = fd.type === "multiline";
  const input = el(multi ? "textarea" : "input", { id, name: fd.id, "aria-describedby": "p-" + fd.id + (hint ? " h-" + fd.id : "") });
  if (!multi) input.setAttribute("type", "text");
  if (fd.required) input.setAttribute("aria-required", "true");
  if (["mobile", "phone", "office_phone"].includes(fd.type)) input.setAttribute("inputmode", "tel");
  if (fd.type === "count") input.setAttribute("inputmode", "numeric");
  if (fd.type === "email") input.setAttribute("inputmode", "email");
  box.appendChild(input);
  box.appendChild(el("span", { class: "counter", id: "c-" + fd.id, "aria-live": "off" }));
  if (fd.type === "qr") {
    const up = el("div", { class: "qr-upload" });
    const fid = "qr-file-" + fd.id;
    up.appendChild(el("label", { for: fid, class: "file-button" }, "上传群二维码图片（PNG 或 JPEG）"));
    // the browser's own file button speaks the browser's language: the label is the button
    const file = el("input", { type: "file", id: fid, class: "offscreen", accept: "image/png,image/jpeg" });
    up.appendChild(file);
    up.appendChild(el("p", { class: "qr-result", id: "qr-result", "aria-live": "polite" }));
    file.addEventListener("change", () => uploadQr(fd, file));
    box.appendChild(up);
  }
  box.appendChild(el("p", { class: "problem", id: "p-" + fd.id, "aria-live": "polite" }));
  input.addEventListener("input", () => { count(fd, input); changed(); });
  input.addEventListener("blur", () => { touched.add(fd.id); scheduleCheck(0); });
  return box;
}

async function uploadQr(fd, file) {
  const f = file.files[0];
  if (!f) return;
  $("qr-result").textContent = "正在识别二维码……";
  const r = await api("/api/qr?lang=" + LANG, f, f.type || "application/octet-stream");
  if (r.status === 413) { $("qr-result").textContent = "图片太大：最大 10 MB"; return; }
  const j = await r.json();
  if (r.ok) {
    $("f-" + fd.id).value = j.payload;
    count(fd, $("f-" + fd.id));
    $("qr-result").textContent = "将打印的二维码内容：" + j.payload;
    changed();
  } else {
    $("qr-result").textContent = (j.problems || []).map((p) => p.message).join("；") || "无法识别";
  }
}

function chooseForm(id) {
  form = forms.find((f) => f.id === id) || forms[0];
  touched.clear();
  for (const b of $("forms").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.form === form.id));
  $("form-title").textContent = form.attachment + " " + form.title;
  templates();
  if (sheet) checkSheet();
  const box = $("fields");
  box.replaceChildren();
  for (const fd of fieldsOf(form)) box.appendChild(buildField(fd));
  let draft = null;
  try { draft = JSON.parse(localStorage.getItem("beian-draft-" + form.id) || "null"); } catch (e) { draft = null; }
  fill(draft || { fields: {} });
  localStorage.setItem("beian-form", form.id);
  if (draft) status("已恢复本浏览器中保存的草稿。");
  scheduleCheck(0);
  schedulePreview(0);
}

function changed() {
  saveDraft();
  scheduleCheck(250);
  schedulePreview(400);
}

function scheduleCheck(ms) { clearTimeout(checkTimer); checkTimer = setTimeout(check, ms); }
function schedulePreview(ms) {
  clearTimeout(previewTimer);
  $("preview").dataset.pending = "1"; // until the preview of the latest edit is shown
  previewTimer = setTimeout(preview, ms);
}

function show(problems, all) {
  const known = new Set(fieldsOf(form).map((f) => f.id));
  for (const fd of fieldsOf(form)) {
    $("p-" + fd.id).textContent = "";
    $("p-" + fd.id).classList.remove("warning");
    $("box-" + fd.id).classList.remove("has-error");
  }
  $("general").replaceChildren();
  $("warnings").replaceChildren();
  const said = {};
  for (const p of problems) {
    if (p.severity === "note") continue;
    if (p.severity === "warning") $("warnings").appendChild(el("li", {}, (p.label ? p.label + "：" : "") + p.message));
    if (p.field && known.has(p.field)) {
      // while the form is being filled, an empty field is told only once the person has left it
      if (p.id === "field.missing" && !all && !touched.has(p.field)) continue;
      const where = $("p-" + p.field);
      said[p.field] = (said[p.field] ? said[p.field] + "；" : "") + p.message;
      where.textContent = said[p.field];
      if (p.severity === "warning") where.classList.add("warning");
      else $("box-" + p.field).classList.add("has-error");
    } else if (p.severity === "error" && (all || p.id !== "field.one_of_missing")) {
      $("general").appendChild(el("p", {}, (p.label ? p.label + "：" : "") + p.message));
    }
  }
  $("warnings-box").hidden = $("warnings").children.length === 0;
}

async function check(all) {
  if (!form) return [];
  const seq = ++checkSeq;
  const r = await api("/api/check?lang=" + LANG, JSON.stringify(record()));
  if (r.status !== 200 && r.status !== 422) { status("检查失败（" + r.status + "）"); return []; }
  const j = await r.json();
  if (seq !== checkSeq) return j.problems;
  show(j.problems, all === true);
  return j.problems;
}

async function preview() {
  if (!form) return;
  const seq = ++previewSeq;
  const r = await api("/api/preview", JSON.stringify(record()));
  if (!r.ok || seq !== previewSeq) return;
  const blob = await r.blob();
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(blob);
  $("preview").src = previewUrl;
  $("preview").dataset.version = String(seq);
  delete $("preview").dataset.pending;
}

async function pdf(open) {
  const r = await api("/api/pdf?lang=" + LANG + (open ? "&inline=1" : ""), JSON.stringify(record()));
  if (r.status === 422) {
    const j = await r.json();
    for (const fd of fieldsOf(form)) touched.add(fd.id);
    show(j.problems, true);
    status("表格还有问题，请按各项下面的提示修改后再下载。");
    return;
  }
  if (!r.ok) { status("生成 PDF 失败（" + r.status + "）"); return; }
  const url = URL.createObjectURL(await r.blob());
  if (open) {
    window.open(url, "_blank");
    status("PDF 已在新标签页打开，请在那里打印。");
  } else {
    const a = el("a", { href: url, download: form.id + ".pdf" });
    document.body.appendChild(a);
    a.click();
    a.remove();
    status("已下载 " + form.id + ".pdf");
  }
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function saveJson() {
  const blob = new Blob([JSON.stringify(record(), null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: form.id + ".json" });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status("已保存为 " + form.id + ".json（下次可用“读取文件”打开，或用 beian fill 打印）");
}

async function loadJson(input) {
  const f = input.files[0];
  if (!f) return;
  const text = await f.text();
  let rec = null;
  try { rec = JSON.parse(text); } catch (e) { rec = null; }
  if (!rec || !forms.some((x) => x.id === rec.form)) {
    // the server says what is wrong and where (行, 列), as `beian check` does, in Chinese
    const r = await api("/api/check?lang=" + LANG, text);
    const j = r.status === 422 ? await r.json() : null;
    const said = ((j && j.problems) || []).filter((p) => p.severity === "error").map((p) => p.message);
    status("无法读取 " + f.name + "：" + (said.join("；") || "文件里没有可识别的表格（\"form\"）"));
    input.value = "";
    return;
  }
  localStorage.setItem("beian-draft-" + rec.form, JSON.stringify(rec));
  chooseForm(rec.form);
  status("已读取 " + f.name);
  input.value = "";
}

// ---- 批量: a sheet checked by the server as `beian batch` checks it ----

let sheet = null; // the chosen file

function sheetUrl(what) {
  return "/api/sheet/" + what + "?lang=" + LANG + "&form=" + encodeURIComponent(form.id) +
    "&name=" + encodeURIComponent(sheet.name);
}

function showSheetProblems(j) {
  const list = $("sheet-problems");
  list.replaceChildren();
  for (const p of j.problems || []) {
    if (p.severity === "note") continue;
    const where = (p.line ? "第 " + p.line + " 行 · " : "") + (p.label ? p.label + "：" : "");
    list.appendChild(el("li", {}, where + p.message));
  }
}

async function checkSheet() {
  if (!sheet) return null;
  const r = await api(sheetUrl("check"), sheet, "application/octet-stream");
  if (r.status === 413) { $("sheet-name").textContent = "文件太大：最大 20 MB"; return null; }
  const j = await r.json();
  showSheetProblems(j);
  $("sheet-name").textContent = sheet.name + "：" + (j.ok ? "共 " + j.rows + " 行，没有问题，可以下载。"
    : "有问题，请按下面的提示在表格里改好后重新选择文件。");
  return j;
}

async function downloadSheet(what, ext) {
  if (!sheet) { $("sheet-name").textContent = "请先选择表格文件。"; return; }
  const r = await api(sheetUrl(what), sheet, "application/octet-stream");
  if (!r.ok) { await checkSheet(); return; }
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: form.id + "." + ext });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function templates() {
  $("template-xlsx").setAttribute("href", "/api/template?format=xlsx&form=" + encodeURIComponent(form.id));
  $("template-xlsx").setAttribute("download", form.id + "-模板.xlsx");
  $("template-csv").setAttribute("href", "/api/template?format=csv&form=" + encodeURIComponent(form.id));
  $("template-csv").setAttribute("download", form.id + "-模板.csv");
}

async function start() {
  const s = await api("/api/session");
  if (!s.ok) { status("无法连接 beian ui（" + s.status + "）：请用终端里打印的地址打开本页。"); return; }
  csrf = (await s.json()).csrf;
  forms = await (await api("/api/forms")).json();
  // 附件2, 3, 4 in the order of the regulation
  forms.sort((a, b) => a.attachment.localeCompare(b.attachment, "zh-CN", { numeric: true }));
  for (const f of forms) {
    const b = el("button", { type: "button", "data-form": f.id, "aria-pressed": "false" }, f.attachment + " " + f.title);
    b.addEventListener("click", () => chooseForm(f.id));
    $("forms").appendChild(b);
  }
  $("check-all").addEventListener("click", async () => {
    for (const fd of fieldsOf(form)) touched.add(fd.id);
    const p = await check(true);
    const errors = p.filter((x) => x.severity === "error").length;
    status(errors ? "共有 " + errors + " 个问题需要修改。" : "检查通过，可以下载或打印。");
  });
  $("download-pdf").addEventListener("click", () => pdf(false));
  $("print-pdf").addEventListener("click", () => pdf(true));
  $("save-json").addEventListener("click", saveJson);
  $("load-json").addEventListener("change", () => loadJson($("load-json")));
  $("clear").addEventListener("click", () => {
    localStorage.removeItem("beian-draft-" + form.id);
    fill({ fields: {} });
    touched.clear();
    changed();
    status("已清空。");
  });
  $("sheet-file").addEventListener("change", () => { sheet = $("sheet-file").files[0] || null; checkSheet(); });
  $("sheet-pdf").addEventListener("click", () => downloadSheet("pdf", "pdf"));
  $("sheet-zip").addEventListener("click", () => downloadSheet("zip", "zip"));
  chooseForm(localStorage.getItem("beian-form") || "workgroup-filing");
}

start();
