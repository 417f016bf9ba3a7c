#include "bm-config.h"

#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"

static void
test_resident_valid (void)
{
  static const char *valid[] = { "11010519491231002X", "440524198001010013", "430102200307081234" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (bm_id_number_check_resident (valid[i], &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (bm_id_number_check_character ("11010519491231002"), ==, 'X');
  g_assert_cmpint (bm_id_number_get_sex ("11010519491231002X"), ==, 2);
  g_assert_cmpint (bm_id_number_get_sex ("430102200307081234"), ==, 1);
}

static void
assert_invalid (const char *id_type, const char *number, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bm_id_number_validate (id_type, number, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s”: message “%s” lacks “%s”", number, error->message, fragment);
}

static void
test_resident_invalid (void)
{
  assert_invalid ("resident_card", "110105194912310021", "check character");   /* wrong check digit */
  assert_invalid ("resident_card", "11010519491331002X", "birth date");        /* month 13 */
  assert_invalid ("resident_card", "110105194902300021", "birth date");        /* 30 February */
  assert_invalid ("resident_card", "110105299901010021", "birth date");        /* in the future */
  assert_invalid ("resident_card", "11010519491231002", "18 characters");      /* too short */
  assert_invalid ("resident_card", "11010519491231002XX", "18 characters");    /* too long */
  assert_invalid ("resident_card", "1101051949123100AX", "digits");            /* letters */
  assert_invalid ("resident_card", "11010519491231002x", "digits");            /* lower-case x is normalised by BmIdentity, not here */
  assert_invalid ("resident_card", "", "missing");
  assert_invalid ("resident_card", "991024200101010014", NULL);                /* region 99 */
  assert_invalid ("unknown_type", "11010519491231002X", "Unknown");
}

static void
test_from_15 (void)
{
  g_autofree char *upgraded = bm_id_number_from_15 ("340524800101001");

  g_assert_cmpstr (upgraded, ==, "34052419800101001X");
  g_assert_null (bm_id_number_from_15 ("34052480010100"));
  g_assert_null (bm_id_number_from_15 ("34052480010100A"));
}

static void
test_other_documents (void)
{
  g_autoptr(GError) error = NULL;
  char hk[19] = "81000020010101001";

  hk[17] = bm_id_number_check_character (hk);
  g_assert_true (bm_id_number_validate ("hmt_permit", hk, &error));
  g_assert_no_error (error);
  assert_invalid ("hmt_permit", "11010519491231002X", "810000");

  g_assert_true (bm_id_number_validate ("foreign_pr", "USA123456789012", NULL));
  g_assert_true (bm_id_number_validate ("foreign_pr", "932682198501010017", NULL));
  g_assert_true (bm_id_number_validate ("foreign_pr", "911124198108030024", NULL));
  assert_invalid ("foreign_pr", "US1123456789012", "3 capital letters");
  assert_invalid ("foreign_pr", "932682198501010018", "check character");
  assert_invalid ("foreign_pr", "132682198501010017", "starts with 9");

  g_assert_true (bm_id_number_validate ("hk_macau_pass", "H12345678", NULL));
  g_assert_true (bm_id_number_validate ("hk_macau_pass", "M1234567890", NULL));
  assert_invalid ("hk_macau_pass", "X12345678", "H or M");
  g_assert_true (bm_id_number_validate ("taiwan_pass", "12345678", NULL));
  assert_invalid ("taiwan_pass", "1234", "8 digits");
  g_assert_true (bm_id_number_validate ("passport", "E12345678", NULL));
  assert_invalid ("passport", "E1", "5 to 17");
  assert_invalid ("passport", "e12345678", "5 to 17");
}

static void
test_mask (void)
{
  g_autofree char *masked = bm_id_number_mask ("11010519491231002X");
  g_autofree char *short_masked = bm_id_number_mask ("H1234");

  g_assert_cmpstr (masked, ==, "1101**********002X");
  g_assert_cmpstr (short_masked, ==, "*****");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id-number/resident/valid", test_resident_valid);
  g_test_add_func ("/id-number/resident/invalid", test_resident_invalid);
  g_test_add_func ("/id-number/from-15", test_from_15);
  g_test_add_func ("/id-number/other-documents", test_other_documents);
  g_test_add_func ("/id-number/mask", test_mask);
  return g_test_run ();
}
