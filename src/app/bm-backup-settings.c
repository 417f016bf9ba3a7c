/* The backup service for people (issue 14, docs/backup.md): its state in
 * the header, and the backup folder in the settings. The header takes the
 * service's properties as they change (and once a minute, for "n minutes
 * ago"); a failure is a warning-coloured word and the reason in the
 * tooltip. The folder is stored with the same core call as
 * `baoming-cli backup set-dir`, on the station's writer thread, and only a
 * supervisor may change it (the core checks the role again). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-backup.h"
#include "bm-backup-settings.h"
#include "bm-operator.h"
#include "bm-store-operators.h"
#include "bm-window.h"

/* ---- the header ---------------------------------------------------------- */

typedef struct {
  BmStation *station;   /* not a reference: the window holds the station */
  guint tick;
} StatusData;

static void
status_data_free (gpointer data)
{
  StatusData *d = data;

  g_clear_handle_id (&d->tick, g_source_remove);
  g_free (d);
}

static void
update_status (GtkWidget *label)
{
  StatusData *d = g_object_get_data (G_OBJECT (label), "bm-backup-status");
  BmBackupService *service = bm_station_get_backup_service (d->station);
  const char *error = bm_backup_service_get_last_error (service);
  gint64 last = bm_backup_service_get_last_backup (service);
  g_autofree char *dir = bm_backup_dup_dir (bm_station_get_store (d->station));
  g_autofree char *sentence = NULL;
  g_autofree char *short_text = NULL;

  if (bm_backup_service_get_running (service))
    bm_window_set_indicator (label, _("Backup: running…"), _("A backup is being written now."), TRUE);
  else if (error != NULL)
    {
      sentence = g_strdup_printf (_("The last backup failed: %s It is tried again a minute after the next "
                                    "change; check the backup folder (%s) or ask the point supervisor."),
                                  error, dir ? dir : _("none set"));
      bm_window_set_indicator (label, _("Backup failed"), sentence, FALSE);
    }
  else if (last != 0)
    {
      gint64 minutes = MAX (0, g_get_real_time () / G_USEC_PER_SEC - last) / 60;
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last);
      g_autofree char *clock = g_date_time_format (when, "%H:%M");

      short_text = minutes == 0 ? g_strdup (_("Backup: just now"))
                                : g_strdup_printf (_("Backup: %lld min ago"), (long long) minutes);
      sentence = g_strdup_printf (_("Last backup at %s, into %s."), clock,
                                  bm_backup_service_get_last_file (service));
      bm_window_set_indicator (label, short_text, sentence, TRUE);
    }
  else if (dir == NULL)
    bm_window_set_indicator (label, _("Backup: off"),
               _("Backups are off: no backup folder is set. The point supervisor sets one on the Settings page."),
               FALSE);
  else
    {
      sentence = g_strdup_printf (_("No backup yet since the program started; one is written into %s "
                                    "within a minute of the next change."), dir);
      bm_window_set_indicator (label, _("Backup: waiting"), sentence, TRUE);
    }
}

static void
on_service_notify (GObject *service, GParamSpec *pspec, GtkWidget *label)
{
  update_status (label);
}

static gboolean
on_tick (gpointer data)
{
  update_status (data);
  return G_SOURCE_CONTINUE;
}

GtkWidget *
bm_backup_status_new (BmStation *station)
{
  GtkWidget *label = gtk_label_new (NULL);
  StatusData *d = g_new0 (StatusData, 1);

  d->station = station;
  g_object_set_data_full (G_OBJECT (label), "bm-backup-status", d, status_data_free);
  g_signal_connect_object (bm_station_get_backup_service (station), "notify", G_CALLBACK (on_service_notify),
                           label, 0);
  d->tick = g_timeout_add_seconds (30, on_tick, label);
  update_status (label);
  return label;
}

const char *
bm_backup_status_get_text (GtkWidget *status)
{
  return gtk_widget_get_tooltip_text (status);
}

/* ---- the settings ---------------------------------------------------------- */

typedef struct {
  BmStation *station;
  GtkWidget *entry;
  GtkWidget *choose;
  GtkWidget *save;
  GtkWidget *problem;
  guint pending;
} Settings;

static Settings *
settings_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "bm-backup-settings");
}

static gboolean
allowed (BmStation *station)
{
  const char *acting = bm_station_get_acting_operator (station);

  return acting != NULL
         && bm_store_check_role (bm_station_get_store (station), acting, BM_OPERATOR_ROLE_SUPERVISOR, NULL);
}

