/* bench-sync: the sync client against the development provincial server on
 * loopback (real HTTPS).
 *   A. N records (default 9,998: one 市县码 has 9,999 serials) with PHOTO-byte
 *      photos, batched: seconds, bytes, peak RSS;
 *   B. libcurl sending the same number of bytes as one stream, same server;
 *   C. with 50 ms injected latency per batch answer: one request per record
 *      versus batches, on M records (per-record extrapolated to N).
 * Usage: bench-sync BUILD_DIR SOURCE_DIR [N=9998] [PHOTO=30000] [M=200] */

#include "bm-config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bm-store-sync.h"
#include "bm-sync-client.h"
#include "bench-province.h"

/* A point per phase: one 市县码 has only 9,999 serials. */
static const char spec_a[] =
  "{\"point\":{\"code\":\"010201\",\"name\":\"bench A\",\"county_code\":\"0102\"},"
  "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"},{\"code\":\"5\",\"name\":\"理工\"}],"
  "\"ranges\":[{\"category\":\"1\",\"first\":\"01020001\",\"last\":\"01024999\"},"
  "{\"category\":\"5\",\"first\":\"01025000\",\"last\":\"01029999\"}],"
  "\"operators\":[{\"user\":\"clerk\",\"name\":\"clerk\",\"role\":\"clerk\",\"password\":\"clerk-pass\"}],"
  "\"limits\":{\"max_batch_records\":500,\"max_batch_bytes\":16777216}}";
static const char spec_c[] =
  "{\"point\":{\"code\":\"010301\",\"name\":\"bench C\",\"county_code\":\"0103\"},"
  "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"},{\"code\":\"5\",\"name\":\"理工\"}],"
  "\"ranges\":[{\"category\":\"1\",\"first\":\"01030001\",\"last\":\"01034999\"},"
  "{\"category\":\"5\",\"first\":\"01035000\",\"last\":\"01039999\"}],"
  "\"operators\":[{\"user\":\"clerk\",\"name\":\"clerk\",\"role\":\"clerk\",\"password\":\"clerk-pass\"}]}";

static double
sync_run (BmStore *store, const char *batch_records, BmSyncStats *stats)
{
  g_autoptr(BmSyncClient) client = bm_sync_client_new (store);
  g_autoptr(GError) error = NULL;
  gint64 t0;

  bm_store_sync_set (store, "batch_records", batch_records, NULL);
  t0 = g_get_monotonic_time ();
  if (!bm_sync_client_run (client, NULL, &error))
    g_error ("sync: %s", error->message);
  *stats = *bm_sync_client_get_stats (client);
  return (g_get_monotonic_time () - t0) / 1e6;
}

typedef struct { curl_off_t left; } Stream;

static size_t
stream_read (char *buf, size_t size, size_t n, void *user)
{
  Stream *s = user;
  size_t len = MIN ((curl_off_t) (size * n), s->left);

  memset (buf, 'x', len);
  s->left -= len;
  return len;
}

static size_t
discard (char *p, size_t s, size_t n, void *u)
{
  return s * n;
}

static double
curl_one_stream (guint64 bytes)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%d/api/v1/photos/%064d", bench_province_port (), 0);
  g_autofree char *ca = g_build_filename (bench_province_tmp (), "cert.pem", NULL);
  Stream s = { (curl_off_t) bytes };
  CURL *c = curl_easy_init ();
  gint64 t0 = g_get_monotonic_time ();
  CURLcode rc;

  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_CAINFO, ca);
  curl_easy_setopt (c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (c, CURLOPT_READFUNCTION, stream_read);
  curl_easy_setopt (c, CURLOPT_READDATA, &s);
  curl_easy_setopt (c, CURLOPT_INFILESIZE_LARGE, (curl_off_t) bytes);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, curl_slist_append (NULL, "Expect:"));
  rc = curl_easy_perform (c);
  curl_easy_cleanup (c);
  if (rc != CURLE_OK)
    g_error ("curl: %s", curl_easy_strerror (rc));
  return (g_get_monotonic_time () - t0) / 1e6;
}

static long
peak_rss_kb (void)
{
  struct rusage u;
  getrusage (RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

int
main (int argc, char **argv)
{
  int n = argc > 3 ? atoi (argv[3]) : 9998;   /* 9,999 serials per 市县码 */
  int photo = argc > 4 ? atoi (argv[4]) : 30000;
  int m = argc > 5 ? atoi (argv[5]) : 200;
  BmSyncStats a, c1, c2;
  double ta, tb, tc1, tc2;
  long rss0;

  if (argc < 3)
    {
      g_printerr ("usage: bench-sync BUILD_DIR SOURCE_DIR [N] [PHOTO_BYTES] [M]\n");
      return 2;
    }
  bench_province_start (argv[1], argv[2], (const char *[]) { spec_a, spec_c, NULL });

  /* A: the whole load, batched. */
  {
    g_autoptr(BmStore) store = bench_province_workstation ("a.db", "010201", n, photo, 0);
    rss0 = peak_rss_kb ();
    ta = sync_run (store, "200", &a);
  }
  g_print ("A  batched sync: %d records + %d-byte photos: %.2f s, %" G_GUINT64_FORMAT " bytes sent "
           "(%.1f MB/s), %" G_GUINT64_FORMAT " requests, peak RSS %.1f MB (before sync %.1f MB)\n",
           n, photo, ta, a.bytes_sent, a.bytes_sent / ta / 1e6, a.requests, peak_rss_kb () / 1024.0, rss0 / 1024.0);

  /* B: libcurl, the same byte count as one stream to the same server. */
  tb = curl_one_stream (a.bytes_sent);
  g_print ("B  curl one stream: %" G_GUINT64_FORMAT " bytes: %.2f s (%.1f MB/s); client/curl throughput = %.2f\n",
           a.bytes_sent, tb, a.bytes_sent / tb / 1e6, tb / ta);

  /* C: 50 ms latency on each batch answer. */
  bench_province ("fault", "clear", NULL);
  bench_province ("fault", "add", "batches", "delay", "--count", "-1", "--p1", "50", NULL);
  {
    g_autoptr(BmStore) s1 = bench_province_workstation ("c1.db", "010301", m, 0, 1000000);
    g_autoptr(BmStore) s2 = bench_province_workstation ("c2.db", "010301", m, 0, 2000000);
    tc1 = sync_run (s1, "1", &c1);
    tc2 = sync_run (s2, "200", &c2);
  }
  g_print ("C  50 ms latency, %d records: one request per record %.2f s (%.1f records/s, %.0f s for %d), "
           "batched %.2f s (%.1f records/s); batching is %.1fx faster\n",
           m, tc1, m / tc1, tc1 / m * n, n, tc2, m / tc2, tc1 / tc2);

  bench_province_stop ();
  return 0;
}
