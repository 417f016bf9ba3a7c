/* The station's final submission (第九步, docs/sync-protocol.md §11), as
 * `baoming-cli submit --all-complete` does it: a sync run first, so the
 * province holds the latest version of each record, then the submission.
 * On a thread of its own with a store connection of its own, like the sync
 * worker; the .sync-lock both take keeps it from overlapping a worker run. */

#include "bm-config.h"

#include "bm-station.h"
#include "bm-store-submit.h"
#include "bm-sync-client.h"

typedef struct {
  char *db_path;
  gboolean training;
} SubmitRun;

static void
submit_run_free (SubmitRun *run)
{
  g_free (run->db_path);
  g_free (run);
}

static void
submit_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SubmitRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (run->db_path, run->training, &error);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_submit_result_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(BmSyncClient) client = NULL;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  client = bm_sync_client_new (store);
  /* The records the client kept back (incomplete, not uploaded) first. */
  if (!bm_sync_client_run (client, cancellable, &error)
      || (results = bm_sync_client_submit (client, NULL, FALSE, all, cancellable, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&results));
  g_task_return_pointer (task, g_steal_pointer (&all), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * bm_station_submit_async:
 *
 * Submits every complete record of the station's store to the province.
 * When it is done the station announces the change ("submission"), since
 * the thread's own connection wrote what the station's does not know of.
 */
void
bm_station_submit_async (BmStation *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  BmStore *store = bm_station_get_store (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SubmitRun *run = g_new0 (SubmitRun, 1);

  run->db_path = g_strdup (bm_store_get_path (store));
  run->training = bm_store_is_training (store);
  g_task_set_source_tag (task, bm_station_submit_async);
  g_task_set_task_data (task, run, (GDestroyNotify) submit_run_free);
  g_task_run_in_thread (task, submit_thread);
}

/**
 * bm_station_submit_finish:
 *
 * Returns: (transfer full) (element-type BmSubmitResult): one result per
 *   record, those the client kept back first; NULL with @error when the
 *   sync run or the submission stopped
 */
GPtrArray *
bm_station_submit_finish (BmStation *self, GAsyncResult *result, GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  results = g_task_propagate_pointer (G_TASK (result), error);
  g_signal_emit_by_name (self, "store-changed", "submission", NULL);
  return results;
}
