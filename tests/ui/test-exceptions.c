/* Card exceptions at the counter (issue 13), in process under Xvfb in
 * zh_CN, against a real training store: a number failing its check goes to
 * manual entry with the card's data and is kept only on the supervisor's
 * override with a reason (county review); an expired card says the date in
 * Chinese and what to do; a registered candidate's card names the record
 * and opens it on the 考生 page. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-operator.h"
#include "bm-paths.h"
#include "bm-record-state.h"
#include "bm-settings.h"
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
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_entry_saved (BmEntryPage *entry)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (bm_entry_page_is_saving (entry) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return !bm_entry_page_is_saving (entry);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static BmIdentity *
card_identity (const char *id_number, const char *valid_to)
{
  BmIdentity *identity = bm_identity_new ();

  bm_identity_set (identity, "card_type", "resident");
  bm_identity_set (identity, "id_type", "resident_card");
  bm_identity_set (identity, "id_number", id_number);
  bm_identity_set (identity, "name", "欧阳䶮");
  bm_identity_set (identity, "sex", "1");
  bm_identity_set (identity, "nation", "15");
  bm_identity_set (identity, "birth_date", "2003-07-08");
  bm_identity_set (identity, "address", "湖南省吉首市人民路一号");
  bm_identity_set (identity, "authority", "吉首市公安局");
  bm_identity_set (identity, "valid_from", "2015-01-01");
  bm_identity_set (identity, "valid_to", valid_to);
  return identity;
}

/* 433101200307081230 is right; the same with another check character is
 * what a damaged or forged chip, or a card issued in error, holds. */
#define GOOD_NUMBER "433101200307081230"
#define BAD_NUMBER  "433101200307081231"

static void
test_bad_check (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity (BAD_NUMBER, "2035-01-01");
  g_autoptr(GError) error = NULL;
  BmWindow *window = open_window (store);
  BmCounterPage *counter = bm_window_get_counter_page (window);
  BmEntryPage *entry = bm_window_get_entry_page (window);
  BmIntake *intake = bm_counter_page_get_intake (counter);

  gtk_window_present (GTK_WINDOW (window));
  settle ();
  bm_intake_card_read (intake, identity);
  settle ();
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_BLOCKED);
  g_assert_nonnull (strstr (bm_intake_get_next_step (intake), "Ctrl+M"));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (entry)));

  /* the way out: manual entry, filled from the card */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "counter.manual-from-card", NULL));
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (entry)));
  g_assert_cmpstr (bm_entry_page_get_problem (entry), ==,
                   _("The ID number on the card fails its check character. To keep it as read, the point "
                     "supervisor logs in and gives the reason for the override; the county then reviews the "
                     "record."));
  bm_entry_page_set_field (entry, "category", "1");
  g_assert_nonnull (bm_entry_page_get_problem (entry));   /* no reason: still refused */

  /* the clerk gives a reason: the store wants the supervisor */
  bm_entry_page_set_field (entry, "override_reason", "芯片校验位错误，经核对户口簿为本人");
  g_assert_null (bm_entry_page_get_problem (entry));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (entry), "entry.save", NULL));
  g_assert_true (wait_entry_saved (entry));
  g_assert_nonnull (bm_entry_page_get_problem (entry));
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates"), ==, 0);

  /* the supervisor logs in and confirms the reason */
  g_assert_true (bm_station_log_in (the_station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  settle ();
  bm_entry_page_set_field (entry, "override_reason", "芯片校验位错误，经核对户口簿为本人。");
  g_assert_null (bm_entry_page_get_problem (entry));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (entry), "entry.save", NULL));
  g_assert_true (wait_entry_saved (entry));

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE id_number = '" BAD_NUMBER "'"
                                      " AND name = '欧阳䶮' AND address = '湖南省吉首市人民路一号' AND nation = '15'"
                                      " AND source = 'manual' AND review_state = 'pending' AND review_level = 'county'"
                                      " AND override_reason = '芯片校验位错误，经核对户口簿为本人。'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'add'"
                                      " AND operator = 'training-supervisor'"
                                      " AND json_extract (detail, '$.override_reason') = '芯片校验位错误，经核对户口簿为本人。'"
                                      " AND entity_uuid = (SELECT uuid FROM candidates)"), ==, 1);

  /* a typed number that fails its check is refused as before, reason or not */
  {
    g_autoptr(BmIdentity) typed = card_identity ("433101200307081252", "2035-01-01");
    g_autoptr(BmCandidate) candidate = bm_candidate_new (typed);

    bm_entry_page_clear (entry);
    bm_entry_page_set_field (entry, "id_number", "433101200307081232");
    g_assert_nonnull (bm_entry_page_get_problem (entry));
    /* the core: without a reason, refused */
    bm_candidate_set (candidate, "source", "manual");
    bm_candidate_set (candidate, "category", "1");
    g_assert_false (bm_store_add_candidate (store, candidate, BM_TRAINING_SUPERVISOR, NULL));
  }
  close_window (window);
  bm_test_remove_dir (dir);
}

