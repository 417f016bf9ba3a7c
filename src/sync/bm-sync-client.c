/* One sync run (docs/sync-protocol.md §9), synchronous on the caller's
 * thread with the caller's store connection; BmSyncWorker runs it on a
 * thread of its own. Every request is retried with exponential back-off and
 * jitter, never sooner than Retry-After; certificate and pin failures stop
 * the run at once. Every wait is capped and the whole run has a deadline
 * (docs/sync-protocol.md §2): a hostile or broken server can slow a run
 * down but not hold it, and the status says what it did. */

#include "bm-config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-store-sync.h"
#include "bm-sync-client-private.h"
#include "bm-sync-message.h"


G_DEFINE_FINAL_TYPE (BmSyncClient, bm_sync_client, G_TYPE_OBJECT)

static void
bm_sync_client_finalize (GObject *object)
{
  BmSyncClient *self = BM_SYNC_CLIENT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (bm_sync_client_parent_class)->finalize (object);
}

static void
bm_sync_client_class_init (BmSyncClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_sync_client_finalize;
}

static void
bm_sync_client_init (BmSyncClient *self)
{
}

guint
bm_sync_setting_uint (BmStore *store, const char *key, guint fallback)
{
  g_autofree char *v = bm_store_sync_get (store, key);
  guint64 n;

  if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 1, G_MAXUINT, &n, NULL))
    return fallback;
  return (guint) n;
}

