#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BM_TYPE_SYNC_WORKER (bm_sync_worker_get_type ())
G_DECLARE_FINAL_TYPE (BmSyncWorker, bm_sync_worker, BM, SYNC_WORKER, GObject)

/* The background sync: a thread of its own with its own store connection.
 * Runs are triggered by bm_sync_worker_sync_now(), by a timer, and by
 * GNetworkMonitor when the network comes back; after a failed run the next
 * one waits with exponential back-off and jitter. Signals are emitted on the
 * main context of the thread that called bm_sync_worker_start():
 *   "run-started" ()
 *   "progress" (guint64 done, guint64 total)
 *   "run-finished" (gboolean ok, const char *error_code, const char *message) */
BmSyncWorker *bm_sync_worker_new      (const char   *db_path,
                                       gboolean      training,
                                       guint         interval_seconds);
void          bm_sync_worker_start    (BmSyncWorker *self);
void          bm_sync_worker_sync_now (BmSyncWorker *self);
void          bm_sync_worker_stop     (BmSyncWorker *self);
gboolean      bm_sync_worker_is_running (BmSyncWorker *self);

G_END_DECLS
