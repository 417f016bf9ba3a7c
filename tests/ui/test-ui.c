/* The app's window under Xvfb: enter a candidate through the form in
 * training mode and find it in the list. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "bm-correction-dialog.h"
#include "bm-login-dialog.h"
#include "bm-store-lifecycle.h"
#include "bm-store-login.h"
#include "bm-store-private.h"
#include "bm-store-operators.h"
#include "bm-error.h"
#include "bm-paths.h"
#include "bm-phone-dialog.h"
#include "bm-test-util.h"
#include "bm-window.h"
#include "bm-settings.h"
#include "bm-station.h"

/* The window as the application makes it: over a started station. */
static BmWindow *
open_window (BmStore *store)
{
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = bm_station_new (store, settings);

  bm_station_start (station);
  return bm_window_new (NULL, station);
}

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The intake's writes finish on the writer's thread and come back through
 * the main loop: iterate until @state, bounded (a tick wakes the loop). */
static gboolean
wait_intake_state (BmIntake *intake, BmIntakeState state)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (bm_intake_get_state (intake) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return bm_intake_get_state (intake) == state;
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

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
wait_result (GAsyncResult **result)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (*result == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *result != NULL;
}

/* BAOMING_SCREENSHOT_PAUSE=SECONDS BAOMING_SCREENSHOT_AT=NAME keeps the
 * window on screen at that point, for a person to take a screenshot. */
static void
maybe_pause (const char *name)
{
  const char *seconds = g_getenv ("BAOMING_SCREENSHOT_PAUSE");

  if (seconds == NULL || g_strcmp0 (g_getenv ("BAOMING_SCREENSHOT_AT"), name) != 0)
    return;
  for (int i = 0; i < 100 * atoi (seconds); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_enter_and_list (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window = open_window (store);
  BmEntryPage *entry = bm_window_get_entry_page (window);
  BmCandidatesPage *list = bm_window_get_candidates_page (window);
  GListModel *model = bm_candidates_page_get_model (list);
  g_autoptr(BmCandidate) first = NULL;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "entry"));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (entry)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* Typing the ID number fills birth date and sex; the problem line guides the rest. */
  bm_entry_page_set_field (entry, "id_number", "11010519491231002x");
  g_assert_nonnull (bm_entry_page_get_problem (entry));
  bm_entry_page_set_field (entry, "name", "欧阳䶮");
  bm_entry_page_set_field (entry, "nation", "15");
  bm_entry_page_set_field (entry, "address", "湖南省长沙市芙蓉区");
  bm_entry_page_set_field (entry, "category", "5");
  g_assert_null (bm_entry_page_get_problem (entry));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (entry), "entry.save", NULL));
  /* numbered by the station's writer: the form waits for it */
  g_assert_true (bm_entry_page_is_saving (entry));
  g_assert_true (wait_entry_saved (entry));
  wait_for_draw (GTK_WIDGET (window));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "name"), ==, "欧阳䶮");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "birth_date"), ==, "1949-12-31");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "sex"), ==, "2");
  g_assert_cmpstr (bm_candidate_get (first, "number"), ==, "00003001");
  g_assert_cmpstr (bm_candidate_get (first, "source"), ==, "manual");

  /* The form is empty again and refuses to save. */
  g_assert_nonnull (bm_entry_page_get_problem (entry));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (entry), "entry.save", NULL)
                  && bm_store_count_candidates (store, TRUE) != 1);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 1);

  /* Search narrows the list. */
  bm_candidates_page_set_query (list, "欧阳");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  bm_candidates_page_set_query (list, "王");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  bm_candidates_page_set_query (list, "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "candidates");
  maybe_pause ("list");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static BmIdentity *
card_identity (const char *id_number)
{
  BmIdentity *identity = bm_identity_new ();

  bm_identity_set (identity, "card_type", "resident");
  bm_identity_set (identity, "id_type", "resident_card");
  bm_identity_set (identity, "id_number", id_number);
  bm_identity_set (identity, "name", "欧阳䶮");
  bm_identity_set (identity, "sex", "1");
  bm_identity_set (identity, "nation", "15");
  bm_identity_set (identity, "birth_date", "2003-07-08");
  bm_identity_set (identity, "address", "湖南省湘西土家族苗族自治州吉首市");
  bm_identity_set (identity, "authority", "吉首市公安局");
  bm_identity_set (identity, "valid_from", "2019-01-01");
  bm_identity_set (identity, "valid_to", "2029-01-01");
  bm_identity_set (identity, "sam_id", "05.01-20200101-0000001-0123456789");
  return identity;
}

/* The counter's fast path with an identity as the card reader hands it over. */
static void
test_counter (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window = open_window (store);
  BmCounterPage *counter = bm_window_get_counter_page (window);
  g_autoptr(BmIdentity) identity = card_identity ("433101200307081230");
  g_autoptr(BmIdentity) bad = card_identity ("433101200307081231");
  g_autoptr(BmCandidate) stored = NULL;
  GtkWidget *list;
  GtkListBoxRow *row;

  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_WAITING);

  bm_intake_card_read (bm_counter_page_get_intake (counter), identity);
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_CHOOSE_CATEGORY);

  /* Enter on 理工 (code 5). */
  list = GTK_WIDGET (gtk_root_get_focus (GTK_ROOT (window)));
  while (list != NULL && !GTK_IS_LIST_BOX (list))
    list = gtk_widget_get_parent (list);
  g_assert_nonnull (list);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3);   /* codes 1, 3, 4, 5, … */
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_NUMBERING);
  g_assert_true (wait_intake_state (bm_counter_page_get_intake (counter), BM_INTAKE_PHOTO));
  g_assert_cmpstr (bm_intake_get_number (bm_counter_page_get_intake (counter)), ==, "00003001");
  maybe_pause ("counter");

  stored = bm_store_find_by_number (store, "00003001", NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bm_candidate_get (stored, "source"), ==, "card");
  g_assert_cmpstr (bm_candidate_get (stored, "review_state"), ==, "not_required");
  g_assert_cmpstr (bm_candidate_get (stored, "category"), ==, "5");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (stored), "sam_id"), ==, "05.01-20200101-0000001-0123456789");

  /* Card fields are corrected only with a reason, which is kept and audited. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BmCandidate) corrected = NULL;
    g_autoptr(BmStoreWriter) writer = bm_store_writer_new (bm_store_get_path (store), TRUE);
    BmCorrectionDialog *dialog = bm_correction_dialog_new (GTK_WINDOW (window), store, writer,
                                                           "00003001", "training", &error);
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_no_error (error);
    bm_correction_dialog_set_field (dialog, "address", "湖南省湘西土家族苗族自治州吉首市乾州街道");
    bm_correction_dialog_save_async (dialog, got_result, &result);
    g_assert_null (result);    /* the write is the writer's, off the main thread */
    g_assert_true (wait_result (&result));
    g_assert_false (bm_correction_dialog_save_finish (dialog, result, &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
    g_clear_error (&error);
    g_clear_object (&result);
    bm_correction_dialog_set_reason (dialog, "户口簿地址已变更");
    bm_correction_dialog_save_async (dialog, got_result, &result);
    g_assert_true (wait_result (&result));
    g_assert_true (bm_correction_dialog_save_finish (dialog, result, &error));
    g_assert_no_error (error);
    gtk_window_destroy (GTK_WINDOW (dialog));
    corrected = bm_store_find_by_number (store, "00003001", NULL);
    g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (corrected), "address"), ==, "湖南省湘西土家族苗族自治州吉首市乾州街道");
    g_assert_cmpstr (bm_candidate_get (corrected, "override_reason"), ==, "户口簿地址已变更");
  }

  /* The same card again while its candidate is in hand changes nothing;
   * for the next candidate it is refused before any number is taken,
   * naming the record. */
  bm_intake_card_read (bm_counter_page_get_intake (counter), identity);
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_PHOTO);
  g_assert_true (bm_intake_photo_saved (bm_counter_page_get_intake (counter), "00003001"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "counter.next", NULL));
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_WAITING);
  bm_intake_card_read (bm_counter_page_get_intake (counter), identity);
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_BLOCKED);
  g_assert_nonnull (strstr (bm_intake_get_next_step (bm_counter_page_get_intake (counter)), "00003001"));

  /* A card whose number fails its check goes to manual entry. */
  bm_intake_card_read (bm_counter_page_get_intake (counter), bad);
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_BLOCKED);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* Every page opens and draws with data in the store. */
static void
test_pages (void)
{
  static const char *pages[] = { "counter", "entry", "candidates", "print", "sync", "progress", "settings" };
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", NULL));
    }
  window = open_window (store);
  gtk_window_present (GTK_WINDOW (window));
  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]));
      wait_for_draw (GTK_WIDGET (window));
      maybe_pause (pages[i]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* Whoever changes the store (here: another part of the program, through
 * the store directly, as the sync thread or the CLI would), the header
 * count and the 考生 list agree with it after the change is announced,
 * without a refresh by hand. */
static BmLoginDialog *
find_login_dialog (void)
{
  GListModel *windows = gtk_window_get_toplevels ();   /* transfer none */
  BmLoginDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (windows, i);

      if (BM_IS_LOGIN_DIALOG (w))
        found = BM_LOGIN_DIALOG (w);
    }
  return found;
}

