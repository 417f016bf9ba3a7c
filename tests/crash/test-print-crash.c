/* test-print-crash.c: a print killed with SIGKILL (issue 10, finding 8),
 * against a real private cupsd (tests/cups/cups-harness.sh).
 *
 * baoming-cli is killed at the moments BAOMING_TEST_CRASH_AT names: after
 * CUPS completed the job but before its outcome was written, and after CUPS
 * made the job but before its id was written. The next start ("print
 * settle") must find the job in CUPS and put every sheet that reached paper
 * into the print log and the audit log, and must not leave a job behind
 * that could still come out of the printer. */
#include "bm-config.h"

#include <cups/cups.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-print-settle.h"
#include "bm-store-print.h"
#include "bm-store-private.h"
#include "bm-test-data.h"

#define N_RECORDS 12

typedef struct
{
  char      *dir;
  char      *db;
  GPtrArray *numbers;
} Fixture;

static const char *
cli (void)
{
  const char *p = g_getenv ("BM_CLI");

  g_assert_nonnull (p);
  return p;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GBytes) photo = bm_test_load_photo ();
  g_autofree char *out = g_strdup_printf ("%s/testq.pdf", g_getenv ("BM_CUPS_OUT"));

  f->dir = g_dir_make_tmp ("bm-print-crash-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "store.db", NULL);
  store = bm_store_open (f->db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (store, &error));
  f->numbers = bm_test_add_candidates (store, N_RECORDS, 0, &error);
  g_assert_no_error (error);
  /* Photographed, so that a completed login card print moves them on. */
  for (guint i = 0; i < f->numbers->len; i++)
    {
      g_assert_true (bm_test_add_photo (store, f->numbers->pdata[i], photo, &error));
      g_assert_no_error (error);
    }
  g_unlink (out);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);

  g_ptr_array_unref (f->numbers);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (f->db);
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

/* Runs baoming-cli with the crash point set; it must die of SIGKILL. */
static void
run_killed (Fixture *f, const char *crash_at)
{
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "BAOMING_TEST_CRASH_AT", crash_at, TRUE);
  const char *argv[] = { cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                         "--all", "--operator", "training", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_CHILD_INHERITS_STDIN | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
}

static JsonNode *
run_json (Fixture *f, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *a;
  va_list ap;
  int status = 0;
  JsonNode *node;

  g_ptr_array_add (argv, (char *) cli ());
  g_ptr_array_add (argv, "--training");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  va_start (ap, f);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return node;
}

static gint64
count_rows (const char *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (db, TRUE, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = bm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static int
cups_job_state (int job_id)
{
  cups_job_t *jobs = NULL;
  int n = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, NULL, 0, CUPS_WHICHJOBS_ALL);
  int state = 0;

  for (int i = 0; i < n; i++)
    if (jobs[i].id == job_id)
      state = jobs[i].state;
  cupsFreeJobs (n, jobs);
  return state;
}

/* The cards came out of the printer; the process died before writing so. */
static void
test_killed_after_completion (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_strdup_printf ("%s/testq.pdf", g_getenv ("BM_CUPS_OUT"));
  g_autoptr(JsonNode) settle = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(JsonNode) again = NULL;
  JsonObject *row;

  run_killed (f, "print-ended");
  /* Paper exists ... */
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  /* ... and the log already knows a print was under way, and of which job. */
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM print_log WHERE outcome = 'submitting' AND job_id > 0"), ==, 1);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM audit_log WHERE action = 'print_settled'"), ==, 0);

  /* The next start settles it. */
  settle = run_json (f, "print", "settle", NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (settle), "settled"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (settle), "waiting"), ==, 0);

  log = run_json (f, "print", "log", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 1);
  row = json_array_get_object_element (json_node_get_array (log), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "outcome"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (row, "document"), ==, "login-cards");
  g_assert_cmpstr (json_object_get_string_member (row, "operator"), ==, "training");
  g_assert_cmpint (json_object_get_int_member (row, "job_id"), >, 0);
  g_assert_cmpint (cups_job_state (json_object_get_int_member (row, "job_id")), ==, IPP_JSTATE_COMPLETED);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "records")), ==, N_RECORDS);

  /* Every card on paper has its audit entry and its record moved on. */
  g_assert_cmpint (count_rows (f->db, "SELECT count(DISTINCT entity_uuid) FROM audit_log WHERE action = 'print_settled'"
                                      " AND json_extract (detail, '$.outcome') = 'completed'"), ==, N_RECORDS);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM candidates WHERE state = 'card_printed'"), ==, N_RECORDS);
  /* Nothing is left to print as "unprinted". */
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM print_log WHERE outcome = 'submitting'"), ==, 0);

  /* Settling again changes nothing. */
  again = run_json (f, "print", "settle", NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (again), "settled"), ==, 0);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM audit_log WHERE action = 'print_settled'"), ==, N_RECORDS);
}

