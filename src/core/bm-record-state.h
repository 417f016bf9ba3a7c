#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The record lifecycle of architecture.md. Stored and synced by name.
 * Review of manually entered identities is a separate axis (review_state):
 * such a record gets its number at the counter, but cannot be submitted
 * until the county has approved it. States move only through events:
 * bm-record-lifecycle.h. */
typedef enum {
  BM_RECORD_STATE_COLLECTED,
  BM_RECORD_STATE_NUMBERED,
  BM_RECORD_STATE_PHOTOGRAPHED,
  BM_RECORD_STATE_CARD_PRINTED,
  BM_RECORD_STATE_FILLED_ONLINE,
  BM_RECORD_STATE_COMMENTED,
  BM_RECORD_STATE_PROOF_PRINTED,
  BM_RECORD_STATE_SIGNED,
  BM_RECORD_STATE_SUBMITTED,
  BM_RECORD_STATE_COUNTY_REVIEWED,
  BM_RECORD_STATE_RETURNED,
  BM_N_RECORD_STATES,
} BmRecordState;

const char    *bm_record_state_to_string   (BmRecordState  state);
gboolean       bm_record_state_from_string (const char    *name,
                                            BmRecordState *state);
const char    *bm_record_state_get_label   (BmRecordState  state);

G_END_DECLS