BmSyncClient *
bm_sync_client_new (BmStore *store)
{
  BmSyncClient *self = g_object_new (BM_TYPE_SYNC_CLIENT, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
bm_sync_client_set_progress (BmSyncClient *self, BmSyncProgressFunc func, gpointer user_data)
{
  self->progress = func;
  self->progress_data = user_data;
}

const BmSyncStats *
bm_sync_client_get_stats (BmSyncClient *self)
{
  return &self->stats;
}

/* Sleep, but wake up at once when cancelled. */
static gboolean
pause_ms (GCancellable *cancellable, guint ms, GError **error)
{
  GPollFD fd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong) ms * 1000);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_CANCELLED, _("Sync was cancelled."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
past_deadline (BmSyncClient *self, GError **error)
{
  self->stats.error_kind = "run_deadline";
  g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK,
               _("The sync run reached its time limit of %u seconds and stopped."), self->run_timeout_s);
  return FALSE;
}

/* Every wait of a run goes through here: capped at max_wait_s, and never
 * past the run's deadline (then the run ends now rather than sleep). */
gboolean
bm_sync_client_wait_ms (BmSyncClient *self, guint ms, GError **error)
{
  ms = MIN (ms, self->max_wait_ms);
  if (self->deadline > 0 && g_get_monotonic_time () + (gint64) ms * 1000 >= self->deadline)
    return past_deadline (self, error);
  return pause_ms (self->cancellable, ms, error);
}

guint
bm_sync_client_backoff_delay (BmSyncClient *self, guint attempt, int retry_after)
{
  double base = (double) self->backoff_ms * (1u << MIN (attempt, 16u));
  double capped = MIN (base, (double) self->max_wait_ms);
  double jittered = capped * g_random_double_range (0.5, 1.5);

  return (guint) MIN (MAX (jittered, retry_after * 1000.0), (double) self->max_wait_ms);
}

static gboolean refresh_token (BmSyncClient *self, GError **error);

GBytes *
bm_sync_take_string (char *s)
{
  gsize len = strlen (s);
  return g_bytes_new_take (s, len);
}

/* A request with retries. Returns FALSE only for errors that retrying does
 * not cure (or when the retries are used up); otherwise the response, whose
 * status the caller interprets. */
gboolean
bm_sync_client_call (BmSyncClient *self, const char *method, const char *path, GBytes *body, const char *ctype,
      BmSyncResponse *resp, GError **error)
{
  gboolean refreshed = FALSE;
  int last_retry_after = 0;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      gboolean transient;

      if (self->deadline > 0 && g_get_monotonic_time () >= self->deadline)
        return past_deadline (self, error);
      if (attempt >= self->max_tries)
        {
          self->stats.error_kind = last_retry_after > 0 ? "server_busy" : "server_unreachable";
          g_set_error (error, BM_SYNC_ERROR, last_retry_after > 0 ? BM_SYNC_ERROR_BUSY : BM_SYNC_ERROR_NETWORK,
                       _("The provincial server did not answer properly after %u tries."), attempt);
          return FALSE;
        }
      if (attempt > 0)
        {
          self->stats.retries++;
          if (!bm_sync_client_wait_ms (self, bm_sync_client_backoff_delay (self, attempt - 1, last_retry_after), error))
            return FALSE;
        }
      last_retry_after = 0;
      if (!bm_sync_transport_request (self->transport, method, path, body, ctype, resp, self->cancellable, &local))
        {
          const char *stall = bm_sync_transport_get_stall (self->transport);

          if (g_strcmp0 (stall, "run_deadline") == 0)
            return past_deadline (self, error);
          /* A server that accepts and then stays silent, or crawls, costs
           * a full low-speed period per try: a few of those and the run
           * stops (the queue is kept) instead of trying max_tries times. */
          if (stall != NULL && ++self->stalls >= self->max_stalls)
            {
              self->stats.error_kind = stall;
              if (g_str_equal (stall, "server_silent"))
                g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK,
                             _("The provincial server took the request but did not answer (%u times in this run)."),
                             self->stalls);
              else
                g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK,
                             _("The provincial server's answer stopped or came too slowly (%u times in this run)."),
                             self->stalls);
              return FALSE;
            }
          if (g_error_matches (local, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK))
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      transient = resp->status == 429 || resp->status == 503 || resp->status >= 500;
      if (transient && resp->retry_after > 0 && (guint) resp->retry_after > self->max_wait_ms / 1000)
        {
          /* Not a day's sleep inside a run: stop now, keep the queue, and
           * say what the server asked for. The next run tries again. */
          self->stats.error_kind = "retry_after_capped";
          self->stats.retry_after_s = resp->retry_after;
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_BUSY,
                       _("The provincial server asked to wait %d seconds, longer than the %u seconds a run waits."),
                       resp->retry_after, self->max_wait_ms / 1000);
          bm_sync_response_clear (resp);
          return FALSE;
        }
      if (transient)
        {
          last_retry_after = MAX (resp->retry_after, 1);
          bm_sync_response_clear (resp);
          continue;
        }
      if (resp->status == 401 && !refreshed && !g_str_has_suffix (path, "/login")
          && !g_str_has_suffix (path, "/token/refresh"))
        {
          g_autoptr(BmSyncServerError) se = resp->body ? bm_sync_parse_error (g_bytes_get_data (resp->body, NULL),
                                                                              g_bytes_get_size (resp->body)) : NULL;
          if (se == NULL || g_str_has_prefix (se->code, "token_"))
            {
              bm_sync_response_clear (resp);
              refreshed = TRUE;
              if (!refresh_token (self, error))
                return FALSE;
              attempt--;   /* a refresh is not a failed try */
              continue;
            }
        }
      return TRUE;
    }
}

static gboolean
store_token (BmStore *store, BmSyncToken *t, GError **error)
{
  g_autofree char *exp = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + t->expires_in);

  return bm_store_sync_set (store, "token", t->token, error)
         && bm_store_sync_set (store, "token_expires", exp, error)
         && (t->refresh_token == NULL || bm_store_sync_set (store, "refresh_token", t->refresh_token, error));
}

