/* bm-image.c: an RGB24 image and the few operations the photo standard needs.
 *
 * Decoding and encoding use libjpeg-turbo and libpng directly rather than
 * gdk-pixbuf: core must not pull in GTK/GDK, and these two are what
 * gdk-pixbuf itself uses underneath, with APIs that let us bound memory
 * (pixel limit) and pick the JPEG quality and chroma subsampling exactly.
 */
#define G_LOG_DOMAIN "bm-image"

#include "bm-config.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <jpeglib.h>
#include <png.h>
#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-image.h"

struct _BmImage
{
  GObject parent_instance;
  int width;
  int height;
  int stride;
  guint8 *data;
};

G_DEFINE_FINAL_TYPE (BmImage, bm_image, G_TYPE_OBJECT)

static void
bm_image_finalize (GObject *object)
{
  BmImage *self = BM_IMAGE (object);

  g_free (self->data);
  G_OBJECT_CLASS (bm_image_parent_class)->finalize (object);
}

static void
bm_image_class_init (BmImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_image_finalize;
}

static void
bm_image_init (BmImage *self)
{
}

/**
 * bm_image_new:
 *
 * Returns: (transfer full): a black image, rows packed (stride = 3 × width).
 */
BmImage *
bm_image_new (int width,
              int height)
{
  BmImage *self;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail ((guint64) width * height <= BM_IMAGE_MAX_PIXELS, NULL);

  self = g_object_new (BM_TYPE_IMAGE, NULL);
  self->width = width;
  self->height = height;
  self->stride = width * 3;
  self->data = g_malloc0 ((gsize) self->stride * height);
  return self;
}

/**
 * bm_image_new_from_rgb:
 * @stride: bytes from one row to the next in @rgb (camera buffers are often padded)
 *
 * Returns: (transfer full): a packed copy of @rgb.
 */
BmImage *
bm_image_new_from_rgb (int           width,
                       int           height,
                       int           stride,
                       const guint8 *rgb)
{
  BmImage *self;

  g_return_val_if_fail (rgb != NULL, NULL);
  g_return_val_if_fail (stride >= width * 3, NULL);

  self = bm_image_new (width, height);
  for (int y = 0; y < height; y++)
    memcpy (self->data + (gsize) y * self->stride, rgb + (gsize) y * stride, self->stride);
  return self;
}

int bm_image_get_width (BmImage *self) { g_return_val_if_fail (BM_IS_IMAGE (self), 0); return self->width; }
int bm_image_get_height (BmImage *self) { g_return_val_if_fail (BM_IS_IMAGE (self), 0); return self->height; }
int bm_image_get_stride (BmImage *self) { g_return_val_if_fail (BM_IS_IMAGE (self), 0); return self->stride; }
const guint8 *bm_image_get_data (BmImage *self) { g_return_val_if_fail (BM_IS_IMAGE (self), NULL); return self->data; }
guint8 *bm_image_get_mutable_data (BmImage *self) { g_return_val_if_fail (BM_IS_IMAGE (self), NULL); return self->data; }

BmImageFormat
bm_image_sniff_format (GBytes *file)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize len = 0;
  const guint8 *p = file ? g_bytes_get_data (file, &len) : NULL;

  if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
    return BM_IMAGE_FORMAT_JPEG;
  if (len >= 8 && memcmp (p, png_magic, 8) == 0)
    return BM_IMAGE_FORMAT_PNG;
  return BM_IMAGE_FORMAT_UNKNOWN;
}

static guint
rd16 (const guint8 *p, gboolean le)
{
  return le ? (guint) p[0] | (guint) p[1] << 8 : (guint) p[0] << 8 | (guint) p[1];
}

