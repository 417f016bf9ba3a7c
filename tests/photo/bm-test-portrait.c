/* Synthetic portraits: fixtures made by the tests, not downloaded. */
#include <math.h>
#include <string.h>

#include "bm-test-portrait.h"

void
bm_test_portrait_defaults (BmTestPortrait *p)
{
  memset (p, 0, sizeof *p);
  p->width = 720;
  p->height = 960;
  p->bg[0] = p->bg[1] = p->bg[2] = 240;
  p->head_top = 80;
  p->eyes = 250;
  p->face_width = 220;
  p->centre_x = 240;
  p->noise = 6;
  p->gain = 1.0;
  p->seed = 42;
}

static void
put (BmImage *img, int x, int y, const guint8 c[3])
{
  guint8 *d = bm_image_get_mutable_data (img);
  if (x < 0 || y < 0 || x >= bm_image_get_width (img) || y >= bm_image_get_height (img))
    return;
  memcpy (d + (gsize) y * bm_image_get_stride (img) + x * 3, c, 3);
}

/* Filled ellipse in photo units; (ox, oy, s) map photo units to source pixels. */
static void
ellipse (BmImage *img, double ox, double oy, double s, double cx, double cy, double rx, double ry,
         const guint8 c[3], GRand *rnd, int texture)
{
  int x0 = (int) floor (ox + (cx - rx) * s), x1 = (int) ceil (ox + (cx + rx) * s);
  int y0 = (int) floor (oy + (cy - ry) * s), y1 = (int) ceil (oy + (cy + ry) * s);

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double u = ((x - ox) / s - cx) / rx, v = ((y - oy) / s - cy) / ry;
        if (u * u + v * v <= 1.0)
          {
            guint8 t[3];
            int k = texture ? g_rand_int_range (rnd, -texture, texture + 1) : 0;
            for (int i = 0; i < 3; i++)
              t[i] = (guint8) CLAMP (c[i] + k, 0, 255);
            put (img, x, y, t);
          }
      }
}

static void
rect (BmImage *img, double ox, double oy, double s, double x0, double y0, double x1, double y1, const guint8 c[3])
{
  for (int y = (int) (oy + y0 * s); y < (int) (oy + y1 * s); y++)
    for (int x = (int) (ox + x0 * s); x < (int) (ox + x1 * s); x++)
      put (img, x, y, c);
}

BmImage *
bm_test_portrait_draw (const BmTestPortrait *p)
{
  static const guint8 hair[3] = { 45, 32, 26 }, skin[3] = { 226, 176, 146 }, white[3] = { 245, 245, 240 };
  static const guint8 iris[3] = { 35, 25, 22 }, lips[3] = { 178, 88, 86 }, cloth[3] = { 32, 44, 92 };
  static const guint8 shade[3] = { 200, 150, 122 };
  g_autoptr(BmImage) img = bm_image_new (p->width, p->height);
  g_autoptr(GRand) rnd = g_rand_new_with_seed (p->seed);
  guint8 *d = bm_image_get_mutable_data (img);
  int stride = bm_image_get_stride (img);
  double pw, s, ox, oy;
  double fw = p->face_width, cx = p->centre_x;
  double face_top = p->head_top + 0.2 * fw, face_h = (p->eyes - face_top) / 0.42;

  /* the 3:4 photo area inside the source */
  if (p->width * 4 >= p->height * 3)
    pw = p->height * 3.0 / 4;
  else
    pw = p->width;
  s = pw / 480.0;
  ox = (p->width - pw) / 2;
  oy = (p->height - pw * 4 / 3) / 2;

  for (int y = 0; y < p->height; y++)
    for (int x = 0; x < p->width; x++)
      {
        guint8 *q = d + (gsize) y * stride + x * 3;
        gboolean stripe = p->bg_stripes && ((x / (int) (24 * s + 1)) % 2 == 0);
        for (int i = 0; i < 3; i++)
          q[i] = stripe ? (guint8) (p->bg[i] / 3) : p->bg[i];
      }

  /* shoulders and neck, then hair, face and features */
  ellipse (img, ox, oy, s, cx, 700, 230, 180, cloth, rnd, 6);
  rect (img, ox, oy, s, cx - fw * 0.22, face_top + face_h * 0.8, cx + fw * 0.22, 560, shade);
  ellipse (img, ox, oy, s, cx, face_top + face_h * 0.38, fw * 0.58, face_h * 0.38 + (face_top - p->head_top), hair, rnd, 18);
  ellipse (img, ox, oy, s, cx, face_top + face_h * 0.5, fw / 2, face_h / 2, skin, rnd, 5);
  for (int side = -1; side <= 1; side += 2)
    {
      double ex = cx + side * fw * 0.21;
      ellipse (img, ox, oy, s, ex, p->eyes - 24, fw * 0.11, 4, hair, rnd, 8);
      ellipse (img, ox, oy, s, ex, p->eyes, fw * 0.09, 7, white, rnd, 4);
      ellipse (img, ox, oy, s, ex, p->eyes, fw * 0.04, 6, iris, rnd, 4);
    }
  rect (img, ox, oy, s, cx - 4, p->eyes + 20, cx + 4, p->eyes + 60, shade);
  ellipse (img, ox, oy, s, cx, p->eyes + face_h * 0.3, fw * 0.16, 8, lips, rnd, 6);

  for (int y = 0; y < p->height; y++)
    for (int x = 0; x < p->width; x++)
      {
        guint8 *q = d + (gsize) y * stride + x * 3;
        int k = p->noise ? g_rand_int_range (rnd, -p->noise, p->noise + 1) : 0;
        int grey = (q[0] * 299 + q[1] * 587 + q[2] * 114) / 1000;
        for (int i = 0; i < 3; i++)
          {
            double v = (p->grey ? grey : q[i]) * p->gain + k;
            q[i] = (guint8) CLAMP ((int) lrint (v), 0, 255);
          }
      }
  for (int i = 0; i < p->blur; i++)
    {
      g_autoptr(BmImage) b = bm_image_box_blur (img);
      g_set_object (&img, b);
    }
  return g_steal_pointer (&img);
}
