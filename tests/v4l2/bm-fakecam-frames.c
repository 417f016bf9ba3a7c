#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "bm-fakecam-frames.h"

const struct fakecam_bar fakecam_bars[FAKECAM_NBARS] = {
  { 255, 128, 128, 255, 255, 255, "white" },
  {  76,  85, 255, 255,   0,   0, "red"   },
  { 150,  44,  21,   0, 255,   0, "green" },
  {  29, 255, 107,   0,   0, 255, "blue"  },
};

static unsigned char *
load_ppm (const char *path, int *w, int *h)
{
  FILE *f = fopen (path, "rb");
  unsigned char *px = NULL;
  int maxv;

  if (!f)
    return NULL;
  if (fscanf (f, "P6 %d %d %d", w, h, &maxv) == 3 && maxv == 255 && *w > 0 && *h > 0 &&
      *w <= 8192 && *h <= 8192 && fgetc (f) != EOF)
    {
      size_t n = (size_t) *w * *h * 3;
      px = malloc (n);
      if (fread (px, 1, n, f) != n)
        {
          free (px);
          px = NULL;
        }
    }
  fclose (f);
  return px;
}

static unsigned char
clamp (int v)
{
  return v < 0 ? 0 : v > 255 ? 255 : (unsigned char) v;
}

unsigned char *
fakecam_rgb (const char *ppm_path, int w, int h, int brightness)
{
  unsigned char *rgb = malloc ((size_t) w * h * 3);
  int sw = 0, sh = 0, off = brightness - 128;
  unsigned char *src = ppm_path && *ppm_path ? load_ppm (ppm_path, &sw, &sh) : NULL;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        unsigned char *p = rgb + ((size_t) y * w + x) * 3;
        if (src)
          {
            const unsigned char *s = src + ((size_t) (y * sh / h) * sw + x * sw / w) * 3;
            p[0] = s[0]; p[1] = s[1]; p[2] = s[2];
          }
        else
          {
            const struct fakecam_bar *b = &fakecam_bars[x * FAKECAM_NBARS / w];
            p[0] = b->r; p[1] = b->g; p[2] = b->b;
          }
        if (off)
          for (int c = 0; c < 3; c++)
            p[c] = clamp (p[c] + off);
      }
  free (src);
  return rgb;
}

unsigned char *
fakecam_yuyv (const unsigned char *rgb, int w, int h)
{
  unsigned char *out = malloc ((size_t) w * h * 2);

  for (int y = 0; y < h; y++)
    for (int x = 0; x + 1 < w; x += 2)
      {
        const unsigned char *a = rgb + ((size_t) y * w + x) * 3, *b = a + 3;
        unsigned char *q = out + ((size_t) y * w + x) * 2;
        int r = (a[0] + b[0]) / 2, g = (a[1] + b[1]) / 2, bl = (a[2] + b[2]) / 2;
        q[0] = clamp ((299 * a[0] + 587 * a[1] + 114 * a[2] + 500) / 1000);
        q[2] = clamp ((299 * b[0] + 587 * b[1] + 114 * b[2] + 500) / 1000);
        q[1] = clamp (128 + (-168736 * r - 331264 * g + 500000 * bl) / 1000000);
        q[3] = clamp (128 + (500000 * r - 418688 * g - 81312 * bl) / 1000000);
      }
  return out;
}

unsigned char *
fakecam_mjpeg (const unsigned char *rgb, int w, int h, unsigned long *len)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr e;
  unsigned char *out = NULL;

  *len = 0;
  c.err = jpeg_std_error (&e);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &out, len);
  c.image_width = (JDIMENSION) w;
  c.image_height = (JDIMENSION) h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 90, TRUE);
  /* 4:2:2 like most UVC webcams */
  c.comp_info[0].h_samp_factor = 2;
  c.comp_info[0].v_samp_factor = 1;
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < c.image_height)
    {
      JSAMPROW r = (JSAMPROW) rgb + (size_t) c.next_scanline * w * 3;
      jpeg_write_scanlines (&c, &r, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  return out;
}