static void
test_expired (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity (GOOD_NUMBER, "2025-01-01");
  BmWindow *window = open_window (store);
  BmIntake *intake = bm_counter_page_get_intake (bm_window_get_counter_page (window));
  const char *warnings;

  gtk_window_present (GTK_WINDOW (window));
  settle ();
  bm_intake_card_read (intake, identity);
  settle ();
  warnings = bm_intake_get_warnings (intake);
  g_assert_nonnull (warnings);
  g_assert_nonnull (strstr (warnings, "证件已过期"));
  g_assert_nonnull (strstr (warnings, "2025年1月1日"));
  g_assert_nonnull (strstr (warnings, "临时身份证"));
  g_assert_nonnull (strstr (warnings, "负责人"));
  g_assert_null (strstr (warnings, "2025-01-01"));
  close_window (window);
  bm_test_remove_dir (dir);
}

static void
test_duplicate (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity (GOOD_NUMBER, "2035-01-01");
  g_autoptr(BmCandidate) registered = NULL;
  g_autoptr(BmCandidate) shown = NULL;
  BmWindow *window;
  BmCounterPage *counter;
  BmIntake *intake;
  GListModel *model;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BmCandidate) other = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, other, BM_TRAINING_CLERK, NULL));
    }
  registered = bm_candidate_new (identity);
  bm_candidate_set (registered, "source", "card");
  bm_candidate_set (registered, "category", "1");
  g_assert_true (bm_store_add_candidate (store, registered, BM_TRAINING_CLERK, NULL));

  window = open_window (store);
  counter = bm_window_get_counter_page (window);
  intake = bm_counter_page_get_intake (counter);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  bm_intake_card_read (intake, identity);
  settle ();
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_BLOCKED);
  {
    BmRecordState state;

    g_assert_true (bm_record_state_from_string (bm_candidate_get (registered, "state"), &state));
    expected = g_strdup_printf ("已报名：报名顺序号 %s（%s）。按 Ctrl+O 打开该记录。",
                                bm_candidate_get (registered, "number"), bm_record_state_get_label (state));
  }
  g_assert_cmpstr (bm_intake_get_next_step (intake), ==, expected);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "counter.open-record", NULL));
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bm_window_get_candidates_page (window))));
  model = bm_candidates_page_get_model (bm_window_get_candidates_page (window));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  shown = g_list_model_get_item (model, 0);
  g_assert_cmpstr (bm_candidate_get (shown, "number"), ==, bm_candidate_get (registered, "number"));
  close_window (window);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exceptions/bad-check", test_bad_check);
  g_test_add_func ("/exceptions/expired", test_expired);
  g_test_add_func ("/exceptions/duplicate", test_duplicate);
  return g_test_run ();
}
