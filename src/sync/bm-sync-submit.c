/* The final submission over the wire (docs/sync-protocol.md §11): a stored
 * submission without an answer is resent first, byte for byte under the
 * same id (a lost answer must not submit twice), then the new one. An
 * answer that does not match the request is refused whole and the same
 * bytes go again; nothing of it is applied. */

#include "bm-config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-store-submit.h"
#include "bm-sync-client-private.h"

#define SUBMISSIONS_PATH "/api/v1/submissions"

/* One submission until an answer is applied; its results are appended to
 * @out. */
static gboolean
send_submission (BmSyncClient *self, BmSubmission *sub, GPtrArray *out, GError **error)
{
  for (guint tries = 0;; tries++)
    {
      BmSyncResponse resp = { 0 };
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GError) invalid = NULL;

      if (!bm_sync_client_call (self, "POST", SUBMISSIONS_PATH, sub->body, NULL, &resp, error))
        return FALSE;
      if (resp.status == 404 || resp.status == 405)
        {
          /* A server before protocol 1.3 never answers this: the stored
           * request would block every later one. */
          bm_sync_response_clear (&resp);
          if (!bm_store_submit_drop (self->store, sub->submission_id, "not_supported", error))
            return FALSE;
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                       _("The provincial server does not take final submissions (protocol 1.3)."));
          return FALSE;
        }
      if (resp.status == 409)
        {
          bm_sync_response_clear (&resp);
          if (!bm_store_submit_drop (self->store, sub->submission_id, "submission_id_reused", error))
            return FALSE;
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                       _("The provincial server holds another submission under the same id; submit the records again."));
          return FALSE;
        }
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "a submission");
      results = bm_store_submit_apply_answer (self->store, sub->submission_id,
                                              g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body),
                                              &invalid);
      bm_sync_response_clear (&resp);
      if (results != NULL)
        {
          for (guint i = 0; i < results->len; i++)
            g_ptr_array_add (out, g_steal_pointer (&results->pdata[i]));
          return TRUE;
        }
      if (!g_error_matches (invalid, BM_ERROR, BM_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&invalid));
          return FALSE;
        }
      /* Garbled or someone else's answer: the same bytes again. */
      if (tries + 1 >= self->max_tries)
        {
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL, "%s", invalid->message);
          return FALSE;
        }
      self->stats.retries++;
      if (!bm_sync_client_wait_ms (self, bm_sync_client_backoff_delay (self, tries, 0), error))
        return FALSE;
    }
}

/* Step 3 of a sync run (§9): a submission whose answer was lost goes again
 * with the run, so the background worker finishes it too. Its outcome is
 * stored on the records (candidate show). */
gboolean
bm_sync_client_resend_submission (BmSyncClient *self, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_submit_result_free);
  g_autoptr(BmSubmission) stored = NULL;
  g_autoptr(GError) local = NULL;

  stored = bm_store_submit_stored (self->store, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return stored == NULL || send_submission (self, stored, out, error);
}

static void
free_results (gpointer p)
{
  bm_submit_result_free (p);
}

/**
 * bm_sync_client_submit:
 * @numbers: (nullable): the 报名顺序号 to submit (at most
 *   BM_SUBMIT_MAX_RECORDS); %NULL for every complete record not yet submitted
 * @force: send incomplete or not yet uploaded records too (the province
 *   then refuses them, with its reasons)
 * @refused: (element-type BmSubmitResult): receives the records the client
 *   kept back
 *
 * Returns: (element-type BmSubmitResult): the province's results, those of
 * an earlier submission whose answer was lost first, or %NULL on error
 * (what was stored stays stored and goes again next time).
 */
GPtrArray *
bm_sync_client_submit (BmSyncClient *self, const char * const *numbers, gboolean force, GPtrArray *refused,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (free_results);
  g_autoptr(BmSubmission) stored = NULL;
  g_autoptr(BmSubmission) fresh = NULL;
  g_autoptr(GPtrArray) ready = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *lock_path = g_strconcat (bm_store_get_path (self->store), ".sync-lock", NULL);
  gboolean ok = FALSE;
  int lock_fd;

  /* The same lock as a sync run: one conversation with the server at a time. */
  lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock (lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (lock_fd >= 0)
        close (lock_fd);
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_BUSY, _("Another sync run is in progress for this database."));
      return NULL;
    }
  if (!bm_sync_client_open (self, cancellable, &local))
    goto out;
  stored = bm_store_submit_stored (self->store, &local);
  if (local != NULL || (stored != NULL && !send_submission (self, stored, out, &local)))
    goto out;
  /* All complete records: listed only now, after the resend above has
   * settled the records it carried. */
  if (numbers == NULL)
    {
      ready = bm_store_submit_list_ready (self->store, &local);
      if (ready == NULL)
        goto out;
      g_ptr_array_add (ready, NULL);
      numbers = (const char * const *) ready->pdata;
    }
  if (numbers[0] != NULL)
    {
      fresh = bm_store_submit_prepare (self->store, numbers, force, refused, &local);
      if (local != NULL || (fresh != NULL && !send_submission (self, fresh, out, &local)))
        goto out;
    }
  ok = TRUE;
out:
  close (lock_fd);
  self->cancellable = NULL;
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&out);
}
