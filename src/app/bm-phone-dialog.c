/* Confirm a record by phone (seed 四, docs/lifecycle.md). Built in code:
 * two fields and a button; the store decides, and its refusal sentence
 * stays in the dialog so the operator can fix what is missing. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-phone-dialog.h"
#include "bm-store-lifecycle.h"

struct _BmPhoneDialog
{
  GtkWindow parent_instance;

  BmStore *store;
  char *number;
  char *operator_name;

  GtkEntry *phone_entry;
  GtkEntry *approver_entry;
  GtkLabel *problem_label;
};

enum { SIGNAL_CONFIRMED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BmPhoneDialog, bm_phone_dialog, GTK_TYPE_WINDOW)

gboolean
bm_phone_dialog_confirm (BmPhoneDialog *self, const char *phone_number, const char *approved_by, GError **error)
{
  if (!bm_store_confirm_by_phone (self->store, self->number, phone_number, approved_by, self->operator_name, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CONFIRMED], 0, self->number);
  return TRUE;
}

static void
confirm_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmPhoneDialog *self = BM_PHONE_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!bm_phone_dialog_confirm (self, gtk_editable_get_text (GTK_EDITABLE (self->phone_entry)),
                                gtk_editable_get_text (GTK_EDITABLE (self->approver_entry)), &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static GtkEntry *
add_field (GtkGrid *grid, int row, const char *label_text, const char *accessible)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, entry, 1, row, 1, 1);
  return GTK_ENTRY (entry);
}

static void
bm_phone_dialog_finalize (GObject *object)
{
  BmPhoneDialog *self = BM_PHONE_DIALOG (object);

  g_clear_object (&self->store);
  g_free (self->number);
  g_free (self->operator_name);
  G_OBJECT_CLASS (bm_phone_dialog_parent_class)->finalize (object);
}

static void
bm_phone_dialog_class_init (BmPhoneDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bm_phone_dialog_finalize;
  /**
   * BmPhoneDialog::confirmed:
   * @number: the record's 报名顺序号
   */
  signals[SIGNAL_CONFIRMED] = g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_install_action (widget_class, "phone.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bm_phone_dialog_init (BmPhoneDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *confirm = gtk_button_new_with_mnemonic (_("C_onfirm by phone"));

  gtk_window_set_title (GTK_WINDOW (self), _("Confirm by phone"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 420, -1);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  self->phone_entry = add_field (GTK_GRID (grid), 0, _("_Phone number called"), _("Phone number called"));
  gtk_entry_set_input_purpose (self->phone_entry, GTK_INPUT_PURPOSE_PHONE);
  self->approver_entry = add_field (GTK_GRID (grid), 1, _("_Approving supervisor"), _("Approving supervisor account"));
  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->problem_label, TRUE);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (confirm), "phone.confirm");
  gtk_widget_add_css_class (confirm, "suggested-action");
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), confirm);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem_label));
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), confirm);
}

BmPhoneDialog *
bm_phone_dialog_new (GtkWindow *parent, BmStore *store, const char *number, const char *operator_name)
{
  BmPhoneDialog *self = g_object_new (BM_TYPE_PHONE_DIALOG, "transient-for", parent, NULL);

  self->store = g_object_ref (store);
  self->number = g_strdup (number);
  self->operator_name = g_strdup (operator_name);
  return self;
}
