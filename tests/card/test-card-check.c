/* Warnings after a card read: expired, check character, already registered. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-card-check.h"
#include "bm-test-util.h"

static BmIdentity *
identity (const char *number, const char *valid_to)
{
  BmIdentity *id = bm_identity_new ();

  bm_identity_set (id, "id_type", "resident_card");
  bm_identity_set (id, "id_number", number);
  bm_identity_set (id, "valid_to", valid_to);
  return id;
}

static gboolean
has (GPtrArray *w, const char *part)
{
  for (guint i = 0; i < w->len; i++)
    if (strstr (g_ptr_array_index (w, i), part) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_checks (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmIdentity) fresh = identity ("430102200709090029", "long-term");
  g_autoptr(BmIdentity) old = identity ("430102200709090029", "2020-01-01");
  g_autoptr(BmIdentity) bad = identity ("430102200709090028", "2033-01-01");
  g_autoptr(GPtrArray) w1 = NULL;
  g_autoptr(GPtrArray) w2 = NULL;
  g_autoptr(GPtrArray) w3 = NULL;
  g_autoptr(GPtrArray) w4 = NULL;
  const char *registered;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 6, 2027);

  w1 = bm_card_check_identity (fresh, store, &today);
  g_assert_cmpuint (w1->len, ==, 0);

  w2 = bm_card_check_identity (old, NULL, &today);
  g_assert_cmpuint (w2->len, ==, 1);
  /* the date as the clerk reads it, never ISO, and what to do (issue 13) */
  g_assert_true (has (w2, "expired on 2020年1月1日"));
  g_assert_true (has (w2, "temporary ID card"));
  g_assert_false (has (w2, "2020-01-01"));

  w3 = bm_card_check_identity (bad, NULL, &today);
  g_assert_cmpuint (w3->len, ==, 1);
  g_assert_true (has (w3, "check character"));

  g_assert_true (bm_store_add_candidate (store, c, "training", &error));
  g_assert_no_error (error);
  registered = bm_identity_get (bm_candidate_get_identity (c), "id_number");
  {
    g_autoptr(BmIdentity) again = identity (registered, "long-term");
    g_autofree char *want = g_strdup_printf ("already registered at this point as %s",
                                             bm_candidate_get (c, "number"));

    w4 = bm_card_check_identity (again, store, &today);
    g_assert_true (has (w4, want));
  }
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card-check/warnings", test_checks);
  return g_test_run ();
}
