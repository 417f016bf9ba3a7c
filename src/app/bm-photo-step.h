#pragma once

#include <gtk/gtk.h>

#include "bm-photo.h"
#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_PHOTO_STEP (bm_photo_step_get_type ())
G_DECLARE_FINAL_TYPE (BmPhotoStep, bm_photo_step, BM, PHOTO_STEP, GtkWidget)

BmPhotoStep *bm_photo_step_new (BmStation *station);
void         bm_photo_step_set_record     (BmPhotoStep  *self,
                                           const char   *number);
void         bm_photo_step_set_operator   (BmPhotoStep  *self,
                                           const char   *operator_name);
void         bm_photo_step_set_device     (BmPhotoStep  *self,
                                           const char   *path);
void         bm_photo_step_set_chip_photo (BmPhotoStep  *self,
                                           GdkPaintable *paintable);
BmPhoto     *bm_photo_step_get_photo      (BmPhotoStep  *self);
guint        bm_photo_step_get_frames_shown (BmPhotoStep *self);
const char  *bm_photo_step_get_status     (BmPhotoStep  *self);
gboolean     bm_photo_step_is_saving      (BmPhotoStep  *self);
gboolean     bm_photo_step_get_stored     (BmPhotoStep  *self);
gboolean     bm_photo_step_get_camera_ready (BmPhotoStep *self);
gboolean     bm_photo_step_is_asking_later_reason (BmPhotoStep *self);
void         bm_photo_step_set_reason     (BmPhotoStep  *self,
                                           const char   *reason);

G_END_DECLS
