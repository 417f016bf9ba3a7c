/* bench-stall: how long the main loop (the window's thread) stalls while the
 * station's sync worker sends N records with 30 KB photos to the
 * development server and a clerk keeps registering on the main thread.
 *   probe:  a 5 ms timer; a stall is how late it fires (p50, p99, max);
 *   clerk:  one registration every 100 ms through the station's writer
 *           (its own thread and connection), then the record read back on
 *           the main connection, as the counter page does; the time from
 *           asking to reading back (p50, p99, max).
 * Target (issue 11): no stall over 50 ms.
 * Usage: bench-stall BUILD_DIR SOURCE_DIR [N=5000] [PHOTO=30000] */
#include "bm-config.h"

#include <stdlib.h>

#include "bench-province.h"
#include "bm-station.h"
#include "bm-store-sync.h"
#include "bm-test-util.h"

static const char spec[] =
  "{\"point\":{\"code\":\"010201\",\"name\":\"bench stall\",\"county_code\":\"0102\"},"
  "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"},{\"code\":\"5\",\"name\":\"理工\"}],"
  "\"ranges\":[{\"category\":\"1\",\"first\":\"01020001\",\"last\":\"01024999\"},"
  "{\"category\":\"5\",\"first\":\"01025000\",\"last\":\"01029999\"}],"
  "\"operators\":[{\"user\":\"clerk\",\"name\":\"clerk\",\"role\":\"clerk\",\"password\":\"clerk-pass\"}],"
  "\"limits\":{\"max_batch_records\":500,\"max_batch_bytes\":16777216}}";

#define PROBE_MS 5

typedef struct {
  GMainLoop *loop;
  BmStore *store;
  BmStoreWriter *writer;
  GArray *stalls_us;     /* gint64 */
  GArray *writes_us;     /* gint64 */
  gint64 last_probe;
  guint clerk_next;
  guint runs;
  gboolean ok;
} Bench;

static gboolean
probe (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - b->last_probe - PROBE_MS * 1000;

  g_array_append_val (b->stalls_us, late);
  b->last_probe = now;
  return G_SOURCE_CONTINUE;
}

typedef struct {
  Bench *bench;
  BmCandidate *candidate;
  gint64 asked;
} ClerkWrite;

static void
clerk_write_free (gpointer data)
{
  ClerkWrite *w = data;

  g_object_unref (w->candidate);
  g_free (w);
}

static gboolean
add_candidate (BmStore *store, gpointer data, GError **error)
{
  ClerkWrite *w = data;

  return bm_store_add_candidate (store, w->candidate, "clerk", error);
}

static void
on_clerk_written (GObject *source, GAsyncResult *result, gpointer data)
{
  ClerkWrite *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) shown = NULL;
  gint64 took;

  if (!bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    g_error ("clerk: %s", error->message);
  shown = bm_store_find_by_uuid (w->bench->store, bm_candidate_get (w->candidate, "uuid"), &error);
  if (shown == NULL)
    g_error ("clerk: read back: %s", error ? error->message : "missing");
  took = g_get_monotonic_time () - w->asked;
  g_array_append_val (w->bench->writes_us, took);
}

static gboolean
clerk (gpointer data)
{
  Bench *b = data;
  ClerkWrite *w = g_new0 (ClerkWrite, 1);

  w->bench = b;
  w->candidate = bm_test_make_candidate (b->clerk_next++, "5");
  w->asked = g_get_monotonic_time ();
  /* The write data lives until the write is done; the callback reads it
   * before the writer frees it. */
  bm_store_writer_write_async (b->writer, add_candidate, w, clerk_write_free, NULL, on_clerk_written, w);
  return G_SOURCE_CONTINUE;
}

static void
on_run_finished (BmSyncWorker *worker, gboolean ok, const char *code, const char *message, Bench *b)
{
  b->runs++;
  b->ok = ok;
  if (!ok)
    g_printerr ("sync run stopped: %s (%s)\n", message ? message : "", code ? code : "");
  g_main_loop_quit (b->loop);
}

static int
cmp64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *v)
{
  g_array_sort (v, cmp64);
  if (v->len == 0)
    {
      g_print ("%s: no samples\n", what);
      return;
    }
  g_print ("%s: %u samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, v->len,
           g_array_index (v, gint64, v->len / 2) / 1000.0,
           g_array_index (v, gint64, MIN (v->len - 1, v->len * 99 / 100)) / 1000.0,
           g_array_index (v, gint64, v->len - 1) / 1000.0);
}

int
main (int argc, char **argv)
{
  int n = argc > 3 ? atoi (argv[3]) : 5000;
  int photo = argc > 4 ? atoi (argv[4]) : 30000;
  Bench b = { 0 };
  g_autoptr(BmStation) station = NULL;
  g_autoptr(BmStore) filled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  gint64 t0, over_50 = 0;
  guint probe_id, clerk_id;

  if (argc < 3)
    {
      g_printerr ("usage: bench-stall BUILD_DIR SOURCE_DIR [N] [PHOTO_BYTES]\n");
      return 2;
    }
  bench_province_start (argv[1], argv[2], (const char *[]) { spec, NULL });
  filled = bench_province_workstation ("ws.db", "010201", n, photo, 0);
  db = g_strdup (bm_store_get_path (filled));
  g_clear_object (&filled);

  b.loop = g_main_loop_new (NULL, FALSE);
  b.stalls_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.writes_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.store = bm_store_open (db, FALSE, &error);
  if (b.store == NULL)
    g_error ("%s", error->message);
  station = bm_station_new (b.store, NULL);
  b.writer = bm_station_get_writer (station);
  g_signal_connect (bm_station_get_sync_worker (station), "run-finished", G_CALLBACK (on_run_finished), &b);

  b.last_probe = g_get_monotonic_time ();
  probe_id = g_timeout_add (PROBE_MS, probe, &b);
  clerk_id = g_timeout_add (100, clerk, &b);
  t0 = g_get_monotonic_time ();
  bm_station_start (station);
  g_main_loop_run (b.loop);
  g_source_remove (probe_id);
  g_source_remove (clerk_id);

  for (guint i = 0; i < b.stalls_us->len; i++)
    if (g_array_index (b.stalls_us, gint64, i) > 50000)
      over_50++;
  g_print ("sync of %d records with %d-byte photos while a clerk registers every 100 ms: %.1f s, run %s\n",
           n, photo, (g_get_monotonic_time () - t0) / 1e6, b.ok ? "ok" : "stopped");
  report ("main-loop stall (5 ms probe lateness)", b.stalls_us);
  g_print ("stalls over 50 ms: %" G_GINT64_FORMAT "\n", over_50);
  report ("clerk registration (writer thread, asked to read back)", b.writes_us);

  bm_station_stop (station);
  g_clear_object (&station);
  g_clear_object (&b.store);
  g_array_unref (b.stalls_us);
  g_array_unref (b.writes_us);
  g_main_loop_unref (b.loop);
  bench_province_stop ();
  return 0;
}