static gboolean
refresh_token (BmSyncClient *self, GError **error)
{
  g_autofree char *refresh = bm_store_sync_get (self->store, "refresh_token");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(BmSyncToken) t = NULL;
  BmSyncResponse resp = { 0 };

  if (refresh == NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_AUTH, _("This workstation has no login for the provincial server; run the set-up."));
      return FALSE;
    }
  body = bm_sync_take_string (bm_sync_build_refresh (refresh));
  bm_sync_transport_set_token (self->transport, NULL);
  if (!bm_sync_client_call (self, "POST", "/api/v1/token/refresh", body, NULL, &resp, error))
    return FALSE;
  if (resp.status != 200)
    {
      bm_sync_response_clear (&resp);
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_AUTH, _("The provincial server no longer accepts this workstation's login."));
      return FALSE;
    }
  t = bm_sync_parse_token (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), NULL);
  bm_sync_response_clear (&resp);
  if (t == NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL, _("The provincial server sent a token this program does not understand."));
      return FALSE;
    }
  bm_sync_transport_set_token (self->transport, t->token);
  return store_token (self->store, t, error);
}

gboolean
bm_sync_protocol_error (GError **error, BmSyncResponse *resp, const char *what)
{
  g_set_error (error, BM_SYNC_ERROR, resp->status == 401 || resp->status == 403 ? BM_SYNC_ERROR_AUTH
                                                                                 : BM_SYNC_ERROR_PROTOCOL,
               _("The provincial server answered %ld to %s."), resp->status, what);
  bm_sync_response_clear (resp);
  return FALSE;
}

static gboolean
put_one (BmSyncClient *self, const char *sha, GError **error)
{
  g_autofree char *path = g_strconcat ("/api/v1/photos/", sha, NULL);
  g_autoptr(GBytes) jpeg = bm_store_sync_dup_photo (self->store, sha, error);
  BmSyncResponse resp = { 0 };

  if (jpeg == NULL || !bm_sync_client_call (self, "PUT", path, jpeg, "image/jpeg", &resp, error))
    return FALSE;
  if (resp.status != 200 && resp.status != 201)
    {
      bm_sync_protocol_error (error, &resp, "a photo upload");
      /* Which photo: the clerk (or support) can find its record. A photo's
       * hash is no personal data. */
      g_prefix_error (error, _("Photo %.12s: "), sha);
      return FALSE;
    }
  bm_sync_response_clear (&resp);
  self->stats.photos_uploaded++;
  return TRUE;
}

#define BUNDLE 64           /* photos per bundle */
#define BUNDLES_AT_ONCE 2   /* the server stores one while the next arrives */
#define PUT_CHUNK (BUNDLE * BUNDLES_AT_ONCE)

/* A bundle request refused as a whole in a way a smaller bundle may pass
 * (docs/sync-protocol.md §14): too large (413), timed out at a proxy (408),
 * malformed or poisoned by one photo the server refuses (400, 422). 401/403,
 * 5xx and transport failures are not about the bundle's content: splitting
 * would only multiply requests, so those go the single-PUT way with back-off
 * and token refresh as before. */
static gboolean
bundle_may_split (long status)
{
  return status == 400 || status == 408 || status == 413 || status == 422;
}

static void
fill_bundle (BmSyncPut *bundle, const char * const *shas, BmSyncPut *items, guint count)
{
  g_autofree GBytes **bodies = g_new0 (GBytes *, count);

  for (guint i = 0; i < count; i++)
    bodies[i] = items[i].body;
  bundle->path = "/api/v1/photos/bundle";
  bundle->method = "POST";
  bundle->content_type = BM_SYNC_PHOTO_BUNDLE_TYPE;
  bundle->body = bm_sync_build_photo_bundle (shas, bodies, count);
}

static void
apply_bundle_answer (BmSyncPut *bundle, const char * const *shas, BmSyncPut *items, guint count)
{
  g_auto(GStrv) st = bm_sync_parse_bundle_answer (g_bytes_get_data (bundle->answer, NULL),
                                                  g_bytes_get_size (bundle->answer), shas, count, NULL);

  for (guint i = 0; st && i < count; i++)
    if (g_str_equal (st[i], "stored") || g_str_equal (st[i], "held"))
      items[i].status = 200;
}