/* Killed after CUPS made the job, before its id was written and before the
 * document was sent: the job is found by the tag in its title and
 * cancelled, so it can never come out of the printer unseen. */
static void
test_killed_before_job_id (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) settle = NULL;
  g_autoptr(JsonNode) log = NULL;
  JsonObject *row;
  int job_id;

  run_killed (f, "print-job-created");
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM print_log WHERE outcome = 'submitting' AND job_id IS NULL"), ==, 1);

  settle = run_json (f, "print", "settle", NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (settle), "settled"), ==, 1);

  log = run_json (f, "print", "log", NULL);
  row = json_array_get_object_element (json_node_get_array (log), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "outcome"), ==, "canceled");
  job_id = json_object_get_int_member (row, "job_id");
  g_assert_cmpint (job_id, >, 0);
  g_assert_cmpint (cups_job_state (job_id), ==, IPP_JSTATE_CANCELED);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM candidates WHERE state = 'card_printed'"), ==, 0);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM audit_log WHERE action = 'print_settled'"
                                      " AND json_extract (detail, '$.outcome') = 'canceled'"), ==, N_RECORDS);
}

static char *
outcome_of (BmStore *store, gint64 log_id)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, "SELECT outcome FROM print_log WHERE id = ?", NULL);

  sqlite3_bind_int64 (stmt, 1, log_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Intents of a live process are left alone; a dead process's intent whose
 * job never reached CUPS is "failed", one whose job CUPS no longer knows is
 * "unknown"; neither moves a record. */
static void
test_settle_rules (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (f->db, TRUE, &error);
  g_autofree char *self_owner = bm_print_owner_self ();
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gint64 live, never, forgotten;
  guint settled = 99, waiting = 99;

  g_assert_no_error (error);
  g_assert_true (bm_print_owner_alive (self_owner));
  g_assert_false (bm_print_owner_alive ("1:0"));
  live = bm_store_print_intent_begin (store, "login-cards", f->numbers, "testq", "training", NULL,
                                      BM_RECORD_STATE_CARD_PRINTED, "aaaa1111", self_owner, &error);
  never = bm_store_print_intent_begin (store, "login-cards", f->numbers, "testq", "training", NULL,
                                       BM_RECORD_STATE_CARD_PRINTED, "bbbb2222", "1:0", &error);
  forgotten = bm_store_print_intent_begin (store, "login-cards", f->numbers, "testq", "training", NULL,
                                           BM_RECORD_STATE_CARD_PRINTED, "cccc3333", "1:0", &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_print_intent_set_job (store, forgotten, 987654, NULL, &error));

  g_assert_true (bm_print_settle (store, &settled, &waiting, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (settled, ==, 2);
  g_assert_cmpuint (waiting, ==, 1);
  a = outcome_of (store, live);
  b = outcome_of (store, never);
  c = outcome_of (store, forgotten);
  g_assert_cmpstr (a, ==, "submitting");
  g_assert_cmpstr (b, ==, "failed");
  g_assert_cmpstr (c, ==, "unknown");
  g_clear_object (&store);
  g_assert_cmpint (count_rows (f->db, "SELECT count(*) FROM candidates WHERE state = 'card_printed'"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/print-crash/killed-after-completion", Fixture, NULL, fixture_setup, test_killed_after_completion, fixture_teardown);
  g_test_add ("/print-crash/killed-before-job-id", Fixture, NULL, fixture_setup, test_killed_before_job_id, fixture_teardown);
  g_test_add ("/print-crash/settle-rules", Fixture, NULL, fixture_setup, test_settle_rules, fixture_teardown);
  return g_test_run ();
}