/* Lock from the header, the log-in screen appears; a wrong password
 * leaves it up with the sentence, the same operator's password unlocks. */
static void
test_lock_and_log_in (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = bm_station_new (store, settings);
  g_autoptr(GError) error = NULL;
  BmWindow *window;
  BmLoginDialog *dialog;
  GtkWidget *password, *problem;

  g_assert_true (bm_store_set_password (store, BM_TRAINING_CLERK, "clerk-secret", FALSE, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  bm_station_start (station);
  window = bm_window_new (NULL, station);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_null (find_login_dialog ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (bm_station_get_locked (station));
  dialog = find_login_dialog ();
  g_assert_nonnull (dialog);
  wait_for_draw (GTK_WIDGET (dialog));
  password = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "password_entry");
  problem = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "problem_label");

  gtk_editable_set_text (GTK_EDITABLE (password), "wrong-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.log-in", NULL));
  g_assert_true (bm_station_get_locked (station));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "training"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (password), "clerk-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.log-in", NULL));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (bm_station_get_locked (station));
  g_assert_null (find_login_dialog ());
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, BM_TRAINING_CLERK);

  gtk_window_destroy (GTK_WINDOW (window));
  bm_station_stop (station);
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* 实名认证 on: after the right password the dialog asks for the own ID
 * card; another person's card leaves it up with the sentence, the own card
 * unlocks and closes it. */