/* Issue 17: a bundle refused as a whole is sent again as two halves (both
 * in flight), and a refused half again as halves, down to single photos,
 * which keep status 0 and go the single-PUT way. One bad photo in 64 costs
 * 1 + 2 * 5 bundles and two PUTs (the bad photo and its partner), and the
 * other 63 are stored, instead of 64 single PUTs. */
static gboolean
split_bundle (BmSyncClient *self, const char * const *shas, BmSyncPut *items, guint count, GError **error)
{
  BmSyncPut halves[2] = { 0 };
  guint first[2] = { 0 }, size[2] = { 0 };
  long status[2] = { 0 };
  guint nh = 0;
  gboolean ok;

  /* A half of one photo is no bundle: it goes as the single PUT after. */
  for (guint h = 0; h < 2; h++)
    {
      guint f = h ? count / 2 : 0, sz = h ? count - count / 2 : count / 2;
      if (sz >= 2)
        {
          first[nh] = f;
          size[nh++] = sz;
        }
    }
  if (nh == 0)
    return TRUE;
  for (guint h = 0; h < nh; h++)
    fill_bundle (&halves[h], shas + first[h], items + first[h], size[h]);
  ok = bm_sync_transport_put_many (self->transport, halves, nh, nh, self->cancellable, error);
  for (guint h = 0; h < nh; h++)
    {
      status[h] = halves[h].status;
      if (ok && status[h] == 200)
        apply_bundle_answer (&halves[h], shas + first[h], items + first[h], size[h]);
      g_clear_pointer (&halves[h].body, g_bytes_unref);
      g_clear_pointer (&halves[h].answer, g_bytes_unref);
    }
  for (guint h = 0; h < nh && ok; h++)
    if (bundle_may_split (status[h]))
      ok = split_bundle (self, shas + first[h], items + first[h], size[h], error);
  return ok;
}

/* Protocol 1.1: BUNDLE photos per request and per server transaction, two
 * requests in flight. A server without bundles (404/405) gets single PUTs
 * from now on; a bundle refused for its content is split (split_bundle);
 * photos a bundle did not store keep status 0 and go the single-PUT way
 * with back-off. */
static gboolean
send_bundles (BmSyncClient *self, const char * const *shas, BmSyncPut *items, guint n, GError **error)
{
  BmSyncPut bundles[BUNDLES_AT_ONCE] = { 0 };
  long status[BUNDLES_AT_ONCE] = { 0 };
  guint nb = (n + BUNDLE - 1) / BUNDLE;
  gboolean ok;

  for (guint k = 0; k < nb; k++)
    {
      guint first = k * BUNDLE, count = MIN (BUNDLE, n - first);
      fill_bundle (&bundles[k], shas + first, items + first, count);
    }
  ok = bm_sync_transport_put_many (self->transport, bundles, nb, nb, self->cancellable, error);
  for (guint k = 0; k < nb; k++)
    {
      guint first = k * BUNDLE, count = MIN (BUNDLE, n - first);

      status[k] = bundles[k].status;
      if (ok && (status[k] == 404 || status[k] == 405))
        {
          self->no_bundles = TRUE;
          if (self->parallel > 1)
            ok = bm_sync_transport_put_many (self->transport, items + first, count, self->parallel,
                                             self->cancellable, error);
        }
      else if (ok && status[k] == 200)
        apply_bundle_answer (&bundles[k], shas + first, items + first, count);
      g_clear_pointer (&bundles[k].body, g_bytes_unref);
      g_clear_pointer (&bundles[k].answer, g_bytes_unref);
    }
  for (guint k = 0; k < nb && ok; k++)
    if (bundle_may_split (status[k]))
      {
        guint first = k * BUNDLE, count = MIN (BUNDLE, n - first);
        ok = split_bundle (self, shas + first, items + first, count, error);
      }
  return ok;
}

/* Upload the photos the server lacks, recording each chunk as on the server
 * in one write. */
