/* The supervisor's dialogs under Xvfb (issue 12, H-ops): the operators
 * dialog opened from the window's win.operators (a supervisor's only),
 * adding a clerk, disabling and unlocking through the station's writer;
 * voiding a record with a reason from the 考生 page. Each step is checked
 * in the database: the operators row, the record, the audit entries. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-operators-dialog.h"
#include "bm-paths.h"
#include "bm-settings.h"
#include "bm-void-dialog.h"
#include "bm-station.h"
#include "bm-store-login.h"
#include "bm-store-private.h"
#include "bm-test-util.h"
#include "bm-window.h"

static BmStation *the_station;

/* The window as the application makes it: over a started station. */
static BmWindow *
open_window (BmStore *store)
{
  g_autoptr(GSettings) settings = bm_settings_new ();

  the_station = bm_station_new (store, settings);
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

static void
settle (void)
{
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
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

/* The writer's work comes back through the main loop: iterate until the
 * dialog has nothing pending, bounded. */
static gboolean
wait_operators (BmOperatorsDialog *dialog)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (bm_operators_dialog_get_pending (dialog) > 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return bm_operators_dialog_get_pending (dialog) == 0;
}

static GtkWidget *
template_child (gpointer widget, GType type, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (widget), type, name));
}

/* The list row made for @user (its box is named after the account). */
static GtkWidget *
operator_row (BmOperatorsDialog *dialog, const char *user)
{
  GtkWidget *list = template_child (dialog, BM_TYPE_OPERATORS_DIALOG, "list_box");

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

      if (g_strcmp0 (gtk_widget_get_name (box), user) == 0)
        return box;
    }
  return NULL;
}

static const char *
label_text (gpointer widget, GType type, const char *name)
{
  return gtk_label_get_text (GTK_LABEL (template_child (widget, type, name)));
}

static void
test_operators_dialog (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GError) error = NULL;
  BmWindow *window = open_window (store);
  BmOperatorsDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  settle ();

  /* The training clerk works: the action is off, no dialog opens. */
  g_assert_cmpstr (bm_station_get_acting_operator (the_station), ==, BM_TRAINING_CLERK);
  g_assert_false (bm_operators_dialog_allowed (the_station));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.operators", NULL);
  settle ();
  g_assert_null (find_toplevel (BM_TYPE_OPERATORS_DIALOG));

  /* The supervisor logs in: the action opens the dialog, listing both
   * training accounts with their roles. */
  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_true (bm_operators_dialog_allowed (the_station));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.operators", NULL));
  settle ();
  dialog = BM_OPERATORS_DIALOG (find_toplevel (BM_TYPE_OPERATORS_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (operator_row (dialog, BM_TRAINING_CLERK));
  g_assert_nonnull (operator_row (dialog, BM_TRAINING_SUPERVISOR));

  /* Add a clerk as the buttons do: fields, then operators.add. */
  gtk_editable_set_text (GTK_EDITABLE (template_child (dialog, BM_TYPE_OPERATORS_DIALOG, "user_entry")), "wangwu");
  gtk_editable_set_text (GTK_EDITABLE (template_child (dialog, BM_TYPE_OPERATORS_DIALOG, "name_entry")), "王五");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "operators.add", NULL));
  g_assert_cmpuint (bm_operators_dialog_get_pending (dialog), ==, 1);
  g_assert_true (wait_operators (dialog));
  g_assert_cmpstr (label_text (dialog, BM_TYPE_OPERATORS_DIALOG, "problem_label"), ==, "");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM operators WHERE user = 'wangwu' AND real_name = '王五'"
                                      " AND role = 'clerk' AND enabled = 1 AND must_change_password = 1"
                                      " AND password_hash LIKE '$argon2id$%'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'operator_add'"
                                      " AND operator = 'training-supervisor' AND json_extract (detail, '$.user') = 'wangwu'"),
                   ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'operator_password'"
                                      " AND operator = 'training-supervisor' AND json_extract (detail, '$.one_time')"),
                   ==, 1);
  /* Not the county's: a later profile leaves it alone. */
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM profile_accounts WHERE user = 'wangwu'"), ==, 0);
  g_assert_nonnull (operator_row (dialog, "wangwu"));
  g_assert_nonnull (strstr (label_text (dialog, BM_TYPE_OPERATORS_DIALOG, "password_label"), "wangwu"));

  /* The same name again: the store's refusal is shown, nothing added. */
  bm_operators_dialog_add_clerk (dialog, "wangwu", "王五");
  g_assert_true (wait_operators (dialog));
  g_assert_cmpstr (label_text (dialog, BM_TYPE_OPERATORS_DIALOG, "problem_label"), !=, "");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM operators WHERE user = 'wangwu'"), ==, 1);

  /* Five wrong passwords lock it; the row offers Unlock, which ends it. */
  for (int i = 0; i < 5; i++)
    {
      g_assert_false (bm_store_verify_password (store, "wangwu", "wrong-password", NULL, &error));
      g_clear_error (&error);
    }
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM operators WHERE user = 'wangwu' AND locked_until IS NOT NULL"), ==, 1);
  bm_operators_dialog_unlock (dialog, "wangwu");
  g_assert_true (wait_operators (dialog));
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM operators WHERE user = 'wangwu' AND locked_until IS NULL"
                                      " AND failed_attempts = 0"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'operator_unlock'"
                                      " AND operator = 'training-supervisor'"), ==, 1);

  /* Disable and enable through the row's actions. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "operators.disable", "s", "wangwu"));
  g_assert_true (wait_operators (dialog));
  g_assert_cmpint (count_rows (store, "SELECT enabled FROM operators WHERE user = 'wangwu'"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'operator_disable'"
                                      " AND operator = 'training-supervisor'"), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "operators.enable", "s", "wangwu"));
  g_assert_true (wait_operators (dialog));
  g_assert_cmpint (count_rows (store, "SELECT enabled FROM operators WHERE user = 'wangwu'"), ==, 1);

  /* A clerk at the station cannot: the store refuses through the dialog. */
  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_CLERK, NULL, &error));
  bm_operators_dialog_add_clerk (dialog, "zhaoliu", "赵六");
  g_assert_true (wait_operators (dialog));
  g_assert_cmpstr (label_text (dialog, BM_TYPE_OPERATORS_DIALOG, "problem_label"), !=, "");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM operators WHERE user = 'zhaoliu'"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static gboolean
