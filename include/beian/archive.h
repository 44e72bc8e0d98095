/*
 * beian/archive.h - the archive: dated, versioned, verifiable bundles of every filing.
 *
 * A record is one platform or one work group, numbered <PREFIX>-<YEAR>-<NNNN> (XMT for the
 * platform forms, QUN for the work-group form) under the archive's lock. Every event of the
 * regulation's workflow (submitted, approved, rejected, changed, reviewed, dissolved) adds a
 * version: one immutable bundle, a ZIP holding a BagIt bag with the complete state of the
 * record (data, form definition, printed form, signed scan, provenance), chained to the
 * version before it by Previous-Bundle-SHA256:
 *
 *     DIR/records/<YEAR>/<RECORD>/v<N>-<YYYYMMDD>.zip
 *     DIR/ledger.txt   one hash-chained line per bundle, in filing order
 *     DIR/index.db     the register's index (SQLite): derived from the ledger and the bundles,
 *                      caught up after each filing and by readers; rebuilt by beian reindex
 *     DIR/reprints.log one line per reprint
 *     DIR/lock         the writers' lock (flock); holds the holder's pid and command
 *     DIR/tmp/         bundles being committed
 *
 * Writers take the lock (waiting up to wait_seconds), build the bundle in memory, check it,
 * write it to tmp/, fsync, link() it to its final name (never replacing anything), fsync the
 * directory and append to the ledger by temporary file, fsync and rename. docs/archive.md
 * names the steps of this commit; a crash at any of them leaves an archive that `beian fsck`
 * repairs (beian_archive_fsck). Nothing here reads the clock: every date is given.
 */
#ifndef BEIAN_ARCHIVE_H
#define BEIAN_ARCHIVE_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/date.h"
#include "beian/record.h"
#include "beian/scan.h"
#include "beian/tracking.h"
#include "beian/verify.h"

typedef struct beian_archive beian_archive;

/* The size of a record number with its NUL: <PREFIX>-<YEAR>-<NNNN>, at most 31 characters
 * (beian_record_no_valid). */
#define BEIAN_RECORD_NO_SIZE 32
/* The size of a SHA-256 as 64 lowercase hex digits with its NUL (a bundle, a ledger line). */
#define BEIAN_ARCHIVE_HASH_SIZE 65

/* Called at each named step of a commit (docs/archive.md lists them); the command line
 * uses it for fault injection (BEIAN_CRASH_AT). */
typedef void (*beian_archive_step_fn)(void *user, const char *step);

typedef struct {
    const char *dir;            /* NULL: $BEIAN_ARCHIVE, else ./archive */
    int wait_seconds;           /* how long a writer waits for the lock */
    beian_archive_step_fn step; /* may be NULL */
    void *step_user;
    const char *command; /* what holds the lock, for the message a waiting writer gets */
} beian_archive_options;

#define BEIAN_ARCHIVE_OPTIONS_INIT                                                                 \
    {                                                                                              \
        NULL, 30, NULL, NULL, NULL                                                                 \
    }

/*
 * Opens the archive. With create, a missing archive is created (only for a new record's
 * filing: beian_archive_created then says so); without, a folder that is missing or holds no
 * archive (no ledger.txt, no records/) is BEIAN_ENOINPUT and nothing is created in it. The
 * context is borrowed for the archive's life.
 */
int beian_archive_open(beian_ctx *ctx, const beian_archive_options *opts, int create,
                       beian_archive **out);
void beian_archive_free(beian_archive *ar);
const char *beian_archive_dir(const beian_archive *ar);
/* With on, the register's readers use index.db only as it is and never write it (a missing
 * or stale one is read around, from the bundles): `verify` reports the index's state and must
 * not change it. */
void beian_archive_index_readonly(beian_archive *ar, int on);
/* 1 when beian_archive_open created the archive (there was none at its folder). */
int beian_archive_created(const beian_archive *ar);
/*
 * Takes the writers' lock (waiting like a commit; BEIAN_EBUSY naming the holder) and keeps it
 * across commits until beian_archive_release (or beian_archive_free): a sheet of rows is filed
 * with no other writer in between, each row still its own commit.
 */
