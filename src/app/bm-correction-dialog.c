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

  BmStore *store;            /* reads; the change goes through the writer */
  BmStoreWriter *writer;
  gboolean saving;
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

typedef struct {
  char *number;
  JsonObject *changes;
  char *reason;
  char *operator_name;
} Update;

static void
update_free (gpointer data)
{
  Update *update = data;

  g_free (update->number);
  json_object_unref (update->changes);
  g_free (update->reason);
  g_free (update->operator_name);
  g_free (update);
}

/* On the writer's thread; the changes are the write's alone. */
static gboolean
update_write (BmStore *store, gpointer data, GError **error)
{
  Update *update = data;

  return bm_store_update_candidate (store, update->number, update->changes, update->reason,
                                    update->operator_name, error);
}

static void
set_saving (BmCorrectionDialog *self, gboolean saving)
{
  self->saving = saving;
  if (self->store == NULL)
    return;    /* destroyed under the write (the application quit) */
  /* Only the action waits: making the form insensitive under the focused
   * entry trips GtkText (no focus-out). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "correction.save", !saving);
  if (saving)
    gtk_label_set_text (self->problem_label, _("Saving the correction…"));
}

static void
updated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BmCorrectionDialog *self = g_task_get_source_object (task);
  GError *error = NULL;

  set_saving (self, FALSE);
  if (bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * bm_correction_dialog_save_async:
 *
 * Stores the changed fields through the station's writer (nothing to do
 * when none changed); the dialog is busy until the write is done.
 */
void
bm_correction_dialog_save_async (BmCorrectionDialog *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(JsonObject) changes = json_object_new ();
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
  Update *update;

  g_task_set_source_tag (task, bm_correction_dialog_save_async);
  if (self->saving)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s", _("The correction is being saved."));
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *now = gtk_editable_get_text (GTK_EDITABLE (self->entries[i]));
      const char *before = current_value (self, fields[i].key);

      if (g_strcmp0 (now, before ? before : "") != 0)
        json_object_set_string_member (changes, fields[i].key, now);
    }
  if (json_object_get_size (changes) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  update = g_new0 (Update, 1);
  update->number = g_strdup (self->number);
  update->changes = g_steal_pointer (&changes);
  update->reason = *reason ? g_strdup (reason) : NULL;
  update->operator_name = g_strdup (self->operator_name);
  set_saving (self, TRUE);
  bm_store_writer_write_async (self->writer, update_write, update, update_free, NULL, updated,
                               g_steal_pointer (&task));
}

gboolean
bm_correction_dialog_save_finish (BmCorrectionDialog *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BmCorrectionDialog *self = BM_CORRECTION_DIALOG (source);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!bm_correction_dialog_save_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        gtk_label_set_text (self->problem_label, error->message);
      return;
    }
  /* Closed only once the change is stored. */
  g_signal_emit (self, signals[SAVED], 0, self->number);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  bm_correction_dialog_save_async (BM_CORRECTION_DIALOG (widget), saved, NULL);
}

/* Escape while the write runs would hide whether it was stored. */
static gboolean
bm_correction_dialog_close_request (GtkWindow *window)
{
  if (BM_CORRECTION_DIALOG (window)->saving)
    return TRUE;
  return GTK_WINDOW_CLASS (bm_correction_dialog_parent_class)->close_request (window);
}

static void
bm_correction_dialog_dispose (GObject *object)
{
  BmCorrectionDialog *self = BM_CORRECTION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_CORRECTION_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->writer);
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
  GTK_WINDOW_CLASS (klass)->close_request = bm_correction_dialog_close_request;

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
bm_correction_dialog_new (GtkWindow *parent, BmStore *store, BmStoreWriter *writer, const char *number,
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
  self->writer = g_object_ref (writer);
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
