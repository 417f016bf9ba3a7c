#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BM_TYPE_IMAGE (bm_image_get_type ())
G_DECLARE_FINAL_TYPE (BmImage, bm_image, BM, IMAGE, GObject)

/**
 * BmImageFormat:
 * @BM_IMAGE_FORMAT_UNKNOWN: neither JPEG nor PNG
 * @BM_IMAGE_FORMAT_JPEG: JPEG (JFIF or Exif)
 * @BM_IMAGE_FORMAT_PNG: PNG
 */
typedef enum {
  BM_IMAGE_FORMAT_UNKNOWN,
  BM_IMAGE_FORMAT_JPEG,
  BM_IMAGE_FORMAT_PNG,
} BmImageFormat;

/* Largest image we decode: a 50-megapixel camera file is fine, a decompression
 * bomb is not. */
#define BM_IMAGE_MAX_PIXELS (60u * 1000u * 1000u)

BmImage       *bm_image_new              (int            width,
                                          int            height);
BmImage       *bm_image_new_from_rgb     (int            width,
                                          int            height,
                                          int            stride,
                                          const guint8  *rgb);
int            bm_image_get_width        (BmImage       *self);
int            bm_image_get_height       (BmImage       *self);
int            bm_image_get_stride       (BmImage       *self);
const guint8  *bm_image_get_data         (BmImage       *self);
guint8        *bm_image_get_mutable_data (BmImage       *self);

BmImageFormat  bm_image_sniff_format     (GBytes        *file);
int            bm_image_exif_orientation (const guint8  *app1,
                                          gsize          len);
BmImage       *bm_image_decode           (GBytes        *file,
                                          BmImageFormat *format_out,
                                          GError       **error);
GBytes        *bm_image_encode_jpeg      (BmImage       *self,
                                          int            quality,
                                          gboolean       full_chroma,
                                          GError       **error);
GBytes        *bm_image_encode_jpeg_full (BmImage       *self,
                                          int            quality,
                                          gboolean       full_chroma,
                                          gboolean       optimize,
                                          GError       **error);
GBytes        *bm_image_encode_png       (BmImage       *self,
                                          GError       **error);

BmImage       *bm_image_crop             (BmImage       *self,
                                          int            x,
                                          int            y,
                                          int            width,
                                          int            height);
BmImage       *bm_image_scale            (BmImage       *self,
                                          int            width,
                                          int            height);
BmImage       *bm_image_orient           (BmImage       *self,
                                          int            exif_orientation);
BmImage       *bm_image_box_blur         (BmImage       *self);

G_END_DECLS
