/* test-print-page.c: the app's print page under Xvfb against the private
 * cupsd: preview, print with progress, the state change, a refused queue. */
#include "bm-config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-print-page.h"
#include "bm-test-data.h"
#include "bm-test-util.h"
#include "bm-station.h"

static gboolean printed_ok;
static guint printed_count;

static void
on_printed (BmPrintPage *page,
            gboolean     ok,
            gpointer     user_data)
{
  printed_ok = ok;
  printed_count++;
}

static void
iterate_until (gboolean (*done) (BmPrintPage *), BmPrintPage *page)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_printer (BmPrintPage *page)
{
  g_autofree char *p = bm_print_page_dup_printer (page);

  return p != NULL;
}

static gboolean
not_busy (BmPrintPage *page)
{
  return !bm_print_page_is_busy (page);
}

/* BM_SCREENSHOT=DIR saves the page as PNG, for looking at it. */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("BM_SCREENSHOT");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  if (dir == NULL)
    return;
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
}

static void
test_print_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-page-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *pdf = g_strdup_printf ("%s/testq.pdf", g_getenv ("BM_CUPS_OUT"));
  g_autoptr(BmStore) store = bm_store_open (db, TRUE, &error);
  g_autoptr(GBytes) photo = bm_test_load_photo ();
  g_autoptr(GPtrArray) numbers = NULL;
  g_autoptr(BmCandidate) first = NULL;
  g_autofree char *printer = NULL;
  GtkWidget *window;
  BmPrintPage *page;
  g_autoptr(BmStation) station = NULL;

  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (store, &error));
  numbers = bm_test_add_candidates (store, 5, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < numbers->len; i++)
    g_assert_true (bm_test_add_photo (store, numbers->pdata[i], photo, NULL));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  station = bm_station_new (store, NULL);
  page = bm_print_page_new (station);
  bm_print_page_set_printer (page, "testq");
  g_signal_connect (page, "printed", G_CALLBACK (on_printed), NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  iterate_until (has_printer, page);
  printer = bm_print_page_dup_printer (page);
  g_assert_cmpstr (printer, ==, "testq");

  /* Default: login cards not yet printed, previewed */
  g_assert_nonnull (bm_print_page_get_document (page));
  g_assert_cmpuint (bm_document_get_n_records (bm_print_page_get_document (page)), ==, 5);
  g_assert_cmpuint (bm_document_get_n_pages (bm_print_page_get_document (page)), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "print.next-page", NULL));
  gtk_test_widget_wait_for_draw (window);
  g_assert_cmpuint (bm_document_get_unknown_glyphs (bm_print_page_get_document (page)), ==, 0);
  screenshot (window, "print-page-cards.png");

  /* Ctrl+P path: the action; then wait for the job's end */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "print.print", NULL));
  g_assert_true (bm_print_page_is_busy (page));
  iterate_until (not_busy, page);
  g_assert_cmpuint (printed_count, ==, 1);
  g_assert_true (printed_ok);
  g_assert_nonnull (strstr (bm_print_page_get_status (page), "testq"));
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 2);
  first = bm_store_find_by_number (store, numbers->pdata[0], &error);
  g_assert_cmpstr (bm_candidate_get (first, "state"), ==, "card_printed");
  /* nothing left to print */
  g_assert_cmpuint (bm_document_get_n_records (bm_print_page_get_document (page)), ==, 0);

  /* Reprint one card: refused without a reason, printed with one */
  bm_print_page_select (page, BM_DOCUMENT_LOGIN_CARDS, numbers->pdata[2], NULL);
  g_assert_null (bm_print_page_get_document (page));
  g_assert_nonnull (strstr (bm_print_page_get_status (page), "reason"));

  /* No 校对表 before the online fields arrived */
  bm_print_page_select (page, BM_DOCUMENT_PROOF_SHEETS, numbers->pdata[0], numbers->pdata[4]);
  g_assert_null (bm_print_page_get_document (page));
  g_assert_nonnull (strstr (bm_print_page_get_status (page), "online fields"));
  for (guint i = 0; i < numbers->len; i++)
    bm_test_pull_online_fields (store, numbers->pdata[i]);

  /* A stopped queue: the page says why, the records stay as they are */
  bm_print_page_select (page, BM_DOCUMENT_PROOF_SHEETS, numbers->pdata[0], numbers->pdata[4]);
  g_assert_cmpuint (bm_document_get_n_pages (bm_print_page_get_document (page)), ==, 5);
  bm_print_page_set_printer (page, "stoppedq");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "print.print", NULL));
  iterate_until (not_busy, page);
  g_assert_cmpuint (printed_count, ==, 2);
  g_assert_false (printed_ok);
  g_assert_nonnull (strstr (bm_print_page_get_status (page), "stoppedq"));
  screenshot (window, "print-page-refused.png");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/print/page/print", test_print_page);
  return g_test_run ();
}
