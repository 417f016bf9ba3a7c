/* Correcting a registered record: the identity fields and the comment.
 * Fields read from the ID card are locked everywhere else; here they may be
 * changed only with a reason, which the core records with the change in the
 * audit log. A correction after the candidate signed sends the record back
 * to "proof sheet printed" (core rule). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-correction-dialog.h"

static const struct {
  const char *key;
  const char *label;
} fields[] = {
  { "name", N_("_Name") },
  { "name_en", N_("Name in _English") },
  { "id_number", N_("ID _number") },
  { "birth_date", N_("_Birth date (YYYY-MM-DD)") },
  { "address", N_("_Address") },
  { "authority", N_("Issued _by") },
  { "valid_to", N_("_Valid until") },
  { "comment", N_("C_omment (评语)") },
};

struct _BmCorrectionDialog
{
  GtkWindow parent_instance;

  BmStore *store;
  char *number;
  char *operator_name;
  BmCandidate *candidate;
  GtkWidget *entries[G_N_ELEMENTS (fields)];

  /* Template widgets */
  GtkLabel *heading_label;
  GtkGrid *grid;
  GtkEntry *reason_entry;
  GtkLabel *problem_label;
};

G_DEFINE_FINAL_TYPE (BmCorrectionDialog, bm_correction_dialog, GTK_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
current_value (BmCorrectionDialog *self, const char *key)
{
  if (g_str_equal (key, "comment"))
    return bm_candidate_get (self->candidate, key);
  return bm_identity_get (bm_candidate_get_identity (self->candidate), key);
}

gboolean
bm_correction_dialog_save (BmCorrectionDialog *self, GError **error)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *now = gtk_editable_get_text (GTK_EDITABLE (self->entries[i]));
      const char *before = current_value (self, fields[i].key);

      if (g_strcmp0 (now, before ? before : "") != 0)
        json_object_set_string_member (changes, fields[i].key, now);
    }
  if (json_object_get_size (changes) == 0)
    return TRUE;
  return bm_store_update_candidate (self->store, self->number, changes, *reason ? reason : NULL,
                                    self->operator_name, error);
}

static void
save_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCorrectionDialog *self = BM_CORRECTION_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!bm_correction_dialog_save (self, &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, self->number);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
bm_correction_dialog_dispose (GObject *object)
{
  BmCorrectionDialog *self = BM_CORRECTION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_CORRECTION_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->candidate);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->operator_name, g_free);

  G_OBJECT_CLASS (bm_correction_dialog_parent_class)->dispose (object);
}

static void
bm_correction_dialog_class_init (BmCorrectionDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_correction_dialog_dispose;

  /**
   * BmCorrectionDialog::saved:
   * @number: the record that was changed
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-correction-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BmCorrectionDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BmCorrectionDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, BmCorrectionDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, BmCorrectionDialog, problem_label);

  gtk_widget_class_install_action (widget_class, "correction.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "correction.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bm_correction_dialog_init (BmCorrectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BmCorrectionDialog *
bm_correction_dialog_new (GtkWindow *parent, BmStore *store, const char *number,
                          const char *operator_name, GError **error)
{
  g_autoptr(BmCandidate) candidate = bm_store_find_by_number (store, number, error);
  g_autofree char *heading = NULL;
  BmCorrectionDialog *self;
  gboolean from_card;

  if (candidate == NULL)
    return NULL;
  self = g_object_new (BM_TYPE_CORRECTION_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->number = g_strdup (number);
  self->operator_name = g_strdup (operator_name);
  self->candidate = g_steal_pointer (&candidate);
  from_card = g_strcmp0 (bm_candidate_get (self->candidate, "source"), "card") == 0;

  heading = g_strdup_printf (from_card
                               ? _("报名顺序号 %s. The identity was read from the ID card: give a reason to change it.")
                               : _("报名顺序号 %s. The identity was typed in by hand."),
                             number);
  gtk_label_set_text (self->heading_label, heading);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (_(fields[i].label));
      const char *value = current_value (self, fields[i].key);

      self->entries[i] = gtk_entry_new ();
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), value ? value : "");
      gtk_widget_set_hexpand (self->entries[i], TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->entries[i]);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (self->entries[i]),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_grid_attach (self->grid, label, 0, i, 1, 1);
      gtk_grid_attach (self->grid, self->entries[i], 1, i, 1, 1);
    }
  return self;
}

void
bm_correction_dialog_set_field (BmCorrectionDialog *self, const char *key, const char *value)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), value ? value : "");
}

void
bm_correction_dialog_set_reason (BmCorrectionDialog *self, const char *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), reason ? reason : "");
}
