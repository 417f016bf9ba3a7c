/* "Photo later" in the store (issue 13, migration 49): a reason is
 * required, a voided record or one with a photo is refused, the deferral
 * is audited and the record is listed as missing its photo until one is
 * stored. */

#include "bm-config.h"

#include "bm-error.h"
#include "bm-store-photo.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"
#include "bm-test-portrait.h"
#include "bm-test-util.h"

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_defer (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *reason = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", &error));
      g_assert_no_error (error);
    }
  missing = bm_store_list_photo_missing (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 3);
  g_clear_pointer (&missing, g_ptr_array_unref);

  /* no reason: refused, nothing written */
  g_assert_false (bm_store_defer_photo (store, "00000001", "  ", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM photo_later"), ==, 0);

  g_assert_true (bm_store_defer_photo (store, "00000001", " 考生眼部受伤，一周后补照 ", "training", &error));
  g_assert_no_error (error);
  reason = bm_store_dup_photo_later_reason (store, "00000001");
  g_assert_cmpstr (reason, ==, "考生眼部受伤，一周后补照");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo_later'"
                                      " AND operator = 'training'"), ==, 1);
  g_assert_null (bm_store_dup_photo_later_reason (store, "00000002"));

  /* a voided record: refused */
  g_assert_true (bm_store_void_candidate (store, "00000002", "重复登记", BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_false (bm_store_defer_photo (store, "00000002", "没有摄像头", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  /* a record with its photo: refused, and no longer listed */
  {
    BmTestPortrait p;
    g_autoptr(BmImage) img = NULL;
    g_autoptr(BmPhoto) photo = NULL;

    bm_test_portrait_defaults (&p);
    img = bm_test_portrait_draw (&p);
    photo = bm_photo_new_from_image (img, NULL, NULL, NULL);
    g_assert_true (bm_photo_is_acceptable (photo));
    g_assert_true (bm_store_save_photo (store, "00000003", photo, "camera", "training", &error));
    g_assert_no_error (error);
  }
  g_assert_false (bm_store_defer_photo (store, "00000003", "没有摄像头", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  missing = bm_store_list_photo_missing (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "00000001");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo_later'"), ==, 1);

  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/photo-later", test_defer);
  return g_test_run ();
}