static guint32
rd32 (const guint8 *p, gboolean le)
{
  return le ? (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24
            : (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | (guint32) p[3];
}

/**
 * bm_image_exif_orientation:
 * @app1: the payload of a JPEG APP1 segment (starting "Exif\0\0")
 *
 * Digital cameras store portrait shots as landscape pixels plus this tag,
 * so an outage import that ignored it would put people on their side.
 *
 * Returns: the EXIF orientation 1..8, or 1 if absent or malformed.
 */
int
bm_image_exif_orientation (const guint8 *app1,
                           gsize         len)
{
  const guint8 *tiff;
  gsize tlen;
  gboolean le;
  guint32 ifd;
  guint n;

  if (app1 == NULL || len < 6 + 8 || memcmp (app1, "Exif\0\0", 6) != 0)
    return 1;
  tiff = app1 + 6;
  tlen = len - 6;
  if (tiff[0] == 'I' && tiff[1] == 'I')
    le = TRUE;
  else if (tiff[0] == 'M' && tiff[1] == 'M')
    le = FALSE;
  else
    return 1;
  if (rd16 (tiff + 2, le) != 42)
    return 1;
  ifd = rd32 (tiff + 4, le);
  if (ifd > tlen - 2)
    return 1;
  n = rd16 (tiff + ifd, le);
  for (guint i = 0; i < n; i++)
    {
      gsize off = (gsize) ifd + 2 + (gsize) i * 12;
      if (off + 12 > tlen)
        return 1;
      if (rd16 (tiff + off, le) == 0x0112 && rd16 (tiff + off + 2, le) == 3)
        {
          guint v = rd16 (tiff + off + 8, le);
          return v >= 1 && v <= 8 ? (int) v : 1;
        }
    }
  return 1;
}

/* libjpeg reports fatal errors by calling error_exit, which must not return. */
typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jmp;
  char message[JMSG_LENGTH_MAX];
} BmJpegErr;

static void
bm_jpeg_error_exit (j_common_ptr cinfo)
{
  BmJpegErr *err = (BmJpegErr *) cinfo->err;

  cinfo->err->format_message (cinfo, err->message);
  longjmp (err->jmp, 1);
}

static void
bm_jpeg_silence (j_common_ptr cinfo, int level)
{
  /* Corrupt-data warnings are common in camera files; libjpeg recovers. */
}

typedef struct {
  struct jpeg_decompress_struct cinfo;
  BmJpegErr err;
  BmImage *image;
  int orientation;
} JpegDecode;

static BmImage *
decode_jpeg (const guint8 *data, gsize len, GError **error)
{
  g_autofree JpegDecode *d = g_new0 (JpegDecode, 1);
  BmImage *out;

  d->cinfo.err = jpeg_std_error (&d->err.pub);
  d->err.pub.error_exit = bm_jpeg_error_exit;
  d->err.pub.emit_message = bm_jpeg_silence;
  d->orientation = 1;
  if (setjmp (d->err.jmp))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The JPEG file is damaged: %s"), d->err.message);
      jpeg_destroy_decompress (&d->cinfo);
      g_clear_object (&d->image);
      return NULL;
    }
  jpeg_create_decompress (&d->cinfo);
  jpeg_mem_src (&d->cinfo, data, len);
  jpeg_save_markers (&d->cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header (&d->cinfo, TRUE);

  for (jpeg_saved_marker_ptr m = d->cinfo.marker_list; m != NULL; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && memcmp (m->data, "Exif\0\0", 6) == 0)
      {
        d->orientation = bm_image_exif_orientation (m->data, m->data_length);
        break;
      }

  if (d->cinfo.jpeg_color_space == JCS_CMYK || d->cinfo.jpeg_color_space == JCS_YCCK)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("CMYK JPEG files (from print workflows) are not accepted; export the photo as an RGB JPEG."));
      jpeg_destroy_decompress (&d->cinfo);
      return NULL;
    }
  if (d->cinfo.image_width == 0 || d->cinfo.image_height == 0 ||
      (guint64) d->cinfo.image_width * d->cinfo.image_height > BM_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The image is too large (%u × %u pixels)."),
                   d->cinfo.image_width, d->cinfo.image_height);
      jpeg_destroy_decompress (&d->cinfo);
      return NULL;
    }
  d->cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress (&d->cinfo);
  d->image = bm_image_new ((int) d->cinfo.output_width, (int) d->cinfo.output_height);
  while (d->cinfo.output_scanline < d->cinfo.output_height)
    {
      JSAMPROW row = d->image->data + (gsize) d->cinfo.output_scanline * d->image->stride;
      jpeg_read_scanlines (&d->cinfo, &row, 1);
    }
  jpeg_finish_decompress (&d->cinfo);
  jpeg_destroy_decompress (&d->cinfo);

  out = bm_image_orient (d->image, d->orientation);
  g_clear_object (&d->image);
  return out;
}