int beian_archive_hold(beian_archive *ar);
void beian_archive_release(beian_archive *ar);

/* ---- the workflow ---- */

typedef enum {
    BEIAN_EVENT_SUBMITTED,
    BEIAN_EVENT_APPROVED,
    BEIAN_EVENT_REJECTED,
    BEIAN_EVENT_CHANGED,
    BEIAN_EVENT_REVIEWED,
    BEIAN_EVENT_DISSOLVED
} beian_event_kind;

typedef enum {
    BEIAN_STATE_NONE, /* not filed yet */
    BEIAN_STATE_SUBMITTED,
    BEIAN_STATE_APPROVED,
    BEIAN_STATE_CHANGED,
    BEIAN_STATE_REJECTED,
    BEIAN_STATE_REVIEW_FAILED,
    BEIAN_STATE_DISSOLVED
} beian_state;

/* "submitted", ... as in bag-info and the ledger; and the Chinese words the office uses. */
const char *beian_archive_event_name(beian_event_kind ev);
const char *beian_archive_event_label(beian_event_kind ev);
int beian_archive_event_parse(const char *name, beian_event_kind *ev);
const char *beian_archive_state_name(beian_state st);
const char *beian_archive_state_label(beian_state st);
int beian_archive_state_parse(const char *name, beian_state *st);

/*
 * The state after ev in state from (review_pass for reviews), or BEIAN_EDATA when the
 * workflow does not allow it. The table is in archive_workflow.c and docs/archive.md.
 */
int beian_archive_workflow_next(beian_state from, beian_event_kind ev, int review_pass, beian_state *to);
/* The events allowed in st, as "approve, reject or dissolve" (static). */
const char *beian_archive_workflow_allowed(beian_state st);

/* ---- filing ---- */

/* One more file of a scan that is several files (a folder's pages of one form, issue 13). */
typedef struct {
    const unsigned char *data; /* borrowed: the bytes judged by the intake */
    size_t len;
    const char *name; /* its file name */
    int page;         /* the form's first page in it (2..) */
} beian_scan_part;

typedef struct {
    beian_event_kind kind;
    const char *date;          /* YYYY-MM-DD, required */
    beian_record *record;      /* submitted, changed: the validated data (borrowed; its
                                  date is set to the event's date when it has none) */
    const char *reason;        /* rejected (required), dissolved (optional) */
    int year;                  /* reviewed: the year under review */
    int review_pass;           /* reviewed: 1 pass, 0 fail */
    const unsigned char *scan; /* approved (required), reviewed (optional): PDF/PNG/JPEG */
    size_t scan_len;
    const char *scan_name;           /* the scan's file name, for messages and provenance */
    const beian_tracking *scan_code; /* the tracking code read from the scan, or NULL: the
                                        archive refuses a code that names another record, an
                                        older printed version, or other data */
    /* The dates the regulation's deadlines count from (YYYY-MM-DD, or NULL), kept in
     * data/event.json; none may be after the event's date (docs/rules.md): */
    const char *changed_on; /* changed: the day the administrator or head changed (第七条) */
    const char *closed_on;  /* dissolved: the day the platform or group was closed (第十三条) */
    const char *opened_on;  /* any event: the day the platform opened (第七条: not before its
                               approval) */
    /* Warnings of the checks before signing (beian_rules_check), kept in data/event.json. */
    const char *const *warnings;
    size_t n_warnings;
    /* 1: the date was confirmed (--date-confirmed): an event dated more than a year after the
     * newest date in the ledger is otherwise refused as a likely typo (issue 14) */
    int date_confirmed;
    /* A scan from which no tracking code was read is filed only with a reason (--unverified):
     * kept in data/event.json, and the version is shown as 未经校验 (issue 13). */
    const char *unverified;
    /* A scan of several files: the files after the first (scan, scan_len, scan_name holds
     * page 1), in page order; filed as data/signed-p<page>.<ext> (docs/audit.md). */
    const beian_scan_part *scan_more;
    size_t n_scan_more;
} beian_event;

