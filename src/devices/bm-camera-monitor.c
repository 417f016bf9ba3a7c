/* bm-camera-monitor.c: follows cameras being plugged in and out.
 *
 * A GFileMonitor (inotify) on /dev sees video<N> nodes come and go. udev
 * creates a node before it has set its group and permissions, so the list
 * is re-read a moment after the last event rather than at once. No GUdev:
 * one more library for what a directory watch already tells us.
 */
#define G_LOG_DOMAIN "app-camera"

#include "bm-config.h"

#include "bm-camera.h"
#include "bm-camera-monitor.h"

#define SETTLE_MS 300

struct _BmCameraMonitor
{
  GObject parent_instance;
  char *dir;
  GFileMonitor *monitor;
  GPtrArray *devices;     /* BmCameraInfo */
  guint settle_id;
};

G_DEFINE_FINAL_TYPE (BmCameraMonitor, bm_camera_monitor, G_TYPE_OBJECT)

enum { SIGNAL_ADDED, SIGNAL_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
contains (GPtrArray *list, const char *path)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((BmCameraInfo *) g_ptr_array_index (list, i))->path, path))
      return TRUE;
  return FALSE;
}

static void
rescan (BmCameraMonitor *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->devices);

  self->devices = bm_camera_list_devices_in (self->dir);
  for (guint i = 0; old && i < old->len; i++)
    {
      BmCameraInfo *info = g_ptr_array_index (old, i);
      if (!contains (self->devices, info->path))
        g_signal_emit (self, signals[SIGNAL_REMOVED], 0, info->path);
    }
  for (guint i = 0; i < self->devices->len; i++)
    {
      BmCameraInfo *info = g_ptr_array_index (self->devices, i);
      if (old == NULL || !contains (old, info->path))
        g_signal_emit (self, signals[SIGNAL_ADDED], 0, info->path);
    }
}

static gboolean
settled (gpointer data)
{
  BmCameraMonitor *self = data;

  self->settle_id = 0;
  rescan (self);
  return G_SOURCE_REMOVE;
}

static void
changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer data)
{
  BmCameraMonitor *self = data;
  g_autofree char *name = g_file_get_basename (file);

  if (!g_str_has_prefix (name, "video") || !g_ascii_isdigit (name[5]))
    return;
  /* an unplugged node goes at once; a new one is read when udev is done */
  if (event == G_FILE_MONITOR_EVENT_DELETED)
    {
      g_autofree char *path = g_file_get_path (file);
      if (contains (self->devices, path))
        rescan (self);
    }
  if (self->settle_id)
    g_source_remove (self->settle_id);
  self->settle_id = g_timeout_add (SETTLE_MS, settled, self);
}

static void
bm_camera_monitor_dispose (GObject *object)
{
  BmCameraMonitor *self = BM_CAMERA_MONITOR (object);

  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  G_OBJECT_CLASS (bm_camera_monitor_parent_class)->dispose (object);
}

static void
bm_camera_monitor_finalize (GObject *object)
{
  BmCameraMonitor *self = BM_CAMERA_MONITOR (object);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_free (self->dir);
  G_OBJECT_CLASS (bm_camera_monitor_parent_class)->finalize (object);
}

static void
bm_camera_monitor_class_init (BmCameraMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_camera_monitor_dispose;
  object_class->finalize = bm_camera_monitor_finalize;

  /**
   * BmCameraMonitor::device-added:
   * @path: the new capture device
   */
  signals[SIGNAL_ADDED] = g_signal_new ("device-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * BmCameraMonitor::device-removed:
   * @path: the device that went away (a camera using it fails with
   *   %BM_CAMERA_ERROR_DISCONNECTED on its own)
   */
  signals[SIGNAL_REMOVED] = g_signal_new ("device-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
bm_camera_monitor_init (BmCameraMonitor *self)
{
}

/**
 * bm_camera_monitor_new:
 * @dir: (nullable): the directory to watch; %NULL for /dev
 *
 * Returns: (transfer full): a monitor that already knows the devices present.
 */
BmCameraMonitor *
bm_camera_monitor_new (const char *dir)
{
  BmCameraMonitor *self = g_object_new (BM_TYPE_CAMERA_MONITOR, NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  self->dir = g_strdup (dir ? dir : "/dev");
  file = g_file_new_for_path (self->dir);
  self->monitor = g_file_monitor_directory (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (changed), self);
  else
    g_info ("cannot watch %s for cameras: %s", self->dir, error->message);
  self->devices = bm_camera_list_devices_in (self->dir);
  return self;
}

/**
 * bm_camera_monitor_get_devices:
 *
 * Returns: (transfer none) (element-type BmCameraInfo): the devices now present.
 */
GPtrArray *
bm_camera_monitor_get_devices (BmCameraMonitor *self)
{
  g_return_val_if_fail (BM_IS_CAMERA_MONITOR (self), NULL);
  return self->devices;
}

gboolean
bm_camera_monitor_has_device (BmCameraMonitor *self,
                              const char      *path)
{
  g_return_val_if_fail (BM_IS_CAMERA_MONITOR (self), FALSE);
  return contains (self->devices, path);
}
