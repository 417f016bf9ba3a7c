#pragma once

#include <gio/gio.h>

#include "bm-store.h"
#include "bm-sync-transport.h"

G_BEGIN_DECLS

#define BM_TYPE_SYNC_CLIENT (bm_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (BmSyncClient, bm_sync_client, BM, SYNC_CLIENT, GObject)

typedef struct {
  const char *server_url;
  const char *point_code;
  const char *user;
  const char *password;
  const char *ca_file;
  const char *pin;
  gboolean    allow_plain_http;
  const char *workstation_name;
  guint       slice_size;     /* numbers per category to ask for; 0 = 500 */
} BmSyncSetupOptions;

typedef struct {
  guint64 records_sent;
  guint64 batches;
  guint64 photos_uploaded;
  guint64 changes_applied;
  guint64 requests;
  guint64 bytes_sent;
  guint64 retries;
  guint64 set_aside;          /* records the server refused one by one (413 alone) */
  const char *error_kind;     /* what the server did when the run failed, or NULL */
  gint64  retry_after_s;      /* the Retry-After the run did not wait for, or 0 */
} BmSyncStats;

/* Progress of a run: records answered so far and records queued at the start. */
typedef void (*BmSyncProgressFunc) (guint64 done, guint64 total, gpointer user_data);

BmSyncClient *bm_sync_client_new          (BmStore             *store);
void          bm_sync_client_set_progress (BmSyncClient        *self,
                                           BmSyncProgressFunc   func,
                                           gpointer             user_data);
gboolean      bm_sync_client_run          (BmSyncClient        *self,
                                           GCancellable        *cancellable,
                                           GError             **error);
const BmSyncStats *bm_sync_client_get_stats (BmSyncClient      *self);

/* The final submission (bm-sync-submit.c, docs/sync-protocol.md §11). */
GPtrArray    *bm_sync_client_submit       (BmSyncClient        *self,
                                           const char * const  *numbers,
                                           gboolean             force,
                                           GPtrArray           *refused,
                                           GCancellable        *cancellable,
                                           GError             **error);

gboolean      bm_sync_setup               (BmStore             *store,
                                           const BmSyncSetupOptions *options,
                                           GCancellable        *cancellable,
                                           GError             **error);
gboolean      bm_sync_check_account       (BmStore             *store,
                                           const char          *user,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GError             **error);

G_END_DECLS
