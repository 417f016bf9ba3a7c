#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BM_TYPE_CAMERA_MONITOR (bm_camera_monitor_get_type ())
G_DECLARE_FINAL_TYPE (BmCameraMonitor, bm_camera_monitor, BM, CAMERA_MONITOR, GObject)

BmCameraMonitor *bm_camera_monitor_new         (const char      *dir);
GPtrArray       *bm_camera_monitor_get_devices (BmCameraMonitor *self);
gboolean         bm_camera_monitor_has_device  (BmCameraMonitor *self,
                                                const char      *path);

G_END_DECLS
