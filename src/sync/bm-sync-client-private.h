/* bm-sync-client-private.h: the sync run's state, for its parts
 * (bm-sync-client.c sends; bm-sync-pull.c takes what comes back: the
 * changes feed, the profile, number top-ups and the ledger check). */
#pragma once

#include "bm-sync-client.h"
#include "bm-sync-message.h"
#include "bm-sync-transport.h"

G_BEGIN_DECLS

struct _BmSyncClient
{
  GObject             parent_instance;
  BmStore            *store;
  BmSyncTransport    *transport;
  GCancellable       *cancellable;
  BmSyncProgressFunc  progress;
  gpointer            progress_data;
  BmSyncStats         stats;
  guint               backoff_ms;
  guint               max_tries;
  guint               max_records;
  guint               parallel;
  gboolean            no_bundles;     /* the server has no photo bundles (protocol 1.0) */
  gsize               max_bytes;
  guint               base_records;   /* batch size before 413s halved it */
  gsize               base_bytes;
  guint               max_wait_ms;    /* cap of any single wait */
  guint               run_timeout_s;
  gint64              deadline;       /* monotonic; the run stops here */
  guint               max_stalls;     /* timed-out requests per run */
  guint               stalls;
  guint               max_pages;      /* changes feed pages per run */
  guint64             done;
  guint64             total;
};

guint     bm_sync_setting_uint          (BmStore         *store,
                                         const char      *key,
                                         guint            fallback);
gboolean  bm_sync_client_wait_ms        (BmSyncClient    *self,
                                         guint            ms,
                                         GError         **error);
guint     bm_sync_client_backoff_delay  (BmSyncClient    *self,
                                         guint            attempt,
                                         int              retry_after);
GBytes   *bm_sync_take_string           (char            *s);
gboolean  bm_sync_client_call           (BmSyncClient    *self,
                                         const char      *method,
                                         const char      *path,
                                         GBytes          *body,
                                         const char      *ctype,
                                         BmSyncResponse  *resp,
                                         GError         **error);
gboolean  bm_sync_protocol_error        (GError         **error,
                                         BmSyncResponse  *resp,
                                         const char      *what);

gboolean  bm_sync_client_open           (BmSyncClient    *self,
                                         GCancellable    *cancellable,
                                         GError         **error);

/* bm-sync-submit.c */
gboolean  bm_sync_client_resend_submission (BmSyncClient *self,
                                         GError         **error);

/* bm-sync-pull.c */
gboolean  bm_sync_client_pull_changes   (BmSyncClient    *self,
                                         GError         **error);
gboolean  bm_sync_client_refresh_profile (BmSyncClient   *self,
                                         GError         **refused,
                                         GError         **error);
gboolean  bm_sync_client_report_refusal (BmSyncClient    *self,
                                         GError         **error);
gboolean  bm_sync_client_top_up_slices  (BmSyncClient    *self,
                                         GError         **error);
gboolean  bm_sync_client_reconcile      (BmSyncClient    *self,
                                         guint           *requeued,
                                         GError         **error);

G_END_DECLS
