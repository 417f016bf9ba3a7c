/* The log-in screen (issue 12): shown at start in real mode, and when the
 * session is locked. Unlocking takes the same operator's password; another
 * user name here switches operator. A one-time password is replaced by
 * the operator's own in the same step. With 实名认证 on
 * ("require-id-card-login"), a right password turns the dialog to the card
 * step: it asks for the operator's own ID card, shows the reader's state
 * and why a card was refused, and can go back to the password. The dialog
 * closes only once somebody is logged in. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-login-dialog.h"

struct _BmLoginDialog
{
  GtkWindow parent_instance;

  BmStation *station;

  /* Template widgets */
  GtkLabel *heading_label;
  GtkEntry *user_entry;
  GtkPasswordEntry *password_entry;
  GtkPasswordEntry *new_password_entry;
  GtkLabel *problem_label;
  GtkWidget *log_in_button;
  GtkWidget *password_box;
  GtkWidget *card_box;
  GtkLabel *reader_label;
  gboolean closes_on_log_in;  /* a card step this dialog started */
};

G_DEFINE_FINAL_TYPE (BmLoginDialog, bm_login_dialog, GTK_TYPE_WINDOW)

gboolean
bm_login_dialog_submit (BmLoginDialog *self, GError **error)
{
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_entry));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  const char *new_password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_entry));
  gboolean ok;

  if (*new_password != '\0')
    ok = bm_station_change_password (self->station, user, password, new_password, error);
  else if (bm_station_get_locked (self->station) && g_strcmp0 (user, bm_station_get_operator (self->station)) == 0)
    ok = bm_station_unlock (self->station, password, error);
  else
    ok = bm_station_log_in (self->station, user, password, error);
  /* The typed passwords do not outlive the attempt. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_entry), "");
  return ok;
}

static void
update_reader (BmLoginDialog *self)
{
  BmCardReader *reader = bm_station_get_card_reader (self->station);
  const char *message = bm_card_reader_get_message (reader);

  gtk_label_set_text (self->reader_label, message ? message : "");
}

/* The card step: shown while the station waits for the card; a refused
 * card's sentence is the problem shown. The dialog closes when the card
 * completed the log-in. */
static void
update_card_step (BmLoginDialog *self)
{
  gboolean awaiting = bm_station_get_awaiting_card (self->station);
  const char *problem = bm_station_get_card_problem (self->station);

  gtk_widget_set_visible (self->card_box, awaiting);
  gtk_widget_set_visible (self->password_box, !awaiting);
  gtk_widget_set_visible (self->log_in_button, !awaiting);
  if (awaiting)
    {
      gtk_label_set_text (self->problem_label, problem ? problem : "");
      update_reader (self);
    }
}

static void
on_station_notify (BmStation *station, GParamSpec *pspec, BmLoginDialog *self)
{
  update_card_step (self);
  if (g_str_equal (pspec->name, "awaiting-card") && !bm_station_get_awaiting_card (station)
      && bm_station_get_acting_operator (station) != NULL)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
log_in_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmLoginDialog *self = BM_LOGIN_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!bm_login_dialog_submit (self, &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  if (bm_station_get_awaiting_card (self->station))
    {
      gtk_label_set_text (self->problem_label, "");
      self->closes_on_log_in = TRUE;
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cancel_card_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmLoginDialog *self = BM_LOGIN_DIALOG (widget);

  self->closes_on_log_in = FALSE;
  bm_station_cancel_card (self->station);
  gtk_label_set_text (self->problem_label, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
bm_login_dialog_dispose (GObject *object)
{
  BmLoginDialog *self = BM_LOGIN_DIALOG (object);

  if (self->station != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->station, self);
      g_signal_handlers_disconnect_by_data (bm_station_get_card_reader (self->station), self);
      /* Closed while waiting for a card: nobody is left to place it. */
      if (self->closes_on_log_in && bm_station_get_awaiting_card (self->station))
        bm_station_cancel_card (self->station);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_LOGIN_DIALOG);
  g_clear_object (&self->station);
  G_OBJECT_CLASS (bm_login_dialog_parent_class)->dispose (object);
}

static void
bm_login_dialog_class_init (BmLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_login_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, user_entry);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, new_password_entry);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, log_in_button);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, password_box);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, card_box);
  gtk_widget_class_bind_template_child (widget_class, BmLoginDialog, reader_label);
  gtk_widget_class_install_action (widget_class, "login.log-in", NULL, log_in_action);
  gtk_widget_class_install_action (widget_class, "login.cancel-card", NULL, cancel_card_action);
}

static void
bm_login_dialog_init (BmLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->log_in_button);
}

/**
 * bm_login_dialog_new:
 * @station: whose operator logs in
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list until
 *   it closes after a log-in.
 */
BmLoginDialog *
bm_login_dialog_new (GtkWindow *parent, BmStation *station)
{
  BmLoginDialog *self = g_object_new (BM_TYPE_LOGIN_DIALOG, "transient-for", parent, NULL);
  GSettings *settings = bm_station_get_settings (station);
  const char *current = bm_station_get_operator (station);

  self->station = g_object_ref (station);
  g_signal_connect (station, "notify::awaiting-card", G_CALLBACK (on_station_notify), self);
  g_signal_connect (station, "notify::card-problem", G_CALLBACK (on_station_notify), self);
  g_signal_connect_swapped (bm_station_get_card_reader (station), "state-changed", G_CALLBACK (update_reader), self);
  update_card_step (self);
  if (current != NULL && bm_station_get_locked (station))
    {
      g_autofree char *heading = g_strdup_printf (_("The session of %s is locked. Enter the password to go on, or log in as another operator."), current);

      gtk_label_set_text (self->heading_label, heading);
      gtk_editable_set_text (GTK_EDITABLE (self->user_entry), current);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
    }
  else
    {
      g_autofree char *suggested = settings ? g_settings_get_string (settings, "operator-name") : NULL;

      gtk_label_set_text (self->heading_label, _("Log in with your operator account to work at this workstation."));
      if (suggested != NULL && *suggested != '\0')
        {
          gtk_editable_set_text (GTK_EDITABLE (self->user_entry), suggested);
          gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
        }
    }
  return self;
}
