/* kill -9 during backup (issue 14): `baoming-cli backup now` is SIGKILLed
 * 20 times at random moments (seeded; printed) within the time a backup
 * takes, on a store of some megabytes, with a record added before each
 * run. After every kill the newest backup in the folder must restore with
 * the recovery code and pass the integrity check and `audit verify`, with
 * as many records as its header says; no backup is ever cut short; the
 * temporary files a kill leaves are removed by the next run. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-operator.h"
#include "bm-test-util.h"

#define KILLS 20
#define FILL  4000

static GPid
spawn_backup (const char *db, const char *usb)
{
  const char *argv[] = { g_getenv ("BM_CLI"), "--training", "--db", db, "backup", "now", "--to", usb,
                         "--keep", "100", "--json", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

static int
wait_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

/* Temporary files of a backup or a restore, and SQLite's files beside them. */
static guint
count_temps (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, ".bm-backup-"))
      {
        g_test_message ("left behind: %s", name);
        n++;
      }
  return n;
}

/* The newest backup restores and verifies. */
static void
check_newest (const char *usb, const char *code, const char *work, guint round, gint64 min_records)
{
  g_autoptr(GPtrArray) list = bm_backup_list (usb, NULL);
  g_autofree char *name = g_strdup_printf ("r%u.db", round);
  g_autofree char *target = g_build_filename (work, name, NULL);
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const BmBackupInfo *newest;
  gint64 rows = 0;

  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, >=, 1);
  newest = list->pdata[0];
  g_assert_cmpint (newest->records, >=, min_records);
  info = bm_backup_restore (newest->path, code, target, &error);
  g_assert_no_error (error);
  store = bm_store_open (target, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_check (store, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_audit_verify (store, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, newest->records);
  g_assert_cmpint (rows, ==, newest->audit_entries + 1);
  g_clear_object (&store);
  g_unlink (target);
}

static void
test_kill_during_backup (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *usb = g_build_filename (dir, "usb", NULL);
  g_autofree char *work = g_build_filename (dir, "restore", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *code = NULL;
  const char *seed_env = g_getenv ("SEED");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : (guint32) g_get_real_time ();
  gint64 start, took;
  guint killed = 0, finished = 0, good_records;
  g_autofree char *db = g_strdup (bm_store_get_path (store));

  g_test_message ("SEED=%u", seed);
  rand = g_rand_new_with_seed (seed);
  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (work, 0700), ==, 0);
  for (guint i = 1; i <= FILL; i++)
    g_ptr_array_add (batch, bm_test_make_candidate (i, i % 2 ? "1" : "5"));
  g_assert_true (bm_store_add_candidates (store, batch, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);

  /* One good backup first; its time bounds the kill moments. */
  start = g_get_monotonic_time ();
  g_assert_true (g_spawn_check_wait_status (wait_child (spawn_backup (db, usb)), NULL));
  took = g_get_monotonic_time () - start;
  g_test_message ("a backup of %d records takes %" G_GINT64_FORMAT " ms", FILL, took / 1000);
  check_newest (usb, code, work, 0, FILL);
  good_records = FILL;

  for (guint round = 1; round <= KILLS; round++)
    {
      g_autoptr(BmCandidate) more = bm_test_make_candidate (FILL + round, "1");
      gint64 delay = g_rand_int_range (rand, 0, (gint32) MAX (took * 6 / 5, 1000));
      GPid pid;
      int status;

      g_assert_true (bm_store_add_candidate (store, more, BM_TRAINING_CLERK, &error));
      g_assert_no_error (error);
      pid = spawn_backup (db, usb);
      g_usleep ((gulong) delay);
      kill (pid, SIGKILL);
      status = wait_child (pid);
      g_spawn_close_pid (pid);
      if (WIFSIGNALED (status))
        killed++;
      else
        {
          g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
          finished++;
        }
      /* Whatever the moment: the newest backup is whole and restores. */
      check_newest (usb, code, work, round, good_records);
      {
        g_autoptr(GPtrArray) list = bm_backup_list (usb, NULL);
        good_records = ((BmBackupInfo *) list->pdata[0])->records;
      }
    }
  g_test_message ("%u runs killed, %u finished before the kill", killed, finished);
  /* The kills must land inside runs, not only after them. */
  g_assert_cmpuint (killed, >=, KILLS / 2);

  /* Every backup file in the folder is complete (the header is readable;
   * the newest restored above), and the next run clears the leftovers. */
  before = bm_backup_list (usb, NULL);
  g_assert_true (g_spawn_check_wait_status (wait_child (spawn_backup (db, usb)), NULL));
  g_assert_cmpuint (count_temps (usb), ==, 0);
  g_assert_cmpuint (count_temps (dir), ==, 0);
  after = bm_backup_list (usb, NULL);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  check_newest (usb, code, work, KILLS + 1, FILL + KILLS);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/backup-kill", test_kill_during_backup);
  return g_test_run ();
}
