#pragma once

#include "bm-record-lifecycle.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* The lifecycle events a point records (bm-store-lifecycle.c,
 * docs/lifecycle.md). Each loads the live record, applies the event with
 * its preconditions, bumps the version and audits it, in one transaction. */

/* Events that need nothing but the operator: CARD_PRINTED and
 * PROOF_PRINTED (a completed print job), CARD_HANDED_OVER, FEE_RECORDED,
 * ELIGIBILITY_RECORDED. */
gboolean bm_store_record_event      (BmStore        *self,
                                     const char     *number,
                                     BmRecordEvent   event,
                                     const char     *operator_name,
                                     GError        **error);

/* The local review of a typed-in identity: only an officer account (role
 * officer); the decision is recorded as theirs (reviewed_by). */
gboolean bm_store_set_review        (BmStore        *self,
                                     const char     *number,
                                     gboolean        approved,
                                     const char     *operator_name,
                                     GError        **error);

/* The candidate signed the printed 校对表. @card is the identity read from
 * the second-generation card placed at that moment, or NULL: a record typed
 * in by hand needs it, its ID number and name must match, and the record
 * then takes the card's fields and provenance (source "card",
 * card_matched_at). */
gboolean bm_store_confirm_signature (BmStore        *self,
                                     const char     *number,
                                     BmIdentity     *card,
                                     const char     *operator_name,
                                     GError        **error);

/* Seed 四: the candidate cannot come; the point confirmed the record by
 * phone instead. @approved_by must be a supervisor account. */
gboolean bm_store_confirm_by_phone  (BmStore        *self,
                                     const char     *number,
                                     const char     *phone_number,
                                     const char     *approved_by,
                                     const char     *operator_name,
                                     GError        **error);

/* The exceptional case: a supervisor sets a state by hand, with a reason
 * (audited as "state_correction"). Never submitted, county_reviewed or
 * returned. */
gboolean bm_store_correct_state     (BmStore        *self,
                                     const char     *number,
                                     BmRecordState   state,
                                     const char     *reason,
                                     const char     *operator_name,
                                     GError        **error);

G_END_DECLS