#define BEIAN_EVENT_INIT                                                                           \
    {                                                                                              \
        BEIAN_EVENT_SUBMITTED, NULL, NULL, NULL, 0, 1, NULL, 0, NULL, NULL, NULL, NULL, NULL,     \
            NULL, 0, 0, NULL, NULL, 0                                                              \
    }

/* ---- the intake of a signed paper (issue 13) ---- */

typedef struct {
    beian_event_kind kind;  /* BEIAN_EVENT_APPROVED or BEIAN_EVENT_REVIEWED */
    const char *record_no;  /* the record named by the office, or NULL: the code says */
    const char *unverified; /* the reason to file a scan whose code cannot be read, or NULL */
    int join; /* 1 (a folder): a file with some pages of a form, each code with its page, is not
                 refused but given back partial, to be joined with the folder's other files */
} beian_intake_options;

typedef enum {
    BEIAN_INTAKE_CODE,      /* the footer code names the record's form */
    BEIAN_INTAKE_DRAFT,     /* a draft's code (printed by `beian fill`); its digest is checked */
    BEIAN_INTAKE_UNVERIFIED /* no code read; filed on the office's word (未经校验) */
} beian_intake_check;

typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE]; /* the record to file it under */
    beian_intake_check check;
    beian_tracking code; /* the code every page with one agrees on (not UNVERIFIED) */
    size_t pages;        /* pages of the scan */
    size_t coded;        /* of them, with the form's code in their footer */
    int form_pages;      /* pages of the form in force (0: unknown) */
    unsigned shown;      /* bit k set: the form's page k is among them (codes with the page) */
    int partial;         /* opts->join: pages of the form are missing, join it (below) */
} beian_intake;

/*
 * Judges the scan in data (borrowed: the caller files these same bytes; name for messages) as
 * the signed paper of an approval or a review: reads the footer code of every page, refuses a
 * file that is not a readable scan (a PDF beian wrote, a damaged file), pages of other records
 * or versions, a reprint's copy, a form of several pages not all read, a draft whose data is no
 * record's, a scan without a code (unless opts->unverified names a reason and opts->record_no
 * the record; even then a blank page 1 or one without a form). BEIAN_OK fills out; the commit
 * (beian_archive_commit with ev.scan_code / ev.unverified from out) checks the code against the
 * record's state again under the lock. BEIAN_EDATA with the problems; BEIAN_ENOINPUT: no such
 * record.
 */
int beian_archive_intake(beian_archive *ar, const char *name, const unsigned char *data,
                         size_t len, const beian_intake_options *opts, beian_intake *out,
                         beian_problems *pr);

/* One file of a folder whose intake was partial, for beian_archive_intake_join. */
typedef struct {
    const char *name;       /* the file, for messages */
    const beian_intake *in; /* borrowed */
} beian_intake_part;

/* 1 when a and b are pages of the same printed form: record, version, data and copy. */
int beian_archive_intake_same(const beian_intake *a, const beian_intake *b);

/*
 * Joins the n partial files of one form (beian_archive_intake_same) into one document: every
 * page of the form in exactly one file, page 1 (the signatures) among them. BEIAN_OK puts the
 * files' indexes into order (n entries) by their first page; BEIAN_EDATA with a problem naming
 * the missing page and the files seen, or a page seen twice and both its files.
 */
int beian_archive_intake_join(const beian_intake_part *parts, size_t n, size_t *order,
                              beian_problems *pr);

typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    int version;
    beian_state state;
    char *path;         /* the bundle, relative to the archive */
    char sha256[BEIAN_ARCHIVE_HASH_SIZE]; /* of the bundle */
    unsigned char *pdf; /* submitted, changed: the printed form to print and sign */
    size_t pdf_len;
} beian_commit_result;

