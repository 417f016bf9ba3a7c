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
#include "bm-sam-session.h"

#define PNP_READER        "\\\\?PnP?\\Notification"
#define RETRY_MS          500
#define SERIAL_POLL_MS    300
#define DEFAULT_READ_TIMEOUT_MS 10000

typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  GCond            cond;
  gboolean         stop;
  gboolean         finished;
  SCARDCONTEXT     ctx;
  gboolean         have_ctx;
  GCancellable    *cancellable;
  GMainContext    *main_context;
  GWeakRef         owner;
  /* configuration, fixed at start */
  char            *reader_name;
  char            *serial_device;
  guint            baud;
  BmCardScheme     scheme;
} Worker;

struct _BmCardReader {
  GObject            parent_instance;

  char              *reader_name;
  char              *serial_device;
  guint              baud;
  BmCardScheme       scheme;
  guint              read_timeout_ms;

  Worker            *worker;
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

static Worker *
worker_ref (Worker *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

static void
worker_unref (Worker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_object_unref (w->cancellable);
  g_main_context_unref (w->main_context);
  g_weak_ref_clear (&w->owner);
  g_free (w->reader_name);
  g_free (w->serial_device);
  g_free (w);
}

static gboolean
worker_stopping (Worker *w)
{
  gboolean stop;

  g_mutex_lock (&w->lock);
  stop = w->stop;
  g_mutex_unlock (&w->lock);
  return stop;
}

/* Sleeps, but wakes at once on stop. Returns FALSE when stopping. */
static gboolean
worker_sleep (Worker *w,
              guint   ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean stop;

  g_mutex_lock (&w->lock);
  while (!w->stop && g_cond_wait_until (&w->cond, &w->lock, until))
    ;
  stop = w->stop;
  g_mutex_unlock (&w->lock);
  return !stop;
}

static void
worker_finish (Worker *w)
{
  g_mutex_lock (&w->lock);
  w->finished = TRUE;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  worker_unref (w);
}

typedef struct {
  Worker            *worker;
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

  worker_unref (r->worker);
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
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  if (reader != NULL || state <= BM_CARD_READER_STATE_NO_READER)
    {
      g_free (self->current_reader);
      self->current_reader = g_strdup (reader);
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
      && r->read_serial == 0 && g_strcmp0 (r->reader, self->current_reader) == 0)
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
static void
report (Worker            *w,
        BmCardReaderState  state,
        GError            *error,
        BmIdentity        *identity,
        const char        *reader,
        guint              read_serial,
        gint64             event_time,
        gint64             transport_us)
{
  Report *r = g_new0 (Report, 1);

  r->worker = worker_ref (w);
  r->state = state;
  r->error = error;
  r->identity = identity;
  r->reader = g_strdup (reader);
  r->read_serial = read_serial;
  r->event_time = event_time;
  r->transport_us = transport_us;
  r->ready_time = g_get_monotonic_time ();
  g_main_context_invoke_full (w->main_context, G_PRIORITY_DEFAULT, report_dispatch, r, report_free);
}

static void
report_state (Worker            *w,
              BmCardReaderState  state,
              GError            *error,
              const char        *reader)
{
  report (w, state, error, NULL, reader, 0, 0, 0);
}

static gboolean
is_service_loss (LONG rv)
{
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED
         || rv == SCARD_F_COMM_ERROR || rv == SCARD_E_INVALID_HANDLE;
}

static void
drop_context (Worker       *w,
              SCARDCONTEXT *ctx)
{
  g_mutex_lock (&w->lock);
  w->have_ctx = FALSE;
  g_mutex_unlock (&w->lock);
  SCardReleaseContext (*ctx);
  *ctx = 0;
}

static guint read_serial_counter;

static void
read_card (Worker       *w,
           SCARDCONTEXT  ctx,
           const char   *reader,
           gint64        event_time)
{
  guint serial = (guint) g_atomic_int_add (&read_serial_counter, 1) + 1;
  GError *error = NULL;
  gint64 transport_us = 0;
  BmIdentity *id;

  report (w, BM_CARD_READER_STATE_READING, NULL, NULL, reader, serial, 0, 0);
  id = bm_card_pcsc_read (ctx, reader, w->scheme, &transport_us, w->cancellable, &error);
  if (id != NULL)
    report (w, BM_CARD_READER_STATE_READ, NULL, id, reader, serial, event_time, transport_us);
  else
    report (w, BM_CARD_READER_STATE_ERROR, error, NULL, reader, serial, 0, 0);
}

/* Follows one reader until it disappears or the service goes away.
 * Returns FALSE when the context is lost. */
static gboolean
watch_reader (Worker       *w,
              SCARDCONTEXT  ctx,
              const char   *reader,
              guint         n_readers)
{
  SCARD_READERSTATE rs[2] = {
    { .szReader = reader, .dwCurrentState = SCARD_STATE_UNAWARE },
    /* pcsc-lite keeps the reader count in the high word of the PnP state. */
    { .szReader = PNP_READER, .dwCurrentState = (DWORD) n_readers << 16 },
  };
  DWORD handled = G_MAXUINT32;   /* event counter of the placement last read */
  gboolean first = TRUE;

  for (;;)
    {
      LONG rv = SCardGetStatusChange (ctx, first ? 0 : 60000, rs, 2);
      gint64 now = g_get_monotonic_time ();
      DWORD ev = rs[0].dwEventState;

      if (worker_stopping (w))
        return TRUE;
      if (rv == SCARD_E_TIMEOUT && !first)
        continue;
      if (is_service_loss (rv))
        return FALSE;
      if (rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE)
        return TRUE;
      if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
        {
          GError *error = NULL;

          bm_card_pcsc_set_error (&error, rv);
          report_state (w, BM_CARD_READER_STATE_ERROR, error, reader);
          if (!worker_sleep (w, RETRY_MS))
            return TRUE;
          continue;
        }
      first = FALSE;
      if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
        return TRUE;
      if (rs[1].dwEventState & SCARD_STATE_CHANGED)
        return TRUE;   /* the reader set changed: list again */

      if ((ev & SCARD_STATE_PRESENT) && !(ev & SCARD_STATE_MUTE))
        {
          DWORD counter = ev >> 16;

          if (counter != handled)
            {
              handled = counter;
              read_card (w, ctx, reader, now);
              if (worker_stopping (w))
                return TRUE;
            }
        }
      else
        report_state (w, BM_CARD_READER_STATE_WAITING, NULL, reader);

      rs[0].dwCurrentState = ev & ~SCARD_STATE_CHANGED;
      rs[1].dwCurrentState = rs[1].dwEventState & ~SCARD_STATE_CHANGED;
    }
}

static gpointer
pcsc_thread (gpointer data)
{
  Worker *w = data;
  SCARDCONTEXT ctx = 0;

  while (!worker_stopping (w))
    {
      g_auto(GStrv) readers = NULL;
      GError *error = NULL;
      const char *reader = NULL;
      LONG rv;

      if (ctx == 0)
        {
          rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
          if (rv != SCARD_S_SUCCESS)
            {
              ctx = 0;
              bm_card_pcsc_set_error (&error, rv);
              report_state (w, BM_CARD_READER_STATE_NO_SERVICE, error, NULL);
              worker_sleep (w, RETRY_MS);
              continue;
            }
          g_mutex_lock (&w->lock);
          w->ctx = ctx;
          w->have_ctx = TRUE;
          g_mutex_unlock (&w->lock);
        }

      readers = bm_card_pcsc_list_readers (ctx, &error);
      if (readers == NULL)
        {
          gboolean lost = g_error_matches (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_SERVICE);

          report_state (w, lost ? BM_CARD_READER_STATE_NO_SERVICE : BM_CARD_READER_STATE_ERROR, error, NULL);
          drop_context (w, &ctx);
          worker_sleep (w, RETRY_MS);
          continue;
        }
      for (guint i = 0; readers[i] != NULL && reader == NULL; i++)
        if (w->reader_name == NULL || g_str_equal (readers[i], w->reader_name))
          reader = readers[i];

      if (reader == NULL)
        {
          SCARD_READERSTATE pnp = { .szReader = PNP_READER,
                                    .dwCurrentState = (DWORD) g_strv_length (readers) << 16 };

          report_state (w, BM_CARD_READER_STATE_NO_READER, NULL, NULL);
          /* Wakes on hot-plug; the timeout also covers pcscd builds
           * without PnP notification. */
          rv = SCardGetStatusChange (ctx, 2000, &pnp, 1);
          if (is_service_loss (rv))
            drop_context (w, &ctx);
          else if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT && rv != SCARD_E_CANCELLED)
            worker_sleep (w, RETRY_MS);
          continue;
        }

      if (!watch_reader (w, ctx, reader, g_strv_length (readers)))
        drop_context (w, &ctx);
    }
  if (ctx != 0)
    drop_context (w, &ctx);
  worker_finish (w);
  return NULL;
}

static gpointer
serial_thread (gpointer data)
{
  Worker *w = data;
  const char *dev = w->serial_device;

  while (!worker_stopping (w))
    {
      g_autoptr(BmCardSerial) port = NULL;
      BmSamSession s = { bm_card_serial_transceive, NULL, 0 };
      g_auto(BmSamResponse) status = { 0 };
      g_autofree char *sam_id = NULL;
      GError *error = NULL;
      gboolean after_read = FALSE;

      port = bm_card_serial_open (dev, w->baud, &error);
      if (port == NULL)
        {
          report_state (w, BM_CARD_READER_STATE_NO_READER, error, NULL);
          worker_sleep (w, 2 * RETRY_MS);
          continue;
        }
      s.user_data = port;
      if (!bm_sam_session_command (&s, BM_SAM_CMD_STATUS, 1000, &status, w->cancellable, &error)
          || status.sw3 != BM_SAM_SW3_OK)
        {
          if (error == NULL)
            g_set_error_literal (&error, BM_CARD_ERROR, BM_CARD_ERROR_SAM, bm_sam_status_message (status.sw3));
          report_state (w, BM_CARD_READER_STATE_NO_READER, error, NULL);
          worker_sleep (w, 2 * RETRY_MS);
          continue;
        }
      sam_id = bm_sam_session_sam_id (&s, w->cancellable, NULL);
      report_state (w, BM_CARD_READER_STATE_WAITING, NULL, dev);

      while (!worker_stopping (w))
        {
          gboolean found = FALSE;
          gint64 t0 = g_get_monotonic_time ();

          s.transport_us = 0;
          if (!bm_sam_session_find (&s, &found, w->cancellable, &error))
            {
              if (g_error_matches (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER)
                  || g_error_matches (error, BM_CARD_ERROR, BM_CARD_ERROR_TIMEOUT))
                {
                  report_state (w, BM_CARD_READER_STATE_NO_READER, error, NULL);
                  break;
                }
              g_clear_error (&error);
            }
          else if (found)
            {
              guint serial = (guint) g_atomic_int_add (&read_serial_counter, 1) + 1;
              BmIdentity *id;

              report (w, BM_CARD_READER_STATE_READING, NULL, NULL, dev, serial, 0, 0);
              id = bm_sam_session_read (&s, w->cancellable, &error);
              if (id != NULL && sam_id != NULL)
                bm_identity_set (id, "sam_id", sam_id);
              if (id != NULL)
                report (w, BM_CARD_READER_STATE_READ, NULL, id, dev, serial, t0, s.transport_us);
              else
                report (w, BM_CARD_READER_STATE_ERROR, g_steal_pointer (&error), NULL, dev, serial, 0, 0);
              after_read = TRUE;
              continue;   /* find again at once: a failed read may be retried */
            }
          else if (!after_read)
            report_state (w, BM_CARD_READER_STATE_WAITING, NULL, dev);
          /* After a read the SAM answers "no card" both for an empty field
           * and for the same card left in place, so READ stays until the
           * next card. */
          worker_sleep (w, SERIAL_POLL_MS);
        }
    }
  worker_finish (w);
  return NULL;
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
  Worker *w;

  g_return_if_fail (BM_IS_CARD_READER (self));
  if (self->worker != NULL)
    return;

  w = g_new0 (Worker, 1);
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
                               w->serial_device != NULL ? serial_thread : pcsc_thread,
                               worker_ref (w));
}

/* Returns: (transfer full): the worker, stopping but maybe still running */
static Worker *
stop_worker (BmCardReader *self)
{
  Worker *w = g_steal_pointer (&self->worker);

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
  Worker *w;

  g_return_if_fail (BM_IS_CARD_READER (self));
  w = stop_worker (self);
  if (w != NULL)
    worker_unref (w);
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
  Worker *w;

  g_return_val_if_fail (BM_IS_CARD_READER (self), TRUE);
  w = stop_worker (self);
  if (w == NULL)
    return TRUE;
  g_mutex_lock (&w->lock);
  while (!w->finished && g_cond_wait_until (&w->cond, &w->lock, until))
    ;
  finished = w->finished;
  g_mutex_unlock (&w->lock);
  worker_unref (w);
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
