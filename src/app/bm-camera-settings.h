#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_CAMERA_SETTINGS (bm_camera_settings_get_type ())
G_DECLARE_FINAL_TYPE (BmCameraSettings, bm_camera_settings, BM, CAMERA_SETTINGS, GtkWidget)

BmCameraSettings *bm_camera_settings_new          (BmStation        *station);
const char       *bm_camera_settings_get_device   (BmCameraSettings *self);
const char       *bm_camera_settings_get_verdict  (BmCameraSettings *self);
gboolean          bm_camera_settings_has_control  (BmCameraSettings *self,
                                                   int               control);
void              bm_camera_settings_set_control  (BmCameraSettings *self,
                                                   int               control,
                                                   int               value);

G_END_DECLS
