/* The candidate list: a GtkColumnView over the store's lazy model, so that
 * 100,000 records cost only the rows on screen. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-candidate-model.h"
#include "bm-candidates-page.h"
#include "bm-correction-dialog.h"
#include "bm-id-number.h"

struct _BmCandidatesPage
{
  GtkWidget parent_instance;

  BmStore *store;
  BmStation *station;
  BmCandidateModel *model;
  GtkSingleSelection *selection;
  GHashTable *category_names;   /* code -> "code name" */

  /* Template widgets */
  GtkWidget *content;
  GtkSearchEntry *search_entry;
  GtkColumnView *column_view;
  GtkLabel *summary_label;
};

G_DEFINE_FINAL_TYPE (BmCandidatesPage, bm_candidates_page, GTK_TYPE_WIDGET)

typedef enum { COLUMN_NUMBER, COLUMN_NAME, COLUMN_ID_NUMBER, COLUMN_CATEGORY, COLUMN_STATE } Column;

static char *
column_text (BmCandidatesPage *self, BmCandidate *candidate, Column column)
{
  BmIdentity *identity = bm_candidate_get_identity (candidate);
  const char *name;

  switch (column)
    {
    case COLUMN_NUMBER:
      return g_strdup (bm_candidate_get (candidate, "number"));
    case COLUMN_NAME:
      name = bm_identity_get (identity, "name");
      return g_strdup (name ? name : bm_identity_get (identity, "name_en"));
    case COLUMN_ID_NUMBER:
      /* The list is seen by whoever stands at the counter: show the number masked. */
      return bm_id_number_mask (bm_identity_get (identity, "id_number"));
    case COLUMN_CATEGORY:
      name = g_hash_table_lookup (self->category_names, bm_candidate_get (candidate, "category") ? bm_candidate_get (candidate, "category") : "");
      return g_strdup (name ? name : bm_candidate_get (candidate, "category"));
    case COLUMN_STATE:
      if (bm_candidate_get_flag (candidate, "voided"))
        return g_strdup (_("Voided"));
      if (g_strcmp0 (bm_candidate_get (candidate, "review_state"), "pending") == 0)
        return g_strdup_printf (_("%s, awaiting review"), bm_record_state_get_label (bm_candidate_get_state (candidate)));
      return g_strdup (bm_record_state_get_label (bm_candidate_get_state (candidate)));
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  BmCandidatesPage *self = g_object_get_data (G_OBJECT (factory), "page");
  BmCandidate *candidate = gtk_list_item_get_item (item);
  g_autofree char *text = column_text (self, candidate, GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : "");
}

static void
add_column (BmCandidatesPage *self, const char *title, Column column, gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "page", self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

static void
update_summary (BmCandidatesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record", "%u records", n), n);

  gtk_label_set_text (self->summary_label, text);
}

static void
on_search_changed (GtkSearchEntry *entry, BmCandidatesPage *self)
{
  bm_candidates_page_set_query (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_correction_saved (BmCorrectionDialog *dialog, const char *number, BmCandidatesPage *self)
{
  bm_candidates_page_reload (self);
}

/* Opens the correction dialog for the selected record. */
static void
correct_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (widget);
  BmCandidate *candidate = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GError) error = NULL;
  BmCorrectionDialog *dialog;

  if (candidate == NULL || bm_candidate_get (candidate, "number") == NULL || self->station == NULL)
    return;
  dialog = bm_correction_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                     bm_station_get_writer (self->station), bm_candidate_get (candidate, "number"),
                                     bm_station_get_acting_operator (self->station), &error);
  if (dialog == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_correction_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_row_activated (GtkColumnView *view, guint position, BmCandidatesPage *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "candidates.correct", NULL);
}

static void
bm_candidates_page_dispose (GObject *object)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_CANDIDATES_PAGE);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  g_clear_pointer (&self->category_names, g_hash_table_unref);

  G_OBJECT_CLASS (bm_candidates_page_parent_class)->dispose (object);
}

static void
bm_candidates_page_class_init (BmCandidatesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_candidates_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-candidates-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, summary_label);

  gtk_widget_class_install_action (widget_class, "candidates.correct", NULL, correct_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "candidates.correct", NULL);
}

static void
bm_candidates_page_init (BmCandidatesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
}

BmCandidatesPage *
bm_candidates_page_new (BmStore *store)
{
  BmCandidatesPage *self = g_object_new (BM_TYPE_CANDIDATES_PAGE, NULL);

  g_autoptr(GPtrArray) categories = bm_store_list_categories (store, NULL);

  self->store = g_object_ref (store);
  self->category_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; categories && i < categories->len; i++)
    {
      BmCategory *category = g_ptr_array_index (categories, i);
      g_hash_table_insert (self->category_names, g_strdup (category->code),
                           g_strdup_printf ("%s %s", category->code, category->name));
    }
  self->model = bm_candidate_model_new (store);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);   /* the view holds it */
  g_signal_connect (self->column_view, "activate", G_CALLBACK (on_row_activated), self);

  add_column (self, _("报名顺序号"), COLUMN_NUMBER, FALSE);
  add_column (self, _("Name"), COLUMN_NAME, TRUE);
  add_column (self, _("ID number"), COLUMN_ID_NUMBER, FALSE);
  add_column (self, _("Category"), COLUMN_CATEGORY, FALSE);
  add_column (self, _("State"), COLUMN_STATE, TRUE);
  update_summary (self);
  return self;
}

void
bm_candidates_page_reload (BmCandidatesPage *self)
{
  bm_candidate_model_reload (self->model);
  update_summary (self);
}

void
bm_candidates_page_set_query (BmCandidatesPage *self, const char *query)
{
  bm_candidate_model_set_query (self->model, query);
  update_summary (self);
}

GListModel *
bm_candidates_page_get_model (BmCandidatesPage *self)
{
  return G_LIST_MODEL (self->model);
}

void
bm_candidates_page_focus_search (BmCandidatesPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
bm_candidates_page_set_station (BmCandidatesPage *self, BmStation *station)
{
  g_set_object (&self->station, station);
}
