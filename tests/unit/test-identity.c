#include "bm-config.h"

#include <string.h>

#include "bm-candidate.h"
#include "bm-code-table.h"
#include "bm-error.h"
#include "bm-record-state.h"

static BmIdentity *
valid_identity (void)
{
  BmIdentity *identity = bm_identity_new ();

  bm_identity_set (identity, "id_number", "11010519491231002x");
  bm_identity_set (identity, "name", "欧阳䶮");
  bm_identity_set (identity, "sex", "2");
  bm_identity_set (identity, "nation", "15");
  bm_identity_set (identity, "birth_date", "1949-12-31");
  return identity;
}

static void
expect_invalid (BmIdentity *identity, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bm_identity_validate (identity, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, fragment);
}

static void
test_validate (void)
{
  g_autoptr(BmIdentity) identity = valid_identity ();
  g_autoptr(GError) error = NULL;

  /* Lower-case x is stored upper-case. */
  g_assert_cmpstr (bm_identity_get (identity, "id_number"), ==, "11010519491231002X");
  g_assert_true (bm_identity_validate (identity, &error));
  g_assert_no_error (error);

  bm_identity_set (identity, "birth_date", "1949-12-30");
  expect_invalid (identity, "birth date does not match");
  bm_identity_set (identity, "birth_date", "1949-02-30");
  expect_invalid (identity, "real date");
  bm_identity_set (identity, "birth_date", "1949-12-31");
  bm_identity_set (identity, "sex", "1");
  expect_invalid (identity, "sex does not match");
  bm_identity_set (identity, "sex", "2");
  bm_identity_set (identity, "nation", "77");
  expect_invalid (identity, "nation");
  bm_identity_set (identity, "nation", "15");
  bm_identity_set (identity, "name", NULL);
  expect_invalid (identity, "name");
}

static void
test_json_roundtrip (void)
{
  g_autoptr(BmIdentity) identity = valid_identity ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(BmIdentity) copy = NULL;
  g_autoptr(GBytes) wlt = g_bytes_new_static ("WLf\0~\0002", 8);
  g_autoptr(GError) error = NULL;

  bm_identity_set_photo_wlt (identity, wlt);
  g_assert_nonnull (bm_identity_get (identity, "photo_wlt_sha256"));
  g_assert_cmpint (strlen (bm_identity_get (identity, "photo_wlt_sha256")), ==, 64);
  object = bm_identity_to_json (identity);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "欧阳䶮");
  copy = bm_identity_new_from_json (object, &error);
  g_assert_no_error (error);
  for (const char * const *k = bm_identity_keys (); *k; k++)
    g_assert_cmpstr (bm_identity_get (copy, *k), ==, bm_identity_get (identity, *k));

  bm_identity_set (copy, "id_number", "340524800101001");
  g_assert_cmpstr (bm_identity_get (copy, "id_number"), ==, "34052419800101001X");

  json_object_set_int_member (object, "name", 5);
  g_assert_null (bm_identity_new_from_json (object, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
}

static void
test_candidate_rules (void)
{
  g_autoptr(BmIdentity) identity = valid_identity ();
  g_autoptr(BmCandidate) candidate = bm_candidate_new (identity);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_comment = NULL;

  g_assert_false (bm_candidate_validate (candidate, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  bm_candidate_set (candidate, "category", "1");
  g_assert_true (bm_candidate_validate (candidate, &error));

  long_comment = g_strnfill (255, 'a');
  bm_candidate_set (candidate, "comment", long_comment);
  g_assert_false (bm_candidate_validate (candidate, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  /* 254 Chinese characters are 762 bytes but still within the limit. */
  {
    GString *chinese = g_string_new (NULL);
    for (int i = 0; i < 254; i++)
      g_string_append (chinese, "好");
    bm_candidate_set (candidate, "comment", chinese->str);
    g_string_free (chinese, TRUE);
  }
  g_assert_true (bm_candidate_validate (candidate, &error));

  bm_candidate_set (candidate, "phone", "12345");
  g_assert_false (bm_candidate_validate (candidate, &error));
  g_clear_error (&error);
  bm_candidate_set (candidate, "phone", "13812345678");
  bm_candidate_set (candidate, "candidate_class", "9");
  g_assert_false (bm_candidate_validate (candidate, &error));
  g_clear_error (&error);
  bm_candidate_set (candidate, "candidate_class", "2");
  g_assert_true (bm_candidate_validate (candidate, NULL));
}

static void
test_lifecycle (void)
{
  BmRecordState state;

  /* The moves themselves: tests/unit/test-lifecycle.c. */
  for (int i = 0; i < BM_N_RECORD_STATES; i++)
    {
      g_assert_true (bm_record_state_from_string (bm_record_state_to_string (i), &state));
      g_assert_cmpint (state, ==, i);
    }
  g_assert_false (bm_record_state_from_string ("deleted", &state));
}

static void
test_code_tables (void)
{
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_NATION, "15"), ==, "土家族");
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_NATION, "36"), ==, "毛南族");
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_POLITICAL_STATUS, "03"), ==, "中国共产主义青年团团员");
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_CANDIDATE_CLASS, "4"), ==, "农村往届");
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_FOREIGN_LANGUAGE, "6"), ==, "西班牙语");
  g_assert_cmpstr (bm_code_table_lookup (BM_CODE_TABLE_SEX, "1"), ==, "男");
  g_assert_null (bm_code_table_lookup (BM_CODE_TABLE_NATION, "57"));
  g_assert_null (bm_code_table_lookup (BM_CODE_TABLE_NATION, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/identity/validate", test_validate);
  g_test_add_func ("/identity/json-roundtrip", test_json_roundtrip);
  g_test_add_func ("/candidate/rules", test_candidate_rules);
  g_test_add_func ("/record-state/lifecycle", test_lifecycle);
  g_test_add_func ("/code-table/lookup", test_code_tables);
  return g_test_run ();
}
