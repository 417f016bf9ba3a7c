#pragma once

#include <glib.h>

#include "bm-candidate.h"

G_BEGIN_DECLS

/* What a record needs before the point may submit it to the province
 * (seed 第九步, docs/sync-protocol.md §11). The same rule holds on the
 * development server (tests/province/province-submit.c). */
typedef enum {
  BM_COMPLETE_PHOTO       = 1 << 0,   /* a standard photo is stored */
  BM_COMPLETE_FEE         = 1 << 1,   /* fee_paid */
  BM_COMPLETE_ELIGIBILITY = 1 << 2,   /* eligibility_checked (资格审查) */
  BM_COMPLETE_REVIEW      = 1 << 3,   /* review_state approved or not_required */
  BM_COMPLETE_SIGNATURE   = 1 << 4,   /* state signed and signature_confirmed */
} BmCompleteItem;

const char *bm_complete_item_code     (BmCompleteItem  item);
const char *bm_complete_item_sentence (BmCompleteItem  item);
guint       bm_candidate_missing      (BmCandidate    *candidate,
                                       gboolean        has_photo);
GStrv       bm_complete_items_codes   (guint           missing);
gboolean    bm_candidate_check_complete (BmCandidate  *candidate,
                                       gboolean        has_photo,
                                       guint          *missing,
                                       GError        **error);

G_END_DECLS
