/* Photos in a real SQLite store: save, retake, refusals, and the folder
 * import with good, unmatched and corrupt files. */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"
#include "bm-photo-import.h"
#include "bm-store-photo.h"
#include "bm-store-operators.h"
#include "bm-test-portrait.h"

typedef struct {
  char *dir;
  BmStore *store;
  char *numbers[3];
  char *ids[3];
} Fixture;

static char *
make_id (int serial)
{
  g_autofree char *first17 = g_strdup_printf ("43010220030708%03d", serial);
  return g_strdup_printf ("%s%c", first17, bm_id_number_check_character (first17));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("bm-photo-store-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "store.db", NULL);
  f->store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (f->store, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(BmCandidate) c = NULL;

      f->ids[i] = make_id (11 + 2 * i);
      json_object_set_string_member (o, "id_type", "resident_card");
      json_object_set_string_member (o, "id_number", f->ids[i]);
      json_object_set_string_member (o, "name", "测试考生");
      json_object_set_string_member (o, "sex", "1");
      json_object_set_string_member (o, "nation", "01");
      json_object_set_string_member (o, "birth_date", "2003-07-08");
      json_object_set_string_member (o, "address", "湖南省长沙市芙蓉区测试路1号");
      json_object_set_string_member (o, "category", "1");
      json_object_set_string_member (o, "source", "manual");
      c = bm_candidate_new_from_json (o, &error);
      g_assert_no_error (error);
      g_assert_true (bm_store_add_candidate (f->store, c, "training", &error));
      g_assert_no_error (error);
      f->numbers[i] = g_strdup (bm_candidate_get (c, "number"));
      g_assert_nonnull (f->numbers[i]);
    }
}

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        rm_rf (p);
      else
        g_remove (p);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  rm_rf (f->dir);
  g_free (f->dir);
  for (int i = 0; i < 3; i++)
    {
      g_free (f->numbers[i]);
      g_free (f->ids[i]);
    }
}

static BmPhoto *
portrait_photo (void (*tweak) (BmTestPortrait *))
{
  BmTestPortrait p;
  g_autoptr(BmImage) img = NULL;

  bm_test_portrait_defaults (&p);
  if (tweak)
    tweak (&p);
  img = bm_test_portrait_draw (&p);
  return bm_photo_new_from_image (img, NULL, NULL, NULL);
}

static void blurred (BmTestPortrait *p) { p->blur = 6; }
static void tiny (BmTestPortrait *p) { p->width = 300; p->height = 400; }