static gboolean
upload_photos (BmSyncClient *self, char **photos, gboolean check_first, GError **error)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();

  for (guint i = 0; photos && photos[i]; i++)
    {
      if (*photos[i] == '\0' || bm_store_sync_photo_on_server (self->store, photos[i]))
        continue;
      /* After an interrupted run the server may already hold it: ask
       * first. Fresh photos go straight up (PUT is idempotent anyway). */
      if (check_first)
        {
          g_autofree char *path = g_strconcat ("/api/v1/photos/", photos[i], NULL);
          BmSyncResponse resp = { 0 };
          long status;

          if (!bm_sync_client_call (self, "HEAD", path, NULL, NULL, &resp, error))
            return FALSE;
          status = resp.status;
          bm_sync_response_clear (&resp);
          if (status == 200)
            {
              if (!bm_store_sync_mark_photo (self->store, photos[i], TRUE, error))
                return FALSE;
              continue;
            }
        }
      g_ptr_array_add (todo, photos[i]);
    }

  for (guint start = 0; start < todo->len; start += PUT_CHUNK)
    {
      guint n = MIN (PUT_CHUNK, todo->len - start);
      BmSyncPut items[PUT_CHUNK] = { 0 };
      char *paths[PUT_CHUNK] = { 0 };
      gboolean ok = TRUE;

      for (guint i = 0; i < n; i++)
        {
          paths[i] = g_strconcat ("/api/v1/photos/", (char *) todo->pdata[start + i], NULL);
          items[i].path = paths[i];
          if (ok && (items[i].body = bm_store_sync_dup_photo (self->store, todo->pdata[start + i], error)) == NULL)
            ok = FALSE;
        }
      if (ok && !self->no_bundles)
        ok = send_bundles (self, (const char * const *) &todo->pdata[start], items, n, error);
      else if (ok && self->parallel > 1)
        ok = bm_sync_transport_put_many (self->transport, items, n, self->parallel, self->cancellable, error);
      {
        g_autofree const char **done = g_new0 (const char *, n + 1);
        g_autoptr(GError) mark_error = NULL;
        guint nd = 0;

        for (guint i = 0; i < n; i++)
          {
            if (items[i].status == 200 || items[i].status == 201)
              {
                self->stats.photos_uploaded++;
                done[nd++] = todo->pdata[start + i];
              }
            /* Anything else goes the slow way, with retries and back-off
             * (and token refresh on a 401). */
            else if (ok && put_one (self, todo->pdata[start + i], error))
              done[nd++] = todo->pdata[start + i];
            else
              ok = FALSE;
            g_clear_pointer (&items[i].body, g_bytes_unref);
            g_clear_pointer (&items[i].answer, g_bytes_unref);
            g_free (paths[i]);
            paths[i] = NULL;
          }
        /* Remember what arrived (one write), so a crash before the batch
         * answer does not send these bytes again; also when one photo of
         * the chunk was refused: the others are on the server. */
        if (nd > 0 && !bm_store_sync_mark_photos (self->store, done, &mark_error) && ok)
          {
            g_propagate_error (error, g_steal_pointer (&mark_error));
            ok = FALSE;
          }
      }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Send one stored batch until it has an answer we can apply. Returns FALSE
 * with *too_large set when the server refused its size (nothing applied). */
static gboolean
send_batch (BmSyncClient *self, BmSyncBatch *batch, gboolean resend, gboolean *too_large, GError **error)
{
  *too_large = FALSE;
  if (!upload_photos (self, batch->photos, resend, error))
    return FALSE;
  for (guint tries = 0;; tries++)
    {
      BmSyncResponse resp = { 0 };
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GError) parse_error = NULL;

      if (!bm_sync_client_call (self, "POST", "/api/v1/batches", batch->body, NULL, &resp, error))
        return FALSE;
      if (resp.status == 413 || resp.status == 409)
        {
          g_autoptr(BmSyncServerError) se = bm_sync_parse_error (g_bytes_get_data (resp.body, NULL),
                                                                 g_bytes_get_size (resp.body));
          long status = resp.status;

          if (resp.status == 413 && se && se->max_records > 0)
            {
              self->max_records = MIN (self->max_records, (guint) se->max_records);
              self->base_records = MIN (self->base_records, (guint) se->max_records);
            }
          bm_sync_response_clear (&resp);
          *too_large = TRUE;
          if (status == 413 && batch->n_records <= 1)
            {
              /* Alone and still too large: no batch can carry it. Set it
               * aside with the reason (problems list) so the rest of the
               * queue is not stuck behind it. */
              g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (batch->body));
              self->stats.set_aside += batch->n_records;
              return bm_store_sync_set_aside (self->store, batch->batch_id, "too_large", size, error) && FALSE;
            }
          return bm_store_sync_drop_batch (self->store, batch->batch_id, error) && FALSE;
        }
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "a batch");
      results = bm_sync_parse_batch_answer (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body),
                                            batch->batch_id, batch->n_records, &parse_error);
      bm_sync_response_clear (&resp);
      /* Results naming records or versions this batch did not carry are
       * refused as a whole, like a garbled answer. */
      if (results != NULL && !bm_store_sync_check_answer (self->store, batch->batch_id, results, &parse_error))
        {
          if (!g_error_matches (parse_error, BM_ERROR, BM_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&parse_error));
              return FALSE;
            }
          g_clear_pointer (&results, g_ptr_array_unref);
        }
      if (results == NULL)
        {
          /* Garbled or someone else's answer: the same bytes again. */
          if (tries + 1 >= self->max_tries)
            {
              g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL, "%s", parse_error->message);
              return FALSE;
            }
          self->stats.retries++;
          if (!bm_sync_client_wait_ms (self, bm_sync_client_backoff_delay (self, tries, 0), error))
            return FALSE;
          continue;
        }
      if (!bm_store_sync_apply_results (self->store, batch->batch_id, results, error))
        return FALSE;
      self->stats.batches++;
      self->stats.records_sent += batch->n_records;
      self->done += batch->n_records;
      if (self->progress)
        self->progress (self->done, MAX (self->total, self->done), self->progress_data);
      return TRUE;
    }
}

