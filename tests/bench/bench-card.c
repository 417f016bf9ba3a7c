/* Card reading: client overhead from the card-present event to the identity
 * ready on the main context, excluding the time spent inside the reader
 * (pcscd calls). Target (issue 3): p99 <= 20 ms. Not a test; prints numbers.
 *
 *   tests/pcsc/pcsc-harness.sh _build/tests/bench/bench-card [READS]
 *       real pcscd + vpcd + cardemu.py; the card is placed and taken away
 *       READS times (default 200) through the emulator's control socket
 *   _build/tests/bench/bench-card --in-process [READS]
 *       only the decoding path (frames already in memory)
 */
#include "bm-config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm-card-reader.h"
#include "bm-card-text.h"
#include "bm-sam-session.h"
#include "bm-test-cardemu.h"

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *us)
{
  gint64 *v = (gint64 *) us->data;
  guint n = us->len;

  qsort (v, n, sizeof *v, cmp_i64);
  printf ("%s: n=%u p50=%.3f ms p99=%.3f ms max=%.3f ms\n", what, n,
          v[n / 2] / 1000.0, v[MIN (n - 1, (n * 99 + 99) / 100 - 1)] / 1000.0, v[n - 1] / 1000.0);
}

/* --in-process: a transport that answers from memory. */
typedef struct {
  GBytes *read;
  GBytes *ok;
  GBytes *appended;
} Canned;

static GBytes *
canned_transceive (gpointer user_data, GBytes *request, guint timeout_ms,
                   GCancellable *cancellable, GError **error)
{
  Canned *c = user_data;
  const guint8 *p = g_bytes_get_data (request, NULL);

  if (p[7] == 0x30 && p[8] == 0x01)
    return g_bytes_ref (c->read);
  if (p[7] == 0x30 && p[8] == 0x03)
    return g_bytes_ref (c->appended);
  return g_bytes_ref (c->ok);
}

static void
put (guint8 *t, gsize off, gsize n, const char *utf8)
{
  glong units = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16 (utf8, -1, NULL, &units, NULL);

  for (gsize i = 0; i < n / 2; i++)
    {
      gunichar2 ch = (glong) i < units ? u[i] : 0x20;
      t[off + 2 * i] = ch & 0xFF;
      t[off + 2 * i + 1] = ch >> 8;
    }
}

