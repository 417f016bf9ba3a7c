/* UI test of the card status indicator with the emulated reader: run under
 * tests/pcsc/pcsc-harness.sh and tests/ui/xvfb-run.sh (suite pcsc). */
#include "bm-config.h"

#include <gio/gio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "bm-card-status.h"
#include "bm-station.h"
#include "bm-test-cardemu.h"
#include "bm-test-util.h"

/* Spins the main context until the label shows @text, or 10 s. */
static gboolean
wait_text (BmCardStatus *status, const char *text)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      if (strstr (bm_card_status_get_text (status), text) != NULL)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_printerr ("# label is: %s\n", bm_card_status_get_text (status));
  return FALSE;
}

static void
on_identity (BmCardStatus *status, BmIdentity *identity, BmIdentity **out)
{
  g_set_object (out, identity);
}

static void
test_indicator (void)
{
  GtkWidget *window = gtk_window_new ();
  g_autoptr(BmCardReader) reader = bm_card_reader_new ();
  BmCardStatus *status = BM_CARD_STATUS (bm_card_status_new (reader));
  g_autoptr(BmIdentity) got = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (status));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (status, "identity-read", G_CALLBACK (on_identity), &got);
  g_setenv ("BAOMING_WLT_DECODER", "/nonexistent/libWltRS.so", TRUE);
  bm_card_reader_start (reader);

  g_assert_true (wait_text (status, "Place the ID card on the reader"));
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_text (status, "Card read. "));
  g_assert_nonnull (got);
  g_assert_cmpstr (bm_identity_get (got, "name"), ==, "王䶮");
  g_assert_cmpstr (bm_identity_get (got, "sam_id"), ==, "05.01-20231234-1234567890-0987654321");
  /* No decoder installed: said in the tooltip, in words a clerk reads
   * (no library name), never as a note that widens the header. */
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (status)), "photo decoder is not installed"));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (status)), ".so"));

  /* The service goes away and comes back: the indicator says what to do,
   * without a command line. */
  bm_test_pcsc_ctl ("pcscd-stop");
  g_assert_true (wait_text (status, "Restart the computer"));
  g_assert_null (strstr (bm_card_status_get_text (status), "sudo"));
  bm_test_pcsc_ctl ("pcscd-start");
  g_assert_true (wait_text (status, "Place the ID card on the reader"));

  /* A card taken away mid-read: a specific error, no identity. */
  g_clear_object (&got);
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (bm_test_cardemu ("inject remove"));
  g_assert_true (bm_test_cardemu ("insert resident"));
  g_assert_true (wait_text (status, "taken away during reading"));
  g_assert_null (got);

  /* With a decoder, the chip photo becomes a 102x126 texture. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    g_autoptr(BmIdentity) id = bm_identity_new ();
    guint8 wlt[1024] = "WLf";
    g_autoptr(GBytes) bytes = g_bytes_new (wlt, sizeof wlt);

    bm_identity_set_photo_wlt (id, bytes);
    g_setenv ("BAOMING_WLT_DECODER", g_getenv ("BM_FAKE_WLTRS"), TRUE);
    texture = bm_card_status_decode_photo (id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_texture_get_width (texture), ==, 102);
    g_assert_cmpint (gdk_texture_get_height (texture), ==, 126);
  }

  bm_card_reader_stop_and_wait (reader, 1000);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The reader settings of the app's schema reach the station's reader: a
 * named reader is watched alone. The station owns the reader; the
 * indicator only shows it, and stopping the station releases it. */
static void
test_settings (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bm-schema-XXXXXX", NULL);
  const char *argv[] = { "glib-compile-schemas", "--targetdir", dir, g_getenv ("BM_SCHEMA_SRC"), NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(BmIdentity) got = NULL;
  g_autofree char *compiled = g_build_filename (dir, "gschemas.compiled", NULL);
  g_autofree char *store_dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (store_dir, "training.db");
  GtkWidget *window = gtk_window_new ();
  BmStation *station;
  BmCardReader *reader;
  BmCardStatus *status;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, "cn.baoming.Client", FALSE);
  g_assert_nonnull (schema);
  settings = g_settings_new_full (schema, backend, NULL);
  g_assert_true (g_settings_set_string (settings, "card-reader", "Test PCD 00 01"));
  g_assert_true (g_settings_set_string (settings, "card-scheme", "tunnel"));

  station = bm_station_new (store, settings);
  reader = bm_station_get_card_reader (station);
  g_object_add_weak_pointer (G_OBJECT (reader), (gpointer *) &reader);
  status = BM_CARD_STATUS (bm_card_status_new (reader));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (status));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (status, "identity-read", G_CALLBACK (on_identity), &got);
  g_assert_true (bm_test_cardemu ("remove"));
  bm_station_start (station);
  g_assert_true (wait_text (status, "Place the ID card on the reader"));
  g_assert_cmpstr (bm_card_reader_get_reader_name (bm_card_status_get_reader (status)), ==, "Test PCD 00 01");
  g_assert_true (bm_test_cardemu ("insert permit 1"));
  g_assert_true (wait_text (status, "Card read. "));
  g_assert_nonnull (got);
  g_assert_cmpstr (bm_identity_get (got, "name"), ==, "陈家乐");
  g_assert_cmpstr (bm_card_reader_get_reader_name (bm_card_status_get_reader (status)), ==, "Test PCD 00 01");

  /* The widget goes first, then the station: nothing keeps the reader. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (station);
  g_assert_null (reader);
  g_clear_object (&store);
  bm_test_remove_dir (store_dir);
  g_unlink (compiled);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card-status/indicator", test_indicator);
  g_test_add_func ("/card-status/settings", test_settings);
  return g_test_run ();
}
