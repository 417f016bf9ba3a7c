/* bm-photo.c: one registration photo: the source as taken or imported, the
 * processed 480×640 JPEG, both hashed, and the verdict of the checks. */
#define G_LOG_DOMAIN "bm-photo"

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-photo.h"

struct _BmPhoto
{
  GObject parent_instance;
  BmImage *image;
  GBytes *jpeg;
  char *sha256;
  GBytes *original;
  char *original_sha256;
  const char *original_mime;
  int quality;
  int smoothing;
  BmPhotoFrame frame;
  GPtrArray *checks;
  char *override_reason;
};

G_DEFINE_FINAL_TYPE (BmPhoto, bm_photo, G_TYPE_OBJECT)

static void
bm_photo_finalize (GObject *object)
{
  BmPhoto *self = BM_PHOTO (object);

  g_clear_object (&self->image);
  g_clear_pointer (&self->jpeg, g_bytes_unref);
  g_clear_pointer (&self->original, g_bytes_unref);
  g_free (self->sha256);
  g_free (self->original_sha256);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_free (self->override_reason);
  G_OBJECT_CLASS (bm_photo_parent_class)->finalize (object);
}

static void
bm_photo_class_init (BmPhotoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_photo_finalize;
}

static void
bm_photo_init (BmPhoto *self)
{
}

/**
 * bm_photo_frame_auto:
 *
 * The largest centred 3:4 rectangle: used for imported files, whose framing
 * was done by whoever took them.
 */
void
bm_photo_frame_auto (int           source_width,
                     int           source_height,
                     BmPhotoFrame *frame)
{
  if ((gint64) source_width * 4 >= (gint64) source_height * 3)
    {
      frame->height = source_height;
      frame->width = source_height * 3 / 4;
    }
  else
    {
      frame->width = source_width;
      frame->height = source_width * 4 / 3;
    }
  frame->x = (source_width - frame->width) / 2;
  frame->y = (source_height - frame->height) / 2;
}

static gsize
encoded_size (BmImage *image, int quality, gboolean full_chroma, GBytes **keep, GError **error)
{
  g_autoptr(GBytes) b = bm_image_encode_jpeg (image, quality, full_chroma, error);
  gsize n;

  if (b == NULL)
    return 0;
  n = g_bytes_get_size (b);
  if (keep)
    {
      g_clear_pointer (keep, g_bytes_unref);
      *keep = g_steal_pointer (&b);
    }
  return n;
}

/* The quality chosen last time: consecutive photos at one counter (same
 * camera, light and backdrop) need nearly the same, so trying it first
 * usually settles the search in two encodes instead of six. */
static gint quality_hint;

typedef struct {
  BmImage *image;
  int lo;          /* highest quality known to fit (59: none yet) */
  int hi;          /* lowest quality known too big (101: none yet) */
  GBytes *best;    /* the file at `lo` */
} Search;

static gboolean
probe (Search *s, int q, GError **error)
{
  g_autoptr(GBytes) b = NULL;
  gsize n = encoded_size (s->image, q, FALSE, &b, error);

  if (n == 0)
    return FALSE;
  if (n <= BM_PHOTO_MAX_BYTES)
    {
      s->lo = q;
      g_clear_pointer (&s->best, g_bytes_unref);
      s->best = g_steal_pointer (&b);
    }
  else
    s->hi = q;
  return TRUE;
}

/* Highest quality in 60..100 whose file fits; NULL in *out if none does. */
static gboolean
search (BmImage *image, int hint, int *quality, GBytes **out, GError **error)
{
  Search s = { image, BM_PHOTO_MIN_QUALITY - 1, 101, NULL };

  if (hint >= BM_PHOTO_MIN_QUALITY && hint <= 100)
    {
      if (!probe (&s, hint, error))
        return FALSE;
      if (s.lo == hint && hint < 100 && !probe (&s, hint + 1, error))
        return FALSE;
      if (s.hi == hint && hint > BM_PHOTO_MIN_QUALITY && !probe (&s, hint - 1, error))
        return FALSE;
    }
  while (s.hi - s.lo > 1)
    if (!probe (&s, MAX ((s.lo + s.hi) / 2, BM_PHOTO_MIN_QUALITY), error))
      {
        g_clear_pointer (&s.best, g_bytes_unref);
        return FALSE;
      }
  *quality = s.lo;
  *out = s.best;
  return TRUE;
}

/**
 * bm_photo_fit_jpeg:
 * @quality_out: (out) (optional): the quality used
 * @smoothing_out: (out) (optional): how many 3×3 smoothing passes were needed
 *
 * Encodes at the highest quality (>= 60) whose file is at most 40 000 bytes:
 * a search over the quality (file size grows with it almost monotonically),
 * starting from the quality the previous photo needed. If even quality 60
 * is too big (a noisy sensor), the picture is smoothed and tried again. If
 * quality 100 stays under 20 KB the picture has almost no detail; 4:4:4
 * chroma is tried, and what remains is left to the file-size check.
 *
 * Returns: (transfer full): the JPEG file.
 */
