#pragma once

/* The store's side of sync (docs/sync-protocol.md §9): the outbox of batches,
 * per-record sync state, photos known to be on the server, applying batch
 * results and pulled changes. Tables: migration 30 in bm-store-schema.c. */

#include "bm-store.h"
#include "bm-sync-message.h"

G_BEGIN_DECLS

typedef struct {
  char    *batch_id;
  GBytes  *body;
  GStrv    photos;        /* sha256 of the photos its records refer to */
  guint    n_records;
} BmSyncBatch;

void bm_sync_batch_free (BmSyncBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncBatch, bm_sync_batch_free)

char        *bm_store_sync_get            (BmStore     *self,
                                           const char  *key);
gboolean     bm_store_sync_set            (BmStore     *self,
                                           const char  *key,
                                           const char  *value,
                                           GError     **error);
GPtrArray   *bm_store_sync_stored_batches (BmStore     *self,
                                           GError     **error);
BmSyncBatch *bm_store_sync_make_batch     (BmStore     *self,
                                           guint        max_records,
                                           gsize        max_bytes,
                                           GError     **error);
gboolean     bm_store_sync_drop_batch     (BmStore     *self,
                                           const char  *batch_id,
                                           GError     **error);
gboolean     bm_store_sync_check_answer   (BmStore     *self,
                                           const char  *batch_id,
                                           GPtrArray   *results,
                                           GError     **error);
gboolean     bm_store_sync_set_aside      (BmStore     *self,
                                           const char  *batch_id,
                                           const char  *code,
                                           const char  *detail,
                                           GError     **error);
gboolean     bm_store_sync_apply_results  (BmStore     *self,
                                           const char  *batch_id,
                                           GPtrArray   *results,
                                           GError     **error);
GBytes      *bm_store_sync_get_photo      (BmStore     *self,
                                           const char  *sha256,
                                           GError     **error);
gboolean     bm_store_sync_photo_on_server (BmStore    *self,
                                           const char  *sha256);
gboolean     bm_store_sync_mark_photo     (BmStore     *self,
                                           const char  *sha256,
                                           gboolean     on_server,
                                           GError     **error);
gboolean     bm_store_sync_mark_photos    (BmStore     *self,
                                           const char * const *sha256s,
                                           GError     **error);
gboolean     bm_store_sync_apply_changes  (BmStore     *self,
                                           GPtrArray   *changes,
                                           const char  *next_cursor,
                                           GError     **error);
gboolean     bm_store_sync_add_slices     (BmStore     *self,
                                           GPtrArray   *slices,
                                           GError     **error);
GStrv        bm_store_sync_ledger_mismatch (BmStore    *self,
                                           GPtrArray   *server,
                                           GError     **error);
gboolean     bm_store_sync_reconcile      (BmStore     *self,
                                           GPtrArray   *server,
                                           GPtrArray   *lists,
                                           guint       *requeued,
                                           GError     **error);
JsonObject  *bm_store_sync_status         (BmStore     *self,
                                           GError     **error);
JsonArray   *bm_store_sync_problems       (BmStore     *self,
                                           GError     **error);
gboolean     bm_store_sync_resolve        (BmStore     *self,
                                           const char  *number,
                                           gboolean     keep_local,
                                           const char  *operator_name,
                                           GError     **error);

G_END_DECLS