static int
in_process (guint reads)
{
  guint8 data[4 + 256 + 1024];
  guint8 addr[70];
  Canned c;
  g_autoptr(GArray) us = g_array_new (FALSE, FALSE, sizeof (gint64));

  memset (data, 0, sizeof data);
  data[0] = 0x01; data[2] = 0x04;
  put (data + 4, 0, 256, "");
  put (data + 4, 0, 30, "王䶮");
  put (data + 4, 30, 2, "2");
  put (data + 4, 32, 4, "02");
  put (data + 4, 36, 16, "20070909");
  put (data + 4, 52, 70, "内蒙古自治区呼和浩特市新城区 5 号");
  put (data + 4, 122, 36, "150102200709090048");
  put (data + 4, 158, 30, "呼和浩特市公安局新城分局");
  put (data + 4, 188, 16, "20230101");
  put (data + 4, 204, 16, "长期");
  memcpy (data + 260, "WLf", 3);
  put (addr, 0, 70, "内蒙古自治区呼和浩特市新城区 7 号");
  c.read = bm_sam_frame_build_response (0x90, data, sizeof data);
  c.ok = bm_sam_frame_build_response (0x90, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
  c.appended = bm_sam_frame_build_response (0x90, addr, sizeof addr);

  for (guint i = 0; i < reads; i++)
    {
      BmSamSession s = { canned_transceive, &c, 0 };
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(BmIdentity) id = bm_sam_session_read (&s, NULL, NULL);
      g_autoptr(JsonObject) o = NULL;
      gint64 dt;

      g_assert (id != NULL);
      o = bm_card_identity_to_json (id, "bench");
      dt = g_get_monotonic_time () - t0;
      g_array_append_val (us, dt);
    }
  report ("in-process decode (select, read, appended, parse, JSON)", us);
  g_bytes_unref (c.read);
  g_bytes_unref (c.ok);
  g_bytes_unref (c.appended);
  return 0;
}

/* --- real pcscd ----------------------------------------------------------- */

typedef struct {
  GMainLoop    *loop;
  BmCardReader *reader;
  GArray       *overhead;
  GArray       *handoff;
  GArray       *worker;
  guint         want;
  gboolean      got;
} Bench;

static void
on_card (BmCardReader *reader, BmIdentity *id, Bench *b)
{
  gint64 handoff = 0;
  gint64 us = bm_card_reader_get_last_overhead_us (reader, &handoff);
  gint64 worker = us - handoff;

  g_array_append_val (b->overhead, us);
  g_array_append_val (b->handoff, handoff);
  g_array_append_val (b->worker, worker);
  b->got = TRUE;
  g_main_loop_quit (b->loop);
}

static void
on_failed (BmCardReader *reader, GError *error, Bench *b)
{
  fprintf (stderr, "read failed: %s\n", error->message);
  g_main_loop_quit (b->loop);
}

static void
on_state (BmCardReader *reader, Bench *b)
{
  if (bm_card_reader_get_state (reader) == BM_CARD_READER_STATE_WAITING && !b->got)
    g_main_loop_quit (b->loop);
}

static gboolean
give_up (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* Runs the loop until a handler quits it, or 10 s pass. */
static void
run_loop (GMainLoop *loop)
{
  guint guard = g_timeout_add_seconds (10, give_up, loop);

  g_main_loop_run (loop);
  g_source_remove (guard);
}

static int
with_pcscd (guint reads)
{
  Bench b = { 0 };
  g_autoptr(BmCardReader) reader = bm_card_reader_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GArray) overhead = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) handoff = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) worker = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t0 = g_get_monotonic_time ();

  if (g_getenv ("BM_TEST_CARDEMU_CTL") == NULL)
    {
      fprintf (stderr, "run under tests/pcsc/pcsc-harness.sh, or use --in-process\n");
      return 2;
    }
  b.loop = loop;
  b.reader = reader;
  b.overhead = overhead;
  b.handoff = handoff;
  b.worker = worker;
  g_signal_connect (reader, "card-read", G_CALLBACK (on_card), &b);
  g_signal_connect (reader, "read-failed", G_CALLBACK (on_failed), &b);
  g_signal_connect (reader, "state-changed", G_CALLBACK (on_state), &b);
  bm_card_reader_start (reader);
  run_loop (loop);   /* until waiting */

  for (guint i = 0; i < reads; i++)
    {
      b.got = FALSE;
      if (!bm_test_cardemu (i % 2 ? "insert resident-appended" : "insert foreign2023"))
        return 1;
      run_loop (loop);                 /* until the card is read */
      if (!b.got)
        {
          fprintf (stderr, "no card read at placement %u\n", i);
          return 1;
        }
      b.got = FALSE;
      bm_test_cardemu ("remove");
      run_loop (loop);                 /* until waiting again */
    }
  bm_card_reader_stop_and_wait (reader, 1000);
  report ("pcscd client overhead (card-present event -> identity on main context, minus pcscd time)", overhead);
  report ("  of which on the worker (connect/scheme/parse, minus pcscd time)", worker);
  report ("  of which handing over to the main context (scheduling)", handoff);
  printf ("%u placements in %.1f s\n", reads, (g_get_monotonic_time () - t0) / 1e6);
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean in_proc = argc > 1 && g_str_equal (argv[1], "--in-process");
  int n_arg = in_proc ? 2 : 1;
  guint reads = argc > n_arg ? (guint) atoi (argv[n_arg]) : 200;

  return in_proc ? in_process (reads) : with_pcscd (reads);
}