/* The feed is bounded three ways: garbled pages by max_tries (in a row),
 * pages by max_change_pages per run (the cursor is kept, the next run goes
 * on), and a page that says "more" without moving the cursor ends the run
 * at once, since asking again would get the same page for ever. */
static gboolean
open_transport (BmSyncClient *self, GError **error)
{
  g_autofree char *url = bm_store_sync_get (self->store, "server_url");
  g_autofree char *ca = bm_store_sync_get (self->store, "ca_file");
  g_autofree char *pin = bm_store_sync_get (self->store, "pin");
  g_autofree char *plain = bm_store_sync_get (self->store, "allow_plain_http");
  g_autofree char *token = bm_store_sync_get (self->store, "token");
  g_autofree char *expires = bm_store_sync_get (self->store, "token_expires");

  /* Training data never goes to a provincial server, whatever server_url
   * someone set on the training store. */
  if (bm_store_is_training (self->store))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                   _("This is the training database; training data is never sent to the provincial server."));
      return FALSE;
    }
  if (url == NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NOT_SET_UP,
                   _("This workstation is not set up for sync; run “baoming-cli setup” first."));
      return FALSE;
    }
  g_clear_object (&self->transport);
  self->transport = bm_sync_transport_new (url, ca, pin, g_strcmp0 (plain, "1") == 0, error);
  if (self->transport == NULL)
    return FALSE;
  self->backoff_ms = bm_sync_setting_uint (self->store, "backoff_ms", 1000);
  self->max_tries = bm_sync_setting_uint (self->store, "max_tries", 8);
  self->max_records = bm_sync_setting_uint (self->store, "batch_records", 200);
  self->max_bytes = bm_sync_setting_uint (self->store, "batch_bytes", 4 * 1024 * 1024);
  self->base_records = self->max_records;
  self->base_bytes = self->max_bytes;
  self->max_wait_ms = MIN (bm_sync_setting_uint (self->store, "max_wait_s", 300), 86400) * 1000;
  self->max_stalls = bm_sync_setting_uint (self->store, "max_stalls", 2);
  self->max_pages = bm_sync_setting_uint (self->store, "max_change_pages", 200);
  {
    BmSyncLimits limits = {
      .connect_s = bm_sync_setting_uint (self->store, "connect_timeout_s", 15),
      .low_speed_bytes = bm_sync_setting_uint (self->store, "low_speed_bytes", 100),
      .low_speed_s = bm_sync_setting_uint (self->store, "low_speed_s", 30),
      .request_s = bm_sync_setting_uint (self->store, "request_timeout_s", 300),
      .deadline = self->deadline,
    };
    bm_sync_transport_set_limits (self->transport, &limits);
  }
  self->parallel = MIN (bm_sync_setting_uint (self->store, "parallel_uploads", 4), BM_SYNC_MAX_PARALLEL);
  {
    g_autofree char *bundles = bm_store_sync_get (self->store, "photo_bundles");
    self->no_bundles = g_strcmp0 (bundles, "0") == 0;
  }
  /* Refresh a minute early: the workstation clock may be a little off. */
  if (token != NULL && expires != NULL
      && g_ascii_strtoll (expires, NULL, 10) > g_get_real_time () / G_USEC_PER_SEC + 60)
    bm_sync_transport_set_token (self->transport, token);
  else if (!refresh_token (self, error))
    return FALSE;
  return TRUE;
}