static BmImage *
decode_png (const guint8 *data, gsize len, GError **error)
{
  png_image png = { 0 };
  static const png_color white = { 255, 255, 255 };
  g_autoptr(BmImage) image = NULL;

  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&png, data, len))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The PNG file is damaged: %s"), png.message);
      png_image_free (&png);
      return NULL;
    }
  if (png.width == 0 || png.height == 0 || (guint64) png.width * png.height > BM_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The image is too large (%u × %u pixels)."),
                   png.width, png.height);
      png_image_free (&png);
      return NULL;
    }
  /* Transparent areas become white, the lightest allowed background. */
  png.format = PNG_FORMAT_RGB;
  image = bm_image_new ((int) png.width, (int) png.height);
  if (!png_image_finish_read (&png, &white, image->data, image->stride, NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The PNG file is damaged: %s"), png.message);
      png_image_free (&png);
      return NULL;
    }
  png_image_free (&png);
  return g_steal_pointer (&image);
}

/**
 * bm_image_decode:
 * @format_out: (out) (optional): which format the bytes were
 *
 * Decodes a JPEG (honouring its EXIF orientation) or a PNG. Anything else is
 * refused with %BM_ERROR_INVALID.
 *
 * Returns: (transfer full): the image, upright.
 */
BmImage *
bm_image_decode (GBytes         *file,
                 BmImageFormat  *format_out,
                 GError        **error)
{
  BmImageFormat format = bm_image_sniff_format (file);
  gsize len = 0;
  const guint8 *data = file ? g_bytes_get_data (file, &len) : NULL;

  if (format_out)
    *format_out = format;
  switch (format)
    {
    case BM_IMAGE_FORMAT_JPEG:
      return decode_jpeg (data, len, error);
    case BM_IMAGE_FORMAT_PNG:
      return decode_png (data, len, error);
    case BM_IMAGE_FORMAT_UNKNOWN:
    default:
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Not a JPEG or PNG image."));
      return NULL;
    }
}

typedef struct {
  struct jpeg_compress_struct cinfo;
  BmJpegErr err;
  unsigned char *buf;
  unsigned long len;
} JpegEncode;

/**
 * bm_image_encode_jpeg:
 * @quality: 1..100 (libjpeg scale)
 * @full_chroma: 4:4:4 instead of the usual 4:2:0 (larger files)
 *
 * Returns: (transfer full): a baseline JFIF file.
 */
GBytes *
bm_image_encode_jpeg (BmImage   *self,
                      int        quality,
                      gboolean   full_chroma,
                      GError   **error)
{
  return bm_image_encode_jpeg_full (self, quality, full_chroma, TRUE, error);
}

/**
 * bm_image_encode_jpeg_full:
 * @optimize: optimized Huffman tables (smaller file, an extra pass)
 *
 * Returns: (transfer full): a baseline JFIF file.
 */
GBytes *
bm_image_encode_jpeg_full (BmImage   *self,
                           int        quality,
                           gboolean   full_chroma,
                           gboolean   optimize,
                           GError   **error)
{
  g_autofree JpegEncode *e = g_new0 (JpegEncode, 1);

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);

  e->cinfo.err = jpeg_std_error (&e->err.pub);
  e->err.pub.error_exit = bm_jpeg_error_exit;
  if (setjmp (e->err.jmp))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, "JPEG encoding failed: %s", e->err.message);
      jpeg_destroy_compress (&e->cinfo);
      free (e->buf);
      return NULL;
    }
  jpeg_create_compress (&e->cinfo);
  jpeg_mem_dest (&e->cinfo, &e->buf, &e->len);
  e->cinfo.image_width = (JDIMENSION) self->width;
  e->cinfo.image_height = (JDIMENSION) self->height;
  e->cinfo.input_components = 3;
  e->cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&e->cinfo);
  jpeg_set_quality (&e->cinfo, CLAMP (quality, 1, 100), TRUE);
  /* Optimized Huffman tables: ~5-10% smaller at the same quality, so a
   * higher quality fits the 40 KB ceiling. */
  e->cinfo.optimize_coding = optimize;
  /* 300 dpi is what the standard states; some checkers read it. */
  e->cinfo.density_unit = 1;
  e->cinfo.X_density = 300;
  e->cinfo.Y_density = 300;
  if (full_chroma)
    {
      e->cinfo.comp_info[0].h_samp_factor = 1;
      e->cinfo.comp_info[0].v_samp_factor = 1;
    }
  jpeg_start_compress (&e->cinfo, TRUE);
  while (e->cinfo.next_scanline < e->cinfo.image_height)
    {
      JSAMPROW row = self->data + (gsize) e->cinfo.next_scanline * self->stride;
      jpeg_write_scanlines (&e->cinfo, &row, 1);
    }
  jpeg_finish_compress (&e->cinfo);
  jpeg_destroy_compress (&e->cinfo);
  return g_bytes_new_with_free_func (e->buf, e->len, free, e->buf);
}

