/* Test helper: fill a workstation store with valid candidates and photos,
 * or edit some of them, fast (one process instead of one CLI call each).
 *   sync-fill add DB COUNT PHOTO_BYTES [ID_OFFSET]
 *   sync-fill edit DB COUNT          (bumps the version of COUNT records) */

#include "bm-config.h"

#include <stdlib.h>
#include <string.h>

#include "bm-id-number.h"
#include "bm-store-private.h"
#include "bm-store.h"
#include "bm-store-lifecycle.h"

static char *
make_id (int i, int *y, int *m, int *d)
{
  GDate *date = g_date_new_dmy (1, 1, 2006);
  char first17[18];
  char check;

  g_date_add_days (date, i / 900);
  *y = g_date_get_year (date);
  *m = g_date_get_month (date);
  *d = g_date_get_day (date);
  g_date_free (date);
  g_snprintf (first17, sizeof first17, "430102%04d%02d%02d%03d", *y, *m, *d, i % 900 + 100);
  check = bm_id_number_check_character (first17);
  return g_strdup_printf ("%s%c", first17, check);
}

static int
add (BmStore *store, int count, int photo_bytes, int offset)
{
  sqlite3 *db = bm_store_get_sqlite (store);

  for (int i = 0; i < count; i++)
    {
      g_autoptr(BmIdentity) identity = bm_identity_new ();
      g_autoptr(BmCandidate) c = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = NULL, *birth = NULL, *name = NULL;
      int y, m, d;

      id = make_id (i + offset, &y, &m, &d);
      birth = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
      name = g_strdup_printf ("考生%d", i + offset);
      bm_identity_set (identity, "id_type", "resident_card");
      bm_identity_set (identity, "id_number", id);
      bm_identity_set (identity, "name", name);
      bm_identity_set (identity, "sex", bm_id_number_get_sex (id) == 1 ? "1" : "2");
      bm_identity_set (identity, "nation", "01");
      bm_identity_set (identity, "birth_date", birth);
      bm_identity_set (identity, "address", "湖南省长沙市芙蓉区");
      c = bm_candidate_new (identity);
      bm_candidate_set (c, "category", (i % 2) ? "5" : "1");
      bm_candidate_set (c, "source", "card");
      if (!bm_store_add_candidate (store, c, "clerk", &error))
        {
          g_printerr ("sync-fill: record %d: %s\n", i, error->message);
          return 1;
        }
      if (photo_bytes > 0)
        {
          g_autofree guint8 *jpeg = g_malloc (photo_bytes);
          g_autofree char *sha = NULL;
          sqlite3_stmt *st;

          for (int k = 0; k < photo_bytes; k++)
            jpeg[k] = (guint8) g_random_int ();
          jpeg[0] = 0xff, jpeg[1] = 0xd8, jpeg[photo_bytes - 2] = 0xff, jpeg[photo_bytes - 1] = 0xd9;
          sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, jpeg, photo_bytes);
          sqlite3_prepare_v2 (db, "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, created_at)"
                                  " VALUES (?, 'processed', ?, ?, 480, 640, datetime('now'))", -1, &st, NULL);
          sqlite3_bind_text (st, 1, bm_candidate_get (c, "uuid"), -1, SQLITE_STATIC);
          sqlite3_bind_blob (st, 2, jpeg, photo_bytes, SQLITE_STATIC);
          sqlite3_bind_text (st, 3, sha, -1, SQLITE_STATIC);
          if (sqlite3_step (st) != SQLITE_DONE)
            {
              g_printerr ("sync-fill: photo: %s\n", sqlite3_errmsg (db));
              return 1;
            }
          sqlite3_finalize (st);
        }
    }
  return 0;
}

static int
edit (BmStore *store, int count)
{
  sqlite3 *db = bm_store_get_sqlite (store);
  sqlite3_stmt *st;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

  sqlite3_prepare_v2 (db, "SELECT number FROM candidates WHERE voided = 0 ORDER BY random() LIMIT ?", -1, &st, NULL);
  sqlite3_bind_int (st, 1, count);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  sqlite3_finalize (st);
  for (guint i = 0; i < numbers->len; i++)
    {
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *comment = g_strdup_printf ("评语 %u", g_random_int ());

      json_object_set_string_member (changes, "comment", comment);
      if (!bm_store_update_candidate (store, numbers->pdata[i], changes, NULL, "clerk", &error))
        {
          g_printerr ("sync-fill: edit: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

/* What the counter does before the final submission (fee, 资格审查, the
 * candidate's signature) for the first COUNT live records not yet signed,
 * those with a photo first, by number. The fee and 资格审查 go through the store; the signed state
 * is written directly, whatever the lifecycle commands look like. */
static int
complete (BmStore *store, int count)
{
  sqlite3 *db = bm_store_get_sqlite (store);
  sqlite3_stmt *st;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

  sqlite3_prepare_v2 (db, "SELECT number FROM candidates WHERE voided = 0 AND state NOT IN ('signed', 'submitted')"
                          " ORDER BY EXISTS (SELECT 1 FROM photos p WHERE p.candidate_uuid = candidates.uuid) DESC, number LIMIT ?", -1, &st, NULL);
  sqlite3_bind_int (st, 1, count);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  sqlite3_finalize (st);
  for (guint i = 0; i < numbers->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!bm_store_record_event (store, numbers->pdata[i], BM_RECORD_EVENT_FEE_RECORDED, "clerk", &error)
          || !bm_store_record_event (store, numbers->pdata[i], BM_RECORD_EVENT_ELIGIBILITY_RECORDED, "clerk", &error))
        {
          g_printerr ("sync-fill: complete: %s\n", error->message);
          return 1;
        }
      sqlite3_prepare_v2 (db, "UPDATE candidates SET state = 'signed', signature_confirmed = 1, version = version + 1"
                              " WHERE number = ?", -1, &st, NULL);
      sqlite3_bind_text (st, 1, numbers->pdata[i], -1, SQLITE_STATIC);
      if (sqlite3_step (st) != SQLITE_DONE)
        {
          g_printerr ("sync-fill: complete: %s\n", sqlite3_errmsg (db));
          return 1;
        }
      sqlite3_finalize (st);
      g_print ("%s\n", (const char *) numbers->pdata[i]);
    }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = NULL;

  if (argc < 4)
    {
      g_printerr ("usage: sync-fill add DB COUNT PHOTO_BYTES [ID_OFFSET] | edit DB COUNT | complete DB COUNT\n");
      return 2;
    }
  if ((store = bm_store_open (argv[2], FALSE, &error)) == NULL)
    {
      g_printerr ("sync-fill: %s\n", error->message);
      return 1;
    }
  if (g_str_equal (argv[1], "add") && argc >= 5)
    return add (store, atoi (argv[3]), atoi (argv[4]), argc > 5 ? atoi (argv[5]) : 0);
  if (g_str_equal (argv[1], "edit"))
    return edit (store, atoi (argv[3]));
  if (g_str_equal (argv[1], "complete"))
    return complete (store, atoi (argv[3]));
  return 2;
}