/* For a call outside a full run (the final submission, bm-sync-submit.c):
 * the same limits and deadline as a run, and the transport logged in. */
gboolean
bm_sync_client_open (BmSyncClient *self, GCancellable *cancellable, GError **error)
{
  memset (&self->stats, 0, sizeof self->stats);
  self->cancellable = cancellable;
  self->run_timeout_s = MIN (bm_sync_setting_uint (self->store, "run_timeout_s", 900), 7 * 86400);
  self->deadline = g_get_monotonic_time () + (gint64) self->run_timeout_s * G_USEC_PER_SEC;
  self->stalls = 0;
  return open_transport (self, error);
}

static gboolean
record_outcome (BmSyncClient *self, const GError *failure)
{
  g_autoptr(GDateTime) t = g_date_time_new_now_local ();
  g_autofree char *now = g_date_time_format_iso8601 (t);

  bm_store_sync_set (self->store, "last_attempt", now, NULL);
  if (failure == NULL)
    {
      bm_store_sync_set (self->store, "last_success", now, NULL);
      bm_store_sync_set (self->store, "last_error_code", NULL, NULL);
      bm_store_sync_set (self->store, "last_error_detail", NULL, NULL);
      bm_store_sync_set (self->store, "last_error_kind", NULL, NULL);
      bm_store_sync_set (self->store, "last_retry_after_s", NULL, NULL);
    }
  else if (!g_error_matches (failure, BM_SYNC_ERROR, BM_SYNC_ERROR_CANCELLED))
    {
      g_autofree char *asked = self->stats.retry_after_s > 0
                               ? g_strdup_printf ("%" G_GINT64_FORMAT, self->stats.retry_after_s) : NULL;
      bm_store_sync_set (self->store, "last_error_code", bm_sync_error_code (failure), NULL);
      bm_store_sync_set (self->store, "last_error_detail", failure->message, NULL);
      bm_store_sync_set (self->store, "last_error_kind", self->stats.error_kind, NULL);
      bm_store_sync_set (self->store, "last_retry_after_s", asked, NULL);
    }
  return TRUE;
}

