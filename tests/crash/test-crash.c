/* Power-cut and concurrency safety of the store, with real processes:
 * SIGKILL at random moments must never lose a record the writer saw
 * committed, and two processes allocating at once must never share a
 * 报名顺序号. */

#include "bm-config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bm-store-private.h"
#include "bm-test-util.h"

#define KILL_ROUNDS 50
#define PER_ROUND 5000
#define CONCURRENT_PER_PROCESS 1000

/* Child: add candidates until killed, reporting each committed number.
 * One byte on @ready_fd once the store is open: opening checks the file
 * (and is slow under sanitizers), and a kill during the open tests
 * nothing. */
static void G_GNUC_NORETURN
writer (const char *path, guint first, guint count, int report_fd, int ready_fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (path, TRUE, &error);

  if (store == NULL)
    _exit (2);
  if (ready_fd >= 0 && (write (ready_fd, "r", 1) != 1 || close (ready_fd) != 0))
    _exit (5);
  for (guint i = first; i < first + count; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, (i % 2) ? "1" : "5");
      char number[9];

      if (!bm_store_add_candidate (store, candidate, "training", &error))
        {
          g_printerr ("writer: %s\n", error->message);
          _exit (3);
        }
      memcpy (number, bm_candidate_get (candidate, "number"), 8);
      number[8] = '\n';
      if (report_fd >= 0 && write (report_fd, number, 9) != 9)
        _exit (4);
    }
  _exit (0);
}

static GPtrArray *
read_reports (int fd)
{
  GPtrArray *numbers = g_ptr_array_new_with_free_func (g_free);
  char buffer[9];

  while (read (fd, buffer, 9) == 9)
    g_ptr_array_add (numbers, g_strndup (buffer, 8));
  return numbers;
}

static void
assert_store_consistent (const char *dir, GPtrArray *reported, gint64 *total)
{
  g_autoptr(BmStore) store = bm_test_open_training (dir, "crash.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (bm_store_check (store, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < reported->len; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_store_find_by_number (store, g_ptr_array_index (reported, i), &error);
      g_assert_no_error (error);
      g_assert_nonnull (candidate);
    }
  stmt = bm_store_prepare (store, "SELECT count(*), count(DISTINCT number), count(DISTINCT id_number) FROM candidates", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, sqlite3_column_int64 (stmt, 1));
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, sqlite3_column_int64 (stmt, 2));
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), >=, reported->len);
  *total = sqlite3_column_int64 (stmt, 0);
}

static void
test_sigkill (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(GPtrArray) all_reported = g_ptr_array_new_with_free_func (g_free);
  gint64 total = 0;

  g_object_unref (bm_test_open_training (dir, "crash.db"));
  for (guint round = 0; round < KILL_ROUNDS; round++)
    {
      int fds[2], ready[2];
      pid_t pid;
      int status;
      char byte;
      g_autoptr(GPtrArray) reported = NULL;

      g_assert_cmpint (pipe (fds), ==, 0);
      g_assert_cmpint (pipe (ready), ==, 0);
      pid = fork ();
      if (pid == 0)
        {
          close (fds[0]);
          close (ready[0]);
          writer (path, round * PER_ROUND, PER_ROUND, fds[1], ready[1]);
        }
      close (fds[1]);
      close (ready[1]);
      g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
      close (ready[0]);
      g_usleep (g_random_int_range (2000, 80000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      reported = read_reports (fds[0]);
      close (fds[0]);
      for (guint i = 0; i < reported->len; i++)
        g_ptr_array_add (all_reported, g_strdup (g_ptr_array_index (reported, i)));
      assert_store_consistent (dir, all_reported, &total);
    }
  g_test_message ("%u kills, %u records reported committed, %lld in the store",
                  KILL_ROUNDS, all_reported->len, (long long) total);
  g_assert_cmpuint (all_reported->len, >, 0);
  bm_test_remove_dir (dir);
}

static void
test_two_processes (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(GPtrArray) reported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 total = 0;
  int fds[2][2];
  pid_t pids[2];

  g_object_unref (bm_test_open_training (dir, "crash.db"));
  for (int p = 0; p < 2; p++)
    {
      g_assert_cmpint (pipe (fds[p]), ==, 0);
      pids[p] = fork ();
      if (pids[p] == 0)
        {
          close (fds[p][0]);
          writer (path, p * CONCURRENT_PER_PROCESS, CONCURRENT_PER_PROCESS, fds[p][1], -1);
        }
      close (fds[p][1]);
    }
  for (int p = 0; p < 2; p++)
    {
      g_autoptr(GPtrArray) numbers = read_reports (fds[p][0]);
      int status;

      close (fds[p][0]);
      g_assert_cmpint (waitpid (pids[p], &status, 0), ==, pids[p]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      for (guint i = 0; i < numbers->len; i++)
        g_ptr_array_add (reported, g_strdup (g_ptr_array_index (numbers, i)));
    }
  for (guint i = 0; i < reported->len; i++)
    g_hash_table_add (distinct, g_ptr_array_index (reported, i));
  g_assert_cmpuint (reported->len, ==, 2 * CONCURRENT_PER_PROCESS);
  g_assert_cmpuint (g_hash_table_size (distinct), ==, 2 * CONCURRENT_PER_PROCESS);
  assert_store_consistent (dir, reported, &total);
  g_assert_cmpint (total, ==, 2 * CONCURRENT_PER_PROCESS);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/sigkill", test_sigkill);
  g_test_add_func ("/crash/two-processes", test_two_processes);
  return g_test_run ();
}
