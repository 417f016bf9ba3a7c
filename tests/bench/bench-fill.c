/* bench-fill: make a set-up store with N candidates, each with a card photo
 * (1 KB WLT) and a processed photo of PHOTO_BYTES, for the scale benchmarks
 * (issue 17). Fast: 1,000 records per transaction through the store's bulk
 * insert, photos written beside them in one transaction per batch.
 *   bench-fill DB N [PHOTO_BYTES=30000]
 * DB must not exist. Prints nothing on success. */

#include "bm-config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bm-store-private.h"
#include "bm-test-util.h"

static const char setup[] =
  "{ \"point\": { \"code\": \"430102001\", \"name\": \"长沙市一中\", \"county_code\": \"0102\" },"
  "  \"workstation_id\": \"430102001-01\","
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 4999 }, { \"category\": \"5\", \"first\": 5000, \"last\": 9999 } ],"
  "  \"workstation_count\": 1, \"workstation_index\": 1 }";

/* The call first, then its error (argument order is unspecified). */
#define check(ok, error) G_STMT_START { gboolean ok_ = (ok); check_at (ok_, error, __LINE__); } G_STMT_END

static void
check_at (gboolean ok, GError *error, int line)
{
  if (!ok)
    {
      g_printerr ("bench-fill: line %d: %s\n", line, error ? error->message : "failed");
      exit (1);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *base = NULL;
  g_autofree guint8 *photo = NULL;
  guint8 wlt[1024];
  guint n, photo_bytes;

  if (argc < 3)
    {
      g_printerr ("usage: bench-fill DB N [PHOTO_BYTES]\n");
      return 2;
    }
  n = (guint) atoi (argv[2]);
  photo_bytes = argc > 3 ? (guint) atoi (argv[3]) : 30000;
  dir = g_path_get_dirname (argv[1]);
  base = g_path_get_basename (argv[1]);
  store = bm_test_open_with_setup (dir, base, setup);

  /* Random bytes once (JPEG data does not compress); each record's copy
   * differs in its first bytes so every photo has its own SHA-256. */
  photo = g_malloc (MAX (photo_bytes, 16));
  for (guint k = 0; k < photo_bytes; k++)
    photo[k] = (guint8) g_random_int ();
  for (guint k = 0; k < sizeof wlt; k++)
    wlt[k] = (guint8) g_random_int ();

  /* A point has at most 9,999 numbers under its 市县码: move the point to
   * a new 市县码 and rewind its slices every 9,000 records (as bench-store
   * does), so 100,000 rows go through the real insert path. */
  for (guint done = 0; done < n; done += 1000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(sqlite3_stmt) blob = NULL, row = NULL;

      if (done > 0 && done % 9000 == 0)
        {
          g_autofree char *sql = g_strdup_printf ("UPDATE point SET county_code = '%04u';"
                                                  "UPDATE number_slices SET next_serial = first_serial;",
                                                  102 + done / 9000);
          check (bm_store_exec (store, sql, &error), error);
        }
      for (guint i = done; i < done + 1000 && i < n; i++)
        {
          BmCandidate *c = bm_test_make_candidate (i, i % 2 ? "5" : "1");
          g_autoptr(GBytes) card_photo = NULL;

          memcpy (wlt, &i, sizeof i);
          card_photo = g_bytes_new (wlt, sizeof wlt);
          bm_identity_set_photo_wlt (bm_candidate_get_identity (c), card_photo);
          bm_candidate_set (c, "source", "card");
          g_ptr_array_add (batch, c);
        }
      check (bm_store_add_candidates (store, batch, "clerk", &error), error);
      if (photo_bytes == 0)
        continue;

      check (bm_store_transaction_begin (store, &error), error);
      blob = bm_store_prepare (store, "INSERT OR IGNORE INTO photo_blobs (sha256, data) VALUES (?, ?)", &error);
      row = bm_store_prepare (store, "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, created_at)"
                                     " VALUES (?, 'processed', X'', ?, 480, 640, datetime ('now'))", &error);
      check (blob != NULL && row != NULL, error);
      for (guint i = 0; i < batch->len; i++)
        {
          guint serial = done + i;
          g_autofree char *sha = NULL;

          memcpy (photo + 4, &serial, sizeof serial);
          photo[0] = 0xff, photo[1] = 0xd8, photo[2] = 0xff, photo[3] = 0xe0;
          sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, photo, photo_bytes);
          sqlite3_bind_text (blob, 1, sha, -1, SQLITE_STATIC);
          sqlite3_bind_blob (blob, 2, photo, photo_bytes, SQLITE_STATIC);
          sqlite3_bind_text (row, 1, bm_candidate_get (batch->pdata[i], "uuid"), -1, SQLITE_STATIC);
          sqlite3_bind_text (row, 2, sha, -1, SQLITE_STATIC);
          if (sqlite3_step (blob) != SQLITE_DONE || sqlite3_step (row) != SQLITE_DONE)
            {
              g_printerr ("bench-fill: photo: %s\n", sqlite3_errmsg (bm_store_get_sqlite (store)));
              return 1;
            }
          sqlite3_reset (blob);
          sqlite3_reset (row);
        }
      check (bm_store_transaction_commit (store, &error), error);
    }
  /* Leave a file that opens as a fresh day's store would: the WAL merged. */
  check (bm_store_exec (store, "PRAGMA wal_checkpoint (TRUNCATE)", &error), error);
  return 0;
}
