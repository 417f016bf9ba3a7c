/* bm-photo-check.c: quality checks of a 480×640 registration photo.
 *
 * Heuristics, not face recognition: skin colour in YCbCr finds the face, the
 * darkest band in its upper part is taken for the eyes, and the first rows
 * that differ from the background colour give the top of the head. That is
 * enough to catch the usual counter mistakes (candidate too far, too low, off
 * to the side, lamp off, moved during the shot, door behind them).
 */
#define G_LOG_DOMAIN "bm-photo"

#include "bm-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bm-photo-check.h"

void
bm_photo_check_free (BmPhotoCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->message);
  g_free (check);
}

static inline double
luma (const guint8 *p)
{
  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

static inline gboolean
is_skin (const guint8 *p)
{
  double y = luma (p);
  double cb = 128 - 0.168736 * p[0] - 0.331264 * p[1] + 0.5 * p[2];
  double cr = 128 + 0.5 * p[0] - 0.418688 * p[1] - 0.081312 * p[2];

  return y > 40 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

/* Mean colour of a rectangle, plus the standard deviation of its luma. */
static void
region_stats (BmImage *img, int x0, int y0, int x1, int y1, double mean[3], double *luma_sd)
{
  const guint8 *d = bm_image_get_data (img);
  int stride = bm_image_get_stride (img);
  double s[3] = { 0, 0, 0 }, sy = 0, syy = 0;
  double n = (double) (x1 - x0) * (y1 - y0);

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guint8 *p = d + (gsize) y * stride + x * 3;
        double l = luma (p);
        s[0] += p[0];
        s[1] += p[1];
        s[2] += p[2];
        sy += l;
        syy += l * l;
      }
  for (int c = 0; c < 3; c++)
    mean[c] = s[c] / n;
  if (luma_sd)
    *luma_sd = sqrt (MAX (0.0, syy / n - (sy / n) * (sy / n)));
}

/**
 * bm_photo_estimate_face:
 *
 * Finds where the face is in a 480×640 photo (see the file comment for how).
 */
void
bm_photo_estimate_face (BmImage        *photo,
                        BmFaceEstimate *face)
{
  int w = bm_image_get_width (photo), h = bm_image_get_height (photo);
  int stride = bm_image_get_stride (photo);
  const guint8 *d = bm_image_get_data (photo);
  g_autofree int *cols = g_new0 (int, w);
  g_autofree int *rows = g_new0 (int, h);
  g_autofree double *band = g_new0 (double, h);
  int total = 0, peak = 0, peak_x = 0, skin_top = -1, skin_bottom = -1, row_peak = 0;
  double bg[3], bgl[3], bgr[3];
  int cw = MAX (w / 8, 1), ch = MAX (h / 16, 1);

  memset (face, 0, sizeof *face);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (is_skin (d + (gsize) y * stride + x * 3))
        {
          cols[x]++;
          total++;
        }
  /* A face in a standard photo covers ~10% of the picture; 2% is a floor. */
  if (total < w * h / 50)
    return;
  for (int x = 0; x < w; x++)
    if (cols[x] > peak)
      {
        peak = cols[x];
        peak_x = x;
      }
  face->left = face->right = peak_x;
  while (face->left > 0 && cols[face->left - 1] >= peak * 3 / 10)
    face->left--;
  while (face->right < w - 1 && cols[face->right + 1] >= peak * 3 / 10)
    face->right++;

  for (int y = 0; y < h; y++)
    for (int x = face->left; x <= face->right; x++)
      if (is_skin (d + (gsize) y * stride + x * 3))
        rows[y]++;
  for (int y = 0; y < h; y++)
    row_peak = MAX (row_peak, rows[y]);
  for (int y = 0; y < h; y++)
    if (rows[y] >= row_peak * 3 / 10)
      {
        if (skin_top < 0)
          skin_top = y;
        skin_bottom = y;
      }
  if (skin_top < 0 || face->right - face->left < w / 20)
    return;
  face->found = TRUE;

  /* Eyes: darkest 5-row band in the inner face between the forehead and
   * 60% of the skin height (below that are nostrils and mouth). */
  {
    int fx0 = face->left + (face->right - face->left) / 5;
    int fx1 = face->right - (face->right - face->left) / 5;
    int y0 = skin_top + (skin_bottom - skin_top) / 10;
    int y1 = skin_top + (skin_bottom - skin_top) * 6 / 10;
    double best = G_MAXDOUBLE;

    for (int y = 0; y < h; y++)
      {
        double s = 0;
        for (int x = fx0; x <= fx1; x++)
          s += luma (d + (gsize) y * stride + x * 3);
        band[y] = s / MAX (fx1 - fx0 + 1, 1);
      }
    face->eyes = (y0 + y1) / 2;
    for (int y = MAX (y0, 2); y <= y1 && y < h - 2; y++)
      {
        double s = band[y - 2] + band[y - 1] + band[y] + band[y + 1] + band[y + 2];
        if (s < best)
          {
            best = s;
            face->eyes = y;
          }
      }
  }

  /* Head top: first row where a good part of the face columns differ from
   * the background (taken from the two upper corners). */
  region_stats (photo, 0, 0, cw, ch, bgl, NULL);
  region_stats (photo, w - cw, 0, w, ch, bgr, NULL);
  for (int c = 0; c < 3; c++)
    bg[c] = (bgl[c] + bgr[c]) / 2;
  face->head_top = skin_top;
  for (int y = 0; y < skin_top; y++)
    {
      int differ = 0;
      for (int x = face->left; x <= face->right; x++)
        {
          const guint8 *p = d + (gsize) y * stride + x * 3;
          double dist = fabs (p[0] - bg[0]) + fabs (p[1] - bg[1]) + fabs (p[2] - bg[2]);
          if (dist > 90)
            differ++;
        }
      if (differ * 100 >= (face->right - face->left + 1) * 15)
        {
          face->head_top = y;
          break;
        }
    }
}

/**
 * bm_photo_laplacian_variance:
 *
 * Sharpness of the central (face) area: the variance of the 4-neighbour
 * Laplacian of the luma. Blur removes the high frequencies it measures.
 */
double
bm_photo_laplacian_variance (BmImage *photo)
{
  int w = bm_image_get_width (photo), h = bm_image_get_height (photo);
  int stride = bm_image_get_stride (photo);
  const guint8 *d = bm_image_get_data (photo);
  int x0 = w / 4, x1 = w * 3 / 4, y0 = h / 6, y1 = h * 5 / 6;
  double s = 0, ss = 0, n = 0;

  for (int y = MAX (y0, 1); y < MIN (y1, h - 1); y++)
    for (int x = MAX (x0, 1); x < MIN (x1, w - 1); x++)
      {
        const guint8 *p = d + (gsize) y * stride + x * 3;
        double l = 4 * luma (p) - luma (p - 3) - luma (p + 3) - luma (p - stride) - luma (p + stride);
        s += l;
        ss += l * l;
        n++;
      }
  if (n == 0)
    return 0;
  return ss / n - (s / n) * (s / n);
}

static void
add (GPtrArray *checks, const char *id, BmPhotoSeverity severity, gboolean passed,
     double value, char *message)
{
  BmPhotoCheck *c = g_new0 (BmPhotoCheck, 1);

  c->id = id;
  c->severity = severity;
  c->passed = passed;
  c->value = value;
  if (passed)
    g_free (message);
  else
    c->message = message;
  g_ptr_array_add (checks, c);
}

/**
 * bm_photo_check_image:
 * @photo: the processed 480×640 picture
 * @source_width: width of the framed area in the camera frame or file, before scaling
 * @source_height: its height
 * @jpeg_size: size of the encoded JPEG, or 0 to skip that check
 *
 * Returns: (transfer full) (element-type BmPhotoCheck): every check, passed or not.
 */
GPtrArray *
bm_photo_check_image (BmImage *photo,
                      int      source_width,
                      int      source_height,
                      gsize    jpeg_size)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_photo_check_free);
  int w = bm_image_get_width (photo), h = bm_image_get_height (photo);
  int stride = bm_image_get_stride (photo);
  const guint8 *d = bm_image_get_data (photo);
  BmFaceEstimate face;
  double sd, chroma = 0, l_mean = 0, clipped = 0, lap;
  int bw = w / 12, fx0, fx1, fy0, fy1;

  g_return_val_if_fail (BM_IS_IMAGE (photo), checks);

  /* Hard: the framed area must hold at least the standard's pixels;
   * enlarging a small picture only blurs it. */
  add (checks, "resolution", BM_PHOTO_SEVERITY_HARD,
       source_width >= BM_PHOTO_WIDTH && source_height >= BM_PHOTO_HEIGHT,
       (double) source_width * source_height,
       g_strdup_printf (_("The resolution is too low: the framed area is %d × %d pixels, at least 480 × 640 are needed. Move the camera closer or choose a higher camera resolution."),
                        source_width, source_height));

  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2)
      {
        const guint8 *p = d + (gsize) y * stride + x * 3;
        chroma += MAX (MAX (p[0], p[1]), p[2]) - MIN (MIN (p[0], p[1]), p[2]);
      }
  chroma /= (double) ((w + 1) / 2) * ((h + 1) / 2);
  add (checks, "colour", BM_PHOTO_SEVERITY_HARD, chroma >= 4.0, chroma,
       g_strdup (_("The photo is black and white. A colour photo is required.")));

  if (jpeg_size > 0)
    add (checks, "file_size", BM_PHOTO_SEVERITY_HARD,
         jpeg_size >= BM_PHOTO_MIN_BYTES && jpeg_size <= BM_PHOTO_MAX_BYTES, (double) jpeg_size,
         g_strdup_printf (_("The JPEG file is %lu bytes; the standard needs 20–40 KB. A picture with almost no detail (lens covered, empty frame) cannot reach 20 KB."),
                          (unsigned long) jpeg_size));

  bm_photo_estimate_face (photo, &face);

  /* Brightness is judged on the face when there is one: a white backdrop
   * makes the whole picture bright while the face is still too dark. */
  if (face.found)
    {
      fx0 = face.left;
      fx1 = face.right + 1;
      fy0 = MAX (face.head_top, 0);
      fy1 = MIN (face.eyes + (face.eyes - face.head_top), h);
      if (fy1 <= fy0)
        fy1 = MIN (fy0 + 1, h);
    }
  else
    {
      fx0 = 0; fx1 = w; fy0 = 0; fy1 = h;
    }
  {
    double n = 0;
    for (int y = fy0; y < fy1; y++)
      for (int x = fx0; x < fx1; x++)
        {
          double l = luma (d + (gsize) y * stride + x * 3);
          l_mean += l;
          clipped += l >= 250;
          n++;
        }
    l_mean /= MAX (n, 1);
    clipped /= MAX (n, 1);
  }
  if (l_mean < 70)
    add (checks, "brightness", BM_PHOTO_SEVERITY_SOFT, FALSE, l_mean,
         g_strdup (_("The photo is too dark. Turn on more light or raise the camera brightness.")));
  else
    add (checks, "brightness", BM_PHOTO_SEVERITY_SOFT,
         l_mean <= (face.found ? 215 : 240) && clipped <= 0.25, l_mean,
         g_strdup (_("The photo is too bright (overexposed). Reduce the light or lower the camera brightness.")));

  lap = bm_photo_laplacian_variance (photo);
  add (checks, "blur", BM_PHOTO_SEVERITY_SOFT, lap >= 25.0, lap,
       g_strdup (_("The photo is blurred. Ask the candidate to keep still and check the camera focus.")));

  /* Background: the two side strips above the shoulders and the top strip. */
  {
    double ml[3], mr[3], mt[3], sdl, sdr, sdt, yl, yr, yt, spread;
    gboolean light, plain;

    region_stats (photo, 0, 0, bw, h / 2, ml, &sdl);
    region_stats (photo, w - bw, 0, w, h / 2, mr, &sdr);
    region_stats (photo, bw, 0, w - bw, MAX (h / 40, 1), mt, &sdt);
    yl = 0.299 * ml[0] + 0.587 * ml[1] + 0.114 * ml[2];
    yr = 0.299 * mr[0] + 0.587 * mr[1] + 0.114 * mr[2];
    yt = 0.299 * mt[0] + 0.587 * mt[1] + 0.114 * mt[2];
    sd = MAX (MAX (sdl, sdr), sdt);
    spread = MAX (MAX (fabs (yl - yr), fabs (yl - yt)), fabs (yr - yt));
    light = MIN (MIN (yl, yr), yt) >= 150;
    plain = sd <= 18 && spread <= 25;
    if (!light)
      add (checks, "background", BM_PHOTO_SEVERITY_SOFT, FALSE, MIN (MIN (yl, yr), yt),
           g_strdup (_("The background is too dark. Use a white, light grey or light blue backdrop.")));
    else
      add (checks, "background", BM_PHOTO_SEVERITY_SOFT, plain, sd,
           g_strdup (_("The background is not plain (pattern, objects or shadow). Use an even backdrop without shadows.")));
  }

  add (checks, "face", BM_PHOTO_SEVERITY_SOFT, face.found, face.found,
       g_strdup (_("No face was found in the guide. Ask the candidate to face the camera inside the guide.")));
  if (face.found)
    {
      int width = face.right - face.left + 1;
      int off = (face.left + face.right) / 2 - w / 2;
      double s = (double) h / BM_PHOTO_HEIGHT;

      add (checks, "head_top", BM_PHOTO_SEVERITY_SOFT,
           face.head_top >= BM_PHOTO_HEAD_TOP_MIN * s && face.head_top <= BM_PHOTO_HEAD_TOP_MAX * s,
           face.head_top,
           g_strdup_printf (_("The top of the head is %d pixels from the top edge; the standard wants 50–110. Move the frame up or down."),
                            face.head_top));
      add (checks, "eyes", BM_PHOTO_SEVERITY_SOFT,
           face.eyes >= BM_PHOTO_EYES_MIN * s && face.eyes <= BM_PHOTO_EYES_MAX * s, face.eyes,
           g_strdup_printf (_("The eyes are %d pixels from the top edge; the standard wants 200–300. Move the frame up or down."),
                            face.eyes));
      add (checks, "face_width", BM_PHOTO_SEVERITY_SOFT,
           width >= BM_PHOTO_FACE_MIN * s && width <= BM_PHOTO_FACE_MAX * s, width,
           g_strdup_printf (_("The face is %d pixels wide; the standard wants 180–300. Move the camera closer or further away."),
                            width));
      add (checks, "face_centre", BM_PHOTO_SEVERITY_SOFT, ABS (off) <= 40 * s, off,
           g_strdup_printf (_("The face is not centred (%d pixels off). Ask the candidate to move to the middle."),
                            ABS (off)));
    }
  return checks;
}

/**
 * bm_photo_checks_to_json:
 *
 * Returns: (transfer full): [{"id","severity":"hard"|"soft","passed","value","message"?}, ...]
 */
JsonArray *
bm_photo_checks_to_json (GPtrArray *checks)
{
  JsonArray *arr = json_array_new ();

  for (guint i = 0; checks && i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "id", c->id);
      json_object_set_string_member (o, "severity", c->severity == BM_PHOTO_SEVERITY_HARD ? "hard" : "soft");
      json_object_set_boolean_member (o, "passed", c->passed);
      json_object_set_double_member (o, "value", c->value);
      if (c->message)
        json_object_set_string_member (o, "message", c->message);
      json_array_add_object_element (arr, o);
    }
  return arr;
}