GBytes *
bm_photo_fit_jpeg (BmImage  *image,
                   int      *quality_out,
                   int      *smoothing_out,
                   GError  **error)
{
  g_autoptr(BmImage) work = g_object_ref (image);
  g_autoptr(GBytes) best = NULL;
  int smoothing = 0, quality = BM_PHOTO_MIN_QUALITY;

  for (;;)
    {
      if (!search (work, g_atomic_int_get (&quality_hint), &quality, &best, error))
        return NULL;
      if (best != NULL)
        break;
      if (smoothing >= 4)
        {
          /* hopeless noise: the file-size check will say so */
          quality = BM_PHOTO_MIN_QUALITY;
          best = bm_image_encode_jpeg (work, quality, FALSE, error);
          if (best == NULL)
            return NULL;
          break;
        }
      g_autoptr(BmImage) blurred = bm_image_box_blur (work);
      g_set_object (&work, blurred);
      smoothing++;
    }
  g_atomic_int_set (&quality_hint, smoothing == 0 ? quality : 0);

  if (g_bytes_get_size (best) < BM_PHOTO_MIN_BYTES)
    {
      g_autoptr(GBytes) b = NULL;
      gsize n = encoded_size (work, quality, TRUE, &b, error);
      if (n == 0)
        return NULL;
      if (n <= BM_PHOTO_MAX_BYTES && n > g_bytes_get_size (best))
        {
          g_clear_pointer (&best, g_bytes_unref);
          best = g_steal_pointer (&b);
        }
    }
  if (quality_out)
    *quality_out = quality;
  if (smoothing_out)
    *smoothing_out = smoothing;
  return g_steal_pointer (&best);
}

/* Kept for audit and re-framing, not sent anywhere: a quick encode (no
 * Huffman optimization pass). Takes a reference on the image. */
static gpointer
encode_original (gpointer data)
{
  g_autoptr(BmImage) source = data;

  return bm_image_encode_jpeg_full (source, 92, FALSE, FALSE, NULL);
}

/**
 * bm_photo_new_from_image:
 * @source: the whole camera frame or decoded file, upright
 * @frame: (nullable): the clerk's framing; %NULL for the centred 3:4 rectangle
 * @original: (nullable): the source file as received; %NULL to keep @source as
 *   a quality-92 JPEG (camera frames have no file of their own)
 *
 * Crops, scales to 480×640, encodes to the standard and runs the checks.
 * A photo that fails checks is still returned: the verdict is in the checks.
 *
 * Returns: (transfer full): the photo, or %NULL if encoding failed.
 */
BmPhoto *
bm_photo_new_from_image (BmImage            *source,
                         const BmPhotoFrame *frame,
                         GBytes             *original,
                         GError            **error)
{
  g_autoptr(BmPhoto) self = NULL;
  g_autoptr(BmImage) cropped = NULL;
  GThread *encoder = NULL;
  BmPhotoFrame f;
  int sw, sh;

  g_return_val_if_fail (BM_IS_IMAGE (source), NULL);

  sw = bm_image_get_width (source);
  sh = bm_image_get_height (source);
  if (frame)
    {
      /* Clip to the picture, then trim to exactly 3:4 around the centre. */
      int x0 = CLAMP (frame->x, 0, sw), y0 = CLAMP (frame->y, 0, sh);
      int x1 = CLAMP (frame->x + frame->width, 0, sw), y1 = CLAMP (frame->y + frame->height, 0, sh);
      BmPhotoFrame inner;

      if (x1 - x0 < 3 || y1 - y0 < 4)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The framing lies outside the picture."));
          return NULL;
        }
      bm_photo_frame_auto (x1 - x0, y1 - y0, &inner);
      f.x = x0 + inner.x;
      f.y = y0 + inner.y;
      f.width = inner.width;
      f.height = inner.height;
    }
  else
    bm_photo_frame_auto (sw, sh, &f);

  self = g_object_new (BM_TYPE_PHOTO, NULL);
  self->frame = f;
  /* The original is encoded on a second core meanwhile: it is the other
   * big cost of a capture (~20 ms at 1280x960). */
  if (original == NULL)
    encoder = g_thread_new ("bm-photo-original", encode_original, g_object_ref (source));
  cropped = bm_image_crop (source, f.x, f.y, f.width, f.height);
  self->image = bm_image_scale (cropped, BM_PHOTO_WIDTH, BM_PHOTO_HEIGHT);
  self->jpeg = bm_photo_fit_jpeg (self->image, &self->quality, &self->smoothing, error);
  if (encoder)
    self->original = g_thread_join (encoder);
  if (self->jpeg == NULL)
    return NULL;
  self->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, self->jpeg);

  if (original)
    {
      self->original = g_bytes_ref (original);
      self->original_mime = bm_image_sniff_format (original) == BM_IMAGE_FORMAT_PNG ? "image/png" : "image/jpeg";
    }
  else
    {
      if (self->original == NULL)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_FAILED, "JPEG encoding of the original failed");
          return NULL;
        }
      self->original_mime = "image/jpeg";
    }
  self->original_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, self->original);

  self->checks = bm_photo_check_image (self->image, f.width, f.height, g_bytes_get_size (self->jpeg));
  return g_steal_pointer (&self);
}

