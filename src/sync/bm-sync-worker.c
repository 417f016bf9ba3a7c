/* Background sync thread. The UI never waits on the network: it only sees
 * signals, marshalled to its main context. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-store.h"
#include "bm-sync-client.h"
#include "bm-sync-message.h"
#include "bm-sync-worker.h"

struct _BmSyncWorker
{
  GObject          parent_instance;
  char            *db_path;
  gboolean         training;
  guint            interval;
  GThread         *thread;
  GMainContext    *context;
  GCancellable    *cancellable;
  GMutex           lock;
  GCond            cond;
  gboolean         triggered;
  gboolean         quit;
  gboolean         running;
  GNetworkMonitor *monitor;
  gulong           monitor_id;
};

G_DEFINE_FINAL_TYPE (BmSyncWorker, bm_sync_worker, G_TYPE_OBJECT)

enum { RUN_STARTED, PROGRESS, RUN_FINISHED, STORE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
bm_sync_worker_dispose (GObject *object)
{
  BmSyncWorker *self = BM_SYNC_WORKER (object);

  bm_sync_worker_stop (self);
  G_OBJECT_CLASS (bm_sync_worker_parent_class)->dispose (object);
}

static void
bm_sync_worker_finalize (GObject *object)
{
  BmSyncWorker *self = BM_SYNC_WORKER (object);

  g_free (self->db_path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (bm_sync_worker_parent_class)->finalize (object);
}

static void
bm_sync_worker_class_init (BmSyncWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_sync_worker_dispose;
  object_class->finalize = bm_sync_worker_finalize;
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                        G_TYPE_BOOLEAN, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * BmSyncWorker::store-changed:
   * @kind: the change, as BmStore::changed names it
   * @uuid: (nullable): the record
   *
   * The worker's own connection committed a change; delivered on the
   * context that started the worker, once per change.
   */
  signals[STORE_CHANGED] = g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
bm_sync_worker_init (BmSyncWorker *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

BmSyncWorker *
bm_sync_worker_new (const char *db_path, gboolean training, guint interval_seconds)
{
  BmSyncWorker *self = g_object_new (BM_TYPE_SYNC_WORKER, NULL);

  self->db_path = g_strdup (db_path);
  self->training = training;
  self->interval = MAX (interval_seconds, 5);
  return self;
}

typedef struct {
  BmSyncWorker *self;
  int           which;
  guint64       a, b;
  gboolean      ok;
  char         *code;
  char         *message;
} Emission;

static gboolean
emit_cb (gpointer data)
{
  Emission *e = data;

  if (e->which == PROGRESS)
    g_signal_emit (e->self, signals[PROGRESS], 0, e->a, e->b);
  else if (e->which == RUN_STARTED)
    g_signal_emit (e->self, signals[RUN_STARTED], 0);
  else if (e->which == STORE_CHANGED)
    g_signal_emit (e->self, signals[STORE_CHANGED], 0, e->code, e->message);
  else
    g_signal_emit (e->self, signals[RUN_FINISHED], 0, e->ok, e->code, e->message);
  g_object_unref (e->self);
  g_free (e->code);
  g_free (e->message);
  g_free (e);
  return G_SOURCE_REMOVE;
}

static void
emit (BmSyncWorker *self, int which, guint64 a, guint64 b, gboolean ok, const char *code, const char *message)
{
  Emission *e = g_new0 (Emission, 1);

  e->self = g_object_ref (self);
  e->which = which;
  e->a = a;
  e->b = b;
  e->ok = ok;
  e->code = g_strdup (code);
  e->message = g_strdup (message);
  /* Always a source on the owner's context, never g_main_context_invoke():
   * that runs the callback right here, on the sync thread, whenever this
   * thread can acquire the context (the main loop not running yet). */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, emit_cb, e, NULL);
    g_source_attach (source, self->context);
  }
}

static void
on_store_changed (BmStore *store, const char *kind, const char *uuid, gpointer data)
{
  emit (data, STORE_CHANGED, 0, 0, FALSE, kind, uuid);
}

static void
on_progress (guint64 done, guint64 total, gpointer data)
{
  emit (data, PROGRESS, done, total, FALSE, NULL, NULL);
}

static gpointer
thread_main (gpointer data)
{
  BmSyncWorker *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (self->db_path, self->training, &error);
  g_autoptr(BmSyncClient) client = NULL;
  guint failures = 0;
  gint64 wait_us = 0;

  if (store == NULL)
    {
      emit (self, RUN_FINISHED, 0, 0, FALSE, "store", error->message);
      return NULL;
    }
  g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  client = bm_sync_client_new (store);
  bm_sync_client_set_progress (client, on_progress, self);

  for (;;)
    {
      g_autoptr(GError) run_error = NULL;
      gboolean ok;

      g_mutex_lock (&self->lock);
      if (wait_us > 0)
        {
          gint64 end = g_get_monotonic_time () + wait_us;
          while (!self->triggered && !self->quit)
            if (!g_cond_wait_until (&self->cond, &self->lock, end))
              break;
        }
      if (self->quit)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      self->triggered = FALSE;
      self->running = TRUE;
      g_mutex_unlock (&self->lock);

      emit (self, RUN_STARTED, 0, 0, FALSE, NULL, NULL);
      ok = bm_sync_client_run (client, self->cancellable, &run_error);
      {
        g_autofree char *msg = ok ? NULL : bm_sync_explain (bm_sync_error_code (run_error), NULL);
        emit (self, RUN_FINISHED, 0, 0, ok, ok ? NULL : bm_sync_error_code (run_error), msg);
      }
      g_mutex_lock (&self->lock);
      self->running = FALSE;
      g_mutex_unlock (&self->lock);

      if (ok)
        {
          failures = 0;
          wait_us = (gint64) self->interval * G_USEC_PER_SEC;
        }
      else
        {
          /* 30 s, 60 s, … capped by the timer interval, with jitter. */
          double d = MIN (30.0 * (1u << MIN (failures, 10u)), (double) self->interval);
          gint64 asked = bm_sync_client_get_stats (client)->retry_after_s;
          failures++;
          wait_us = (gint64) (d * g_random_double_range (0.5, 1.5) * G_USEC_PER_SEC);
          /* A run stopped rather than wait out a long Retry-After: the next
           * one respects it, up to an hour ("sync now" still runs at once). */
          if (asked > 0)
            wait_us = MAX (wait_us, MIN (asked, 3600) * G_USEC_PER_SEC);
        }
    }
  return NULL;
}

static void
network_changed (GNetworkMonitor *monitor, gboolean available, gpointer data)
{
  if (available)
    bm_sync_worker_sync_now (data);
}

void
bm_sync_worker_start (BmSyncWorker *self)
{
  if (self->thread != NULL)
    return;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->quit = FALSE;
  self->triggered = TRUE;
  self->monitor = g_network_monitor_get_default ();
  self->monitor_id = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed), self);
  self->thread = g_thread_new ("bm-sync", thread_main, self);
}

void
bm_sync_worker_sync_now (BmSyncWorker *self)
{
  g_mutex_lock (&self->lock);
  self->triggered = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
bm_sync_worker_is_running (BmSyncWorker *self)
{
  gboolean running;

  g_mutex_lock (&self->lock);
  running = self->running;
  g_mutex_unlock (&self->lock);
  return running;
}

void
bm_sync_worker_stop (BmSyncWorker *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->thread);
  self->thread = NULL;
  if (self->monitor_id)
    g_signal_handler_disconnect (self->monitor, self->monitor_id);
  self->monitor_id = 0;
  self->monitor = NULL;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
}
