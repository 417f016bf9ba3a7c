/* libv4lconvert with custom dev_ops (testing-v4l2.md C1): the fake camera's
 * YUYV and MJPEG frames (the very frames the plugin sends) must become the
 * expected RGB24 bars, so the plugin tests check the app, not the fake. */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <linux/videodev2.h>
#include <libv4lconvert.h>
#include <libv4l-plugin.h>
#include <glib.h>

#include "bm-fakecam-frames.h"

#define W 640
#define H 480

typedef struct {
  unsigned fmt;
  int ioctls;
} Fake;

static int
fake_ioctl (void *priv, int fd, unsigned long req, void *arg)
{
  Fake *f = priv;

  f->ioctls++;
  switch (req)
    {
    case VIDIOC_QUERYCAP:
      {
        struct v4l2_capability *c = arg;
        memset (c, 0, sizeof *c);
        strcpy ((char *) c->driver, "fakecam");
        c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
      }
    case VIDIOC_ENUM_FMT:
      {
        struct v4l2_fmtdesc *d = arg;
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index > 0)
          {
            errno = EINVAL;
            return -1;
          }
        d->pixelformat = f->fmt;
        d->flags = f->fmt == V4L2_PIX_FMT_MJPEG ? V4L2_FMT_FLAG_COMPRESSED : 0;
        return 0;
      }
    case VIDIOC_ENUM_FRAMESIZES:
      {
        struct v4l2_frmsizeenum *s = arg;
        if (s->index > 0 || s->pixel_format != f->fmt)
          {
            errno = EINVAL;
            return -1;
          }
        s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        s->discrete.width = W;
        s->discrete.height = H;
        return 0;
      }
    case VIDIOC_TRY_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_G_FMT:
      {
        struct v4l2_format *fm = arg;
        struct v4l2_pix_format *p = &fm->fmt.pix;
        p->width = W;
        p->height = H;
        p->pixelformat = f->fmt;
        p->field = V4L2_FIELD_NONE;
        p->bytesperline = f->fmt == V4L2_PIX_FMT_YUYV ? W * 2 : 0;
        p->sizeimage = W * H * 2;
        p->colorspace = V4L2_COLORSPACE_SRGB;
        return 0;
      }
    default:
      errno = ENOTTY;
      return -1;
    }
}

static const struct libv4l_dev_ops fake_ops = { .ioctl = fake_ioctl };

static void
test_convert (gconstpointer data)
{
  Fake fake = { GPOINTER_TO_UINT (data), 0 };
  struct v4lconvert_data *cv = v4lconvert_create_with_dev_ops (-1, &fake, &fake_ops);
  struct v4l2_format dst = { 0 }, src = { 0 };
  struct v4l2_fmtdesc d = { 0 };
  g_autofree unsigned char *rgb = fakecam_rgb (NULL, W, H, 128);
  g_autofree unsigned char *out = g_malloc (W * H * 3);
  unsigned char *wire;
  unsigned long wire_len;
  gboolean emulated_rgb = FALSE;
  int n;

  g_assert_nonnull (cv);
  d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  for (d.index = 0; v4lconvert_enum_fmt (cv, &d) == 0; d.index++)
    if (d.pixelformat == V4L2_PIX_FMT_RGB24 && (d.flags & V4L2_FMT_FLAG_EMULATED))
      emulated_rgb = TRUE;
  g_assert_true (emulated_rgb);

  dst.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  dst.fmt.pix.width = W;
  dst.fmt.pix.height = H;
  dst.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
  g_assert_cmpint (v4lconvert_try_format (cv, &dst, &src), ==, 0);
  g_assert_cmpuint (src.fmt.pix.pixelformat, ==, fake.fmt);
  g_assert_true (v4lconvert_needs_conversion (cv, &src, &dst));

  if (fake.fmt == V4L2_PIX_FMT_MJPEG)
    wire = fakecam_mjpeg (rgb, W, H, &wire_len);
  else
    {
      wire = fakecam_yuyv (rgb, W, H);
      wire_len = W * H * 2;
    }
  n = v4lconvert_convert (cv, &src, &dst, wire, (int) wire_len, out, W * H * 3);
  if (n != W * H * 3)
    g_error ("convert returned %d: %s", n, v4lconvert_get_error_message (cv));
  for (int b = 0; b < FAKECAM_NBARS; b++)
    {
      int x = b * W / FAKECAM_NBARS + W / FAKECAM_NBARS / 2;
      const unsigned char *p = out + ((H / 2) * W + x) * 3;
      g_test_message ("%s: %d %d %d", fakecam_bars[b].name, p[0], p[1], p[2]);
      g_assert_cmpint (ABS (p[0] - fakecam_bars[b].r), <=, 6);
      g_assert_cmpint (ABS (p[1] - fakecam_bars[b].g), <=, 6);
      g_assert_cmpint (ABS (p[2] - fakecam_bars[b].b), <=, 6);
    }
  g_assert_cmpint (fake.ioctls, >, 0);
  free (wire);
  v4lconvert_destroy (cv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/v4lconvert/yuyv", GUINT_TO_POINTER (V4L2_PIX_FMT_YUYV), test_convert);
  g_test_add_data_func ("/v4lconvert/mjpeg", GUINT_TO_POINTER (V4L2_PIX_FMT_MJPEG), test_convert);
  return g_test_run ();
}