/**
 * bm_photo_new_from_file_bytes:
 *
 * For imports: decodes JPEG or PNG (EXIF orientation honoured) and frames
 * the centred 3:4 rectangle. The file itself is kept as the original.
 *
 * Returns: (transfer full): the photo, or %NULL with %BM_ERROR_INVALID for
 *   anything that is not a readable JPEG or PNG.
 */
BmPhoto *
bm_photo_new_from_file_bytes (GBytes  *file,
                              GError **error)
{
  g_autoptr(BmImage) source = bm_image_decode (file, NULL, error);

  if (source == NULL)
    return NULL;
  return bm_photo_new_from_image (source, NULL, file, error);
}

BmImage *bm_photo_get_image (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->image; }
GBytes *bm_photo_get_jpeg (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->jpeg; }
const char *bm_photo_get_sha256 (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->sha256; }
GBytes *bm_photo_get_original (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->original; }
const char *bm_photo_get_original_sha256 (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->original_sha256; }
const char *bm_photo_get_original_mime (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->original_mime; }
int bm_photo_get_quality (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), 0); return self->quality; }
int bm_photo_get_smoothing (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), 0); return self->smoothing; }
GPtrArray *bm_photo_get_checks (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->checks; }
const char *bm_photo_get_override_reason (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), NULL); return self->override_reason; }

void
bm_photo_get_frame (BmPhoto      *self,
                    BmPhotoFrame *frame)
{
  g_return_if_fail (BM_IS_PHOTO (self));
  *frame = self->frame;
}

static gboolean
has_failure (BmPhoto *self, BmPhotoSeverity severity)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (self->checks, i);
      if (!c->passed && c->severity == severity)
        return TRUE;
    }
  return FALSE;
}

gboolean bm_photo_has_hard_failure (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), TRUE); return has_failure (self, BM_PHOTO_SEVERITY_HARD); }
gboolean bm_photo_has_soft_failure (BmPhoto *self) { g_return_val_if_fail (BM_IS_PHOTO (self), TRUE); return has_failure (self, BM_PHOTO_SEVERITY_SOFT); }

/**
 * bm_photo_set_override_reason:
 * @reason: (nullable): why the clerk accepts a photo that failed a soft check
 */
void
bm_photo_set_override_reason (BmPhoto    *self,
                              const char *reason)
{
  g_return_if_fail (BM_IS_PHOTO (self));
  g_free (self->override_reason);
  self->override_reason = (reason && *reason) ? g_strstrip (g_strdup (reason)) : NULL;
  if (self->override_reason && !*self->override_reason)
    g_clear_pointer (&self->override_reason, g_free);
}

/**
 * bm_photo_is_acceptable:
 *
 * Hard failures can never be overridden; soft ones need a recorded reason.
 */
gboolean
bm_photo_is_acceptable (BmPhoto *self)
{
  g_return_val_if_fail (BM_IS_PHOTO (self), FALSE);
  if (has_failure (self, BM_PHOTO_SEVERITY_HARD))
    return FALSE;
  return !has_failure (self, BM_PHOTO_SEVERITY_SOFT) || self->override_reason != NULL;
}

/**
 * bm_photo_to_json:
 *
 * Returns: (transfer full): width, height, bytes, quality, smoothing, sha256,
 *   original_sha256, original_bytes, frame {x,y,width,height}, acceptable,
 *   override_reason?, checks [...]
 */
JsonObject *
bm_photo_to_json (BmPhoto *self)
{
  JsonObject *o = json_object_new ();
  JsonObject *fr = json_object_new ();

  json_object_set_int_member (o, "width", bm_image_get_width (self->image));
  json_object_set_int_member (o, "height", bm_image_get_height (self->image));
  json_object_set_int_member (o, "bytes", (gint64) g_bytes_get_size (self->jpeg));
  json_object_set_int_member (o, "quality", self->quality);
  json_object_set_int_member (o, "smoothing", self->smoothing);
  json_object_set_string_member (o, "sha256", self->sha256);
  json_object_set_string_member (o, "original_sha256", self->original_sha256);
  json_object_set_int_member (o, "original_bytes", (gint64) g_bytes_get_size (self->original));
  json_object_set_int_member (fr, "x", self->frame.x);
  json_object_set_int_member (fr, "y", self->frame.y);
  json_object_set_int_member (fr, "width", self->frame.width);
  json_object_set_int_member (fr, "height", self->frame.height);
  json_object_set_object_member (o, "frame", fr);
  json_object_set_boolean_member (o, "acceptable", bm_photo_is_acceptable (self));
  if (self->override_reason)
    json_object_set_string_member (o, "override_reason", self->override_reason);
  json_object_set_array_member (o, "checks", bm_photo_checks_to_json (self->checks));
  return o;
}
