/* The whole window against the emulated reader: placing a card fills the
 * counter page, Enter on a 科类 assigns the number, and the stored record
 * is card-sourced with the reader's SAM id. Runs under
 * tests/pcsc/pcsc-harness.sh and tests/ui/xvfb-run.sh (suites pcsc, ui). */

#include "bm-config.h"

#include <gio/gio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-test-util.h"
#include "bm-test-cardemu.h"
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

static gboolean
wait_step (BmCounterPage *page, BmIntakeState step)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      if (bm_intake_get_state (bm_counter_page_get_intake (page)) == step)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_printerr ("# step is %d, next step: %s\n", bm_intake_get_state (bm_counter_page_get_intake (page)), bm_intake_get_next_step (bm_counter_page_get_intake (page)));
  return FALSE;
}

static void
test_card_to_number (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window = open_window (store);
  BmCounterPage *counter = bm_window_get_counter_page (window);
  g_autoptr(BmCandidate) stored = NULL;
  GtkWidget *list;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_step (counter, BM_INTAKE_WAITING));

  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_step (counter, BM_INTAKE_CHOOSE_CATEGORY));

  list = GTK_WIDGET (gtk_root_get_focus (GTK_ROOT (window)));
  while (list != NULL && !GTK_IS_LIST_BOX (list))
    list = gtk_widget_get_parent (list);
  g_assert_nonnull (list);
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  g_assert_cmpint (bm_intake_get_state (bm_counter_page_get_intake (counter)), ==, BM_INTAKE_PHOTO);
  g_assert_cmpstr (bm_intake_get_number (bm_counter_page_get_intake (counter)), ==, "00000001");

  stored = bm_store_find_by_number (store, "00000001", NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (stored), "name"), ==, "王䶮");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (stored), "sam_id"), ==, "05.01-20231234-1234567890-0987654321");
  g_assert_nonnull (bm_identity_get (bm_candidate_get_identity (stored), "photo_wlt_sha256"));
  g_assert_cmpstr (bm_candidate_get (stored, "source"), ==, "card");
  g_assert_cmpstr (bm_candidate_get (stored, "review_state"), ==, "not_required");

  /* The same card placed again while its record is in hand is that
   * candidate (the flow stays); once the next candidate is called it is
   * refused, naming the number. */
  g_assert_true (bm_intake_photo_saved (bm_counter_page_get_intake (counter), "00000001"));
  g_assert_true (bm_intake_next_candidate (bm_counter_page_get_intake (counter)));
  g_assert_true (wait_step (counter, BM_INTAKE_WAITING));
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_step (counter, BM_INTAKE_BLOCKED));
  g_assert_nonnull (strstr (bm_intake_get_next_step (bm_counter_page_get_intake (counter)), "00000001"));
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card/counter-ui", test_card_to_number);
  return g_test_run ();
}