wait_void (BmVoidDialog *dialog)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (bm_void_dialog_is_saving (dialog) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  settle ();
  return !bm_void_dialog_is_saving (dialog);
}

/* The 考生 page's candidates.void opens the dialog for the selected
 * record; a clerk is refused (nothing changes), an empty reason is
 * refused, the supervisor's void with a reason is stored through the
 * writer: voided, the reason, an audit entry as the supervisor. */
static void
test_void_dialog (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (0, "1");
  g_autoptr(GError) error = NULL;
  BmWindow *window;
  BmCandidatesPage *page;
  GtkWidget *column_view;
  BmVoidDialog *dialog;

  g_assert_true (bm_store_add_candidate (store, candidate, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  window = open_window (store);
  page = bm_window_get_candidates_page (window);
  column_view = template_child (page, BM_TYPE_CANDIDATES_PAGE, "column_view");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "candidates"));
  settle ();
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view))), 0);
  settle ();

  /* The clerk: the dialog says who voids, and the store refuses. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.void", NULL));
  settle ();
  dialog = BM_VOID_DIALOG (find_toplevel (BM_TYPE_VOID_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (label_text (dialog, BM_TYPE_VOID_DIALOG, "record_label"), "00000001"));
  g_assert_cmpstr (label_text (dialog, BM_TYPE_VOID_DIALOG, "problem_label"), !=, "");
  bm_void_dialog_submit (dialog, "重复登记");
  g_assert_true (wait_void (dialog));
  g_assert_cmpint (count_rows (store, "SELECT voided FROM candidates WHERE number = '00000001'"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The supervisor: no reason is refused; with one, voided. */
  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.void", NULL));
  settle ();
  dialog = BM_VOID_DIALOG (find_toplevel (BM_TYPE_VOID_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (label_text (dialog, BM_TYPE_VOID_DIALOG, "problem_label"), ==, "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL));
  g_assert_true (wait_void (dialog));
  g_assert_cmpstr (label_text (dialog, BM_TYPE_VOID_DIALOG, "problem_label"), ==, _("Give a reason for voiding the record."));
  g_assert_cmpint (count_rows (store, "SELECT voided FROM candidates WHERE number = '00000001'"), ==, 0);

  g_object_ref (dialog);
  gtk_editable_set_text (GTK_EDITABLE (template_child (dialog, BM_TYPE_VOID_DIALOG, "reason_entry")), "考生改报其他报名点");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL));
  g_assert_true (wait_void (dialog));
  /* Stored: the dialog closed. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
  g_assert_null (find_toplevel (BM_TYPE_VOID_DIALOG));
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE number = '00000001' AND voided = 1"
                                      " AND void_reason = '考生改报其他报名点'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'void'"
                                      " AND operator = 'training-supervisor'"
                                      " AND json_extract (detail, '$.reason') = '考生改报其他报名点'"
                                      " AND entity_uuid = (SELECT uuid FROM candidates WHERE number = '00000001')"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'void'"), ==, 1);

  close_window (window);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops-ui/operators-dialog", test_operators_dialog);
  g_test_add_func ("/ops-ui/void-dialog", test_void_dialog);
  return g_test_run ();
}
