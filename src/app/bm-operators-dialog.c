/* The point supervisor's accounts dialog (seed 步骤1-3, issue 12): every
 * account with its role and state, a clerk added with a one-time password
 * (shown once, here), an account disabled or enabled again, a lock ended
 * early. The list is read on the main connection; every change goes
 * through the station's writer thread, as the supervisor logged in at the
 * station, and the store decides (its refusal sentence is shown). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-operator.h"
#include "bm-operators-dialog.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"

struct _BmOperatorsDialog
{
  GtkWindow parent_instance;

  BmStation *station;
  guint pending;

  /* Template widgets */
  GtkListBox *list_box;
  GtkEntry *user_entry;
  GtkEntry *name_entry;
  GtkLabel *password_label;
  GtkLabel *problem_label;
  GtkWidget *add_button;
};

G_DEFINE_FINAL_TYPE (BmOperatorsDialog, bm_operators_dialog, GTK_TYPE_WINDOW)

gboolean
bm_operators_dialog_allowed (BmStation *station)
{
  const char *acting = station ? bm_station_get_acting_operator (station) : NULL;

  return acting != NULL
         && bm_store_check_role (bm_station_get_store (station), acting, BM_OPERATOR_ROLE_SUPERVISOR, NULL);
}

/* The state of an account as the supervisor reads it. */
static char *
state_text (BmOperatorsDialog *self, JsonObject *o)
{
  const char *locked_until = json_object_get_null_member (o, "locked_until")
                             ? NULL : json_object_get_string_member (o, "locked_until");
  g_autoptr(GDateTime) until = locked_until ? g_date_time_new_from_iso8601 (locked_until, NULL) : NULL;
  g_autoptr(GDateTime) now = bm_store_clock_now (bm_station_get_store (self->station));

  if (!json_object_get_boolean_member (o, "enabled"))
    return g_strdup (_("disabled"));
  if (until != NULL && g_date_time_compare (until, now) > 0)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (until);
      g_autofree char *time = g_date_time_format (local, "%H:%M");

      return g_strdup_printf (_("locked until %s"), time);
    }
  if (!json_object_get_boolean_member (o, "has_password"))
    return g_strdup (_("no password yet"));
  if (json_object_get_boolean_member (o, "must_change_password"))
    return g_strdup (_("one-time password, not yet replaced"));
  return g_strdup (_("enabled"));
}

static GtkWidget *
row_button (const char *label, const char *action, const char *user)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", user);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static void
refresh (BmOperatorsDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) operators = bm_store_list_operators (bm_station_get_store (self->station), &error);
  const char *me = bm_station_get_acting_operator (self->station);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  if (operators == NULL)
    {
      gtk_label_set_text (self->problem_label, error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (operators); i++)
    {
      JsonObject *o = json_array_get_object_element (operators, i);
      const char *user = json_object_get_string_member (o, "user");
      BmOperatorRole role = BM_OPERATOR_ROLE_CLERK;
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      g_autofree char *who = g_strdup_printf ("%s · %s", user, json_object_get_string_member (o, "real_name"));
      g_autofree char *state = state_text (self, o);
      GtkWidget *who_label = gtk_label_new (who);
      GtkWidget *role_label = NULL;
      GtkWidget *state_label = gtk_label_new (state);
      gboolean enabled = json_object_get_boolean_member (o, "enabled");

      bm_operator_role_from_string (json_object_get_string_member (o, "role"), &role);
      role_label = gtk_label_new (bm_operator_role_get_label (role));
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 4);
      gtk_widget_set_margin_bottom (box, 4);
      gtk_label_set_xalign (GTK_LABEL (who_label), 0);
      gtk_widget_set_hexpand (who_label, TRUE);
      gtk_widget_add_css_class (state_label, "dim-label");
      gtk_box_append (GTK_BOX (box), who_label);
      gtk_box_append (GTK_BOX (box), role_label);
      gtk_box_append (GTK_BOX (box), state_label);
      if (!json_object_get_null_member (o, "locked_until") && enabled)
        gtk_box_append (GTK_BOX (box), row_button (_("Unlock"), "operators.unlock", user));
      /* A supervisor cannot disable themself (the store refuses it too). */
      if (g_strcmp0 (user, me) != 0)
        gtk_box_append (GTK_BOX (box), row_button (enabled ? _("Disable") : _("Enable"),
                                                   enabled ? "operators.disable" : "operators.enable", user));
      gtk_widget_set_name (box, user);
      gtk_list_box_append (self->list_box, box);
    }
}

typedef enum { OP_ADD, OP_ENABLE, OP_DISABLE, OP_UNLOCK } OpKind;

/* What the writer's thread needs: strings only, so it may be freed on
 * either thread. */
typedef struct {
  OpKind kind;
  char *supervisor;
  char *user;
  char *real_name;
  char *password;   /* OP_ADD: the one-time password, set on the writer's thread */
} OpWrite;

static void
op_write_clear (gpointer data)
{
  OpWrite *op = data;

  g_free (op->supervisor);
  g_free (op->user);
  g_free (op->real_name);
  if (op->password != NULL)
    memset (op->password, 0, strlen (op->password));
  g_free (op->password);
}

static void
op_write_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, op_write_clear);
}

