/* The candidate list: a GtkColumnView over the store's lazy model, so that
 * 100,000 records cost only the rows on screen. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-candidate-model.h"
#include "bm-candidates-page.h"
#include "bm-correction-dialog.h"
#include "bm-id-number.h"
#include "bm-phone-dialog.h"
#include "bm-void-dialog.h"
#include "bm-store-lifecycle.h"
#include "bm-store-submit.h"

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
  GtkLabel *record_label;     /* the selected record's state and last submission */
  GtkLabel *message_label;    /* what the last lifecycle step did, or the store's refusal */
  char *shown_number;         /* the record record_label describes */
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

/* The selected record's 报名顺序号, or NULL. */
static const char *
selected_number (BmCandidatesPage *self)
{
  BmCandidate *candidate = gtk_single_selection_get_selected_item (self->selection);

  return candidate ? bm_candidate_get (candidate, "number") : NULL;
}

static const char *const record_actions[] = {
  "candidates.fee", "candidates.eligibility", "candidates.hand-over", "candidates.signed", "candidates.phone",
};

/* The state, and the last final submission's outcome (as `candidate show`
 * prints it), of the selected record; the actions need a record. */
static void
update_record (BmCandidatesPage *self)
{
  BmCandidate *candidate = gtk_single_selection_get_selected_item (self->selection);
  const char *number = candidate ? bm_candidate_get (candidate, "number") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (record_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), record_actions[i], number != NULL);
  if (g_strcmp0 (number, self->shown_number) != 0)
    {
      /* Another record: the last step's sentence was about the previous one. */
      gtk_label_set_text (self->message_label, "");
      g_free (self->shown_number);
      self->shown_number = g_strdup (number);
    }
  if (number != NULL)
    {
      g_autoptr(JsonObject) outcome = bm_store_submit_dup_outcome (self->store, bm_candidate_get (candidate, "uuid"));
      const char *status = outcome ? json_object_get_string_member_with_default (outcome, "status", "") : NULL;

      g_string_printf (text, _("%s: %s"), number, bm_record_state_get_label (bm_candidate_get_state (candidate)));
      if (bm_candidate_get_flag (candidate, "fee_paid"))
        g_string_append_printf (text, " · %s", _("fee paid"));
      if (bm_candidate_get_flag (candidate, "eligibility_checked"))
        g_string_append_printf (text, " · %s", _("资格审查 done"));
      if (g_strcmp0 (status, "accepted") == 0)
        g_string_append_printf (text, " · %s", _("last submission accepted"));
      else if (g_strcmp0 (status, "refused") == 0)
        g_string_append_printf (text, " · %s %s", _("last submission refused:"),
                                json_object_get_string_member_with_default (outcome, "reason", ""));
      else if (status != NULL)
        g_string_append_printf (text, " · %s", _("last submission awaiting the province's answer"));
    }
  gtk_label_set_text (self->record_label, text->str);
}

static void
on_selection_changed (GtkSelectionModel *model, guint position, guint n_items, BmCandidatesPage *self)
{
  update_record (self);
}

/* Shows what a lifecycle step did, or the store's sentence saying what is
 * missing; the record is re-read so its state line follows. */
static void
show_step_result (BmCandidatesPage *self, const char *number, const char *done, const GError *error)
{
  g_autofree char *text = error ? NULL : g_strdup_printf (done, number);

  if (error == NULL)
    bm_candidates_page_reload (self);
  gtk_label_set_text (self->message_label, error ? error->message : text);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

/* The station's logged-in operator, or NULL with the sentence shown. */
static const char *
acting_operator (BmCandidatesPage *self)
{
  const char *operator_name = self->station ? bm_station_get_acting_operator (self->station) : NULL;

  if (operator_name == NULL)
    {
      gtk_label_set_text (self->message_label, _("Log in first: every step is recorded as the logged-in operator's."));
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
    }
  return operator_name;
}

static void
event_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (widget);
  g_autofree char *number = g_strdup (selected_number (self));
  const char *operator_name = number ? acting_operator (self) : NULL;
  g_autoptr(GError) error = NULL;
  BmRecordEvent event;
  const char *done;

  if (operator_name == NULL)
    return;
  if (g_str_equal (action, "candidates.fee"))
    event = BM_RECORD_EVENT_FEE_RECORDED, done = _("%s: the fee is recorded as paid.");
  else if (g_str_equal (action, "candidates.eligibility"))
    event = BM_RECORD_EVENT_ELIGIBILITY_RECORDED, done = _("%s: the 资格审查 is recorded.");
  else
    event = BM_RECORD_EVENT_CARD_HANDED_OVER, done = _("%s: the login card is recorded as handed over.");
  bm_store_record_event (self->store, number, event, operator_name, &error);
  show_step_result (self, number, done, error);
}

