/* The sync page under Xvfb against the development server (set up by
 * test-ui.sh): queue shown, "sync now" sends it, the conflict appears with
 * its sentence, "keep this workstation's record" resolves it; "submit
 * complete records" (the final submission, 第九步) has the complete records
 * accepted and says so. */

#include "bm-config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "bm-station.h"
#include "bm-store-sync.h"
#include "bm-sync-page.h"

static GThread *main_thread;
static guint sync_batches_seen;

/* Changes the worker's own connection commits reach the station's
 * listeners on the main thread. */
static void
on_store_changed (BmStation *station, const char *kind, const char *uuid, gpointer data)
{
  if (g_thread_self () != main_thread)
    g_error ("store-changed (%s) delivered on another thread", kind);
  if (g_strcmp0 (kind, "sync_batch") == 0)
    sync_batches_seen++;
}

static GtkWidget *
find_label_containing (GtkWidget *root, const char *text)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *hit;
      if (GTK_IS_LABEL (c) && strstr (gtk_label_get_text (GTK_LABEL (c)), text))
        return c;
      if ((hit = find_label_containing (c, text)) != NULL)
        return hit;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *hit;
      if (GTK_IS_BUTTON (c) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (c)), label) == 0)
        return c;
      if ((hit = find_button (c, label)) != NULL)
        return hit;
    }
  return NULL;
}

static gboolean
wait_for (GtkWidget *root, const char *text, int seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      if (find_label_containing (root, text))
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = NULL;
  g_autoptr(BmStation) station = NULL;
  GtkWidget *window, *button;
  BmSyncPage *page;
  char *indicator = NULL;

  gtk_init ();
  if (argc != 4 || (store = bm_store_open (argv[1], FALSE, &error)) == NULL)
    g_error ("usage: test-sync-page DB CONFLICT_NUMBER N_COMPLETE (%s)", error ? error->message : "");
  main_thread = g_thread_self ();
  station = bm_station_new (store, NULL);
  /* The clerk who set the desk up logs in offline (lib.sh setup_client). */
  if (!bm_station_log_in (station, "clerk", "clerk-pass", &error))
    g_error ("log-in: %s", error->message);
  g_signal_connect (station, "store-changed", G_CALLBACK (on_store_changed), NULL);
  bm_station_start (station);
  window = gtk_window_new ();
  page = bm_sync_page_new (station);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));

  /* The worker runs at start: the queue empties and the conflict shows. */
  if (!wait_for (window, "Nothing waiting to be sent", 60))
    g_error ("queue never emptied");
  if (!wait_for (window, "Compare both on the sync page", 10))
    g_error ("conflict not listed");
  if (!find_label_containing (window, argv[2]))
    g_error ("conflicting record %s not listed", argv[2]);
  g_object_get (page, "indicator-text", &indicator, NULL);
  if (indicator == NULL || !strstr (indicator, "0 to send"))
    g_error ("indicator says %s", indicator);
  g_print ("ok - queue sent, conflict listed, indicator \"%s\"\n", indicator);
  if (sync_batches_seen == 0)
    g_error ("the worker's accepted batches were never announced by the station");
  g_print ("ok - %u accepted batches announced on the main thread\n", sync_batches_seen);
  g_free (indicator);

  button = find_button (window, "_Keep this workstation's record");
  if (button == NULL)
    g_error ("no keep button");
  g_signal_emit_by_name (button, "clicked");
  {
    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (find_label_containing (window, "Compare both on the sync page") && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
    if (find_label_containing (window, "Compare both on the sync page"))
      g_error ("conflict not resolved");
  }
  if (!wait_for (window, "Nothing waiting to be sent", 60))
    g_error ("resolved record not sent");
  g_print ("ok - conflict resolved from the page and sent\n");

  /* The submission waits for the worker's run to end (they share a lock). */
  button = find_button (window, "Su_bmit complete records");
  if (button == NULL)
    g_error ("no submit button");
  {
    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (!gtk_widget_is_sensitive (button) && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  if (!gtk_widget_activate_action (GTK_WIDGET (page), "sync.submit", NULL))
    g_error ("sync.submit not activated");
  if (gtk_widget_is_sensitive (button))
    g_error ("submit button still sensitive while submitting");
  if (!wait_for (window, "Submission finished", 120))
    {
      GtkWidget *stopped = find_label_containing (window, "Submission stopped");
      g_error ("submission did not finish: %s", stopped ? gtk_label_get_text (GTK_LABEL (stopped)) : "(nothing shown)");
    }
  {
    g_autofree char *expected = g_strdup_printf ("Submission finished: %s accepted, 0 not submitted.", argv[3]);
    GtkWidget *label = find_label_containing (window, "Submission finished");

    if (!g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), expected))
      g_error ("submission says \"%s\", not \"%s\"", gtk_label_get_text (GTK_LABEL (label)), expected);
    g_print ("ok - submitted from the page: \"%s\"\n", gtk_label_get_text (GTK_LABEL (label)));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (g_steal_pointer (&station));
  return 0;
}
