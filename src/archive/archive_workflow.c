/*
 * archive_workflow.c - the words and the rule of the archive's workflow: the names and Chinese
 * labels of events and states, and which event may follow which state. No I/O and no state:
 * the bottom of the archive, called by every module above it.
 */
#include <string.h>

#include "beian/archive.h"

/* ---- names ---- */

static const char *const event_names[] = {"submitted", "approved", "rejected",
                                          "changed",   "reviewed", "dissolved"};
static const char *const event_labels[] = {"提交", "批准备案", "退回", "变更", "年审", "注销"};
static const char *const state_names[] = {"none",     "submitted",     "approved", "changed",
                                          "rejected", "review-failed", "dissolved"};
static const char *const state_labels[] = {"未备案", "已提交，待审批", "已备案", "已变更，待审批",
                                           "已退回", "年审未通过",     "已注销"};

/* How many events and states there are (beian_event_kind, beian_state). */
#define N_EVENTS (sizeof event_names / sizeof event_names[0])
#define N_STATES (sizeof state_names / sizeof state_names[0])

const char *beian_archive_event_name(beian_event_kind ev)
{
    return (size_t)ev < N_EVENTS ? event_names[ev] : "?";
}

const char *beian_archive_event_label(beian_event_kind ev)
{
    return (size_t)ev < N_EVENTS ? event_labels[ev] : "?";
}

int beian_archive_event_parse(const char *name, beian_event_kind *ev)
{
    for (int i = 0; name && (size_t)i < N_EVENTS; i++) {
        if (strcmp(name, event_names[i]) == 0) {
            *ev = (beian_event_kind)i;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

const char *beian_archive_state_name(beian_state st)
{
    return (size_t)st < N_STATES ? state_names[st] : "?";
}

const char *beian_archive_state_label(beian_state st)
{
    return (size_t)st < N_STATES ? state_labels[st] : "?";
}

int beian_archive_state_parse(const char *name, beian_state *st)
{
    for (int i = 0; name && (size_t)i < N_STATES; i++) {
        if (strcmp(name, state_names[i]) == 0) {
            *st = (beian_state)i;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

/* ---- the workflow ----
 *
 * From the regulation (seed, 附件1): a platform or group is filed and approved (art. 7),
 * changes of its administrator are filed again (art. 7, within 7 days), it is reviewed every
 * year and may not run on when it fails (art. 8), and its dissolution is filed (art. 13,
 * within 3 days). A returned (rejected) filing is corrected with a change and decided again.
 */
static const struct {
    beian_state from;
    beian_event_kind ev;
    beian_state to;
} transitions[] = {
    {BEIAN_STATE_NONE, BEIAN_EVENT_SUBMITTED, BEIAN_STATE_SUBMITTED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_APPROVED, BEIAN_STATE_APPROVED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_REJECTED, BEIAN_STATE_REJECTED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_APPROVED, BEIAN_STATE_APPROVED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_REJECTED, BEIAN_STATE_REJECTED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_REVIEWED, BEIAN_STATE_APPROVED}, /* or failed */
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_REJECTED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_REJECTED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_REVIEWED, BEIAN_STATE_APPROVED}, /* or failed */
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
};

int beian_archive_workflow_next(beian_state from, beian_event_kind ev, int review_pass, beian_state *to)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (transitions[i].from == from && transitions[i].ev == ev) {
            *to = ev == BEIAN_EVENT_REVIEWED && !review_pass ? BEIAN_STATE_REVIEW_FAILED
                                                             : transitions[i].to;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

const char *beian_archive_workflow_allowed(beian_state st)
{
    switch (st) {
    case BEIAN_STATE_NONE:
        return "submit";
    case BEIAN_STATE_SUBMITTED:
    case BEIAN_STATE_CHANGED:
        return "approve, reject or dissolve";
    case BEIAN_STATE_APPROVED:
    case BEIAN_STATE_REVIEW_FAILED:
        return "change, review or dissolve";
    case BEIAN_STATE_REJECTED:
        return "change (to correct it) or dissolve";
    case BEIAN_STATE_DISSOLVED:
        break;
    }
    return "nothing more: a dissolved record is closed";
}