static void
update_allowed (GtkWidget *box)
{
  Settings *s = settings_of (box);
  gboolean ok = allowed (s->station);

  gtk_widget_set_sensitive (s->entry, ok);
  gtk_widget_set_sensitive (s->choose, ok);
  gtk_widget_set_sensitive (s->save, ok);
}

static void
on_operator (BmStation *station, GParamSpec *pspec, GtkWidget *box)
{
  update_allowed (box);
}

typedef struct {
  char *dir;
  char *user;
} SetDir;

static void
set_dir_free (gpointer data)
{
  SetDir *sd = data;

  g_free (sd->dir);
  g_free (sd->user);
  g_free (sd);
}

/* On the writer's thread, with its connection. */
static gboolean
write_dir (BmStore *store, gpointer data, GError **error)
{
  SetDir *sd = data;

  return bm_backup_set_dir (store, sd->dir, sd->user, error);
}

static void
dir_written (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GtkWidget) box = data;
  Settings *s = settings_of (box);
  g_autoptr(GError) error = NULL;

  s->pending--;
  if (!bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    {
      gtk_label_set_text (GTK_LABEL (s->problem), error->message);
      return;
    }
  gtk_label_set_text (GTK_LABEL (s->problem), _("Saved: a backup follows within a minute."));
  /* the new folder is tried now, not only after the next record */
  bm_backup_service_note_change (bm_station_get_backup_service (s->station));
}

void
bm_backup_settings_apply (GtkWidget *box, const char *dir)
{
  Settings *s = settings_of (box);
  SetDir *sd;

  if (!allowed (s->station))
    {
      gtk_label_set_text (GTK_LABEL (s->problem), _("Only the point supervisor sets the backup folder."));
      return;
    }
  sd = g_new0 (SetDir, 1);
  sd->dir = g_strdup (dir);
  sd->user = g_strdup (bm_station_get_acting_operator (s->station));
  s->pending++;
  bm_store_writer_write_async (bm_station_get_writer (s->station), write_dir, sd, set_dir_free, NULL, dir_written,
                               g_object_ref (box));
}

guint
bm_backup_settings_get_pending (GtkWidget *box)
{
  return settings_of (box)->pending;
}

const char *
bm_backup_settings_get_problem (GtkWidget *box)
{
  return gtk_label_get_text (GTK_LABEL (settings_of (box)->problem));
}

static void
on_save (GtkButton *button, GtkWidget *box)
{
  bm_backup_settings_apply (box, gtk_editable_get_text (GTK_EDITABLE (settings_of (box)->entry)));
}

static void
on_chosen (GtkNativeDialog *chooser, int response, GtkWidget *box)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (settings_of (box)->entry), path);
    }
  g_object_unref (chooser);
}

static void
on_choose (GtkButton *button, GtkWidget *box)
{
  GtkRoot *root = gtk_widget_get_root (box);
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Backup folder"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chosen), box);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

GtkWidget *
bm_backup_settings_new (BmStation *station)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/cn/baoming/Client/ui/bm-backup-settings.ui");
  /* a plain box of ours holds the builder's: the builder's reference goes
   * with it, the caller's parent sinks ours */
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  Settings *s = g_new0 (Settings, 1);
  g_autofree char *dir = bm_backup_dup_dir (bm_station_get_store (station));

  s->station = station;
  s->entry = GTK_WIDGET (gtk_builder_get_object (builder, "dir_entry"));
  s->choose = GTK_WIDGET (gtk_builder_get_object (builder, "choose_button"));
  s->save = GTK_WIDGET (gtk_builder_get_object (builder, "save_button"));
  s->problem = GTK_WIDGET (gtk_builder_get_object (builder, "problem_label"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (gtk_builder_get_object (builder, "backup_settings")));
  g_object_set_data_full (G_OBJECT (box), "bm-backup-settings", s, g_free);
  gtk_editable_set_text (GTK_EDITABLE (s->entry), dir ? dir : "");
  g_signal_connect (s->choose, "clicked", G_CALLBACK (on_choose), box);
  g_signal_connect (s->save, "clicked", G_CALLBACK (on_save), box);
  g_signal_connect_object (station, "notify::operator", G_CALLBACK (on_operator), box, 0);
  g_signal_connect_object (station, "notify::locked", G_CALLBACK (on_operator), box, 0);
  update_allowed (box);
  return box;
}
