#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-record-state.h"

static const struct {
  const char *name;
  const char *label;
} states[BM_N_RECORD_STATES] = {
  [BM_RECORD_STATE_COLLECTED] = { "collected", N_("Identity collected") },
  [BM_RECORD_STATE_NUMBERED] = { "numbered", N_("Number assigned") },
  [BM_RECORD_STATE_PHOTOGRAPHED] = { "photographed", N_("Photo taken") },
  [BM_RECORD_STATE_CARD_PRINTED] = { "card_printed", N_("Login card printed") },
  [BM_RECORD_STATE_FILLED_ONLINE] = { "filled_online", N_("Filled in online") },
  [BM_RECORD_STATE_COMMENTED] = { "commented", N_("Comment entered") },
  [BM_RECORD_STATE_PROOF_PRINTED] = { "proof_printed", N_("Proof sheet printed") },
  [BM_RECORD_STATE_SIGNED] = { "signed", N_("Signed by the candidate") },
  [BM_RECORD_STATE_SUBMITTED] = { "submitted", N_("Submitted") },
  [BM_RECORD_STATE_COUNTY_REVIEWED] = { "county_reviewed", N_("Reviewed by the county") },
  [BM_RECORD_STATE_RETURNED] = { "returned", N_("Returned for correction") },
};

const char *
bm_record_state_to_string (BmRecordState state)
{
  g_return_val_if_fail (state < BM_N_RECORD_STATES, NULL);
  return states[state].name;
}

const char *
bm_record_state_get_label (BmRecordState state)
{
  g_return_val_if_fail (state < BM_N_RECORD_STATES, NULL);
  return g_dgettext (GETTEXT_PACKAGE, states[state].label);
}

gboolean
bm_record_state_from_string (const char *name, BmRecordState *state)
{
  for (int i = 0; i < BM_N_RECORD_STATES; i++)
    if (name != NULL && g_str_equal (states[i].name, name))
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}
