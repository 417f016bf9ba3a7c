#pragma once

#include <json-glib/json-glib.h>

#include "bm-image.h"
#include "bm-photo-check.h"

G_BEGIN_DECLS

#define BM_TYPE_PHOTO (bm_photo_get_type ())
G_DECLARE_FINAL_TYPE (BmPhoto, bm_photo, BM, PHOTO, GObject)

/**
 * BmPhotoFrame:
 *
 * The clerk's framing: a rectangle in the source picture (camera frame or
 * file) that becomes the 480×640 photo. It should be 3:4; if not, it is
 * trimmed to 3:4 around its centre.
 */
typedef struct {
  int x;
  int y;
  int width;
  int height;
} BmPhotoFrame;

void          bm_photo_frame_auto           (int                 source_width,
                                             int                 source_height,
                                             BmPhotoFrame       *frame);

BmPhoto      *bm_photo_new_from_image       (BmImage            *source,
                                             const BmPhotoFrame *frame,
                                             GBytes             *original,
                                             GError            **error);
BmPhoto      *bm_photo_new_from_file_bytes  (GBytes             *file,
                                             GError            **error);

BmImage      *bm_photo_get_image            (BmPhoto            *self);
GBytes       *bm_photo_get_jpeg             (BmPhoto            *self);
const char   *bm_photo_get_sha256           (BmPhoto            *self);
GBytes       *bm_photo_get_original         (BmPhoto            *self);
const char   *bm_photo_get_original_sha256  (BmPhoto            *self);
const char   *bm_photo_get_original_mime    (BmPhoto            *self);
int           bm_photo_get_quality          (BmPhoto            *self);
int           bm_photo_get_smoothing        (BmPhoto            *self);
void          bm_photo_get_frame            (BmPhoto            *self,
                                             BmPhotoFrame       *frame);
GPtrArray    *bm_photo_get_checks           (BmPhoto            *self);
gboolean      bm_photo_has_hard_failure     (BmPhoto            *self);
gboolean      bm_photo_has_soft_failure     (BmPhoto            *self);
void          bm_photo_set_override_reason  (BmPhoto            *self,
                                             const char         *reason);
const char   *bm_photo_get_override_reason  (BmPhoto            *self);
gboolean      bm_photo_is_acceptable        (BmPhoto            *self);
JsonObject   *bm_photo_to_json              (BmPhoto            *self);

GBytes       *bm_photo_fit_jpeg             (BmImage            *image,
                                             int                *quality_out,
                                             int                *smoothing_out,
                                             GError            **error);

G_END_DECLS
