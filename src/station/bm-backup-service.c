/* The continuous backup (docs/backup.md). The first change after a backup
 * arms one timer; when it fires the folder and the key are read from the
 * store (on the main thread, where the store object lives) and the backup
 * runs in a worker thread through its own read-only connection
 * (bm_backup_create), so the counter never waits for it. Changes during a
 * run arm the timer again once it is done; a failure is kept in
 * "last-error" and tried again an interval later. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-backup.h"
#include "bm-backup-service.h"
#include "bm-error.h"

struct _BmBackupService
{
  GObject parent_instance;

  BmStore *store;
  guint interval;
  guint timer;
  gboolean started;
  gboolean running;
  gboolean dirty;          /* a change since the running backup's snapshot */
  gint64 last_backup;
  char *last_file;
  char *last_error;
};

G_DEFINE_FINAL_TYPE (BmBackupService, bm_backup_service, G_TYPE_OBJECT)

enum { PROP_0, PROP_LAST_BACKUP, PROP_LAST_FILE, PROP_LAST_ERROR, PROP_RUNNING, N_PROPS };
static GParamSpec *props[N_PROPS];

typedef struct {
  char *store_path;
  char *dir;
  BmBackupKey *key;
} Job;

static void
job_free (Job *job)
{
  g_free (job->store_path);
  g_free (job->dir);
  bm_backup_key_free (job->key);
  g_free (job);
}

static void
bm_backup_service_dispose (GObject *object)
{
  BmBackupService *self = BM_BACKUP_SERVICE (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (bm_backup_service_parent_class)->dispose (object);
}

static void
bm_backup_service_finalize (GObject *object)
{
  BmBackupService *self = BM_BACKUP_SERVICE (object);

  g_free (self->last_file);
  g_free (self->last_error);
  G_OBJECT_CLASS (bm_backup_service_parent_class)->finalize (object);
}

static void
bm_backup_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BmBackupService *self = BM_BACKUP_SERVICE (object);

  switch (prop_id)
    {
    case PROP_LAST_BACKUP:
      g_value_set_int64 (value, self->last_backup);
      break;
    case PROP_LAST_FILE:
      g_value_set_string (value, self->last_file);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_backup_service_class_init (BmBackupServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_backup_service_dispose;
  object_class->finalize = bm_backup_service_finalize;
  object_class->get_property = bm_backup_service_get_property;

  props[PROP_LAST_BACKUP] = g_param_spec_int64 ("last-backup", NULL, NULL, 0, G_MAXINT64, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_LAST_FILE] = g_param_spec_string ("last-file", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
bm_backup_service_init (BmBackupService *self)
{
  self->interval = BM_BACKUP_SERVICE_INTERVAL_DEFAULT;
}

BmBackupService *
bm_backup_service_new (BmStore *store)
{
  BmBackupService *self = g_object_new (BM_TYPE_BACKUP_SERVICE, NULL);

  g_return_val_if_fail (BM_IS_STORE (store), NULL);
  self->store = g_object_ref (store);
  return self;
}

void
bm_backup_service_set_interval (BmBackupService *self, guint seconds)
{
  g_return_if_fail (BM_IS_BACKUP_SERVICE (self));
  self->interval = MAX (seconds, 1);
}

static void
set_running (BmBackupService *self, gboolean running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
}

static void
set_error (BmBackupService *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
}

static gboolean on_timer (gpointer data);

static void
arm (BmBackupService *self)
{
  if (self->timer != 0 || !self->started || self->store == NULL)
    return;
  self->timer = g_timeout_add_seconds (self->interval, on_timer, self);
}

static void
run_job (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  BmBackupInfo *info = bm_backup_create (job->store_path, job->key, job->dir, BM_BACKUP_KEEP_DEFAULT, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) bm_backup_info_free);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BmBackupService *self = BM_BACKUP_SERVICE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmBackupInfo) info = g_task_propagate_pointer (G_TASK (result), &error);

  g_object_freeze_notify (G_OBJECT (self));
  if (info != NULL)
    {
      g_free (self->last_file);
      self->last_file = g_strdup (info->path);
      self->last_backup = g_get_real_time () / G_USEC_PER_SEC;
      set_error (self, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_BACKUP]);
    }
  else
    {
      g_message ("backup failed: %s", error->message);
      set_error (self, error->message);
      self->dirty = TRUE;   /* try again an interval later */
    }
  set_running (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
  if (self->dirty)
    {
      self->dirty = FALSE;
      arm (self);
    }
}

static gboolean
on_timer (gpointer data)
{
  BmBackupService *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Job *job;

  self->timer = 0;
  if (self->running)
    {
      self->dirty = TRUE;
      return G_SOURCE_REMOVE;
    }
  job = g_new0 (Job, 1);
  job->dir = bm_backup_dup_dir (self->store);
  job->key = bm_backup_key_load (self->store, &error);
  if (job->dir == NULL || job->key == NULL)
    {
      set_error (self, job->dir == NULL
                 ? _("Backups are off: no backup folder is set (baoming-cli backup set-dir).")
                 : error->message);
      job_free (job);
      /* Not armed again: a folder or a code set later comes with a change. */
      return G_SOURCE_REMOVE;
    }
  job->store_path = g_strdup (bm_store_get_path (self->store));
  set_running (self, TRUE);
  task = g_task_new (self, NULL, on_job_done, NULL);
  g_task_set_source_tag (task, on_timer);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_job);
  return G_SOURCE_REMOVE;
}

void
bm_backup_service_note_change (BmBackupService *self)
{
  g_return_if_fail (BM_IS_BACKUP_SERVICE (self));
  if (self->running)
    self->dirty = TRUE;
  else
    arm (self);
}

/* A backup follows the start too: the changes of a run that ended before
 * its timer fired are then still saved. */
void
bm_backup_service_start (BmBackupService *self)
{
  g_return_if_fail (BM_IS_BACKUP_SERVICE (self));
  if (self->started)
    return;
  self->started = TRUE;
  arm (self);
}

void
bm_backup_service_stop (BmBackupService *self)
{
  g_return_if_fail (BM_IS_BACKUP_SERVICE (self));
  self->started = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
}

gint64
bm_backup_service_get_last_backup (BmBackupService *self)
{
  g_return_val_if_fail (BM_IS_BACKUP_SERVICE (self), 0);
  return self->last_backup;
}

const char *
bm_backup_service_get_last_file (BmBackupService *self)
{
  g_return_val_if_fail (BM_IS_BACKUP_SERVICE (self), NULL);
  return self->last_file;
}

const char *
bm_backup_service_get_last_error (BmBackupService *self)
{
  g_return_val_if_fail (BM_IS_BACKUP_SERVICE (self), NULL);
  return self->last_error;
}

gboolean
bm_backup_service_get_running (BmBackupService *self)
{
  g_return_val_if_fail (BM_IS_BACKUP_SERVICE (self), FALSE);
  return self->running;
}