/*
 * Files one event: a submission (record_no NULL; the archive numbers the record) or a later
 * event of record_no. On BEIAN_EDATA the problems say why (bad date, a transition the
 * workflow does not allow, naming the record's state; a scan that names another record...);
 * BEIAN_ENOINPUT: no such record; BEIAN_EBUSY: another writer holds the lock (the context's
 * message names it); BEIAN_EIO/BEIAN_ECREATE: the disk failed. res is filled on BEIAN_OK.
 */
int beian_archive_commit(beian_archive *ar, const char *record_no, const beian_event *ev,
                         beian_commit_result *res, beian_problems *pr);
void beian_commit_result_release(beian_commit_result *res);

/* ---- reading ---- */

typedef struct {
    int version;
    beian_event_kind event;
    beian_state state;
    char date[BEIAN_DATE_SIZE];
    char *path;      /* relative to the archive */
    char sha256[BEIAN_ARCHIVE_HASH_SIZE]; /* of the bundle, as the ledger recorded it */
    char *detail;    /* reason, review result, scan file; may be NULL */
    int unverified;  /* its scan was filed without a code read (--unverified): 未经校验 */
} beian_version_info;

typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    char *form_id;
    char *name; /* 名称 or 群名称 */
    beian_state state;
    int version;   /* latest */
    char date[BEIAN_DATE_SIZE]; /* of the latest version */
    int unverified; /* the signed copy in force was filed without a code read: 未经校验
                       (set by beian_archive_facts) */
} beian_record_info;

/* The record's history, oldest first, from the ledger and the bundles. */
int beian_archive_history(beian_archive *ar, const char *record_no, beian_record_info *info,
                          beian_version_info **versions, size_t *n, beian_problems *pr);
void beian_version_infos_free(beian_version_info *v, size_t n);
/* Every record (the register, 台账), by number. */
int beian_archive_list(beian_archive *ar, beian_record_info **records, size_t *n,
                       beian_problems *pr);
void beian_record_info_release(beian_record_info *r);
void beian_record_infos_free(beian_record_info *r, size_t n);
/* What the regulation's rules read from one version (beian/rules.h). */
typedef struct {
    int version;
    beian_event_kind event;
    beian_state state;
    char date[BEIAN_DATE_SIZE];       /* the filing date */
    char changed_on[BEIAN_DATE_SIZE]; /* "" when not given */
    char closed_on[BEIAN_DATE_SIZE];
    char opened_on[BEIAN_DATE_SIZE];
    int review_year; /* reviewed: the year, and whether it passed */
    int review_pass;
} beian_event_facts;

/* A record's history and the fields of its latest data, for the register and the rules. */
typedef struct {
    beian_record_info info;
    beian_event_kind last_event;
    char *unit;    /* 主办单位 / 申请单位 / 所属部门名称, or NULL */
    char *admin;   /* 管理员姓名 (the first), or NULL */
    char *account; /* 账号, or NULL */
    char *qr;      /* 群二维码 payload, or NULL */
    char *number;  /* 群号, or NULL */
    beian_event_facts *events; /* oldest first */
    size_t n_events;
} beian_record_facts;

/*
 * Every record of the archive with its history, by number (one read of each bundle). A
 * bundle that is missing or damaged is skipped with a warning in pr (run verify).
 */
int beian_archive_facts(beian_archive *ar, beian_record_facts **out, size_t *n,
                        beian_problems *pr);
/* The values the checks before signing compare a record with the archive's by
 * (beian_rules_keys): the group's QR payload, the account, the group number, the name. */
#define BEIAN_RULES_KEYS 4
/*
 * As beian_archive_facts, for only the records that share one of keys (a NULL key matches
 * nothing): what beian_rules_check needs to find a second filing of the same group or
 * platform, from the index's indexed columns instead of every record (a filing's checks cost
 * the same in an archive of ten records or ten thousand).
 */
int beian_archive_facts_like(beian_archive *ar, const char *const keys[BEIAN_RULES_KEYS],
                             beian_record_facts **out, size_t *n, beian_problems *pr);
