/* bm-card-reader.c: the card reader as an explicit state machine
 *
 * A worker thread owns every blocking call (pcscd, serial port) and reports
 * to the main context where the reader was started. The states and their
 * transitions are documented in docs/card-reader.md.
 *
 * The worker holds no reference to the BmCardReader: stop() detaches it, so
 * a reader blocked in a slow SCardTransmit never blocks the GUI. Reports from
 * a detached worker are dropped.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-pcsc.h"
#include "bm-card-reader.h"
#include "bm-card-serial.h"
#include "bm-card-reader-private.h"
#include "bm-sam-session.h"

#define DEFAULT_READ_TIMEOUT_MS 10000

struct _BmCardReader {
  GObject            parent_instance;

  char              *reader_name;
  char              *serial_device;
  guint              baud;
  BmCardScheme       scheme;
  guint              read_timeout_ms;

  BmCardWorker            *worker;
  GThread           *thread;
  BmCardReaderState  state;
  char              *message;
  char              *current_reader;
  GError            *error;
  guint              read_serial;       /* the read now in progress */
  guint              timed_out_serial;  /* its result must be dropped */
  guint              watchdog_id;
  gint64             last_overhead_us;
  gint64             last_handoff_us;
  gboolean           reported;          /* the first report always counts */
};

G_DEFINE_FINAL_TYPE (BmCardReader, bm_card_reader, G_TYPE_OBJECT)

