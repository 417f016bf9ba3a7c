/* The app's window under Xvfb: enter a candidate through the form in
 * training mode and find it in the list. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <stdlib.h>

#include "bm-paths.h"
#include "bm-test-util.h"
#include "bm-window.h"

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_enter_and_list (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmWindow *window = bm_window_new (NULL, store);
  BmEntryPage *entry = bm_window_get_entry_page (window);
  BmCandidatesPage *list = bm_window_get_candidates_page (window);
  GListModel *model = bm_candidates_page_get_model (list);
  g_autoptr(BmCandidate) first = NULL;

  gtk_window_present (GTK_WINDOW (window));
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
  wait_for_draw (GTK_WIDGET (window));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "name"), ==, "欧阳䶮");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "birth_date"), ==, "1949-12-31");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (first), "sex"), ==, "2");
  g_assert_cmpstr (bm_candidate_get (first, "number"), ==, "01023001");
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

  if (g_getenv ("BAOMING_SCREENSHOT_PAUSE"))
    {
      bm_candidates_page_set_query (list, "");
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-candidates", NULL);
      for (int i = 0; i < 100 * atoi (g_getenv ("BAOMING_SCREENSHOT_PAUSE")); i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10000);
        }
    }

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
  g_test_add_func ("/ui/enter-and-list", test_enter_and_list);
  g_test_add_func ("/ui/chinese-glyphs", test_chinese_glyphs);
  g_test_add_func ("/ui/translated", test_translated);
  return g_test_run ();
}
