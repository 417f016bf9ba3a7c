/* 导出 (issue 14, docs/package.md): the supervisor picks a folder (a USB
 * stick), the package is written in a worker thread through its own
 * connection to the store (as bm-station-submit.c does: the window's
 * connection stays on the main thread), and this window shows the
 * progress, then the file and its record count, or the error sentence.
 * bm_package_export checks the role again in core. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-export-dialog.h"
#include "bm-operator.h"
#include "bm-store-operators.h"
#include "bm-package-export.h"

struct _BmExportDialog
{
  GtkWindow parent_instance;

  GtkWidget *spinner;
  GtkWidget *label;
  GCancellable *cancellable;
  gboolean pending;
  char *file;
  gint64 records;
};

G_DEFINE_FINAL_TYPE (BmExportDialog, bm_export_dialog, GTK_TYPE_WINDOW)

typedef struct {
  char *db_path;
  gboolean training;
  char *user;
  char *dir;
  char *file;     /* out */
} ExportRun;

static void
export_run_free (gpointer data)
{
  ExportRun *run = data;

  g_free (run->db_path);
  g_free (run->user);
  g_free (run->dir);
  g_free (run->file);
  g_free (run);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (run->db_path, run->training, &error);
  JsonObject *manifest = NULL;

  if (store != NULL)
    manifest = bm_package_export (store, run->user, run->dir, NULL, &run->file, &error);
  if (manifest == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, manifest, (GDestroyNotify) json_object_unref);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = g_task_propagate_pointer (G_TASK (result), &error);
  ExportRun *run = g_task_get_task_data (G_TASK (result));
  BmExportDialog *self;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is gone */
  self = BM_EXPORT_DIALOG (source);
  self->pending = FALSE;
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);
  if (manifest == NULL)
    {
      text = g_strdup_printf (_("The package was not written: %s"), error->message);
      gtk_widget_add_css_class (self->label, "error");
    }
  else
    {
      self->file = g_strdup (run->file);
      self->records = json_object_get_int_member_with_default (manifest, "records", 0);
      text = g_strdup_printf (_("Package written to %s: %lld records, read back and verified."), self->file,
                              (long long) self->records);
    }
  gtk_label_set_text (GTK_LABEL (self->label), text);
}

static void
bm_export_dialog_dispose (GObject *object)
{
  BmExportDialog *self = BM_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (bm_export_dialog_parent_class)->dispose (object);
}

static void
bm_export_dialog_finalize (GObject *object)
{
  g_free (BM_EXPORT_DIALOG (object)->file);
  G_OBJECT_CLASS (bm_export_dialog_parent_class)->finalize (object);
}

static void
bm_export_dialog_class_init (BmExportDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bm_export_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = bm_export_dialog_finalize;
}

static void
bm_export_dialog_init (BmExportDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Export"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  self->spinner = gtk_spinner_new ();
  self->label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->label), TRUE);
  gtk_box_append (GTK_BOX (box), self->spinner);
  gtk_box_append (GTK_BOX (box), self->label);
  gtk_window_set_child (GTK_WINDOW (self), box);
}

gboolean
bm_export_dialog_allowed (BmStation *station)
{
  const char *acting = station ? bm_station_get_acting_operator (station) : NULL;

  return acting != NULL
         && bm_store_check_role (bm_station_get_store (station), acting, BM_OPERATOR_ROLE_SUPERVISOR, NULL);
}

BmExportDialog *
bm_export_dialog_run (GtkWindow *parent, BmStation *station, const char *dir)
{
  BmExportDialog *self = g_object_new (BM_TYPE_EXPORT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  BmStore *store = bm_station_get_store (station);
  ExportRun *run = g_new0 (ExportRun, 1);
  g_autoptr(GTask) task = NULL;

  run->db_path = g_strdup (bm_store_get_path (store));
  run->training = bm_store_is_training (store);
  run->user = g_strdup (bm_station_get_acting_operator (station));
  run->dir = g_strdup (dir);
  self->pending = TRUE;
  gtk_spinner_start (GTK_SPINNER (self->spinner));
  gtk_label_set_text (GTK_LABEL (self->label), _("Writing the export package…"));
  task = g_task_new (self, self->cancellable, exported, NULL);
  g_task_set_task_data (task, run, export_run_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, export_thread);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

typedef struct {
  GtkWindow *parent;
  BmStation *station;
} Choice;

static void
on_chosen (GtkNativeDialog *chooser, int response, gpointer data)
{
  Choice *c = data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        bm_export_dialog_run (c->parent, c->station, path);
    }
  g_object_unref (c->parent);
  g_object_unref (c->station);
  g_free (c);
  g_object_unref (chooser);
}

void
bm_export_dialog_choose (GtkWindow *parent, BmStation *station)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Export to folder"), parent, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                 _("_Export"), _("_Cancel"));
  Choice *c = g_new0 (Choice, 1);

  c->parent = g_object_ref (parent);
  c->station = g_object_ref (station);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chosen), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

gboolean
bm_export_dialog_get_pending (BmExportDialog *self)
{
  return self->pending;
}

const char *
bm_export_dialog_get_file (BmExportDialog *self)
{
  return self->file;
}

gint64
bm_export_dialog_get_records (BmExportDialog *self)
{
  return self->records;
}

const char *
bm_export_dialog_get_result_text (BmExportDialog *self)
{
  return gtk_label_get_text (GTK_LABEL (self->label));
}
