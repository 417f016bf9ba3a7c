/* bench-stall: how long the main loop (the window's thread) stalls while the
 * station's sync worker sends N records with 30 KB photos to the
 * development server and a clerk keeps registering on the main thread.
 *   probe:  a 5 ms timer; a stall is how late it fires (p50, p99, max);
 *   clerk:  one registration every 100 ms on the main-thread connection;
 *           the time each write takes, lock waits included (p50, p99, max).
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

static gboolean
clerk (gpointer data)
{
  Bench *b = data;
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (b->clerk_next++, "5");
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gint64 took;

  if (!bm_store_add_candidate (b->store, candidate, "clerk", &error))
    g_error ("clerk: %s", error->message);
  took = g_get_monotonic_time () - t0;
  g_array_append_val (b->writes_us, took);
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
  report ("clerk registration (main thread, lock waits included)", b.writes_us);

  bm_station_stop (station);
  g_clear_object (&station);
  g_clear_object (&b.store);
  g_array_unref (b.stalls_us);
  g_array_unref (b.writes_us);
  g_main_loop_unref (b.loop);
  bench_province_stop ();
  return 0;
}
