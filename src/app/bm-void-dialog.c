/* Void a record with a reason (seed 步骤1-3: the point supervisor voids;
 * issue 12). The record keeps its number and history; the store refuses
 * a void without a reason or by someone who is not a supervisor, and the
 * dialog shows its sentence. The write goes through the station's writer
 * thread, as the operator logged in at the station. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-operator.h"
#include "bm-store-operators.h"
#include "bm-void-dialog.h"

struct _BmVoidDialog
{
  GtkWindow parent_instance;

  BmStation *station;
  char *number;
  gboolean saving;

  /* Template widgets */
  GtkLabel *record_label;
  GtkEntry *reason_entry;
  GtkLabel *problem_label;
  GtkWidget *void_button;
};

G_DEFINE_FINAL_TYPE (BmVoidDialog, bm_void_dialog, GTK_TYPE_WINDOW)

typedef struct {
  char *number;
  char *reason;
  char *operator_name;
} VoidWrite;

static void
void_write_free (gpointer data)
{
  VoidWrite *v = data;

  g_free (v->number);
  g_free (v->reason);
  g_free (v->operator_name);
  g_free (v);
}

/* On the writer's thread. Voiding is the supervisor's (the role is
 * checked on the same connection that writes). */
static gboolean
void_write (BmStore *store, gpointer data, GError **error)
{
  VoidWrite *v = data;

  return bm_store_check_role (store, v->operator_name, BM_OPERATOR_ROLE_SUPERVISOR, error)
         && bm_store_void_candidate (store, v->number, v->reason, v->operator_name, error);
}

static void
on_voided (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BmVoidDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (self->station == NULL)
    return;  /* closed meanwhile */
  gtk_widget_set_sensitive (self->void_button, TRUE);
  if (!bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

void
bm_void_dialog_submit (BmVoidDialog *self, const char *reason)
{
  VoidWrite *v;

  g_return_if_fail (BM_IS_VOID_DIALOG (self));
  if (self->saving)
    return;
  v = g_new0 (VoidWrite, 1);
  v->number = g_strdup (self->number);
  v->reason = g_strdup (reason);
  /* NULL while the session is locked: the store refuses. */
  v->operator_name = g_strdup (bm_station_get_acting_operator (self->station));
  self->saving = TRUE;
  gtk_widget_set_sensitive (self->void_button, FALSE);
  gtk_label_set_text (self->problem_label, "");
  bm_store_writer_write_async (bm_station_get_writer (self->station), void_write, v, void_write_free, NULL,
                               on_voided, g_object_ref (self));
}

gboolean
bm_void_dialog_is_saving (BmVoidDialog *self)
{
  g_return_val_if_fail (BM_IS_VOID_DIALOG (self), FALSE);
  return self->saving;
}

static void
confirm_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmVoidDialog *self = BM_VOID_DIALOG (widget);

  bm_void_dialog_submit (self, gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
}

static void
bm_void_dialog_dispose (GObject *object)
{
  BmVoidDialog *self = BM_VOID_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_VOID_DIALOG);
  g_clear_object (&self->station);
  G_OBJECT_CLASS (bm_void_dialog_parent_class)->dispose (object);
}

static void
bm_void_dialog_finalize (GObject *object)
{
  BmVoidDialog *self = BM_VOID_DIALOG (object);

  g_free (self->number);
  G_OBJECT_CLASS (bm_void_dialog_parent_class)->finalize (object);
}

static void
bm_void_dialog_class_init (BmVoidDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_void_dialog_dispose;
  object_class->finalize = bm_void_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-void-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BmVoidDialog, record_label);
  gtk_widget_class_bind_template_child (widget_class, BmVoidDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, BmVoidDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BmVoidDialog, void_button);
  gtk_widget_class_install_action (widget_class, "void.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bm_void_dialog_init (BmVoidDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * bm_void_dialog_new:
 * @station: whose store, writer and logged-in operator
 * @number: the record's 报名顺序号
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list
 */
BmVoidDialog *
bm_void_dialog_new (GtkWindow *parent, BmStation *station, const char *number)
{
  BmVoidDialog *self = g_object_new (BM_TYPE_VOID_DIALOG, "transient-for", parent, NULL);
  g_autoptr(BmCandidate) record = bm_store_find_by_number (bm_station_get_store (station), number, NULL);
  const char *name = record ? bm_identity_get (bm_candidate_get_identity (record), "name") : NULL;
  g_autofree char *heading = g_strdup_printf (_("Void record %s (%s)"), number, name ? name : "");

  self->station = g_object_ref (station);
  self->number = g_strdup (number);
  gtk_label_set_text (self->record_label, heading);
  /* Say it before the reason is typed: only a supervisor voids. */
  if (!bm_store_check_role (bm_station_get_store (station), bm_station_get_acting_operator (station),
                            BM_OPERATOR_ROLE_SUPERVISOR, NULL))
    gtk_label_set_text (self->problem_label, _("Only the point supervisor voids a record: log in as the supervisor first."));
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
  return self;
}
