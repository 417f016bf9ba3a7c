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
/* Caller holds the transaction (bm-store-sync.c; export receipts use it). */
gboolean     bm_store_sync_apply_result_rows (BmStore   *self,
                                           GPtrArray   *results,
                                           int          counts[3],
                                           GError     **error);
gboolean     bm_store_sync_apply_results  (BmStore     *self,
                                           const char  *batch_id,
                                           GPtrArray   *results,
                                           GError     **error);
GBytes      *bm_store_sync_dup_photo      (BmStore     *self,
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
/**
 * BmSyncStatus:
 * @queue: records waiting to be sent (not the rejected or conflicting ones)
 * @sending: records in a batch that has had no answer yet
 * @accepted: records the server holds at their current version
 * @rejected: records the server rejected at their current version
 * @conflicts: records in conflict at their current version
 * @oldest_unsent_age_s: seconds the oldest record in @queue has waited, 0
 *   when the queue is empty
 * @server_url: (nullable): the settings of that name, or %NULL when unset
 * @point_code: (nullable):
 * @user: (nullable):
 * @workstation_id: (nullable):
 * @cursor: (nullable): the changes feed position
 * @last_success: (nullable): ISO 8601 time of the last run that finished
 * @last_attempt: (nullable): ISO 8601 time of the last run started
 * @deadlines: (nullable): the profile's deadlines object, as sent
 * @reconcile: (nullable): the last ledger reconciliation, as recorded by
 *   bm_store_sync_reconcile() ({at, local, server, requeued, server_only,
 *   categories})
 * @last_error_code: (nullable): code of the error that stopped the last
 *   run, %NULL when it finished
 * @last_error: (nullable): the translated sentence for it (set whenever
 *   @last_error_code is)
 * @last_error_kind: (nullable): what the server did when the run stopped
 *   (docs/cli.md), when that is known
 * @has_retry_after: whether @last_retry_after_s holds a value
 * @last_retry_after_s: the seconds the server asked to wait
 *
 * Sync state as the sync page shows it. `sync status --json` is made
 * from it by bm_sync_status_to_json(), so both say the same thing.
 */
typedef struct {
  gint64      queue;
  gint64      sending;
  gint64      accepted;
  gint64      rejected;
  gint64      conflicts;
  gint64      oldest_unsent_age_s;
  char       *server_url;
  char       *point_code;
  char       *user;
  char       *workstation_id;
  char       *cursor;
  char       *last_success;
  char       *last_attempt;
  JsonObject *deadlines;
  JsonObject *reconcile;
  char       *last_error_code;
  char       *last_error;
  char       *last_error_kind;
  gboolean    has_retry_after;
  gint64      last_retry_after_s;
} BmSyncStatus;

#define BM_TYPE_SYNC_STATUS (bm_sync_status_get_type ())
GType         bm_sync_status_get_type  (void) G_GNUC_CONST;
BmSyncStatus *bm_sync_status_copy      (const BmSyncStatus *status);
void          bm_sync_status_free      (BmSyncStatus       *status);
JsonObject   *bm_sync_status_to_json   (const BmSyncStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncStatus, bm_sync_status_free)

/**
 * BmSyncProblem:
 * @uuid: the record's uuid
 * @number: its registration number
 * @status: (nullable): its sync state (`rejected`, `conflict`, or the
 *   state of a record the county returned)
 * @code: the error code, or `returned`
 * @message: the translated sentence that says why and what to do
 *
 * One record the clerk must look at (the sync page's list, `problems` of
 * `sync status --json`).
 */
typedef struct {
  char *uuid;
  char *number;
  char *status;
  char *code;
  char *message;
} BmSyncProblem;

#define BM_TYPE_SYNC_PROBLEM (bm_sync_problem_get_type ())
GType          bm_sync_problem_get_type (void) G_GNUC_CONST;
BmSyncProblem *bm_sync_problem_copy     (const BmSyncProblem *problem);
void           bm_sync_problem_free     (BmSyncProblem       *problem);
JsonArray     *bm_sync_problems_to_json (GPtrArray           *problems);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncProblem, bm_sync_problem_free)

/* Freshly computed, owned by the caller (hence dup_). */
BmSyncStatus *bm_store_sync_dup_status   (BmStore     *self,
                                          GError     **error);
GPtrArray    *bm_store_sync_dup_problems (BmStore     *self,
                                          GError     **error);
/* JSON views of the two above, for the CLI. */
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