static gboolean
op_write (BmStore *store, gpointer data, GError **error)
{
  OpWrite *op = data;

  switch (op->kind)
    {
    case OP_ADD:
      op->password = bm_store_add_clerk (store, op->user, op->real_name, op->supervisor, error);
      return op->password != NULL;
    case OP_ENABLE:
    case OP_DISABLE:
      return bm_store_set_operator_enabled (store, op->user, op->kind == OP_ENABLE, op->supervisor, error);
    case OP_UNLOCK:
      return bm_store_unlock_operator (store, op->user, op->supervisor, error);
    default:
      g_assert_not_reached ();
    }
}

typedef struct {
  BmOperatorsDialog *dialog;  /* main thread only */
  OpWrite *op;
} OpDone;

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpDone *done = user_data;
  BmOperatorsDialog *self = done->dialog;
  g_autoptr(GError) error = NULL;

  self->pending--;
  /* Closed meanwhile: the write is done, nothing left to show it in. */
  if (self->station == NULL)
    ;
  else if (!bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    gtk_label_set_text (self->problem_label, error->message);
  else if (done->op->kind == OP_ADD)
    {
      g_autofree char *text = g_strdup_printf (_("Clerk “%s” added. One-time password: %s — give it to them; it is shown only now and must be replaced at the first log-in."),
                                               done->op->user, done->op->password);

      gtk_label_set_text (self->password_label, text);
      gtk_editable_set_text (GTK_EDITABLE (self->user_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
    }
  if (self->station != NULL)
    refresh (self);
  op_write_release (done->op);
  g_object_unref (done->dialog);
  g_free (done);
}

static void
queue (BmOperatorsDialog *self, OpKind kind, const char *user, const char *real_name)
{
  OpWrite *op = g_atomic_rc_box_new0 (OpWrite);
  OpDone *done = g_new0 (OpDone, 1);

  op->kind = kind;
  /* Whoever is working now (NULL while locked: the store refuses). */
  op->supervisor = g_strdup (bm_station_get_acting_operator (self->station));
  op->user = g_strdup (user);
  op->real_name = g_strdup (real_name);
  done->dialog = g_object_ref (self);
  done->op = g_atomic_rc_box_acquire (op);
  gtk_label_set_text (self->problem_label, "");
  gtk_label_set_text (self->password_label, "");
  self->pending++;
  bm_store_writer_write_async (bm_station_get_writer (self->station), op_write, op, op_write_release, NULL,
                               on_written, done);
}

void
bm_operators_dialog_add_clerk (BmOperatorsDialog *self, const char *user, const char *real_name)
{
  g_return_if_fail (BM_IS_OPERATORS_DIALOG (self));
  queue (self, OP_ADD, user, real_name);
}

void
bm_operators_dialog_set_enabled (BmOperatorsDialog *self, const char *user, gboolean enabled)
{
  g_return_if_fail (BM_IS_OPERATORS_DIALOG (self));
  queue (self, enabled ? OP_ENABLE : OP_DISABLE, user, NULL);
}

void
bm_operators_dialog_unlock (BmOperatorsDialog *self, const char *user)
{
  g_return_if_fail (BM_IS_OPERATORS_DIALOG (self));
  queue (self, OP_UNLOCK, user, NULL);
}

guint
bm_operators_dialog_get_pending (BmOperatorsDialog *self)
{
  g_return_val_if_fail (BM_IS_OPERATORS_DIALOG (self), 0);
  return self->pending;
}

static void
add_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmOperatorsDialog *self = BM_OPERATORS_DIALOG (widget);

  bm_operators_dialog_add_clerk (self, gtk_editable_get_text (GTK_EDITABLE (self->user_entry)),
                                 gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
}

static void
user_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmOperatorsDialog *self = BM_OPERATORS_DIALOG (widget);
  const char *user = g_variant_get_string (parameter, NULL);

  if (g_str_equal (action, "operators.unlock"))
    bm_operators_dialog_unlock (self, user);
  else
    bm_operators_dialog_set_enabled (self, user, g_str_equal (action, "operators.enable"));
}

static void
on_store_changed (BmStation *station, const char *kind, const char *uuid, BmOperatorsDialog *self)
{
  refresh (self);
}

static void
bm_operators_dialog_dispose (GObject *object)
{
  BmOperatorsDialog *self = BM_OPERATORS_DIALOG (object);

  if (self->station != NULL)
    g_signal_handlers_disconnect_by_data (self->station, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_OPERATORS_DIALOG);
  g_clear_object (&self->station);
  G_OBJECT_CLASS (bm_operators_dialog_parent_class)->dispose (object);
}

static void
bm_operators_dialog_class_init (BmOperatorsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_operators_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-operators-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, user_entry);
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, password_label);
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BmOperatorsDialog, add_button);
  gtk_widget_class_install_action (widget_class, "operators.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "operators.enable", "s", user_action);
  gtk_widget_class_install_action (widget_class, "operators.disable", "s", user_action);
  gtk_widget_class_install_action (widget_class, "operators.unlock", "s", user_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bm_operators_dialog_init (BmOperatorsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->add_button);
}

/**
 * bm_operators_dialog_new:
 * @station: whose accounts, and who manages them (its logged-in supervisor)
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list
 */
BmOperatorsDialog *
bm_operators_dialog_new (GtkWindow *parent, BmStation *station)
{
  BmOperatorsDialog *self = g_object_new (BM_TYPE_OPERATORS_DIALOG, "transient-for", parent, NULL);

  self->station = g_object_ref (station);
  /* Changes made elsewhere (a sync bringing a new profile) show too. */
  g_signal_connect (station, "store-changed", G_CALLBACK (on_store_changed), self);
  refresh (self);
  return self;
}
