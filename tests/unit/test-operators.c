/* Operator accounts and roles on a real SQLite file. */

#include "bm-config.h"

#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-print.h"
#include "bm-store-private.h"
#include "bm-test-util.h"

static gint64
count (BmStore *store, const char *sql, const char *arg)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* A clock the test moves by hand: lockout times without sleeping. */
typedef struct {
  GDateTime *now;
} FakeClock;

static GDateTime *
fake_now (gpointer data)
{
  return g_date_time_ref (((FakeClock *) data)->now);
}

static void
advance (FakeClock *clock, int seconds)
{
  GDateTime *later = g_date_time_add_seconds (clock->now, seconds);

  g_date_time_unref (clock->now);
  clock->now = later;
}

static void
verify_fails (BmStore *store, const char *user, const char *password, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bm_store_verify_password (store, user, password, NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
verify_ok (BmStore *store, const char *user, const char *password, gboolean must_change_wanted)
{
  g_autoptr(GError) error = NULL;
  gboolean must_change = !must_change_wanted;

  g_assert_true (bm_store_verify_password (store, user, password, &must_change, &error));
  g_assert_no_error (error);
  g_assert_cmpint (must_change, ==, must_change_wanted);
}

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

static void
test_password_round_trip (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *one_time = NULL;

  g_assert_true (bm_store_add_operator (store, "lisi", "李四", NULL, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_SUPERVISOR,
                                        &error));
  /* A clerk does not give passwords to others, nor create accounts. */
  g_assert_null (bm_store_reset_password (store, "lisi", BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_add_operator (store, "wangwu", "王五", NULL, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_CLERK,
                                         &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);

  /* The supervisor's one-time password logs in once it is given, and must
   * be replaced by the operator's own. */
  one_time = bm_store_reset_password (store, "lisi", BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (one_time), ==, 8);
  verify_ok (store, "lisi", one_time, TRUE);
  g_assert_false (bm_store_set_password (store, "lisi", "short", FALSE, "lisi", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bm_store_set_password (store, "lisi", "李四的密码 2026", FALSE, "lisi", &error));
  g_assert_no_error (error);
  verify_ok (store, "lisi", "李四的密码 2026", FALSE);
  verify_fails (store, "lisi", one_time, "password is wrong");
  verify_fails (store, "lisi", NULL, "password is wrong");
  verify_fails (store, "nobody", "x", "no operator");

  /* Argon2id, and no password text anywhere in the audit log. */
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM operators WHERE user = 'lisi' AND password_hash LIKE '$argon2id$%'",
                          NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE instr (detail, ?1) > 0", one_time), ==, 0);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE instr (detail, ?1) > 0", "李四的密码"), ==, 0);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_password'", NULL), ==, 2);
  /* Two wrong passwords and the unknown name, each audited as the system. */
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND operator = 'system'",
                          NULL), ==, 3);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND detail LIKE '%nobody%'",
                          NULL), ==, 0);
  g_assert_true (bm_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
  bm_test_remove_dir (dir);
}

