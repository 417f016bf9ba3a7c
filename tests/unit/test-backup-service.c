/* The continuous backup in-process (issue 14): a real store and station; a
 * change is backed up within the interval (1 s here), in a worker thread;
 * a failing folder is reported in last-error and tried again until it
 * works; the backup restores with every record. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-operator.h"
#include "bm-station.h"
#include "bm-test-util.h"

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @done says so or @seconds pass. */
static gboolean
wait_for (gboolean (*done) (BmBackupService *), BmBackupService *service, guint seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, on_timeout, &timed_out);

  while (!done (service) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return done (service);
}

static gint64 seen_backup;

static gboolean
has_new_backup (BmBackupService *service)
{
  return bm_backup_service_get_last_backup (service) != 0
         && g_strcmp0 (bm_backup_service_get_last_file (service), NULL) != 0
         && bm_backup_service_get_last_error (service) == NULL
         && !bm_backup_service_get_running (service)
         && bm_backup_service_get_last_backup (service) >= seen_backup;
}

static gboolean
has_error (BmBackupService *service)
{
  return bm_backup_service_get_last_error (service) != NULL && !bm_backup_service_get_running (service);
}

static void
add_record (BmStore *store, guint i)
{
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_add_candidate (store, candidate, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
}

static void
test_continuous (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *usb = g_build_filename (dir, "usb", NULL);
  g_autofree char *gone = g_build_filename (dir, "not-mounted", NULL);
  g_autofree char *restored = g_build_filename (dir, "new.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(BmStation) station = NULL;
  g_autoptr(BmStore) back = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(BmBackupInfo) header = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *first_file = NULL;
  BmBackupService *service;
  gint64 started;

  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_true (bm_backup_set_dir (store, usb, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);

  station = bm_station_new (store, NULL);
  service = bm_station_get_backup_service (station);
  g_assert_nonnull (service);
  bm_backup_service_set_interval (service, 1);
  bm_station_start (station);

  /* A change: backed up within the interval (and some slack). */
  started = g_get_real_time () / G_USEC_PER_SEC;
  add_record (store, 1);
  add_record (store, 2);
  g_assert_true (wait_for (has_new_backup, service, 15));
  g_assert_cmpint (bm_backup_service_get_last_backup (service), >=, started);
  g_assert_cmpint (bm_backup_service_get_last_backup (service), <=, started + 5);
  header = bm_backup_read_header (bm_backup_service_get_last_file (service), &error);
  g_assert_no_error (error);
  g_assert_cmpint (header->records, ==, 2);
  first_file = g_strdup (bm_backup_service_get_last_file (service));

  /* The folder goes away (the stick is pulled): reported, not skipped. */
  g_assert_true (bm_backup_set_dir (store, gone, BM_TRAINING_SUPERVISOR, &error));
  add_record (store, 3);
  g_assert_true (wait_for (has_error, service, 15));
  g_assert_nonnull (strstr (bm_backup_service_get_last_error (service), gone));
  g_assert_cmpstr (bm_backup_service_get_last_file (service), ==, first_file);

  /* It comes back: the next attempt, with no new change, succeeds. */
  g_assert_cmpint (g_mkdir (gone, 0700), ==, 0);
  seen_backup = bm_backup_service_get_last_backup (service);
  g_assert_true (wait_for (has_new_backup, service, 15));
  g_assert_cmpstr (bm_backup_service_get_last_file (service), !=, first_file);
  g_assert_true (g_str_has_prefix (bm_backup_service_get_last_file (service), gone));

  info = bm_backup_restore (bm_backup_service_get_last_file (service), code, restored, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->records, ==, 3);
  back = bm_store_open (restored, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bm_store_count_candidates (back, TRUE), ==, 3);
  g_assert_true (bm_store_audit_verify (back, NULL, &error));
  g_assert_no_error (error);

  bm_station_stop (station);
  g_clear_object (&station);
  bm_test_remove_dir (dir);
}

/* No folder set: the service says backups are off instead of nothing. */
static void
test_not_configured (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(BmBackupService) service = bm_backup_service_new (store);

  bm_backup_service_set_interval (service, 1);
  bm_backup_service_start (service);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (bm_backup_service_note_change), service);
  add_record (store, 1);
  g_assert_true (wait_for (has_error, service, 15));
  g_assert_cmpint (bm_backup_service_get_last_backup (service), ==, 0);
  bm_backup_service_stop (service);
  g_signal_handlers_disconnect_by_data (store, service);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backup-service/continuous", test_continuous);
  g_test_add_func ("/backup-service/not-configured", test_not_configured);
  return g_test_run ();
}
