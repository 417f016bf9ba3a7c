/* The 考生 list at scale (issue 17): rows are read a page per query, only
 * those asked for, and a new search does not read every matching row. */

#include "bm-config.h"

#include <gtk/gtk.h>

#include "bm-candidate-model.h"
#include "bm-candidates-page.h"
#include "bm-paths.h"
#include "bm-print-page.h"
#include "bm-station.h"
#include "bm-store-private.h"
#include "bm-test-util.h"

#define N_RECORDS 900   /* 15 pages of BM_STORE_ROWS_PER_QUERY */
/* GTK 4.8 list views make up to 200 rows ready, shown or not: 4 pages. */
#define VIEW_PAGES 4

static BmStore *
open_filled (const char *dir)
{
  BmStore *store = bm_test_open_training (dir, "list.db");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_RECORDS; i++)
    g_ptr_array_add (batch, bm_test_make_candidate (i, "1"));
  g_assert_true (bm_store_add_candidates (store, batch, "training", &error));
  g_assert_no_error (error);
  return store;
}

/* One query per page of rows, each page read once while it is in use. */
static void
test_model_pages (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = open_filled (dir);
  g_autoptr(BmCandidateModel) model = bm_candidate_model_new (store);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(BmCandidate) newest = NULL, oldest = NULL, again = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_RECORDS);
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 0);   /* nothing read to count */
  newest = g_list_model_get_item (list, 0);
  for (guint i = 1; i < BM_STORE_ROWS_PER_QUERY; i++)
    g_object_unref (g_list_model_get_item (list, i));
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 1);
  oldest = g_list_model_get_item (list, N_RECORDS - 1);
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 2);
  g_assert_null (g_list_model_get_item (list, N_RECORDS));
  again = g_list_model_get_item (list, 0);
  g_assert_true (again == newest);   /* the same object while its page is kept */
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 2);
  /* Newest first, the whole record. */
  g_assert_cmpint (bm_candidate_get_version (newest), >=, 1);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (newest), "name"), ==, "考生899");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (oldest), "name"), ==, "考生0");
  g_assert_nonnull (bm_identity_get (bm_candidate_get_identity (oldest), "birth_date"));

  /* A search: one query for the ids, rows read only when asked for. */
  bm_candidate_model_set_query (model, "考生1");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 111);   /* 考生1, 10-19, 100-199 */
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 2);
  bm_candidate_model_set_query (model, "考生");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_RECORDS);
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model), ==, 2);

  g_clear_object (&model);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* The most rows one items-changed both removed and added: a list view
 * looks for each removed row among the added ones, reading every one. */
static void
count_changes (GListModel *model, guint position, guint removed, guint added, guint *both)
{
  *both = MAX (*both, MIN (removed, added));
}

/* With a row selected, typing in the search entry once walked every
 * matching row (GtkSingleSelection looking for its item), each read by its
 * own query: at 100,000 records, seconds per keystroke. */
static void
test_search_reads_what_is_shown (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = open_filled (dir);
  BmCandidatesPage *page = bm_candidates_page_new (store);
  BmCandidateModel *model = BM_CANDIDATE_MODEL (bm_candidates_page_get_model (page));
  GtkSingleSelection *selection;
  GtkWidget *view;
  guint before, both = 0;

  g_object_ref_sink (page);
  if (g_getenv ("MAPPED") != NULL)   /* shown in a window: for a person to look at */
    {
      GtkWidget *window = gtk_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
      gtk_window_present (GTK_WINDOW (window));
      gtk_test_widget_wait_for_draw (window);
    }
  view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), BM_TYPE_CANDIDATES_PAGE, "column_view"));
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  gtk_single_selection_set_selected (selection, 700);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 700);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes), &both);

  before = bm_candidate_model_get_pages_read (model);
  bm_candidates_page_set_query (page, "考生");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_RECORDS);
  g_assert_cmpuint (both, ==, 0);
  /* The rows the view makes ready and the first row, selected: not all 15 pages. */
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model) - before, <=, VIEW_PAGES + 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);

  /* A reload (the store changed) keeps the selected position, reading only its page. */
  gtk_single_selection_set_selected (selection, 700);
  before = bm_candidate_model_get_pages_read (model);
  bm_candidates_page_reload (page);
  g_assert_cmpuint (both, <=, BM_STORE_ROWS_PER_QUERY);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 700);
  g_assert_cmpuint (bm_candidate_model_get_pages_read (model) - before, <=, VIEW_PAGES + 1);

  g_object_unref (page);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static int
count_statement (unsigned type, void *data, void *stmt, void *sql)
{
  (*(guint *) data)++;
  return 0;
}

/* Start-up: the print page, not shown, reads no record (it prepared every
 * unprinted record's login card before the first frame: 55% of start-up at
 * 10,000 records); shown or asked, it prepares its batch. */
static void
test_print_page_prepares_when_shown (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = open_filled (dir);
  g_autoptr(BmStation) station = bm_station_new (store, NULL);
  BmPrintPage *page;
  BmDocument *document;
  guint statements = 0;

  sqlite3_trace_v2 (bm_store_get_sqlite (store), SQLITE_TRACE_STMT, count_statement, &statements);
  page = bm_print_page_new (station);
  g_object_ref_sink (page);
  bm_print_page_refresh (page);   /* as the window does on every store change */
  g_assert_cmpuint (statements, ==, 0);

  document = bm_print_page_get_document (page);
  g_assert_nonnull (document);
  g_assert_cmpuint (bm_document_get_n_records (document), ==, N_RECORDS);
  g_assert_cmpuint (statements, >, 0);
  sqlite3_trace_v2 (bm_store_get_sqlite (store), 0, NULL, NULL);

  g_object_unref (page);
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/candidate-list/model-pages", test_model_pages);
  g_test_add_func ("/candidate-list/search-reads-what-is-shown", test_search_reads_what_is_shown);
  g_test_add_func ("/candidate-list/print-page-prepares-when-shown", test_print_page_prepares_when_shown);
  return g_test_run ();
}
