#pragma once

#include <gio/gio.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_STORE_WRITER (bm_store_writer_get_type ())
G_DECLARE_FINAL_TYPE (BmStoreWriter, bm_store_writer, BM, STORE_WRITER, GObject)

/**
 * BmStoreWriteFunc:
 * @store: the writer's own connection; use it only inside this call
 * @data: the data given to bm_store_writer_write_async()
 * @error: return location for a #GError
 *
 * One write (its own transaction, as the bm_store_* functions make it),
 * run on the writer's thread.
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*BmStoreWriteFunc) (BmStore   *store,
                                      gpointer   data,
                                      GError   **error);

BmStoreWriter *bm_store_writer_new          (const char           *path,
                                             gboolean              training);
void           bm_store_writer_write_async  (BmStoreWriter        *self,
                                             BmStoreWriteFunc      func,
                                             gpointer              data,
                                             GDestroyNotify        data_free,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
void           bm_store_writer_add_candidate_async (BmStoreWriter       *self,
                                                    BmCandidate         *candidate,
                                                    const char          *operator_name,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       bm_store_writer_write_finish (BmStoreWriter        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