void beian_record_facts_free(beian_record_facts *r, size_t n);
/* 1 when s looks like a record number (XMT-2026-0007). */
int beian_record_no_valid(const char *s);
/* A record number as people type it (xmt-2026-7, XMT-2026-00007) as the archive writes it
 * (XMT-2026-0007) into out; 1 when s is one, 0 otherwise (out undefined). */
int beian_record_no_normalise(const char *s, char out[BEIAN_RECORD_NO_SIZE]);

/* One version that filed new data (a submission or a change), found by the data's digest. */
typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    int version;                               /* the version that filed the data */
    char date[BEIAN_DATE_SIZE];                /* its filing date */
    char record_sha[BEIAN_ARCHIVE_HASH_SIZE];  /* SHA-256 of the data (beian_record_digest) */
    int latest;                                /* the record's latest version */
    beian_state state;                         /* the record's state at its latest version */
} beian_filed_data;

/*
 * Every version of the archive that filed new data, in ledger order, with its data's digest
 * from the bundle's bag-info (each bundle read and checked; one that is missing or damaged is
 * left out with a warning in pr). Lets a sheet filed again recognise its rows.
 */
int beian_archive_filed_data(beian_archive *ar, beian_filed_data **out, size_t *n,
                             beian_problems *pr);

/* ---- verifying and repairing ---- */

typedef struct {
    const char *record_no; /* NULL: the whole archive */
    const char *anchor;    /* "N:HASH" from an anchor slip, or NULL */
    /* called after each bundle is checked (may be NULL): for a progress display */
    void (*progress)(void *user, size_t done, size_t total);
    void *progress_user;
} beian_verify_options;

/* What index.db (derived from the ledger and the bundles) was found to be. */
typedef enum {
    BEIAN_INDEX_NOT_CHECKED = 0, /* one record was verified, or the ledger is damaged */
    BEIAN_INDEX_FRESH,           /* the index of the whole ledger */
    BEIAN_INDEX_BEHIND,  /* the index of the ledger's first index_lines lines: an update after
                            a filing failed; the next filing or fsck rebuilds it (not damage) */
    BEIAN_INDEX_MISSING, /* absent (not damage either: readers use the ledger) */
    BEIAN_INDEX_WRONG    /* contradicts the ledger: a STORE-INDEX finding */
} beian_index_state;

typedef struct {
    size_t records, bundles, ledger_lines;
    char head[BEIAN_ARCHIVE_HASH_SIZE]; /* hash of the ledger's last line */
    beian_index_state index;
    size_t index_lines; /* BEIAN_INDEX_BEHIND: the ledger lines the index was made from */
} beian_verify_summary;

/*
 * Checks the archive (or one record) layer by layer and adds a finding for everything wrong.
 * Returns BEIAN_OK when intact, BEIAN_EDATA when something is damaged, BEIAN_ENOINPUT for an
 * unknown record, BEIAN_EUSAGE for a malformed anchor.
 */
int beian_archive_verify(beian_archive *ar, const beian_verify_options *opts,
                         beian_findings *findings, beian_verify_summary *summary);
/* Checks one bundle file on its own (container, bag, content). */
int beian_archive_verify_bundle_file(beian_ctx *ctx, const char *path, beian_findings *findings);

/*
 * Repairs what an interrupted commit leaves: removes temporary files, completes the commit of
 * a bundle linked but not in the ledger (after checking it fully) or sets it aside in
 * quarantine/, and rebuilds the index. Each action is a BEIAN_SEV_NOTE problem; what it
 * cannot repair (tampering) is left for verify. With dry_run nothing changes.
 */
int beian_archive_fsck(beian_archive *ar, int dry_run, beian_problems *actions);
/*
 * Rebuilds index.db from the ledger and the bundles alone (under the writers' lock); *lines
 * is how many ledger lines it holds. Refuses (BEIAN_EDATA, problems say why) a damaged
 * ledger and an index ahead of the ledger: that is a ledger cut short, not a stale index.
 */
int beian_archive_reindex(beian_archive *ar, size_t *lines, beian_problems *pr);

/* ---- searching ---- */