static void
test_lockout (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  FakeClock clock = { g_date_time_new_utc (2026, 12, 5, 8, 0, 0) };

  bm_store_set_clock (store, fake_now, &clock);
  g_assert_true (bm_store_set_password (store, BM_TRAINING_CLERK, "right-password", FALSE, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);

  for (int i = 0; i < BM_LOGIN_MAX_FAILURES - 1; i++)
    verify_fails (store, BM_TRAINING_CLERK, "wrong-password", "password is wrong");
  /* Four wrong do not lock; a right one starts the count again. */
  verify_ok (store, BM_TRAINING_CLERK, "right-password", FALSE);
  for (int i = 0; i < BM_LOGIN_MAX_FAILURES; i++)
    verify_fails (store, BM_TRAINING_CLERK, "wrong-password", "password is wrong");
  /* Locked: even the right password is refused, for 1 minute. */
  verify_fails (store, BM_TRAINING_CLERK, "right-password", "locked");
  advance (&clock, 59);
  verify_fails (store, BM_TRAINING_CLERK, "right-password", "1 minute");
  advance (&clock, 2);
  /* Past the lock, five more wrong ones lock for 5 minutes. */
  for (int i = 0; i < BM_LOGIN_MAX_FAILURES; i++)
    verify_fails (store, BM_TRAINING_CLERK, "wrong-password", "password is wrong");
  advance (&clock, 4 * 60 + 50);
  verify_fails (store, BM_TRAINING_CLERK, "right-password", "1 minute");
  advance (&clock, 11);
  verify_ok (store, BM_TRAINING_CLERK, "right-password", FALSE);
  g_assert_cmpint (count (store, "SELECT failed_attempts FROM operators WHERE user = 'training'", NULL), ==, 0);

  g_assert_cmpuint (bm_login_lock_minutes (1), ==, 1);
  g_assert_cmpuint (bm_login_lock_minutes (2), ==, 5);
  g_assert_cmpuint (bm_login_lock_minutes (3), ==, 15);
  g_assert_cmpuint (bm_login_lock_minutes (4), ==, 60);
  g_assert_cmpuint (bm_login_lock_minutes (9), ==, 60);

  /* Every failed attempt and every lock is audited. */
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'", NULL), ==, 4 + 5 + 2 + 5 + 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_locked'", NULL), ==, 2);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_locked' AND detail LIKE '%\"minutes\":5%'",
                          NULL), ==, 1);

  /* A supervisor unlocks at once; a clerk cannot. */
  for (int i = 0; i < BM_LOGIN_MAX_FAILURES; i++)
    verify_fails (store, BM_TRAINING_CLERK, "wrong-password", NULL);
  verify_fails (store, BM_TRAINING_CLERK, "right-password", "locked");
  g_assert_false (bm_store_unlock_operator (store, BM_TRAINING_CLERK, BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (bm_store_unlock_operator (store, BM_TRAINING_CLERK, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  verify_ok (store, BM_TRAINING_CLERK, "right-password", FALSE);

  bm_store_set_clock (store, NULL, NULL);
  g_date_time_unref (clock.now);
  bm_test_remove_dir (dir);
}

/* 实名认证: the card's number must be the account's; an account without
 * one cannot pass; every refusal is audited without the number. */
static void
test_id_card (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autofree char *own = bm_test_make_id_number (7);
  g_autofree char *other = bm_test_make_id_number (8);
  g_autofree char *own_masked = bm_id_number_mask (own);
  g_autoptr(BmIdentity) own_card = bm_identity_new ();
  g_autoptr(BmIdentity) other_card = bm_identity_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *like_own = NULL;
  g_autofree char *like_other = NULL;

  g_assert_true (bm_store_add_operator (store, "lisi", "李四", own, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  bm_identity_set (own_card, "id_number", own);
  bm_identity_set (other_card, "id_number", other);

  g_assert_true (bm_store_verify_id_card (store, "lisi", own_card, &error));
  g_assert_no_error (error);

  g_assert_false (bm_store_verify_id_card (store, "lisi", other_card, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "your own ID card"));
  g_clear_error (&error);
  g_assert_false (bm_store_verify_id_card (store, "lisi", NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);

  /* The training clerk has no ID number: refused even with a card. */
  g_assert_false (bm_store_verify_id_card (store, BM_TRAINING_CLERK, own_card, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "ask the supervisor to record your ID number"));
  g_clear_error (&error);

  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' "
                                 "AND detail LIKE '%\"id_card_mismatch\"%'", NULL), ==, 2);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' "
                                 "AND detail LIKE '%\"no_id_number\"%'", NULL), ==, 1);
  /* The masked number of the card tried, never a number itself. */
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND instr(detail, ?) > 0",
                          own_masked), ==, 1);
  like_own = g_strdup (own);
  like_other = g_strdup (other);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE instr(detail, ?) > 0", like_own), ==, 0);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE instr(detail, ?) > 0", like_other), ==, 0);
  /* A card refusal does not count towards the password lock. */
  g_assert_cmpint (count (store, "SELECT failed_attempts FROM operators WHERE user = 'lisi'", NULL), ==, 0);

  /* The supervisor records the clerk's number (a clerk may not; an invalid
   * one is refused); audited masked; then the clerk's card passes. */
  g_assert_false (bm_store_set_operator_id_number (store, BM_TRAINING_CLERK, other, BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_set_operator_id_number (store, BM_TRAINING_CLERK, "110101199001011230", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bm_store_set_operator_id_number (store, "nobody", other, BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (bm_store_set_operator_id_number (store, BM_TRAINING_CLERK, other, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_verify_id_card (store, BM_TRAINING_CLERK, other_card, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_id_number'", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE instr(detail, ?) > 0", like_other), ==, 0);

  bm_test_remove_dir (dir);
}

static const char real_setup[] =
  "{ \"point\": { \"code\": \"010201\", \"name\": \"测试点\", \"county_code\": \"0102\" },"
  "  \"workstation_id\": \"W1\", \"workstation_count\": 1, \"workstation_index\": 1,"
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 99 } ],"
  "  \"operators\": [ { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\", \"one_time_password\": \"county-gave-this\" },"
  "                   { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" },"
  "                   { \"user\": \"look\", \"name\": \"只读\", \"role\": \"viewer\" } ] }";

static void
test_accounts_from_setup_and_profile (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", real_setup);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) profile = NULL;
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (1, "1");

  /* "admin" is the supervisor; a viewer is not an account here. */
  g_assert_true (bm_store_check_role (store, "head", BM_OPERATOR_ROLE_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_false (bm_store_operator_is_enabled (store, "look"));
  /* The county's one-time password logs in and must be replaced. */
  verify_ok (store, "head", "county-gave-this", TRUE);
  /* A real account without a password cannot log in, not even with none. */
  verify_fails (store, "clerk", NULL, "no password yet");
  verify_fails (store, "clerk", "", "no password yet");

  /* A later profile renames, disables and adds; station accounts stay. */
  g_assert_true (bm_store_add_operator (store, "local", "本地", NULL, BM_OPERATOR_ROLE_CLERK, "head", &error));
  g_assert_no_error (error);
  profile = json_from_string ("{ \"operators\": [ { \"user\": \"clerk\", \"name\": \"张三丰\", \"role\": \"clerk\", \"enabled\": false },"
                              "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                              "  { \"user\": \"zhao\", \"name\": \"赵六\", \"role\": \"officer\", \"password\": \"never-kept\" } ] }",
                              &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_apply_profile_operators (store, json_node_get_object (profile), &error));
  g_assert_no_error (error);
  g_assert_false (bm_store_operator_is_enabled (store, "clerk"));
  g_assert_true (bm_store_check_role (store, "zhao", BM_OPERATOR_ROLE_OFFICER, &error));
  g_assert_true (bm_store_operator_is_enabled (store, "local"));
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM operators WHERE user = 'zhao' AND password_hash IS NULL", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_refresh' AND operator = 'province'",
                          NULL), ==, 1);
  /* Again the same: nothing changes, nothing is audited. */
  g_assert_true (bm_store_apply_profile_operators (store, json_node_get_object (profile), &error));
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_refresh'", NULL), ==, 1);

  /* No write without an operator: a disabled account, an unknown name and
   * no name are refused; the account that is enabled writes. */
  g_assert_false (bm_store_add_candidate (store, candidate, "clerk", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_add_candidate (store, candidate, "somebody", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_add_candidate (store, candidate, NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 0);
  g_assert_true (bm_store_add_candidate (store, candidate, "local", &error));
  g_assert_no_error (error);

  /* A print is refused before it reaches paper, not when it is settled. */
  {
    g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

    g_ptr_array_add (numbers, g_strdup (bm_candidate_get (candidate, "number")));
    g_assert_cmpint (bm_store_print_intent_begin (store, "login-cards", numbers, "q", "somebody", NULL,
                                                  BM_RECORD_STATE_CARD_PRINTED, "{}", "test", &error), ==, 0);
    g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
    g_clear_error (&error);
    g_assert_cmpint (count (store, "SELECT COUNT(*) FROM print_log", NULL), ==, 0);
  }

  /* Disabled accounts cannot log in; a supervisor cannot disable themself. */
  g_assert_true (bm_store_set_password (store, "local", "local-pass", FALSE, "head", &error));
  g_assert_true (bm_store_set_operator_enabled (store, "local", FALSE, "head", &error));
  g_assert_no_error (error);
  verify_fails (store, "local", "local-pass", "disabled");
  g_assert_false (bm_store_set_operator_enabled (store, "head", FALSE, "head", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);

  /* Every audit row carries an account or a reserved actor. */
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE operator IS NULL OR (operator NOT IN ('province', 'system')"
                                 " AND operator NOT IN (SELECT user FROM operators))", NULL), ==, 0);
  bm_test_remove_dir (dir);
}

static const char drop_setup[] =
  "{ \"point\": { \"code\": \"010201\", \"name\": \"测试点\", \"county_code\": \"0102\" },"
  "  \"workstation_id\": \"W1\", \"workstation_count\": 1, \"workstation_index\": 1,"
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 99 } ],"
  "  \"operators\": [ { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\", \"one_time_password\": \"county-gave-this\" },"
  "                   { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" },"
  "                   { \"user\": \"gone\", \"name\": \"调走的\", \"role\": \"clerk\" } ] }";

static void
apply_operators (BmStore *store, const char *json)
{
  g_autoptr(JsonNode) profile = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (profile);
  g_assert_true (bm_store_apply_profile_operators (store, json_node_get_object (profile), &error));
  g_assert_no_error (error);
}

/* Profile version 1 (the set-up) brings head, clerk and gone; the
 * supervisor adds "local" on the station. Version 2 no longer lists gone:
 * gone is disabled, not deleted (its audit history keeps pointing at it),
 * cannot log in or write, and the CLI refuses it with exit 11; local is
 * untouched. The supervisor's own disable of clerk survives later pulls
 * until the county changes clerk's flag. A profile without operators[]
 * changes nothing; version 4 lists gone again and it works again. */
static void
test_profile_drops_accounts (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", drop_setup);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (1, "1");
  g_autofree char *db = g_build_filename (dir, "real.db", NULL);
  g_autofree char *pass = g_build_filename (dir, "pass", NULL);
  g_autofree char *input = g_build_filename (dir, "c.json", NULL);
  g_autofree char *id_number = bm_test_make_id_number (7);
  g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"李四\", \"sex\": \"1\", \"nation\": \"01\","
                                             " \"birth_date\": \"1990-01-01\", \"category\": \"1\"}", id_number);
  char *out = NULL;

  g_assert_true (bm_store_set_password (store, "head", "head-own-pass", FALSE, "head", &error));
  g_assert_true (bm_store_set_password (store, "gone", "gone-own-pass", FALSE, "head", &error));
  g_assert_true (bm_store_add_operator (store, "local", "本地", NULL, BM_OPERATOR_ROLE_CLERK, "head", &error));
  g_assert_no_error (error);
  verify_ok (store, "gone", "gone-own-pass", FALSE);

  apply_operators (store, "{ \"profile_version\": 2, \"operators\": ["
                          "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" } ] }");
  g_assert_false (bm_store_operator_is_enabled (store, "gone"));
  g_assert_true (bm_store_operator_is_enabled (store, "local"));
  g_assert_true (bm_store_operator_is_enabled (store, "head"));
  g_assert_true (bm_store_operator_is_enabled (store, "clerk"));
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM operators WHERE user = 'gone'", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_disable' AND operator = 'province'"
                                 " AND json_extract (detail, '$.user') = 'gone'"
                                 " AND json_extract (detail, '$.reason') = 'not_in_profile'", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_disable'", NULL), ==, 1);
  verify_fails (store, "gone", "gone-own-pass", "disabled");
  g_assert_false (bm_store_add_candidate (store, candidate, "gone", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);

  /* The CLI: exit 11, nothing added. */
  g_assert_true (g_file_set_contents (pass, "gone-own-pass\n", -1, NULL));
  g_assert_true (g_file_set_contents (input, record, -1, NULL));
  g_assert_cmpint (bm_test_run (&out, g_getenv ("BM_CLI"), "--db", db, "candidate", "add", "--json", input,
                                "--operator", "gone", "--password-file", pass, NULL), ==, 11);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 0);

  /* The supervisor disables a county account at the point: the same
   * profile pulled again does not undo it. */
  g_assert_true (bm_store_set_operator_enabled (store, "clerk", FALSE, "head", &error));
  g_assert_no_error (error);

  /* The same again, and a profile without operators[]: nothing more. */
  apply_operators (store, "{ \"profile_version\": 2, \"operators\": ["
                          "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" } ] }");
  apply_operators (store, "{ \"profile_version\": 3 }");
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_disable' AND operator = 'province'",
                          NULL), ==, 1);
  g_assert_true (bm_store_operator_is_enabled (store, "head"));
  g_assert_false (bm_store_operator_is_enabled (store, "clerk"));

  /* Listed again: the county's account works again. */
  apply_operators (store, "{ \"profile_version\": 4, \"operators\": ["
                          "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                          "  { \"user\": \"gone\", \"name\": \"调回的\", \"role\": \"clerk\" },"
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" } ] }");
  verify_ok (store, "gone", "gone-own-pass", FALSE);
  g_assert_true (bm_store_operator_is_enabled (store, "local"));
  g_assert_false (bm_store_operator_is_enabled (store, "clerk"));
  /* The county's own flag changes: it applies (disabled, then enabled). */
  apply_operators (store, "{ \"profile_version\": 5, \"operators\": ["
                          "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                          "  { \"user\": \"gone\", \"name\": \"调回的\", \"role\": \"clerk\" },"
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\", \"enabled\": false } ] }");
  g_assert_false (bm_store_operator_is_enabled (store, "clerk"));
  apply_operators (store, "{ \"profile_version\": 6, \"operators\": ["
                          "  { \"user\": \"head\", \"name\": \"王校长\", \"role\": \"admin\" },"
                          "  { \"user\": \"gone\", \"name\": \"调回的\", \"role\": \"clerk\" },"
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" } ] }");
  g_assert_true (bm_store_operator_is_enabled (store, "clerk"));
  g_assert_cmpint (bm_test_run (&out, g_getenv ("BM_CLI"), "--db", db, "candidate", "add", "--json", input,
                                "--operator", "gone", "--password-file", pass, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  bm_test_remove_dir (dir);
}

/* Migration 50 on a store from before it (wound back to 49, so only 50 runs again): the accounts the set-up brought
 * (written as "system") become the county's, with their enabled flag; an
 * account the supervisor created stays the station's. */
static void
test_profile_accounts_migration (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "real.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", drop_setup);
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;

  g_assert_true (bm_store_add_operator (store, "local", "本地", NULL, BM_OPERATOR_ROLE_CLERK, "head", &error));
  g_assert_true (bm_store_set_password (store, "head", "head-own-pass", FALSE, "head", &error));
  g_assert_true (bm_store_set_operator_enabled (store, "gone", FALSE, "head", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TABLE profile_accounts; PRAGMA user_version = 49;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  store = bm_store_open (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM profile_accounts", NULL), ==, 3);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM profile_accounts WHERE user = 'clerk' AND listed_enabled = 1", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM profile_accounts WHERE user = 'gone' AND listed_enabled = 0", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM profile_accounts WHERE user = 'local'", NULL), ==, 0);
  /* and a profile without head then disables it, not local */
  apply_operators (store, "{ \"profile_version\": 2, \"operators\": ["
                          "  { \"user\": \"clerk\", \"name\": \"张三\", \"role\": \"clerk\" } ] }");
  g_assert_false (bm_store_operator_is_enabled (store, "head"));
  g_assert_true (bm_store_operator_is_enabled (store, "local"));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* baoming-cli on a training store (tests/lib: bm_test_run). */
#define cli_training(out, db, ...) bm_test_run ((out), g_getenv ("BM_CLI"), "--training", "--db", (db), __VA_ARGS__)

/* Every command that logs in leaves a "login" entry written as the
 * operator (via "cli", the host, never the password); a refused log-in
 * leaves none, only its "login_failed". */
static void
test_cli_login_audited (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *pass = NULL;
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  pass = g_build_filename (dir, "pass", NULL);
  g_assert_cmpint (cli_training (&out, db, "init", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_set_contents (pass, "super-secret-1\n", -1, NULL));
  g_assert_cmpint (cli_training (&out, db, "operator", "passwd", "--operator", "training-supervisor", "--new-password-file", pass, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_set_contents (pass, "wrong-secret\n", -1, NULL));
  g_assert_cmpint (cli_training (&out, db, "operator", "unlock", "training", "--operator", "training-supervisor", "--password-file", pass, NULL), ==, 11);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_set_contents (pass, "super-secret-1\n", -1, NULL));
  g_assert_cmpint (cli_training (&out, db, "operator", "unlock", "training", "--operator", "training-supervisor", "--password-file", pass, NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT count(*) FROM audit_log WHERE action = 'login' AND operator = 'training-supervisor' "
                                      "AND json_extract (detail, '$.user') = 'training-supervisor' "
                                      "AND json_extract (detail, '$.via') = 'cli' "
                                      "AND json_extract (detail, '$.host') IS NOT NULL", NULL), ==, 2);
  g_assert_cmpint (count (store, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT count(*) FROM audit_log WHERE detail LIKE '%secret%'", NULL), ==, 0);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* `candidate void` is the supervisor's: the training clerk gets exit 11
 * and the record stays; the training supervisor voids it, audited. */
static void
test_cli_void_supervisor (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *input = g_build_filename (dir, "c.json", NULL);
  g_autofree char *id_number = bm_test_make_id_number (9);
  g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"李四\", \"sex\": \"1\", \"nation\": \"01\","
                                             " \"birth_date\": \"1990-01-01\", \"category\": \"1\"}", id_number);
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_assert_cmpint (cli_training (&out, db, "init", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_set_contents (input, record, -1, NULL));
  g_assert_cmpint (cli_training (&out, db, "candidate", "add", "--json", input, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_training (&out, db, "candidate", "void", "00000001", "--reason", "重复登记", NULL), ==, 11);
  g_clear_pointer (&out, g_free);
  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT voided FROM candidates WHERE number = '00000001'", NULL), ==, 0);
  g_assert_cmpint (cli_training (&out, db, "candidate", "void", "00000001", "--reason", "重复登记",
                                 "--operator", "training-supervisor", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (count (store, "SELECT voided FROM candidates WHERE number = '00000001'", NULL), ==, 1);
  g_assert_cmpint (count (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'void' AND operator = 'training-supervisor'",
                          NULL), ==, 1);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/operators/training-accounts", test_training_accounts);
  g_test_add_func ("/operators/add-rules", test_add_rules);
  g_test_add_func ("/operators/password-round-trip", test_password_round_trip);
  g_test_add_func ("/operators/lockout", test_lockout);
  g_test_add_func ("/operators/id-card", test_id_card);
  g_test_add_func ("/operators/accounts-from-setup-and-profile", test_accounts_from_setup_and_profile);
  g_test_add_func ("/operators/profile-drops-accounts", test_profile_drops_accounts);
  g_test_add_func ("/operators/profile-accounts-migration", test_profile_accounts_migration);
  g_test_add_func ("/operators/cli-login-audited", test_cli_login_audited);
  g_test_add_func ("/operators/cli-void-supervisor", test_cli_void_supervisor);
  return g_test_run ();
}