/* The candidate signed the 校对表. No card is read here: a record typed in
 * by hand is refused with the store's sentence (its card must be matched at
 * the counter). */
static void
signed_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (widget);
  g_autofree char *number = g_strdup (selected_number (self));
  const char *operator_name = number ? acting_operator (self) : NULL;
  g_autoptr(GError) error = NULL;

  if (operator_name == NULL)
    return;
  bm_store_confirm_signature (self->store, number, NULL, operator_name, &error);
  show_step_result (self, number, _("%s: the signature is confirmed."), error);
}

static void
on_phone_confirmed (BmPhoneDialog *dialog, const char *number, BmCandidatesPage *self)
{
  show_step_result (self, number, _("%s: confirmed by phone."), NULL);
}

static void
phone_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (widget);
  const char *number = selected_number (self);
  const char *operator_name = number ? acting_operator (self) : NULL;
  BmPhoneDialog *dialog;

  if (operator_name == NULL)
    return;
  dialog = bm_phone_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, number, operator_name);
  g_signal_connect_object (dialog, "confirmed", G_CALLBACK (on_phone_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* H-ops: void the selected record with a reason (supervisor; bm-void-dialog.c). */
static void
void_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCandidatesPage *self = BM_CANDIDATES_PAGE (widget);

  if (selected_number (self) != NULL && self->station != NULL)
    gtk_window_present (GTK_WINDOW (bm_void_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->station,
                                                        selected_number (self))));
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
  g_clear_pointer (&self->shown_number, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, record_label);
  gtk_widget_class_bind_template_child (widget_class, BmCandidatesPage, message_label);

  gtk_widget_class_install_action (widget_class, "candidates.correct", NULL, correct_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "candidates.correct", NULL);

  /* The lifecycle steps of docs/lifecycle.md on the selected record. */
  gtk_widget_class_install_action (widget_class, "candidates.fee", NULL, event_action);
  gtk_widget_class_install_action (widget_class, "candidates.eligibility", NULL, event_action);
  gtk_widget_class_install_action (widget_class, "candidates.hand-over", NULL, event_action);
  gtk_widget_class_install_action (widget_class, "candidates.signed", NULL, signed_action);
  gtk_widget_class_install_action (widget_class, "candidates.phone", NULL, phone_action);
  gtk_widget_class_install_action (widget_class, "candidates.void", NULL, void_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "candidates.fee", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Q, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "candidates.eligibility", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_H, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "candidates.hand-over", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "candidates.signed", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "candidates.phone", NULL);
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
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self);

  add_column (self, _("报名顺序号"), COLUMN_NUMBER, FALSE);
  add_column (self, _("Name"), COLUMN_NAME, TRUE);
  add_column (self, _("ID number"), COLUMN_ID_NUMBER, FALSE);
  add_column (self, _("Category"), COLUMN_CATEGORY, FALSE);
  add_column (self, _("State"), COLUMN_STATE, TRUE);
  update_summary (self);
  update_record (self);
  return self;
}

/* GtkSingleSelection, after items-changed, looks for its selected item
 * among every new row (at 100,000 records: every record read, for each
 * keystroke). The selection is dropped first, so it looks at none, and the
 * position is selected again after. */
static void
change_rows (BmCandidatesPage *self, const char *query, gboolean keep_position)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  if (query != NULL)
    bm_candidate_model_set_query (self->model, query);
  else
    bm_candidate_model_reload (self->model);
  if (keep_position && position != GTK_INVALID_LIST_POSITION
      && position < g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    gtk_single_selection_set_selected (self->selection, position);
  update_summary (self);
  update_record (self);
}

void
bm_candidates_page_reload (BmCandidatesPage *self)
{
  /* The rows keep their order; the selected record stays selected. */
  change_rows (self, NULL, TRUE);
}

void
bm_candidates_page_set_query (BmCandidatesPage *self, const char *query)
{
  if (g_strcmp0 (query, bm_candidate_model_get_query (self->model)) == 0)
    return;
  change_rows (self, query ? query : "", FALSE);
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
