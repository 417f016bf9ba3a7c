/* The completeness rule for the final submission (seed 第九步): photo, fee,
 * 资格审查, the review of a typed identity, and the candidate's signature.
 * H2's lifecycle and the submission both ask here; nobody else decides it. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-record-complete.h"

static const struct {
  BmCompleteItem item;
  const char *code;
  const char *sentence;
} items[] = {
  { BM_COMPLETE_PHOTO, "photo", N_("no standard photo is stored") },
  { BM_COMPLETE_FEE, "fee", N_("the fee is not recorded as paid") },
  { BM_COMPLETE_ELIGIBILITY, "eligibility", N_("the eligibility check (资格审查) is not recorded") },
  { BM_COMPLETE_REVIEW, "review", N_("the typed identity is not approved by the county") },
  { BM_COMPLETE_SIGNATURE, "signature", N_("the candidate has not signed the proof sheet") },
};

const char *
bm_complete_item_code (BmCompleteItem item)
{
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    if (items[i].item == item)
      return items[i].code;
  return NULL;
}

const char *
bm_complete_item_sentence (BmCompleteItem item)
{
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    if (items[i].item == item)
      return g_dgettext (GETTEXT_PACKAGE, items[i].sentence);
  return NULL;
}

/* A bit set of BmCompleteItem: what is still missing. */
guint
bm_candidate_missing (BmCandidate *candidate, gboolean has_photo)
{
  const char *review = bm_candidate_get (candidate, "review_state");
  guint missing = 0;

  g_return_val_if_fail (BM_IS_CANDIDATE (candidate), 0);
  if (!has_photo)
    missing |= BM_COMPLETE_PHOTO;
  if (!bm_candidate_get_flag (candidate, "fee_paid"))
    missing |= BM_COMPLETE_FEE;
  if (!bm_candidate_get_flag (candidate, "eligibility_checked"))
    missing |= BM_COMPLETE_ELIGIBILITY;
  if (g_strcmp0 (review, "approved") != 0 && g_strcmp0 (review, "not_required") != 0)
    missing |= BM_COMPLETE_REVIEW;
  if (bm_candidate_get_state (candidate) != BM_RECORD_STATE_SIGNED
      || !bm_candidate_get_flag (candidate, "signature_confirmed"))
    missing |= BM_COMPLETE_SIGNATURE;
  return missing;
}

/* The machine codes of the missing items, in a fixed order. */
GStrv
bm_complete_items_codes (guint missing)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    if (missing & items[i].item)
      g_strv_builder_add (builder, items[i].code);
  return g_strv_builder_end (builder);
}

/* TRUE when complete; otherwise one translated sentence naming every
 * missing item (BM_ERROR_INCOMPLETE), and the bit set in *missing. */
gboolean
bm_candidate_check_complete (BmCandidate *candidate, gboolean has_photo, guint *missing, GError **error)
{
  guint m = bm_candidate_missing (candidate, has_photo);
  g_autoptr(GString) list = NULL;

  if (missing != NULL)
    *missing = m;
  if (m == 0)
    return TRUE;
  list = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    if (m & items[i].item)
      {
        if (list->len > 0)
          g_string_append (list, _("; "));
        g_string_append (list, g_dgettext (GETTEXT_PACKAGE, items[i].sentence));
      }
  g_set_error (error, BM_ERROR, BM_ERROR_INCOMPLETE,
               _("Record %s is not complete and cannot be submitted: %s."),
               bm_candidate_get (candidate, "number") ? bm_candidate_get (candidate, "number") : "?", list->str);
  return FALSE;
}