/* New batches until nothing is left. */
static gboolean
send_new (BmSyncClient *self, GError **error)
{
  for (;;)
    {
      g_autoptr(BmSyncBatch) batch = NULL;
      g_autoptr(GError) local = NULL;
      gboolean too_large;

      batch = bm_store_sync_make_batch (self->store, self->max_records, self->max_bytes, &local);
      if (batch == NULL)
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          break;
        }
      if (!send_batch (self, batch, FALSE, &too_large, &local))
        {
          if (local != NULL || !too_large)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          /* 413 for one record alone: send_batch set it aside; the
           * rest goes on at the size used before the search for it. */
          if (batch->n_records <= 1)
            {
              self->max_records = self->base_records;
              self->max_bytes = self->base_bytes;
              continue;
            }
          /* 413: halve and build again from the same records. */
          self->max_records = MIN (self->max_records, MAX (batch->n_records / 2, 1));
          self->max_bytes = MAX (self->max_bytes / 2, 4096);
        }
    }
  return TRUE;
}

static gboolean
run (BmSyncClient *self, GError **error)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) topup_error = NULL;
  g_autoptr(GError) profile_refused = NULL;
  guint requeued = 0;
  g_autoptr(BmSyncStatus) status = NULL;

  /* The deadline counts from the start, the log-in included. */
  self->run_timeout_s = MIN (bm_sync_setting_uint (self->store, "run_timeout_s", 900), 7 * 86400);
  self->deadline = g_get_monotonic_time () + (gint64) self->run_timeout_s * G_USEC_PER_SEC;
  self->stalls = 0;
  if (!open_transport (self, error))
    return FALSE;
  status = bm_store_sync_dup_status (self->store, NULL);
  self->total = status ? status->queue : 0;
  self->done = 0;

  /* 1. Batches a crash left without an answer: same id, same bytes. */
  if ((stored = bm_store_sync_stored_batches (self->store, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < stored->len; i++)
    {
      gboolean too_large;
      g_autoptr(GError) local = NULL;

      if (!send_batch (self, stored->pdata[i], TRUE, &too_large, &local))
        {
          if (!too_large)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
        }
    }
  /* 2. New batches until nothing is left; then a final submission
   * (§11) whose answer was lost, same id and bytes. */
  if (!send_new (self, error) || !bm_sync_client_resend_submission (self, error))
    return FALSE;
  /* 3. What the candidates and the county did on the server. */
  if (!bm_sync_client_pull_changes (self, error)
      || !bm_sync_client_refresh_profile (self, &profile_refused, error))
    return FALSE;
  /* 4. More numbers before the counter runs out. A refused top-up does
   * not skip the check below; its error is reported after it. */
  if (!bm_sync_client_top_up_slices (self, &topup_error) && !g_error_matches (topup_error, BM_SYNC_ERROR, BM_SYNC_ERROR_SLICES_REFUSED))
    {
      g_propagate_error (error, g_steal_pointer (&topup_error));
      return FALSE;
    }
  /* 5. Does the server still hold what it accepted? What it lost goes
   * again, in this run. */
  if (!bm_sync_client_reconcile (self, &requeued, error) || (requeued > 0 && !send_new (self, error)))
    return FALSE;
  if (topup_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&topup_error));
      return FALSE;
    }
  /* A refused profile: the run did everything else under the old one. */
  if (profile_refused != NULL)
    {
      self->stats.error_kind = "profile_refused";
      g_set_error_literal (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL, profile_refused->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
bm_sync_client_run (BmSyncClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ok;

  g_autofree char *lock_path = g_strconcat (bm_store_get_path (self->store), ".sync-lock", NULL);
  int lock_fd;

  /* One run per store at a time (the app's worker and a CLI run may meet).
   * The kernel drops the lock when a run dies, even by SIGKILL. */
  lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock (lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (lock_fd >= 0)
        close (lock_fd);
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_BUSY, _("Another sync run is in progress for this database."));
      return FALSE;
    }
  memset (&self->stats, 0, sizeof self->stats);
  self->cancellable = cancellable;
  ok = run (self, &local);
  close (lock_fd);
  if (self->transport)
    {
      self->stats.requests = bm_sync_transport_get_requests (self->transport);
      self->stats.bytes_sent = bm_sync_transport_get_bytes_sent (self->transport);
    }
  record_outcome (self, local);
  self->cancellable = NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local));
  return ok;
}