enum { SIGNAL_STATE_CHANGED, SIGNAL_CARD_READ, SIGNAL_READ_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *
bm_card_reader_state_to_string (BmCardReaderState state)
{
  static const char *const names[] = {
    "no-service", "no-reader", "waiting", "reading", "read", "error",
  };

  g_return_val_if_fail (state <= BM_CARD_READER_STATE_ERROR, NULL);
  return names[state];
}

typedef struct {
  BmCardWorker            *worker;
  BmCardReaderState  state;
  GError            *error;
  BmIdentity        *identity;
  char              *reader;
  guint              read_serial;
  gint64             event_time;
  gint64             transport_us;
  gint64             ready_time;
} Report;

static void
report_free (gpointer data)
{
  Report *r = data;

  bm_card_worker_unref (r->worker);
  g_clear_error (&r->error);
  g_clear_object (&r->identity);
  g_free (r->reader);
  g_free (r);
}

static const char *
state_message (BmCardReaderState state)
{
  switch (state)
    {
    case BM_CARD_READER_STATE_NO_SERVICE:
      return _("The card reading service (pcscd) is not running. Start it with “sudo systemctl start pcscd”, or ask the administrator.");
    case BM_CARD_READER_STATE_NO_READER:
      return _("No card reader is connected. Plug in the reader and wait a moment.");
    case BM_CARD_READER_STATE_WAITING:
      return _("Place the ID card on the reader.");
    case BM_CARD_READER_STATE_READING:
      return _("Reading the card. Hold it still.");
    case BM_CARD_READER_STATE_READ:
      return _("Card read. Take the card away before reading the next one.");
    case BM_CARD_READER_STATE_ERROR:
    default:
      return _("Reading the card failed.");
    }
}

static void
set_state (BmCardReader      *self,
           BmCardReaderState  state,
           const GError      *error,
           const char        *reader)
{
  g_autofree char *message = g_strdup (error != NULL ? error->message : state_message (state));

  if (self->reported && self->state == state && g_strcmp0 (self->message, message) == 0
      && g_strcmp0 (self->current_reader, reader) == 0)
    return;
  self->reported = TRUE;
  self->state = state;
  g_free (self->message);
  self->message = g_steal_pointer (&message);
  /* Copy before freeing: callers may pass our own current values. */
  if (error != self->error)
    {
      GError *copy = error != NULL ? g_error_copy (error) : NULL;

      g_clear_error (&self->error);
      self->error = copy;
    }
  if ((reader != NULL || state <= BM_CARD_READER_STATE_NO_READER) && reader != self->current_reader)
    {
      char *copy = g_strdup (reader);

      g_free (self->current_reader);
      self->current_reader = copy;
    }
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static gboolean
watchdog_cb (gpointer data)
{
  BmCardReader *self = data;
  g_autoptr(GError) error = NULL;

  self->watchdog_id = 0;
  if (self->state != BM_CARD_READER_STATE_READING)
    return G_SOURCE_REMOVE;
  /* The worker may still be blocked in the reader; whatever it brings back
   * later for this read is dropped, so nothing half-read appears. */
  self->timed_out_serial = self->read_serial;
  g_set_error_literal (&error, BM_CARD_ERROR, BM_CARD_ERROR_TIMEOUT,
                       _("The card reader did not answer in time. Take the card away and place it again."));
  set_state (self, BM_CARD_READER_STATE_ERROR, error, self->current_reader);
  g_signal_emit (self, signals[SIGNAL_READ_FAILED], 0, error);
  return G_SOURCE_REMOVE;
}

static gboolean
report_dispatch (gpointer data)
{
  Report *r = data;
  g_autoptr(BmCardReader) self = g_weak_ref_get (&r->worker->owner);

  if (self == NULL || self->worker != r->worker)
    return G_SOURCE_REMOVE;
  if (r->read_serial != 0 && r->read_serial == self->timed_out_serial)
    return G_SOURCE_REMOVE;

  if (r->state == BM_CARD_READER_STATE_READING)
    {
      self->read_serial = r->read_serial;
      g_clear_handle_id (&self->watchdog_id, g_source_remove);
      self->watchdog_id = g_timeout_add (self->read_timeout_ms, watchdog_cb, self);
    }
  else if (r->read_serial != 0)
    g_clear_handle_id (&self->watchdog_id, g_source_remove);

  /* An error stays visible until the next card: a clerk who looks up after
   * the card has left must still learn what went wrong. */
  if (r->state == BM_CARD_READER_STATE_WAITING && self->state == BM_CARD_READER_STATE_ERROR
      && r->read_serial == 0)
    return G_SOURCE_REMOVE;

  if (r->identity != NULL)
    {
      gint64 now = g_get_monotonic_time ();

      self->last_overhead_us = now - r->event_time - r->transport_us;
      self->last_handoff_us = now - r->ready_time;
    }
  set_state (self, r->state, r->error, r->reader);
  if (r->identity != NULL)
    g_signal_emit (self, signals[SIGNAL_CARD_READ], 0, r->identity);
  else if (r->state == BM_CARD_READER_STATE_ERROR && r->error != NULL)
    g_signal_emit (self, signals[SIGNAL_READ_FAILED], 0, r->error);
  return G_SOURCE_REMOVE;
}

/* Takes @error and @identity. */
void
bm_card_reader_report (BmCardWorker            *w,
        BmCardReaderState  state,
        GError            *error,
        BmIdentity        *identity,
        const char        *reader,
        guint              read_serial,
        gint64             event_time,
        gint64             transport_us)
{
  Report *r = g_new0 (Report, 1);
  GSource *source;

  r->worker = bm_card_worker_ref (w);
  r->state = state;
  r->error = error;
  r->identity = identity;
  r->reader = g_strdup (reader);
  r->read_serial = read_serial;
  r->event_time = event_time;
  r->transport_us = transport_us;
  r->ready_time = g_get_monotonic_time ();
  /* Not g_main_context_invoke(): when the main thread is not inside its
   * loop at that moment, invoke() would acquire the context and run the
   * callback here, on the worker, emitting signals on the wrong thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, report_dispatch, r, report_free);
  g_source_set_static_name (source, "[bm-card-reader] report");
  g_source_attach (source, w->main_context);
  g_source_unref (source);
}

static void
bm_card_reader_dispose (GObject *object)
{
  bm_card_reader_stop (BM_CARD_READER (object));
  G_OBJECT_CLASS (bm_card_reader_parent_class)->dispose (object);
}

static void
bm_card_reader_finalize (GObject *object)
{
  BmCardReader *self = BM_CARD_READER (object);

  g_free (self->reader_name);
  g_free (self->serial_device);
  g_free (self->message);
  g_free (self->current_reader);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (bm_card_reader_parent_class)->finalize (object);
}

static void
bm_card_reader_class_init (BmCardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_card_reader_dispose;
  object_class->finalize = bm_card_reader_finalize;

  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * BmCardReader::card-read:
   * @identity: the identity read, with photo_wlt and sam_id when available
   */
  signals[SIGNAL_CARD_READ] =
    g_signal_new ("card-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BM_TYPE_IDENTITY);
  signals[SIGNAL_READ_FAILED] =
    g_signal_new ("read-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
bm_card_reader_init (BmCardReader *self)
{
  self->baud = 115200;
  self->read_timeout_ms = DEFAULT_READ_TIMEOUT_MS;
  self->state = BM_CARD_READER_STATE_NO_READER;
  self->message = g_strdup (state_message (self->state));
}

BmCardReader *
bm_card_reader_new (void)
{
  return g_object_new (BM_TYPE_CARD_READER, NULL);
}

/* The setters take effect at the next bm_card_reader_start(). */
void
bm_card_reader_set_reader (BmCardReader *self,
                           const char   *name)
{
  g_return_if_fail (BM_IS_CARD_READER (self));
  g_free (self->reader_name);
  self->reader_name = g_strdup (name);
}

void
bm_card_reader_set_serial (BmCardReader *self,
                           const char   *device,
                           guint         baud)
{
  g_return_if_fail (BM_IS_CARD_READER (self));
  g_free (self->serial_device);
  self->serial_device = g_strdup (device);
  self->baud = baud != 0 ? baud : 115200;
}

void
bm_card_reader_set_scheme (BmCardReader *self,
                           BmCardScheme  scheme)
{
  g_return_if_fail (BM_IS_CARD_READER (self));
  self->scheme = scheme;
}

void
bm_card_reader_set_read_timeout (BmCardReader *self,
                                 guint         timeout_ms)
{
  g_return_if_fail (BM_IS_CARD_READER (self));
  self->read_timeout_ms = MAX (timeout_ms, 100);
}

void
bm_card_reader_start (BmCardReader *self)
{
  BmCardWorker *w;

  g_return_if_fail (BM_IS_CARD_READER (self));
  if (self->worker != NULL)
    return;

  w = g_new0 (BmCardWorker, 1);
  g_atomic_ref_count_init (&w->ref);
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->cancellable = g_cancellable_new ();
  w->main_context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&w->owner, self);
  w->reader_name = g_strdup (self->reader_name);
  w->serial_device = g_strdup (self->serial_device);
  w->baud = self->baud;
  w->scheme = self->scheme;
  self->worker = w;
  self->reported = FALSE;
  self->thread = g_thread_new ("bm-card-reader",
                               w->serial_device != NULL ? bm_card_worker_serial : bm_card_worker_pcsc,
                               bm_card_worker_ref (w));
}

/* Returns: (transfer full): the worker, stopping but maybe still running */
static BmCardWorker *
stop_worker (BmCardReader *self)
{
  BmCardWorker *w = g_steal_pointer (&self->worker);

  if (w == NULL)
    return NULL;
  g_mutex_lock (&w->lock);
  w->stop = TRUE;
  if (w->have_ctx)
    SCardCancel (w->ctx);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  g_cancellable_cancel (w->cancellable);
  /* Detached, not joined: see the comment at the top. */
  g_clear_pointer (&self->thread, g_thread_unref);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  return w;
}

void
bm_card_reader_stop (BmCardReader *self)
{
  BmCardWorker *w;

  g_return_if_fail (BM_IS_CARD_READER (self));
  w = stop_worker (self);
  if (w != NULL)
    bm_card_worker_unref (w);
}

/**
 * bm_card_reader_stop_and_wait:
 *
 * Stops, then waits up to @timeout_ms for the worker to leave pcscd. Call it
 * before the process exits: libpcsclite frees its state in a destructor,
 * under the feet of a thread still inside it.
 *
 * Returns: TRUE if the worker has finished; FALSE if it is still blocked in
 *   the reader (then leave with _exit())
 */
gboolean
bm_card_reader_stop_and_wait (BmCardReader *self,
                              guint         timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean finished;
  BmCardWorker *w;

  g_return_val_if_fail (BM_IS_CARD_READER (self), TRUE);
  w = stop_worker (self);
  if (w == NULL)
    return TRUE;
  g_mutex_lock (&w->lock);
  while (!w->finished && g_cond_wait_until (&w->cond, &w->lock, until))
    ;
  finished = w->finished;
  g_mutex_unlock (&w->lock);
  bm_card_worker_unref (w);
  return finished;
}

BmCardReaderState
bm_card_reader_get_state (BmCardReader *self)
{
  g_return_val_if_fail (BM_IS_CARD_READER (self), BM_CARD_READER_STATE_NO_READER);
  return self->state;
}

const char *
bm_card_reader_get_message (BmCardReader *self)
{
  g_return_val_if_fail (BM_IS_CARD_READER (self), NULL);
  return self->message;
}

const char *
bm_card_reader_get_reader_name (BmCardReader *self)
{
  g_return_val_if_fail (BM_IS_CARD_READER (self), NULL);
  return self->current_reader;
}

const GError *
bm_card_reader_get_error (BmCardReader *self)
{
  g_return_val_if_fail (BM_IS_CARD_READER (self), NULL);
  return self->error;
}

/* Client overhead of the last successful read: from the card-present event
 * to the identity on the main context, minus time inside the reader. */
gint64
bm_card_reader_get_last_overhead_us (BmCardReader *self,
                                     gint64       *handoff_us)
{
  g_return_val_if_fail (BM_IS_CARD_READER (self), 0);
  /* The part spent waiting for the main context to run: scheduling. */
  if (handoff_us != NULL)
    *handoff_us = self->last_handoff_us;
  return self->last_overhead_us;
}

/**
 * bm_card_reader_list:
 * @present: (out) (optional) (transfer full): for each reader, whether a
 *   card is on it (a gboolean array as long as the list)
 *
 * Returns: (transfer full): the PC/SC reader names, or NULL with @error
 */
char **
bm_card_reader_list (gboolean **present,
                     GError   **error)
{
  SCARDCONTEXT ctx;
  LONG rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
  char **readers;

  if (rv != SCARD_S_SUCCESS)
    {
      bm_card_pcsc_set_error (error, rv);
      return NULL;
    }
  readers = bm_card_pcsc_list_readers (ctx, error);
  if (readers != NULL && present != NULL)
    {
      guint n = g_strv_length (readers);
      g_autofree SCARD_READERSTATE *rs = g_new0 (SCARD_READERSTATE, MAX (n, 1));

      *present = g_new0 (gboolean, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          rs[i].szReader = readers[i];
          rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
        }
      if (n > 0 && SCardGetStatusChange (ctx, 0, rs, n) == SCARD_S_SUCCESS)
        for (guint i = 0; i < n; i++)
          (*present)[i] = (rs[i].dwEventState & SCARD_STATE_PRESENT) != 0;
    }
  SCardReleaseContext (ctx);
  return readers;
}