/**
 * bm_image_encode_png:
 *
 * Returns: (transfer full): a PNG file (used by tests and for lossless export).
 */
GBytes *
bm_image_encode_png (BmImage  *self,
                     GError  **error)
{
  png_image png = { 0 };
  png_alloc_size_t size = 0;
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);

  png.version = PNG_IMAGE_VERSION;
  png.width = (png_uint_32) self->width;
  png.height = (png_uint_32) self->height;
  png.format = PNG_FORMAT_RGB;
  if (!png_image_write_to_memory (&png, NULL, &size, 0, self->data, self->stride, NULL))
    goto fail;
  buf = g_malloc (size);
  if (!png_image_write_to_memory (&png, buf, &size, 0, self->data, self->stride, NULL))
    goto fail;
  return g_bytes_new_take (g_steal_pointer (&buf), size);

fail:
  g_set_error (error, BM_ERROR, BM_ERROR_FAILED, "PNG encoding failed: %s", png.message);
  png_image_free (&png);
  return NULL;
}

/**
 * bm_image_crop:
 *
 * The rectangle is clipped to the image.
 *
 * Returns: (transfer full) (nullable): the cropped copy, or %NULL if nothing is left.
 */
BmImage *
bm_image_crop (BmImage *self,
               int      x,
               int      y,
               int      width,
               int      height)
{
  int x0, y0, x1, y1;

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);

  x0 = CLAMP (x, 0, self->width);
  y0 = CLAMP (y, 0, self->height);
  x1 = CLAMP ((gint64) x + width, 0, self->width);
  y1 = CLAMP ((gint64) y + height, 0, self->height);
  if (x1 <= x0 || y1 <= y0)
    return NULL;
  return bm_image_new_from_rgb (x1 - x0, y1 - y0, self->stride,
                                self->data + (gsize) y0 * self->stride + (gsize) x0 * 3);
}

/* Separable resampling with a tent filter whose support widens with the
 * reduction factor: bilinear when enlarging, close to area averaging when
 * reducing (a 1280x960 frame cropped and reduced to 480x640 must not alias,
 * or the blur check would be fooled by moiré). */
typedef struct {
  int start;
  int n;
  float *w;
} Contrib;

static Contrib *
make_contribs (int in, int out)
{
  Contrib *c = g_new0 (Contrib, out);
  double scale = (double) in / out;
  double support = MAX (1.0, scale);

  for (int o = 0; o < out; o++)
    {
      double center = (o + 0.5) * scale;
      int lo = (int) floor (center - support);
      int hi = (int) ceil (center + support);
      double total = 0;

      lo = MAX (lo, 0);
      hi = MIN (hi, in);
      c[o].start = lo;
      c[o].n = MAX (hi - lo, 1);
      c[o].w = g_new0 (float, c[o].n);
      for (int i = lo; i < hi; i++)
        {
          double d = fabs ((i + 0.5) - center) / support;
          double w = d < 1.0 ? 1.0 - d : 0.0;
          c[o].w[i - lo] = (float) w;
          total += w;
        }
      if (total <= 0)
        {
          c[o].start = CLAMP ((int) center, 0, in - 1);
          c[o].n = 1;
          c[o].w[0] = 1.0f;
          total = 1;
        }
      for (int k = 0; k < c[o].n; k++)
        c[o].w[k] = (float) (c[o].w[k] / total);
    }
  return c;
}

