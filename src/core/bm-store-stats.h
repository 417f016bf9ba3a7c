#pragma once

#include <json-glib/json-glib.h>

#include "bm-store.h"

G_BEGIN_DECLS

/* One figure: a key (record state, 科类 code, or local day YYYY-MM-DD) and
 * its count. */
typedef struct {
  char  *key;
  gint64 count;
} BmCount;

/**
 * BmProgress:
 * @registered: live (not voided) records
 * @voided: voided records
 * @review_pending: live records whose identity awaits county review
 * @by_state: (element-type BmCount): live records per lifecycle state
 *   (only states that have records), ordered by state name
 * @by_category: (element-type BmCount): live records per 科类 code
 * @by_day: (element-type BmCount): live records per local day of intake,
 *   oldest first
 * @registration_closes: (nullable): the deadline from the province's
 *   profile (ISO 8601), when it has come with a sync
 * @deadlines: (nullable): every deadline of the profile, as sent
 *
 * The point's progress (the 进度 page, `baoming-cli progress`).
 */
typedef struct {
  gint64      registered;
  gint64      voided;
  gint64      review_pending;
  GArray     *by_state;
  GArray     *by_category;
  GArray     *by_day;
  char       *registration_closes;
  JsonObject *deadlines;
} BmProgress;

#define BM_TYPE_PROGRESS (bm_progress_get_type ())
GType       bm_progress_get_type   (void) G_GNUC_CONST;
void        bm_progress_free       (BmProgress *progress);
BmProgress *bm_progress_copy       (const BmProgress *progress);
gint64      bm_progress_count      (GArray     *counts,
                                    const char *key);
gint64      bm_progress_largest    (GArray     *counts);
JsonObject *bm_progress_to_json    (const BmProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmProgress, bm_progress_free)

BmProgress *bm_store_dup_progress  (BmStore  *self,
                                    GError  **error);

G_END_DECLS
