/* Backup and export in the window under Xvfb (issue 14): the header shows
 * the backup service's failure while the backup folder is missing, and a
 * good backup once it exists (a real backup file, read back); the settings
 * store the folder through the writer as a supervisor only (the meta row
 * and the audit entry); win.export with a folder writes a package whose
 * manifest, read back by the core reader, counts the records. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-backup.h"
#include "bm-backup-settings.h"
#include "bm-export-dialog.h"
#include "bm-operator.h"
#include "bm-package-export.h"
#include "bm-settings.h"
#include "bm-store-login.h"
#include "bm-station.h"
#include "bm-store-private.h"
#include "bm-test-util.h"
#include "bm-window.h"

static BmStation *the_station;

static BmWindow *
open_window (BmStore *store)
{
  g_autoptr(GSettings) settings = bm_settings_new ();

  the_station = bm_station_new (store, settings);
  /* short, so the test need not wait a minute */
  bm_backup_service_set_interval (bm_station_get_backup_service (the_station), 1);
  bm_station_start (the_station);
  return bm_window_new (NULL, the_station);
}

static void
close_window (BmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  bm_station_stop (the_station);
  g_clear_object (&the_station);
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until @done, bounded. */
static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data, guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done (data);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
add_record (BmStore *store, guint i)
{
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_add_candidate (store, candidate, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
}

static gboolean
shows_failure (gpointer data)
{
  const char *text = bm_window_get_backup_text (data);

  return text != NULL && g_str_has_prefix (text, "The last backup failed");
}

static gboolean
shows_success (gpointer data)
{
  const char *text = bm_window_get_backup_text (data);

  return text != NULL && g_str_has_prefix (text, "Last backup at");
}

static void
test_header (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *usb = g_build_filename (dir, "usb", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autoptr(BmBackupInfo) header = NULL;
  BmWindow *window;
  BmBackupService *service;

  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_true (bm_backup_set_dir (store, usb, BM_TRAINING_SUPERVISOR, &error));
  window = open_window (store);
  service = bm_station_get_backup_service (the_station);
  gtk_window_present (GTK_WINDOW (window));

  /* The folder is not there (a stick not plugged in): a change, then the
   * header says so, in the warning colour, the folder in the sentence. */
  add_record (store, 1);
  g_assert_true (wait_until (shows_failure, window, 20));
  g_assert_nonnull (strstr (bm_window_get_backup_text (window), usb));
  g_assert_nonnull (bm_backup_service_get_last_error (service));

  /* It appears: the retry succeeds and the header says when and where. */
  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  add_record (store, 2);
  g_assert_true (wait_until (shows_success, window, 20));
  g_assert_nonnull (strstr (bm_window_get_backup_text (window), usb));
  header = bm_backup_read_header (bm_backup_service_get_last_file (service), &error);
  g_assert_no_error (error);
  g_assert_cmpint (header->records, ==, 2);

  close_window (window);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static gboolean
settings_done (gpointer data)
{
  return bm_backup_settings_get_pending (data) == 0;
}

static void
test_settings (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *usb = g_build_filename (dir, "stick", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  BmWindow *window = open_window (store);
  GtkWidget *settings = g_object_ref_sink (bm_backup_settings_new (the_station));

  /* The clerk may not: nothing is written. */
  bm_backup_settings_apply (settings, usb);
  g_assert_true (wait_until (settings_done, settings, 10));
  g_assert_null (bm_backup_dup_dir (store));
  g_assert_cmpstr (bm_backup_settings_get_problem (settings), !=, "");

  /* The supervisor sets it: the meta row the CLI writes, audited. */
  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  bm_backup_settings_apply (settings, usb);
  g_assert_cmpuint (bm_backup_settings_get_pending (settings), ==, 1);
  g_assert_true (wait_until (settings_done, settings, 10));
  stored = bm_backup_dup_dir (store);
  g_assert_cmpstr (stored, ==, usb);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'backup_dir'"
                                      " AND operator = 'training-supervisor'"), ==, 1);

  g_object_unref (settings);
  close_window (window);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (windows, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return GTK_WINDOW (w);
    }
  return NULL;
}

static gboolean
export_done (gpointer data)
{
  return !bm_export_dialog_get_pending (data);
}

static void
test_export (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  BmWindow *window = open_window (store);
  BmExportDialog *dialog;

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  for (guint i = 1; i <= 3; i++)
    add_record (store, i);
  gtk_window_present (GTK_WINDOW (window));

  /* A clerk: the action is off. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export", "s", out);
  g_assert_null (find_toplevel (BM_TYPE_EXPORT_DIALOG));

  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", "s", out));
  dialog = BM_EXPORT_DIALOG (find_toplevel (BM_TYPE_EXPORT_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (wait_until (export_done, dialog, 30));
  g_assert_nonnull (bm_export_dialog_get_file (dialog));
  g_assert_true (g_str_has_prefix (bm_export_dialog_get_file (dialog), out));
  g_assert_cmpint (bm_export_dialog_get_records (dialog), ==, 3);
  g_assert_nonnull (strstr (bm_export_dialog_get_result_text (dialog), "3 records"));

  /* The file itself, read back by the core reader. */
  manifest = bm_package_verify_file (store, bm_export_dialog_get_file (dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (manifest, "records"), ==, 3);

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backup-ui/header", test_header);
  g_test_add_func ("/backup-ui/settings", test_settings);
  g_test_add_func ("/backup-ui/export", test_export);
  return g_test_run ();
}