static void
test_id_card_unlock (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own = bm_test_make_id_number (5);
  g_autofree char *other = bm_test_make_id_number (6);
  g_autoptr(BmIdentity) own_card = bm_identity_new ();
  g_autoptr(BmIdentity) other_card = bm_identity_new ();
  BmWindow *window;
  BmLoginDialog *dialog;
  GtkWidget *user, *password, *problem, *card_box, *password_box;

  g_settings_set_boolean (settings, "require-id-card-login", TRUE);
  station = bm_station_new (store, settings);
  bm_identity_set (own_card, "id_number", own);
  bm_identity_set (other_card, "id_number", other);
  g_assert_true (bm_store_add_operator (store, "lisi", "李四", own, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_set_password (store, "lisi", "lisi-own-pass", FALSE, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  window = bm_window_new (NULL, station);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  wait_for_draw (GTK_WIDGET (window));
  dialog = find_login_dialog ();
  g_assert_nonnull (dialog);
  user = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "user_entry");
  password = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "password_entry");
  problem = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "problem_label");
  card_box = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "card_box");
  password_box = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "password_box");
  g_assert_false (gtk_widget_get_visible (card_box));

  gtk_editable_set_text (GTK_EDITABLE (user), "lisi");
  gtk_editable_set_text (GTK_EDITABLE (password), "lisi-own-pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.log-in", NULL));
  wait_for_draw (GTK_WIDGET (dialog));
  g_assert_true (find_login_dialog () == dialog);
  g_assert_true (gtk_widget_get_visible (card_box));
  g_assert_false (gtk_widget_get_visible (password_box));
  g_assert_true (bm_station_get_locked (station));

  g_signal_emit_by_name (bm_station_get_card_reader (station), "card-read", other_card);
  g_assert_true (find_login_dialog () == dialog);
  /* The UI runs in Chinese: the sentence is the station's, naming lisi. */
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "lisi"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==, bm_station_get_card_problem (station));
  g_assert_null (bm_station_get_acting_operator (station));

  /* Back to the password, and again with the own card. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.cancel-card", NULL));
  g_assert_false (gtk_widget_get_visible (card_box));
  g_assert_true (gtk_widget_get_visible (password_box));
  g_assert_true (find_login_dialog () == dialog);
  gtk_editable_set_text (GTK_EDITABLE (password), "lisi-own-pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.log-in", NULL));
  g_signal_emit_by_name (bm_station_get_card_reader (station), "card-read", own_card);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (find_login_dialog ());
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, "lisi");

  g_settings_reset (settings, "require-id-card-login");
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static const char real_setup[] =
  "{ \"point\": { \"code\": \"010201\", \"name\": \"测试点\", \"county_code\": \"0102\" },"
  "  \"workstation_id\": \"W1\", \"workstation_count\": 1, \"workstation_index\": 1,"
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 99 } ] }";

/* Real mode starts with the log-in screen: nobody works until an account
 * logs in; the header then names them. */
