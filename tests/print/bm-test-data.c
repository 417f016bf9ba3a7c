/* bm-test-data.c: candidates for the print tests and the benchmark */
#include "bm-config.h"

#include <string.h>

#include "bm-candidate.h"
#include "bm-store-private.h"
#include "bm-test-data.h"

char *
bm_test_id_number (const char *body17)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (body17[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", body17, "10X98765432"[sum % 11]);
}

GPtrArray *
bm_test_add_candidates (BmStore  *store,
                        guint     n,
                        guint     migrant_every,
                        GError  **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(BmCandidate) c = NULL;
      g_autofree char *body = g_strdup_printf ("43010220050101%03u", i % 1000);
      g_autofree char *id = NULL;
      g_autofree char *name = g_strdup_printf ("考生%u", i + 1);
      g_autofree char *address = g_strdup_printf ("湖南省长沙市芙蓉区五一大道%u号", i + 1);
      gboolean edge = i % 3 == 1;

      /* IDs must be unique: vary the birth day for the thousands. */
      body[12] = '0' + (i / 1000) % 3;
      id = bm_test_id_number (body);
      json_object_set_string_member (o, "id_type", "resident_card");
      json_object_set_string_member (o, "id_number", id);
      json_object_set_string_member (o, "name", edge ? BM_TEST_LONG_NAME : name);
      if (edge)
        json_object_set_string_member (o, "name_en", BM_TEST_LONG_NAME_EN);
      json_object_set_string_member (o, "sex", (i % 2) ? "1" : "2");  /* 17th digit odd = male */
      json_object_set_string_member (o, "nation", "01");
      {
        g_autofree char *birth = g_strdup_printf ("2005-01-%c%c", body[12], body[13]);

        json_object_set_string_member (o, "birth_date", birth);
      }
      json_object_set_string_member (o, "address", edge ? BM_TEST_LONG_ADDRESS : address);
      json_object_set_string_member (o, "authority", "长沙市公安局芙蓉分局");
      json_object_set_string_member (o, "valid_from", "2015-01-01");
      json_object_set_string_member (o, "valid_to", "2025-01-01");
      json_object_set_string_member (o, "category", "5");
      json_object_set_string_member (o, "source", "card");
      json_object_set_string_member (o, "school", "长沙市第一中学");
      json_object_set_string_member (o, "comment", "该生思想进步，遵纪守法，学习刻苦，团结同学。");
      json_object_set_boolean_member (o, "migrant_child", migrant_every > 0 && i % migrant_every == 0);
      c = bm_candidate_new_from_json (o, error);
      if (c == NULL || !bm_store_add_candidate (store, c, "training", error))
        return NULL;
      g_ptr_array_add (numbers, g_strdup (bm_candidate_get (c, "number")));
    }
  return g_steal_pointer (&numbers);
}

gboolean
bm_test_add_photo (BmStore     *store,
                   const char  *number,
                   GBytes      *jpeg,
                   GError     **error)
{
  g_autoptr(BmCandidate) c = bm_store_find_by_number (store, number, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sum = NULL;
  gsize len;
  const void *data;

  if (c == NULL)
    return FALSE;
  data = g_bytes_get_data (jpeg, &len);
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
  stmt = bm_store_prepare (store, "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, created_at)"
                                  " VALUES (?1, 'processed', ?2, ?3, 480, 640, '2019-10-28T08:00:00Z')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, bm_candidate_get (c, "uuid"), -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, data, len, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sum, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return bm_store_set_sqlite_error (store, sqlite3_errcode (bm_store_get_sqlite (store)), error);
  /* the photo-saved event, as bm_store_save_photo applies it */
  return bm_store_apply_event_uuid (store, bm_candidate_get (c, "uuid"), BM_RECORD_EVENT_PHOTO_SAVED, "training", NULL, error);
}

GBytes *
bm_test_load_photo (void)
{
  const char *dir = g_getenv ("BM_TEST_DATA");
  g_autofree char *path = g_build_filename (dir ? dir : ".", "photo-480x640.jpg", NULL);
  char *data;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    g_error ("cannot read %s (set BM_TEST_DATA)", path);
  return g_bytes_new_take (data, len);
}


char *
bm_test_pdf_text (const char *pdf,
                  int         first,
                  int         last)
{
  g_autofree char *f = g_strdup_printf ("%d", first > 0 ? first : 1);
  g_autofree char *l = g_strdup_printf ("%d", last > 0 ? last : 100000);
  char *out = NULL;
  int rc = bm_test_run (&out, "pdftotext", "-raw", "-f", f, "-l", l, pdf, "-", NULL);

  g_assert_cmpint (rc, ==, 0);
  return out;
}

char *
bm_test_pdf_text_flat (const char *pdf,
                       int         first,
                       int         last)
{
  g_autofree char *text = bm_test_pdf_text (pdf, first, last);
  GString *flat = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (flat, *p);
  return g_string_free (flat, FALSE);
}

int
bm_test_pdf_pages (const char *pdf)
{
  g_autofree char *out = NULL;
  const char *p;

  g_assert_cmpint (bm_test_run (&out, "pdfinfo", pdf, NULL), ==, 0);
  p = strstr (out, "Pages:");
  g_assert_nonnull (p);
  return atoi (p + 6);
}

guint
bm_test_count (const char *haystack,
               const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + strlen (needle), needle))
    n++;
  return n;
}