static void
test_save (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmPhoto) good = portrait_photo (NULL);
  g_autoptr(BmPhoto) soft = portrait_photo (blurred);
  g_autoptr(BmPhoto) hard = portrait_photo (tiny);
  g_autoptr(BmCandidate) c = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autofree char *sha = NULL;
  gint64 rows = 0;

  c = bm_store_find_by_number (f->store, f->numbers[0], &error);
  g_assert_cmpint (bm_candidate_get_state (c), ==, BM_RECORD_STATE_NUMBERED);
  g_clear_object (&c);
  g_assert_true (bm_store_save_photo (f->store, f->numbers[0], good, "camera", "training", &error));
  g_assert_no_error (error);
  c = bm_store_find_by_number (f->store, f->numbers[0], &error);
  g_assert_cmpint (bm_candidate_get_state (c), ==, BM_RECORD_STATE_PHOTOGRAPHED);
  stored = bm_store_dup_photo (f->store, f->numbers[0], "processed", &sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored, bm_photo_get_jpeg (good)));
  g_assert_cmpstr (sha, ==, bm_photo_get_sha256 (good));
  original = bm_store_dup_photo (f->store, f->numbers[0], "original", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (original, bm_photo_get_original (good)));

  /* soft failure: refused without a reason, stored with one (a retake) */
  g_assert_false (bm_store_save_photo (f->store, f->numbers[0], soft, "camera", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  bm_photo_set_override_reason (soft, "考生眼疾，无法保持静止");
  g_assert_true (bm_store_save_photo (f->store, f->numbers[0], soft, "camera", "training", &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_bytes_unref);
  stored = bm_store_dup_photo (f->store, f->numbers[0], "processed", NULL, &error);
  g_assert_true (g_bytes_equal (stored, bm_photo_get_jpeg (soft)));

  /* hard failure: never, whatever the reason */
  bm_photo_set_override_reason (hard, "please");
  g_assert_false (bm_store_save_photo (f->store, f->numbers[1], hard, "camera", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bm_store_dup_photo (f->store, f->numbers[1], "processed", NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* voided record */
  g_assert_true (bm_store_void_candidate (f->store, f->numbers[2], "重复报名", BM_TRAINING_SUPERVISOR, &error));
  g_assert_false (bm_store_save_photo (f->store, f->numbers[2], good, "camera", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  g_assert_true (bm_store_audit_verify (f->store, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rows, >=, 5);
}

static void
write_file (Fixture *f, const char *name, GBytes *bytes)
{
  g_autofree char *path = g_build_filename (f->dir, "in", name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static JsonObject *
find_entry (JsonArray *arr, const char *file)
{
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      if (g_str_equal (json_object_get_string_member (o, "file"), file))
        return o;
    }
  g_error ("%s not in the report", file);
  return NULL;
}

static void
test_import_dir (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *in = g_build_filename (f->dir, "in", NULL);
  g_autofree char *jpg_name = g_strdup_printf ("%s.JPG", f->numbers[0]);
  g_autofree char *png_name = g_strdup_printf ("%s.png", f->ids[1]);
  g_autofree char *bad_name = g_strdup_printf ("%s.jpg", f->numbers[2]);
  g_autoptr(BmImage) img = NULL;
  g_autoptr(BmImage) small = NULL;
  g_autoptr(GBytes) jpg = NULL, png = NULL, tiny_jpg = NULL, junk = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(BmCandidate) c = NULL;
  JsonArray *matched, *unmatched, *rejected;
  BmTestPortrait p;

  g_assert_cmpint (g_mkdir (in, 0700), ==, 0);
  bm_test_portrait_defaults (&p);
  img = bm_test_portrait_draw (&p);
  jpg = bm_image_encode_jpeg (img, 92, FALSE, NULL);
  png = bm_image_encode_png (img, NULL);
  p.width = 240;
  p.height = 320;
  small = bm_test_portrait_draw (&p);
  tiny_jpg = bm_image_encode_jpeg (small, 92, FALSE, NULL);
  junk = g_bytes_new_from_bytes (jpg, 0, 300);

  write_file (f, jpg_name, jpg);                /* by 报名顺序号, upper-case extension */
  write_file (f, png_name, png);                /* by ID number */
  write_file (f, "99999999.jpg", jpg);          /* no such record */
  write_file (f, bad_name, junk);               /* truncated JPEG */
  write_file (f, "notes.txt", jpg);             /* not a photo name */
  {
    g_autofree char *tiny_name = g_strdup_printf ("%s.jpeg", f->ids[0]);
    write_file (f, tiny_name, tiny_jpg);        /* too small: hard failure */
  }
  {
    g_autoptr(GBytes) gif = g_bytes_new_static ("GIF89a....", 10);
    g_autofree char *gif_name = g_strdup_printf ("%s.png", f->ids[2]);
    write_file (f, gif_name, gif);              /* PNG by name, GIF inside; record voided? no: live */
  }

  report = bm_photo_import_dir (f->store, in, "training", &error);
  g_assert_no_error (error);
  matched = json_object_get_array_member (report, "matched");
  unmatched = json_object_get_array_member (report, "unmatched");
  rejected = json_object_get_array_member (report, "rejected");
  g_assert_cmpuint (json_array_get_length (matched), ==, 2);
  g_assert_cmpuint (json_array_get_length (unmatched), ==, 1);
  g_assert_cmpuint (json_array_get_length (rejected), ==, 4);

  g_assert_cmpstr (json_object_get_string_member (find_entry (matched, jpg_name), "number"), ==, f->numbers[0]);
  g_assert_cmpstr (json_object_get_string_member (find_entry (matched, png_name), "number"), ==, f->numbers[1]);
  find_entry (unmatched, "99999999.jpg");
  g_assert_nonnull (strstr (json_object_get_string_member (find_entry (rejected, bad_name), "reason"), "JPEG"));
  find_entry (rejected, "notes.txt");

  c = bm_store_find_by_number (f->store, f->numbers[1], &error);
  g_assert_cmpint (bm_candidate_get_state (c), ==, BM_RECORD_STATE_PHOTOGRAPHED);
  {
    g_autoptr(GBytes) orig = bm_store_dup_photo (f->store, f->numbers[1], "original", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (orig, png));
  }
  /* record 2 got nothing: its file was truncated */
  g_assert_null (bm_store_dup_photo (f->store, f->numbers[2], "processed", NULL, NULL));
}

static void
test_import_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "one.jpg", NULL);
  g_autoptr(BmImage) img = NULL;
  g_autoptr(GBytes) jpg = NULL;
  g_autoptr(JsonObject) result = NULL;
  BmTestPortrait p;

  bm_test_portrait_defaults (&p);
  img = bm_test_portrait_draw (&p);
  jpg = bm_image_encode_jpeg (img, 90, FALSE, NULL);
  g_file_set_contents (path, g_bytes_get_data (jpg, NULL), (gssize) g_bytes_get_size (jpg), NULL);

  result = bm_photo_import_file (f->store, path, f->numbers[1], "training", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "number"), ==, f->numbers[1]);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (result, "warnings")), ==, 0);

  g_assert_null (bm_photo_import_file (f->store, path, "01029999", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/photo-store/save", Fixture, NULL, fixture_setup, test_save, fixture_teardown);
  g_test_add ("/photo-store/import-dir", Fixture, NULL, fixture_setup, test_import_dir, fixture_teardown);
  g_test_add ("/photo-store/import-file", Fixture, NULL, fixture_setup, test_import_file, fixture_teardown);
  return g_test_run ();
}