/* One value found: a field of a record that held it from one version until another. */
typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    char *form_id;
    char *name;  /* the record's name (名称 / 群名称) now */
    char *field; /* the field's id and Chinese label (管理员姓名 1) */
    char *label;
    char *value;
    int from_version; /* the first version of the run that holds the value */
    char from_date[BEIAN_DATE_SIZE];
    int until_version; /* the change that replaced it, or 0: still so in the latest version */
    char until_date[BEIAN_DATE_SIZE];
    beian_event_kind until_event;
    int latest_version;
    beian_state state; /* the record's state now */
} beian_search_hit;

/*
 * Every value of every version that contains text (letters in any case, full-width or not;
 * spaces and hyphens ignored, so 13800138000 finds 138-0013-8000), by record, field and
 * version. Three characters or more are looked up in the index's trigram table, one or two
 * (most Chinese names) by a scan of the normalised values.
 */
int beian_archive_search(beian_archive *ar, const char *text, beian_search_hit **hits, size_t *n,
                         beian_problems *pr);
void beian_search_hits_free(beian_search_hit *h, size_t n);
/* The SQLite version index.db is written with. */
const char *beian_archive_index_library_version(void);

/* ---- reprinting and anchoring ---- */

typedef struct {
    int version;      /* 0: the latest */
    const char *date; /* the reprint date printed in the mark, required */
    int exact;        /* the archived bytes unchanged, no mark */
    int mask;         /* mobile numbers and e-mails masked (139****2345) */
} beian_reprint_options;

typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    int version;
    char bundle_sha256[BEIAN_ARCHIVE_HASH_SIZE];
    int identical; /* the re-rendered page equals the archived one apart from the mark */
} beian_reprint_info;

/*
 * Verifies the record (refusing a damaged one: BEIAN_EDATA with findings), then gives the
 * archived form of that version: re-rendered from the archived record and form definition
 * with a reprint mark (补打（副本）, date, version, first digits of the bundle digest), or
 * with exact the archived PDF itself. The reprint is appended to reprints.log.
 */
int beian_archive_reprint(beian_archive *ar, const char *record_no,
                          const beian_reprint_options *opts, unsigned char **pdf, size_t *len,
                          beian_reprint_info *info, beian_findings *findings, beian_problems *pr);

/* One file of a filed scan, as beian_archive_scan_copy gives it back. */
typedef struct {
    char entry[64];      /* its name in the bundle: data/signed.png, data/signed-p2.png */
    char *name;          /* its original file name (may be ""), malloc'd */
    int page;            /* the form's first page in it (1 for a scan of one file) */
    unsigned char *data; /* byte for byte as filed, malloc'd */
    size_t len;
} beian_scan_file;

/*
 * The scan filed with a version (version 0: the latest), byte for byte, after verifying the
 * record: the version's own scan (an approval's, a review's), else the signed copy its bundle
 * carries; one file, or several when the pages of the form were filed as separate files (page
 * order). *files (*n of them) is the caller's: beian_scan_files_free. BEIAN_EDATA with a
 * problem when the version carries no scan or the record is damaged (findings);
 * BEIAN_ENOINPUT: no such record.
 */
int beian_archive_scan_copy(beian_archive *ar, const char *record_no, int version,
                            beian_scan_file **files, size_t *n, beian_findings *findings,
                            beian_problems *pr);
void beian_scan_files_free(beian_scan_file *files, size_t n);

/* The ledger's line count and head hash (after checking its chain: BEIAN_EDATA with findings
 * when broken). */
int beian_archive_anchor(beian_archive *ar, size_t *lines, char head[BEIAN_ARCHIVE_HASH_SIZE],
                         beian_findings *findings);
/* A one-page slip with the anchor, dated date, to be signed, sealed and filed on paper. */
int beian_archive_anchor_slip(beian_archive *ar, const char *date, unsigned char **pdf, size_t *len,
                              size_t *lines, char head[BEIAN_ARCHIVE_HASH_SIZE],
                              beian_findings *findings, beian_problems *pr);

#endif
