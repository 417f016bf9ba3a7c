/* bm-card-worker.c: the reader's worker threads
 *
 * Every blocking call (pcscd, serial port) happens here. Results go to the
 * main context through bm_card_reader_report(). The state machine is in
 * docs/card-reader.md.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-pcsc.h"
#include "bm-card-reader-private.h"
#include "bm-card-serial.h"
#include "bm-sam-session.h"

BmCardWorker *
bm_card_worker_ref (BmCardWorker *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

void
bm_card_worker_unref (BmCardWorker *w)
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
worker_stopping (BmCardWorker *w)
{
  gboolean stop;

  g_mutex_lock (&w->lock);
  stop = w->stop;
  g_mutex_unlock (&w->lock);
  return stop;
}

/* Sleeps, but wakes at once on stop. Returns FALSE when stopping. */
static gboolean
worker_sleep (BmCardWorker *w,
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
worker_finish (BmCardWorker *w)
{
  g_mutex_lock (&w->lock);
  w->finished = TRUE;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  bm_card_worker_unref (w);
}

static void
report_state (BmCardWorker            *w,
              BmCardReaderState  state,
              GError            *error,
              const char        *reader)
{
  bm_card_reader_report (w, state, error, NULL, reader, 0, 0, 0);
}

static gboolean
is_service_loss (LONG rv)
{
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED
         || rv == SCARD_F_COMM_ERROR || rv == SCARD_E_INVALID_HANDLE;
}

static void
drop_context (BmCardWorker       *w,
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
read_card (BmCardWorker       *w,
           SCARDCONTEXT  ctx,
           const char   *reader,
           gint64        event_time)
{
  guint serial = (guint) g_atomic_int_add (&read_serial_counter, 1) + 1;
  GError *error = NULL;
  gint64 transport_us = 0;
  BmIdentity *id;

  bm_card_reader_report (w, BM_CARD_READER_STATE_READING, NULL, NULL, reader, serial, 0, 0);
  id = bm_card_pcsc_read (ctx, reader, w->scheme, &transport_us, w->cancellable, &error);
  if (id != NULL)
    bm_card_reader_report (w, BM_CARD_READER_STATE_READ, NULL, id, reader, serial, event_time, transport_us);
  else
    bm_card_reader_report (w, BM_CARD_READER_STATE_ERROR, error, NULL, reader, serial, 0, 0);
}

/* Follows @readers until one disappears, the set changes or the service
 * goes away. Returns FALSE when the context is lost.
 *
 * Read once per placement: pcsc-lite counts card events in the high word of
 * dwEventState, so a placement is read when its counter differs from the
 * one last read, even if the card left and came back between two calls. */
static gboolean
watch_readers (BmCardWorker  *w,
               SCARDCONTEXT   ctx,
               char         **readers,
               guint          n_all)
{
  guint n = g_strv_length (readers);
  g_autofree SCARD_READERSTATE *rs = g_new0 (SCARD_READERSTATE, n + 1);
  g_autofree DWORD *handled = g_new (DWORD, n);
  g_autofree char *label = g_strjoinv (", ", readers);
  gboolean first = TRUE;

  for (guint i = 0; i < n; i++)
    {
      rs[i].szReader = readers[i];
      rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
      handled[i] = G_MAXUINT32;
    }
  /* pcsc-lite keeps the reader count in the high word of the PnP state. */
  rs[n].szReader = BM_CARD_PNP_READER;
  rs[n].dwCurrentState = (DWORD) n_all << 16;

  for (;;)
    {
      LONG rv = SCardGetStatusChange (ctx, first ? 0 : 60000, rs, n + 1);
      gint64 now = g_get_monotonic_time ();
      gboolean any_present = FALSE;

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
          report_state (w, BM_CARD_READER_STATE_ERROR, error, label);
          if (!worker_sleep (w, BM_CARD_RETRY_MS))
            return TRUE;
          continue;
        }
      first = FALSE;
      if (rs[n].dwEventState & SCARD_STATE_CHANGED)
        return TRUE;   /* the reader set changed: list again */

      for (guint i = 0; i < n; i++)
        {
          DWORD ev = rs[i].dwEventState;

          if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
            return TRUE;
          if ((ev & SCARD_STATE_PRESENT) && !(ev & SCARD_STATE_MUTE))
            {
              DWORD counter = ev >> 16;

              any_present = TRUE;
              if (counter != handled[i])
                {
                  handled[i] = counter;
                  read_card (w, ctx, readers[i], now);
                  if (worker_stopping (w))
                    return TRUE;
                }
            }
        }
      if (!any_present)
        report_state (w, BM_CARD_READER_STATE_WAITING, NULL, label);

      for (guint i = 0; i <= n; i++)
        rs[i].dwCurrentState = rs[i].dwEventState & ~SCARD_STATE_CHANGED;
    }
}

gpointer
bm_card_worker_pcsc (gpointer data)
{
  BmCardWorker *w = data;
  SCARDCONTEXT ctx = 0;

  while (!worker_stopping (w))
    {
      g_auto(GStrv) readers = NULL;
      GError *error = NULL;
      const char *reader = NULL;
      guint n_all;
      LONG rv;

      if (ctx == 0)
        {
          rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
          if (rv != SCARD_S_SUCCESS)
            {
              ctx = 0;
              bm_card_pcsc_set_error (&error, rv);
              report_state (w, BM_CARD_READER_STATE_NO_SERVICE, error, NULL);
              worker_sleep (w, BM_CARD_RETRY_MS);
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
          worker_sleep (w, BM_CARD_RETRY_MS);
          continue;
        }
      /* The PnP state counts every reader, watched or not. */
      n_all = g_strv_length (readers);
      /* A configured reader alone; otherwise every reader, so the ID card
       * reader is found next to, say, a built-in smart card slot. */
      if (w->reader_name != NULL)
        {
          if (g_strv_contains ((const char * const *) readers, w->reader_name))
            {
              g_strfreev (readers);
              readers = g_strdupv ((char *[]) { w->reader_name, NULL });
            }
          else
            {
              g_strfreev (readers);
              readers = g_new0 (char *, 1);
            }
        }
      reader = readers[0];
      if (reader == NULL)
        {
          SCARD_READERSTATE pnp = { .szReader = BM_CARD_PNP_READER,
                                    .dwCurrentState = (DWORD) n_all << 16 };

          report_state (w, BM_CARD_READER_STATE_NO_READER, NULL, NULL);
          /* Wakes on hot-plug; the timeout also covers pcscd builds
           * without PnP notification. */
          rv = SCardGetStatusChange (ctx, 2000, &pnp, 1);
          if (is_service_loss (rv))
            drop_context (w, &ctx);
          else if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT && rv != SCARD_E_CANCELLED)
            worker_sleep (w, BM_CARD_RETRY_MS);
          continue;
        }

      if (!watch_readers (w, ctx, readers, n_all))
        drop_context (w, &ctx);
    }
  if (ctx != 0)
    drop_context (w, &ctx);
  worker_finish (w);
  return NULL;
}

gpointer
bm_card_worker_serial (gpointer data)
{
  BmCardWorker *w = data;
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
          worker_sleep (w, 2 * BM_CARD_RETRY_MS);
          continue;
        }
      s.user_data = port;
      if (!bm_sam_session_command (&s, BM_SAM_CMD_STATUS, 1000, &status, w->cancellable, &error)
          || status.sw3 != BM_SAM_SW3_OK)
        {
          if (error == NULL)
            g_set_error_literal (&error, BM_CARD_ERROR, BM_CARD_ERROR_SAM, bm_sam_status_message (status.sw3));
          report_state (w, BM_CARD_READER_STATE_NO_READER, error, NULL);
          worker_sleep (w, 2 * BM_CARD_RETRY_MS);
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

              bm_card_reader_report (w, BM_CARD_READER_STATE_READING, NULL, NULL, dev, serial, 0, 0);
              id = bm_sam_session_read (&s, w->cancellable, &error);
              if (id != NULL && sam_id != NULL)
                bm_identity_set (id, "sam_id", sam_id);
              if (id != NULL)
                bm_card_reader_report (w, BM_CARD_READER_STATE_READ, NULL, id, dev, serial, t0, s.transport_us);
              else
                bm_card_reader_report (w, BM_CARD_READER_STATE_ERROR, g_steal_pointer (&error), NULL, dev, serial, 0, 0);
              after_read = TRUE;
              continue;   /* find again at once: a failed read may be retried */
            }
          else if (!after_read)
            report_state (w, BM_CARD_READER_STATE_WAITING, NULL, dev);
          /* After a read the SAM answers "no card" both for an empty field
           * and for the same card left in place, so READ stays until the
           * next card. */
          worker_sleep (w, BM_CARD_SERIAL_POLL_MS);
        }
    }
  worker_finish (w);
  return NULL;
}

