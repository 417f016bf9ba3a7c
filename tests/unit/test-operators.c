/* Operator accounts and roles on a real SQLite file. */

#include "bm-config.h"

#include "bm-error.h"
#include "bm-store-operators.h"
#include "bm-test-util.h"

static void
test_training_accounts (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_check_role (store, BM_TRAINING_CLERK, BM_OPERATOR_ROLE_CLERK, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_check_role (store, BM_TRAINING_SUPERVISOR, BM_OPERATOR_ROLE_SUPERVISOR, &error));
  g_assert_no_error (error);
  /* A supervisor also works the counter; a clerk is not a supervisor. */
  g_assert_true (bm_store_check_role (store, BM_TRAINING_SUPERVISOR, BM_OPERATOR_ROLE_CLERK, &error));
  g_assert_false (bm_store_check_role (store, BM_TRAINING_CLERK, BM_OPERATOR_ROLE_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_check_role (store, "nobody", BM_OPERATOR_ROLE_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The server and the program itself are actors, never accounts. */
  g_assert_false (bm_store_check_role (store, BM_ACTOR_PROVINCE, BM_OPERATOR_ROLE_CLERK, &error));
  g_clear_error (&error);
  bm_test_remove_dir (dir);
}

static void
test_add_rules (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_add_operator (store, "wangwu", "王五", NULL, BM_OPERATOR_ROLE_OFFICER,
                                        BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_check_role (store, "wangwu", BM_OPERATOR_ROLE_OFFICER, &error));
  g_assert_false (bm_store_add_operator (store, "wangwu", "王五", NULL, BM_OPERATOR_ROLE_CLERK,
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bm_store_add_operator (store, BM_ACTOR_PROVINCE, "省", NULL, BM_OPERATOR_ROLE_CLERK,
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bm_store_add_operator (store, "bad user", "甲", NULL, BM_OPERATOR_ROLE_CLERK,
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bm_store_add_operator (store, "zhaoliu", "赵六", "110101199001011230", BM_OPERATOR_ROLE_CLERK,
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/operators/training-accounts", test_training_accounts);
  g_test_add_func ("/operators/add-rules", test_add_rules);
  return g_test_run ();
}
