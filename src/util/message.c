/*
 * message.c - the catalog of message ids (beian/message.h): for each id its stable name, the
 * English template (exactly what the command line has always printed; tests/e2e compare it)
 * and the zh-CN one that `beian ui` shows beside a field. A table in C rather than gettext:
 * the page asks for a language by name, per request, and a machine without a zh_CN locale
 * must still say it in Chinese.
 */
#define _GNU_SOURCE
#include "beian/message.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    beian_msg msg;
    const char *name;
    const char *en;
    const char *zh;
} message;

/* What to do when Excel made a number of the digits typed (two messages say it). */
#define RE_EXPORT                                                                                  \
    "select the column in Excel or WPS, set its format to 文本 (Text: 设置单元格格式 > 文本), "     \
    "type or paste the numbers again and save the sheet again"
#define RE_EXPORT_ZH                                                                               \
    "请在 Excel 或 WPS 中选中该列，将单元格格式设为“文本”（设置单元格格式 > 文本），"              \
    "重新输入或粘贴号码后再保存"

static const message catalog[] = {
    {BEIAN_MSG_FIELD_MISSING, "field.missing", "is missing: {1} is required on this form",
     "未填写：本表的“{1}”为必填项"},
    {BEIAN_MSG_FIELD_TOO_LONG, "field.too_long",
     "is too long: {1} characters, at most {2} are allowed", "太长：共 {1} 个字，最多 {2} 个字"},
    {BEIAN_MSG_FIELD_LINE_BREAK, "field.line_break",
     "contains a line break: {1} is a single line; remove the break",
     "含有换行：“{1}”只能写一行，请删去换行"},
    {BEIAN_MSG_FIELD_CONTROL, "field.control", "contains the control character {1}; remove it",
     "含有控制字符 {1}，请删去"},
    {BEIAN_MSG_NOT_MOBILE, "field.not_mobile",
     "\"{1}\" is not a mobile number: expected 11 digits starting with 13 to 19, such as "
     "13912345678",
     "“{1}”不是手机号码：应为 13 至 19 开头的 11 位数字，如 13912345678"},
    {BEIAN_MSG_NOT_PHONE, "field.not_phone",
     "\"{1}\" is not a phone number: expected a mobile number (11 digits starting with 13 to 19, "
     "such as 13912345678) or an office number with its area code (such as 0951-1234567)",
     "“{1}”不是电话号码：应为手机号码（13 至 19 开头的 11 位数字，如 13912345678）或带区号的"
     "办公电话（如 0951-1234567）"},
    {BEIAN_MSG_NOT_OFFICE_PHONE, "field.not_office_phone",
     "\"{1}\" is not an office number: expected the area code, a hyphen and the number, such as "
     "0951-1234567",
     "“{1}”不是办公电话：应为区号、连字符和号码，如 0951-1234567"},
    {BEIAN_MSG_NOT_EMAIL, "field.not_email",
     "\"{1}\" is not an e-mail address: expected one such as name@nxtc.edu.cn",
     "“{1}”不是电子邮箱地址：应如 name@nxtc.edu.cn"},
    {BEIAN_MSG_NOT_COUNT, "field.not_count",
     "\"{1}\" is not a positive whole number: expected a number such as 45",
     "“{1}”不是正整数：应为数字，如 45"},
    {BEIAN_MSG_NOT_DATE, "field.not_date", "\"{1}\" {2}", "“{1}”不是有效日期：应如 2026-11-24"},
    {BEIAN_MSG_ONE_OF_MISSING, "field.one_of_missing", "is missing: give at least one of {1}",
     "未填写：{1} 至少填写一项"},
    {BEIAN_MSG_QR_CODE_EXPIRED, "field.qr_code_expired",
     "{1} is more than {2} days before the form's date (填表日期) {3}: a code made then (WeChat group "
     "codes last {2} days) will have expired; make a new code for the form",
     "{1} 比填表日期 {3} 早 {2} 天以上：那时生成的二维码（微信群二维码 {2} 天有效）已过期，"
     "请重新生成二维码"},
    {BEIAN_MSG_READ_AS_DATE, "field.read_as_date",
     "\"{1}\" was read as \"{2}\" (the record keeps dates as YYYY-MM-DD)",
     "“{1}”已按“{2}”记录（日期统一记为 年-月-日）"},
    {BEIAN_MSG_READ_AS_HALFWIDTH, "field.read_as_halfwidth",
     "\"{1}\" was read as \"{2}\" (full-width characters, as a Chinese input method types them, "
     "are kept half-width)",
     "“{1}”已按“{2}”记录（中文输入法打出的全角字符统一记为半角）"},
    {BEIAN_MSG_DOES_NOT_FIT, "layout.does_not_fit",
     "does not fit its cell even at {1} pt ({2} characters; about {3} fit); shorten it",
     "即使缩小到 {1} 磅也放不进表格（共 {2} 个字，约能放 {3} 个字），请删减"},
    {BEIAN_MSG_QR_TOO_LONG, "layout.qr_too_long",
     "is too long for the cell: {1} bytes make a QR code whose modules would be smaller than {2} "
     "mm, too small to scan from paper; use a shorter link",
     "太长：{1} 字节生成的二维码模块小于 {2} 毫米，印在纸上无法扫描，请用更短的链接"},
    {BEIAN_MSG_PICTURE_UNREADABLE, "picture.unreadable", "{1}: {2}", "{1}：无法读取（{2}）"},
    {BEIAN_MSG_PICTURE_NO_CODE, "picture.no_code",
     "{1}: no readable QR code in the picture; save the group's code again from the chat app (or "
     "give its link as group_qr)",
     "{1}：图片里没有可识别的二维码，请从聊天软件重新保存群二维码（或填写群二维码链接）"},
    {BEIAN_MSG_PICTURE_MANY_CODES, "picture.many_codes",
     "{1}: the picture holds more than one QR code; crop it to the group's code",
     "{1}：图片里有不止一个二维码，请裁剪到只剩群二维码"},
    {BEIAN_MSG_PICTURE_DIFFERS, "picture.differs",
     "the picture's code ({1}) differs from {2} ({3}); give only one",
     "图片里的二维码（{1}）与“{3}”不同，请只填一个"},
    {BEIAN_MSG_PICTURE_CODE_TOO_LONG, "picture.code_too_long",
     "the picture's code is not text of at most {1} characters",
     "图片里的二维码内容不是不超过 {1} 个字的文字"},
    {BEIAN_MSG_NOT_TEXT, "field.not_text", "must be text in quotes, such as \"{1}\", not {2}",
     "应为带引号的文字，如 \"{1}\"，而不是 {2}"},
    {BEIAN_MSG_GIVEN_TWICE, "field.given_twice", "is given twice (by its id and by its label)",
     "重复填写（既用了字段名又用了中文名）"},
    {BEIAN_MSG_HOLDS_TRACKING_CODE, "field.holds_tracking_code",
     "\"{1}\" is a beian tracking code: no field may hold one (a signed paper is matched to its "
     "record by the code in its footer, and a second one on the page could pass for it); give "
     "the field's own value, e.g. the group's link from the chat app",
     "“{1}”是 beian 的备案追踪码，任何栏目都不能填写它（签字盖章的纸质表靠页脚的追踪码对应备案，"
     "页面上再有一个可能被误认）：请填写本栏自己的内容，如聊天软件中的群链接"},
    {BEIAN_MSG_HEAD_IS_ADMIN, "rules.head_is_admin",
     "{1} is both {2} ({3}) and the responsible person: 第十条 asks for a dedicated "
     "administrator; check that this is intended before signing",
     "“{1}”既是负责人，又填在“{3}”栏：第十条要求落实专人负责，签字前请确认确需如此"},
    {BEIAN_MSG_NOT_HEAD_TITLE, "rules.not_head_title",
     "\"{1}\" does not look like the title of a unit head (书记, 院长, 部长, 处长, 主任...): 第七条 "
     "asks for the unit's principal (党总支书记 or 部门正职领导)",
     "“{1}”不像单位主要负责人的职务（书记、院长、部长、处长、主任等）：第七条规定由所在单位主要"
     "负责人（各院系为党总支（支部）书记，各部门为部门正职领导）签字，签字前请核对"},
    {BEIAN_MSG_OVER_JOIN_LIMIT, "rules.over_join_limit",
     "{1} members: a {2} group of more than {3} cannot be joined by scanning its QR code, so the "
     "printed code will not work; 第十二条 asks to keep groups small",
     "群成员 {1} 人：{2}群超过 {3} 人后无法扫码入群，印在表上的二维码将不能使用；第十二条要求"
     "严格控制工作群规模"},
    {BEIAN_MSG_GROUP_CODE_EXPIRED, "rules.group_code_expired",
     "{1} is more than {2} days before {3}, the day the form was filled (填表日期): a {4} group "
     "code lasts {2} days, so this one will have expired; make a new code for the form",
     "{1} 比填表日期 {3} 早 {2} 天以上：{4}群二维码 {2} 天有效，此二维码已过期，请为本表重新"
     "生成二维码"},
    {BEIAN_MSG_APP_CLIENT, "rules.app_client",
     "this applies for an app client (\"{1}\"): 第十三条 says units no longer set up their own "
     "mobile apps (原则上不再单独新设移动互联网应用程序)",
     "本表申请的是应用程序客户端（“{1}”）：第十三条规定原则上各部门、各院系不再单独新设移动互联网"
     "应用程序"},
    {BEIAN_MSG_ALREADY_FILED, "rules.already_filed",
     "\"{1}\" is already filed as {2} ({3}, {4} since {5}): is this a second filing of the same "
     "{6}? (use `beian change {2}` for new data)",
     "“{1}”已备案为 {2}（{3}，自 {5} 起{4}）：是否重复备案？如需变更信息，请办理 {2} 的变更"},
    {BEIAN_MSG_EXCEL_SCIENTIFIC, "sheet.excel_scientific",
     "\"{1}\" is a number Excel shortened to scientific notation, so its digits are lost: "
     RE_EXPORT " (or give beian the .xlsx workbook, which keeps every digit)",
     "“{1}”被 Excel 缩写成了科学计数法，数字已经丢失：" RE_EXPORT_ZH "（或直接提交 .xlsx 工作簿，"
     "其中保留了全部数字）"},
    {BEIAN_MSG_EXCEL_DECIMALS, "sheet.excel_decimals",
     "\"{1}\" was saved as a number with decimals, not as the digits typed: " RE_EXPORT,
     "“{1}”被存成了带小数的数字，而不是输入的号码：" RE_EXPORT_ZH},
    {BEIAN_MSG_EXCEL_LEADING_ZERO, "sheet.excel_leading_zero",
     "\"{1}\" looks like the office number 0{2}-{3} without its leading 0: {4} stored it as a "
     "number. Select the column in Excel or WPS, set its format to 文本 (Text: 设置单元格格式 > "
     "文本), type the number with its area code and a hyphen (0{2}-{3}) and save the sheet again",
     "“{1}”像是丢了开头 0 的办公电话 0{2}-{3}：表格把它存成了数字。请在 Excel 或 WPS 中选中该列，"
     "将单元格格式设为“文本”（设置单元格格式 > 文本），输入带区号和连字符的号码（0{2}-{3}）后再保存"},
    {BEIAN_MSG_SHEET_EMPTY, "sheet.empty",
     "the sheet is empty: its first row should name the fields (field ids or Chinese labels), "
     "and each row below it is one form",
     "表格是空的：第一行应为各栏的名称（字段名或中文名），其下每一行是一张表"},
    {BEIAN_MSG_SHEET_XLS, "sheet.xls",
     "is an Excel 97-2003 (.xls), WPS (.et) or password-protected workbook, which beian cannot "
     "read: open it and save it as an Excel workbook (.xlsx) without a password, or as CSV UTF-8",
     "是 Excel 97-2003（.xls）、WPS（.et）或设了密码的工作簿，无法读取：请打开后另存为不设密码的 "
     "Excel 工作簿（.xlsx），或另存为 CSV UTF-8"},
    {BEIAN_MSG_SHEET_ODS, "sheet.ods",
     "is an OpenDocument spreadsheet (.ods, as LibreOffice or WPS saves it), which beian does not "
     "read: open it and save it as an Excel workbook (文件 > 另存为, 文件类型 Excel 2007-365 "
     "(.xlsx); in WPS Microsoft Excel 文件 (*.xlsx)) or as CSV UTF-8 (文件类型 文本 CSV (.csv), "
     "字符集 Unicode (UTF-8))",
     "是 OpenDocument 表格（.ods，LibreOffice 或 WPS 保存的格式），无法读取：请打开后另存为 Excel "
     "工作簿（文件 > 另存为，文件类型选 Excel 2007-365 (.xlsx)；WPS 中选 Microsoft Excel 文件 "
     "(*.xlsx)），或另存为 CSV UTF-8（文件类型选 文本 CSV (.csv)，字符集选 Unicode (UTF-8)）"},
    {BEIAN_MSG_CSV_NOT_UTF8, "sheet.not_utf8",
     "the text is not valid UTF-8 (bytes {1}): save the sheet again from Excel or WPS as \"CSV "
     "UTF-8\", or say the encoding (gb18030 for \"CSV (逗号分隔)\")",
     "文字不是有效的 UTF-8 编码（字节 {1}）：请在 Excel 或 WPS 中重新另存为“CSV UTF-8”"},
    {BEIAN_MSG_CSV_NOT_UTF8_GB, "sheet.not_utf8_gb18030",
     "the text is neither UTF-8 (it fails on line {1}) nor GB18030 (bytes {2}): save the sheet "
     "again from Excel or WPS as \"CSV UTF-8\" or as a workbook (.xlsx)",
     "文字既不是 UTF-8 编码（第 {1} 行出错），也不是 GB18030 编码（字节 {2}）：请在 Excel 或 WPS "
     "中重新另存为“CSV UTF-8”或工作簿（.xlsx）"},
    {BEIAN_MSG_CSV_QUOTE_OPEN, "sheet.quote_open",
     "a quoted cell that begins on this line is never closed: a quote character (\") is missing, "
     "so the rest of the file would be read as this one cell",
     "从这一行开始的带引号的单元格没有结束：缺少一个引号（\"），文件其余部分都会被读进这一个单元格"},
    {BEIAN_MSG_COLUMN_REQUIRED, "sheet.column_required",
     "is required, but the sheet has no column for it: add a column headed {1} or {2}",
     "为必填项，但表格中没有这一列：请添加一列，表头写“{2}”（或 {1}）"},
    {BEIAN_MSG_COLUMN_ONE_OF, "sheet.column_one_of",
     "the sheet has no column for {1}: one of them is required",
     "表格中没有 {1} 的列：其中至少要有一项"},
    {BEIAN_MSG_COLUMN_TWICE, "sheet.column_twice",
     "columns {1} (\"{2}\") and {3} (\"{4}\") both give this field; keep one of them",
     "{1} 列（“{2}”）和 {3} 列（“{4}”）填的是同一栏，请只保留一列"},
    {BEIAN_MSG_XLSX_UNREADABLE, "sheet.xlsx_unreadable",
     "is not a workbook beian can read ({1}{2}{3}): open it in Excel or WPS and save it again as an "
     "Excel workbook (.xlsx), or as CSV UTF-8",
     "不是可以读取的工作簿（{1}{2}{3}）：请在 Excel 或 WPS 中打开，重新另存为 Excel 工作簿（.xlsx）"
     "或 CSV UTF-8"},
    {BEIAN_MSG_JSON_NOT_UTF8, "json.not_utf8",
     "the file is not UTF-8 text (byte {1}); save it as UTF-8 (in Notepad: 另存为, 编码 UTF-8)",
     "文件不是 UTF-8 编码的文本（字节 {1}）：请另存为 UTF-8（记事本中：另存为，编码选 UTF-8）"},
    {BEIAN_MSG_JSON_NUL, "json.nul", "the file contains a NUL byte; it is not a text file",
     "文件含有 NUL 字节，不是文本文件"},
    {BEIAN_MSG_JSON_TRAILING_COMMA, "json.trailing_comma",
     "JSON syntax error: a trailing comma before {1} at line {2}, column {3}: JSON allows no "
     "comma after the last {4}; remove it",
     "JSON 格式错误：第 {2} 行第 {3} 列，{1} 前多了一个逗号：JSON 的最后一项后面不能有逗号，请删去"},
    {BEIAN_MSG_JSON_FULL_WIDTH, "json.full_width",
     "JSON syntax error: a full-width {1} {2} at line {3}, column {4}: JSON needs the half-width "
     "{5} (switch the input method to English punctuation to type it)",
     "JSON 格式错误：第 {3} 行第 {4} 列有全角符号 {2}，JSON 要求用半角符号 {5}（请把输入法切换"
     "到英文标点再输入）"},
    {BEIAN_MSG_JSON_SYNTAX, "json.syntax", "JSON syntax error: {1}",
     "JSON 格式错误：第 {2} 行第 {3} 列附近（{1}）：请检查括号、引号和逗号"},
    {BEIAN_MSG_JSON_NOT_OBJECT, "json.not_object",
     "expected an object {\"form\": ..., \"fields\": {...}}",
     "文件内容应为一个对象：{\"form\": ..., \"fields\": {...}}"},
    {BEIAN_MSG_JSON_TOO_MANY_KEYS, "json.too_many_keys",
     "the top level has {1} keys; a data file has \"form\", \"fields\" and, optionally, "
     "\"date\"",
     "最外层有 {1} 个键：数据文件只有 \"form\"、\"fields\" 和可选的 \"date\""},
    {BEIAN_MSG_JSON_UNKNOWN_KEY, "json.unknown_key",
     "unknown key; a data file has \"form\", \"fields\" and, optionally, \"date\"",
     "无法识别的键：数据文件只有 \"form\"、\"fields\" 和可选的 \"date\""},
    {BEIAN_MSG_JSON_FORM_MISSING, "json.form_missing",
     "is missing: name the form as a string, one of: {1}",
     "未填写：请用带引号的文字写明表格，可选：{1}"},
    {BEIAN_MSG_JSON_FORM_NOT_TEXT, "json.form_not_text",
     "is not a string: name the form as a string, one of: {1}",
     "不是文字：请用带引号的文字写明表格，可选：{1}"},
    {BEIAN_MSG_JSON_FORM_UNKNOWN, "json.form_unknown", "there is no form \"{1}\"; known forms: {2}",
     "没有名为“{1}”的表格，现有表格：{2}"},
    {BEIAN_MSG_JSON_DATE_NOT_TEXT, "json.date_not_text",
     "must be a date in quotes, such as \"2026-11-24\"", "应为带引号的日期，如 \"2026-11-24\""},
    {BEIAN_MSG_JSON_NOT_A_FIELD, "json.not_a_field",
     "is not a field of form {1} (see: beian forms {1})", "不是表格 {1} 的栏目"},
    {BEIAN_MSG_JSON_NOT_A_FIELD_HINT, "json.not_a_field_hint",
     "is not a field of form {1}; did you mean {2} ({3})?",
     "不是表格 {1} 的栏目：是否想填“{3}”（{2}）？"},
    {BEIAN_MSG_JSON_FIELDS_MISSING, "json.fields_missing",
     "is missing: the values go in an object \"fields\": {\"{1}\": \"...\", ...}",
     "未填写：各栏的内容应写在对象 \"fields\": {\"{1}\": \"...\", ...} 中"},
    {BEIAN_MSG_JSON_FIELDS_NOT_OBJECT, "json.fields_not_object",
     "is not an object: the values go in an object \"fields\": {\"{1}\": \"...\", ...}",
     "不是对象：各栏的内容应写在对象 \"fields\": {\"{1}\": \"...\", ...} 中"},
    {BEIAN_MSG_JSON_TOO_MANY_FIELDS, "json.too_many_fields",
     "has {1} entries; form {2} has {3} fields and at most {4} entries are read",
     "共 {1} 项：表格 {2} 只有 {3} 个栏目，最多读取 {4} 项"},
};

static const message *find(beian_msg msg)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++) {
        if (catalog[i].msg == msg) {
            return &catalog[i];
        }
    }
    return NULL;
}

const char *beian_message_name(beian_msg msg)
{
    const message *m = find(msg);
    return m ? m->name : NULL;
}

int beian_message_language(const char *lang)
{
    return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "zh-CN") == 0);
}

const char *beian_message_template(beian_msg msg, const char *lang)
{
    const message *m = find(msg);
    if (!m) {
        return NULL;
    }
    return lang && strcmp(lang, "zh-CN") == 0 ? m->zh : m->en;
}

char *beian_message_format(beian_msg msg, const char *lang, const char *const *args,
                           size_t nargs)
{
    const char *t = beian_message_template(msg, lang);
    beian_buf b;
    if (!t) {
        return NULL;
    }
    beian_buf_init(&b);
    for (const char *p = t; *p; p++) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}') {
            size_t k = (size_t)(p[1] - '1');
            const char *a = k < nargs && args[k] ? args[k] : "";
            beian_buf_append(&b, a, strlen(a));
            p += 2;
        } else {
            beian_buf_append(&b, p, 1);
        }
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}