static void
test_real_mode_log_in (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", real_setup);
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = NULL;
  g_autoptr(GError) error = NULL;
  BmWindow *window;
  BmLoginDialog *dialog;

  g_assert_true (bm_store_set_password (store, "clerk", "clerk-pass", FALSE, "system", &error));
  g_assert_no_error (error);
  station = bm_station_new (store, settings);
  g_assert_null (bm_station_get_operator (station));
  window = bm_window_new (NULL, station);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  dialog = find_login_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG, "user_entry")),
                         "clerk");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), BM_TYPE_LOGIN_DIALOG,
                                                                      "password_entry")),
                         "clerk-pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.log-in", NULL));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (find_login_dialog ());
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, "clerk");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The button (or other actionable) bound to @action under @widget. */
static GtkWidget *
find_actionable (GtkWidget *widget, const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The 考生 page's lifecycle steps, through the page's actions as the
 * keyboard or the buttons activate them, recorded as the station's
 * logged-in operator; a refused step shows the store's sentence and
 * changes nothing. */
static void
test_record_steps (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (0, "1");
  g_autoptr(GError) error = NULL;
  BmWindow *window;
  BmCandidatesPage *page;
  GtkWidget *column_view;
  GtkLabel *message, *record;
  g_autofree char *expected = NULL;

  g_assert_true (bm_store_add_candidate (store, candidate, "training", &error));
  g_assert_no_error (error);
  window = open_window (store);
  page = bm_window_get_candidates_page (window);
  column_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), BM_TYPE_CANDIDATES_PAGE, "column_view"));
  message = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), BM_TYPE_CANDIDATES_PAGE, "message_label"));
  record = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), BM_TYPE_CANDIDATES_PAGE, "record_label"));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "candidates"));
  wait_for_draw (GTK_WIDGET (window));

  /* No record selected: the steps are disabled. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view))),
                                     GTK_INVALID_LIST_POSITION);
  wait_for_draw (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (page), "candidates.fee")));
  g_assert_false (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (page), "candidates.phone")));
  gtk_widget_activate_action (GTK_WIDGET (page), "candidates.fee", NULL);
  g_assert_cmpint (count_rows (store, "SELECT fee_paid FROM candidates"), ==, 0);

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view))), 0);
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (page), "candidates.fee")));
  g_assert_nonnull (strstr (gtk_label_get_text (record), "00000001"));
  {
    g_autoptr(BmCandidate) stored = bm_store_find_by_number (store, "00000001", NULL);

    g_assert_nonnull (stored);
    g_assert_nonnull (strstr (gtk_label_get_text (record), bm_record_state_get_label (bm_candidate_get_state (stored))));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.eligibility", NULL));
  g_assert_cmpint (count_rows (store, "SELECT eligibility_checked FROM candidates WHERE number = '00000001'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'eligibility_recorded'"
                                      " AND operator = 'training'"), ==, 1);

  /* The card before the fee: refused, with the store's sentence; the row is unchanged. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.hand-over", NULL));
  {
    g_autoptr(GError) refusal = NULL;

    g_assert_false (bm_store_record_event (store, "00000001", BM_RECORD_EVENT_CARD_HANDED_OVER, "training", &refusal));
    g_assert_cmpstr (gtk_label_get_text (message), ==, refusal->message);
    g_assert_cmpstr (refusal->message, ==, _("The fee has not been recorded as paid: the login card cannot be handed over yet."));
  }
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE card_handed_over_at IS NOT NULL"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT fee_paid FROM candidates"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'card_handed_over'"), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.fee", NULL));
  g_assert_cmpint (count_rows (store, "SELECT fee_paid FROM candidates WHERE number = '00000001'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'fee_recorded'"
                                      " AND operator = 'training'"), ==, 1);
  expected = g_strdup_printf (_("%s: the fee is recorded as paid."), "00000001");
  g_assert_cmpstr (gtk_label_get_text (message), ==, expected);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  /* The store's change notice reloads the list; the record stays selected. */
  g_assert_nonnull (strstr (gtk_label_get_text (record), _("fee paid")));
  wait_for_draw (GTK_WIDGET (window));
  maybe_pause ("record-steps");

  /* Confirm by phone opens its dialog; the store refuses a record whose
   * 校对表 was never printed, the dialog says why, nothing is recorded. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "candidates.phone", NULL));
  {
    GListModel *windows = gtk_window_get_toplevels ();
    BmPhoneDialog *dialog = NULL;
    g_autoptr(GError) refusal = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (windows, i);

        if (BM_IS_PHONE_DIALOG (w))
          dialog = BM_PHONE_DIALOG (w);
      }
    g_assert_nonnull (dialog);
    g_assert_false (bm_phone_dialog_confirm (dialog, "13800000000", "training", &refusal));
    g_assert_nonnull (refusal);
    g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'phone_confirmed'"), ==, 0);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static void
test_counts_follow_changes (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window = open_window (store);
  GListModel *model = bm_candidates_page_get_model (bm_window_get_candidates_page (window));
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (100 + i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", &error));
      g_assert_no_error (error);
    }
  g_assert_true (bm_store_void_candidate (store, "00000002", "重复登记", BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  expected = g_strdup_printf (_("%lld registered"), (long long) bm_store_count_candidates (store, FALSE));
  g_assert_cmpstr (bm_window_get_count_text (window), ==, expected);
  g_assert_cmpint (bm_store_count_candidates (store, FALSE), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);   /* voided rows stay listed, marked */

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static void
test_chinese_glyphs (void)
{
  GtkWidget *label = gtk_label_new ("");
  PangoLayout *layout;

  g_object_ref_sink (label);
  layout = gtk_widget_create_pango_layout (label, "报名点客户端 欧阳䶮 土家族");
  g_assert_cmpint (pango_layout_get_unknown_glyphs_count (layout), ==, 0);
  g_object_unref (layout);
  g_object_unref (label);
}

static void
test_translated (void)
{
  /* The zh_CN catalogue is found and used. */
  g_assert_cmpstr (_("Registration point client"), ==, "报名点客户端");
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Noto Sans CJK SC 11", NULL);
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (provider, "/cn/baoming/Client/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/ui/counts-follow-changes", test_counts_follow_changes);
  g_test_add_func ("/ui/lock-and-log-in", test_lock_and_log_in);
  g_test_add_func ("/ui/real-mode-log-in", test_real_mode_log_in);
  g_test_add_func ("/ui/id-card-unlock", test_id_card_unlock);
  g_test_add_func ("/ui/enter-and-list", test_enter_and_list);
  g_test_add_func ("/ui/counter", test_counter);
  g_test_add_func ("/ui/pages", test_pages);
  g_test_add_func ("/ui/record-steps", test_record_steps);
  g_test_add_func ("/ui/chinese-glyphs", test_chinese_glyphs);
  g_test_add_func ("/ui/translated", test_translated);
  return g_test_run ();
}