static void
free_contribs (Contrib *c, int n)
{
  for (int i = 0; i < n; i++)
    g_free (c[i].w);
  g_free (c);
}

/**
 * bm_image_scale:
 *
 * Returns: (transfer full): @self resampled to @width × @height.
 */
BmImage *
bm_image_scale (BmImage *self,
                int      width,
                int      height)
{
  Contrib *cx, *cy;
  g_autofree float *tmp = NULL;
  g_autofree float *acc = NULL;
  BmImage *out;

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  if (width == self->width && height == self->height)
    return bm_image_new_from_rgb (width, height, self->stride, self->data);

  cx = make_contribs (self->width, width);
  cy = make_contribs (self->height, height);
  tmp = g_new (float, (gsize) width * 3 * self->height);
  for (int y = 0; y < self->height; y++)
    {
      const guint8 *row = self->data + (gsize) y * self->stride;
      float *t = tmp + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        {
          float r = 0, g = 0, b = 0;
          const guint8 *p = row + (gsize) cx[x].start * 3;
          for (int k = 0; k < cx[x].n; k++, p += 3)
            {
              r += cx[x].w[k] * p[0];
              g += cx[x].w[k] * p[1];
              b += cx[x].w[k] * p[2];
            }
          t[x * 3] = r;
          t[x * 3 + 1] = g;
          t[x * 3 + 2] = b;
        }
    }
  out = bm_image_new (width, height);
  acc = g_new (float, (gsize) width * 3);
  for (int y = 0; y < height; y++)
    {
      guint8 *o = out->data + (gsize) y * out->stride;
      /* rows outer, pixels inner: contiguous, so the compiler vectorizes it */
      memset (acc, 0, sizeof (float) * width * 3);
      for (int k = 0; k < cy[y].n; k++)
        {
          const float *row = tmp + (gsize) (cy[y].start + k) * width * 3;
          float w = cy[y].w[k];
          for (int x = 0; x < width * 3; x++)
            acc[x] += w * row[x];
        }
      for (int x = 0; x < width * 3; x++)
        o[x] = (guint8) CLAMP ((int) (acc[x] + 0.5f), 0, 255);
    }
  free_contribs (cx, width);
  free_contribs (cy, height);
  return out;
}

/**
 * bm_image_orient:
 * @exif_orientation: 1..8 as in EXIF tag 0x0112
 *
 * Returns: (transfer full): the image turned upright.
 */
BmImage *
bm_image_orient (BmImage *self,
                 int      exif_orientation)
{
  int w = self->width, h = self->height;
  gboolean swap = exif_orientation >= 5 && exif_orientation <= 8;
  BmImage *out;

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);

  if (exif_orientation < 2 || exif_orientation > 8)
    return g_object_ref (self);

  out = bm_image_new (swap ? h : w, swap ? w : h);
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        int sx, sy;
        switch (exif_orientation)
          {
          case 2: sx = w - 1 - x; sy = y; break;
          case 3: sx = w - 1 - x; sy = h - 1 - y; break;
          case 4: sx = x; sy = h - 1 - y; break;
          case 5: sx = y; sy = x; break;
          case 6: sx = y; sy = h - 1 - x; break;
          case 7: sx = w - 1 - y; sy = h - 1 - x; break;
          case 8: default: sx = w - 1 - y; sy = x; break;
          }
        memcpy (out->data + (gsize) y * out->stride + x * 3,
                self->data + (gsize) sy * self->stride + sx * 3, 3);
      }
  return out;
}

/**
 * bm_image_box_blur:
 *
 * A 3×3 box blur; used only to tame sensor noise that would otherwise keep a
 * photo above 40 KB even at the lowest allowed quality.
 *
 * Returns: (transfer full): the blurred copy.
 */
BmImage *
bm_image_box_blur (BmImage *self)
{
  BmImage *out;
  int w = self->width, h = self->height;

  g_return_val_if_fail (BM_IS_IMAGE (self), NULL);

  out = bm_image_new (w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        {
          int sum = 0, n = 0;
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int yy = y + dy, xx = x + dx;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w)
                  continue;
                sum += self->data[(gsize) yy * self->stride + xx * 3 + c];
                n++;
              }
          out->data[(gsize) y * out->stride + x * 3 + c] = (guint8) ((sum + n / 2) / n);
        }
  return out;
}
