#pragma once

#include <json-glib/json-glib.h>

#include "bm-candidate.h"
#include "bm-record-state.h"

G_BEGIN_DECLS

/**
 * BmRecordEvent:
 *
 * What happens to a record at the point or at the county. A record's state
 * moves only through these (docs/lifecycle.md). Only the province's
 * acceptance of the final submission (bm-store-submit.c applies its
 * answer) reaches `submitted`.
 */
typedef enum {
  BM_RECORD_EVENT_NUMBER_ASSIGNED,
  BM_RECORD_EVENT_PHOTO_SAVED,
  BM_RECORD_EVENT_CARD_PRINTED,         /* CUPS job completed, not "sent" */
  BM_RECORD_EVENT_CARD_HANDED_OVER,
  BM_RECORD_EVENT_FEE_RECORDED,
  BM_RECORD_EVENT_ELIGIBILITY_RECORDED,
  BM_RECORD_EVENT_REVIEW_DECIDED,       /* local review by an officer */
  BM_RECORD_EVENT_ONLINE_FIELDS_PULLED, /* province only */
  BM_RECORD_EVENT_COMMENT_SAVED,
  BM_RECORD_EVENT_PROOF_PRINTED,        /* CUPS job completed */
  BM_RECORD_EVENT_SIGNATURE_CONFIRMED,
  BM_RECORD_EVENT_PHONE_CONFIRMED,
  BM_RECORD_EVENT_RECORD_CHANGED,
  BM_RECORD_EVENT_COUNTY_APPROVED,      /* province only */
  BM_RECORD_EVENT_COUNTY_RETURNED,      /* province only */
  BM_RECORD_EVENT_SUBMISSION_ACCEPTED,  /* province only: the final submission's answer */
  BM_N_RECORD_EVENTS,
} BmRecordEvent;

const char *bm_record_event_to_string (BmRecordEvent event);
const char *bm_record_event_get_label (BmRecordEvent event);

/* Where @event takes @candidate when @actor causes it: TRUE with *to (equal
 * to the current state when the event does not move it), or FALSE with
 * BM_ERROR_ILLEGAL_TRANSITION and a sentence saying what is missing
 * (BM_ERROR_PERMISSION when only the provincial server may cause it).
 * Checks the record only; account roles are the store's. */
gboolean    bm_record_lifecycle_next  (BmCandidate    *candidate,
                                       BmRecordEvent   event,
                                       const char     *actor,
                                       BmRecordState  *to,
                                       GError        **error);

/* Only what @event needs from the record (fee, 资格审查, review, online
 * fields, 评语, card match), whatever its state: for refusing work before
 * it starts (a 校对表 is not printed before its online fields arrived). */
gboolean    bm_record_lifecycle_check_preconditions (BmCandidate    *candidate,
                                                     BmRecordEvent   event,
                                                     GError        **error);

/* bm_record_lifecycle_next(), then the move and the fields the event sets
 * (flags, times), with "event", "from" and "to" in @detail (the caller's
 * audit entry). The caller writes the record inside its transaction. */
gboolean    bm_record_lifecycle_apply (BmCandidate    *candidate,
                                       BmRecordEvent   event,
                                       const char     *actor,
                                       JsonObject     *detail,
                                       GError        **error);

/* Who reviews a record typed in by hand (seed 三.1-3): "county" for a
 * 随迁子女, "city" otherwise; NULL for a record read from a chip. */
const char *bm_record_lifecycle_review_level (BmCandidate *candidate);

/* May a supervisor correct the state from @from to @to? Never into
 * submitted, county_reviewed or returned, never out of a state the
 * province holds. */
gboolean    bm_record_lifecycle_check_correction (BmRecordState   from,
                                                  BmRecordState   to,
                                                  GError        **error);

/* The lifecycle fields of a record (columns and record JSON keys). */
const char * const *bm_record_lifecycle_keys (void);

G_END_DECLS
