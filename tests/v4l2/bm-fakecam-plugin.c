/* A libv4l2 plugin that turns a regular file named *.v4l2fake into a fake
 * webcam (testing-v4l2.md C2). libv4l2 maps the "driver" buffers with a raw
 * mmap of the fd; since the fd is a regular file, that maps the file, and
 * DQBUF pwrite()s the frame into the buffer's slot. The application's whole
 * libv4l2 path (open, ioctl, mmap, conversion) runs unchanged.
 *
 * Configured from the environment when the device is opened:
 *   FAKECAM_FORMAT   YUYV (default) | MJPG | RGB3 | H264 (unconvertible)
 *   FAKECAM_SIZES    e.g. "640x480,1280x960" (default 320x240,640x480,1280x720,1280x960,1600x1200)
 *   FAKECAM_FPS      frame pacing, default 30; 0 = as fast as asked
 *   FAKECAM_IMAGE    a binary PPM to show instead of colour bars
 *   FAKECAM_CONTROLS 1 = offer brightness (offsets the picture) and exposure
 *   FAKECAM_FAIL     comma list of KIND@FRAME: eagain@N (one EAGAIN), eio@N
 *                    (one EIO), eioburst@N (EIO for 8 calls), enodev@N, unplug@N
 *                    (unlink the file, then ENODEV), short@N (one short frame),
 *                    shortall@N, corrupt@N (MJPEG garbage from N on), stall@N
 *                    (EAGAIN from N on), busy (S_FMT/REQBUFS EBUSY)
 *   FAKECAM_LOG      append one line per ioctl to this file
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <linux/videodev2.h>
#include <libv4l-plugin.h>

#include "bm-fakecam-frames.h"

#define MAXB 8
#define MAXSIZES 8

enum { F_EAGAIN, F_EIO, F_EIOBURST, F_ENODEV, F_UNPLUG, F_SHORT, F_SHORTALL, F_CORRUPT, F_STALL, F_NKINDS };
static const char *const kinds[F_NKINDS] = { "eagain", "eio", "eioburst", "enodev", "unplug", "short", "shortall", "corrupt", "stall" };

struct fc {
  char path[4096];
  unsigned fmt;
  int sizes[MAXSIZES][2], nsizes, w, h, fps;
  int nbuf, streaming, seq, dq_calls, queued[MAXB], qorder[MAXB], qn;
  long slot;
  int fail_at[F_NKINDS], busy, eio_left, gone;
  int controls, brightness, exposure;
  char image[4096];
  unsigned char *frame;        /* cached rendering of the current format/size/brightness */
  unsigned long frame_len;
  struct timespec next;
  FILE *log;
  /* A real driver serialises ioctls on one device (the V4L2 core's lock):
   * the app's stream thread dequeues while the main thread sets controls,
   * and S_CTRL frees the cached frame that DQBUF copies from. */
  pthread_mutex_t lock;
};

static unsigned
fourcc (const char *s)
{
  return v4l2_fourcc (s[0], s[1], s[2], s[3]);
}

static void
configure (struct fc *s)
{
  const char *e;

  e = getenv ("FAKECAM_FORMAT");
  s->fmt = e && strlen (e) == 4 ? fourcc (e) : V4L2_PIX_FMT_YUYV;
  e = getenv ("FAKECAM_SIZES");
  if (!e || !*e)
    e = "320x240,640x480,1280x720,1280x960,1600x1200";
  for (const char *p = e; *p && s->nsizes < MAXSIZES;)
    {
      int w, h, n = 0;
      if (sscanf (p, "%dx%d%n", &w, &h, &n) != 2 || w <= 0 || h <= 0)
        break;
      s->sizes[s->nsizes][0] = w;
      s->sizes[s->nsizes][1] = h;
      s->nsizes++;
      p += n;
      if (*p == ',')
        p++;
    }
  s->w = s->sizes[0][0];
  s->h = s->sizes[0][1];
  e = getenv ("FAKECAM_FPS");
  s->fps = e ? atoi (e) : 30;
  e = getenv ("FAKECAM_IMAGE");
  snprintf (s->image, sizeof s->image, "%s", e ? e : "");
  e = getenv ("FAKECAM_CONTROLS");
  s->controls = e && *e == '1';
  s->brightness = 128;
  s->exposure = 333;
  for (int k = 0; k < F_NKINDS; k++)
    s->fail_at[k] = -1;
  e = getenv ("FAKECAM_FAIL");
  if (e)
    {
      char buf[512], *save = NULL;
      snprintf (buf, sizeof buf, "%s", e);
      for (char *t = strtok_r (buf, ",", &save); t; t = strtok_r (NULL, ",", &save))
        {
          char *at = strchr (t, '@');
          if (!strcmp (t, "busy"))
            s->busy = 1;
          if (at)
            *at++ = 0;
          for (int k = 0; k < F_NKINDS; k++)
            if (!strcmp (t, kinds[k]))
              s->fail_at[k] = at ? atoi (at) : 0;
        }
    }
  e = getenv ("FAKECAM_LOG");
  if (e && *e)
    s->log = fopen (e, "a");
}

static void *
fc_init (int fd)
{
  char link[64];
  struct stat st;
  struct fc *s;
  ssize_t n;

  s = calloc (1, sizeof *s);
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, s->path, sizeof s->path - 1);
  if (n < 9 || fstat (fd, &st) || !S_ISREG (st.st_mode) || strcmp (s->path + n - 9, ".v4l2fake"))
    {
      free (s);
      return NULL;    /* not ours: libv4l2 talks to the kernel */
    }
  configure (s);
  pthread_mutex_init (&s->lock, NULL);
  return s;
}

static void
fc_close (void *p)
{
  struct fc *s = p;
  if (s->log)
    fclose (s->log);
  pthread_mutex_destroy (&s->lock);
  free (s->frame);
  free (s);
}

static int
fail (int e)
{
  errno = e;
  return -1;
}

static int
frame_size (struct fc *s)
{
  return s->fmt == V4L2_PIX_FMT_RGB24 ? s->w * s->h * 3 : s->w * s->h * 2;
}

static void
pix (struct fc *s, struct v4l2_pix_format *p)
{
  memset (p, 0, sizeof *p);
  p->width = (unsigned) s->w;
  p->height = (unsigned) s->h;
  p->pixelformat = s->fmt;
  p->field = V4L2_FIELD_NONE;
  p->bytesperline = s->fmt == V4L2_PIX_FMT_RGB24 ? (unsigned) s->w * 3 :
                    s->fmt == V4L2_PIX_FMT_YUYV ? (unsigned) s->w * 2 : 0;
  p->sizeimage = (unsigned) frame_size (s);
  p->colorspace = V4L2_COLORSPACE_SRGB;
}

static void
render (struct fc *s)
{
  unsigned char *rgb;

  if (s->frame)
    return;
  rgb = fakecam_rgb (s->image, s->w, s->h, s->brightness);
  if (s->fmt == V4L2_PIX_FMT_YUYV)
    {
      s->frame = fakecam_yuyv (rgb, s->w, s->h);
      s->frame_len = (unsigned long) s->w * s->h * 2;
      free (rgb);
    }
  else if (s->fmt == V4L2_PIX_FMT_MJPEG)
    {
      s->frame = fakecam_mjpeg (rgb, s->w, s->h, &s->frame_len);
      free (rgb);
    }
  else
    {
      s->frame = rgb;
      s->frame_len = (unsigned long) s->w * s->h * 3;
    }
}

static void
pace (struct fc *s)
{
  struct timespec now;

  if (s->fps <= 0)
    return;
  clock_gettime (CLOCK_MONOTONIC, &now);
  if (s->next.tv_sec == 0 || now.tv_sec > s->next.tv_sec + 1)
    s->next = now;
  /* Sleep until the frame is due, as select() would on a real device. */
  clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &s->next, NULL);
  s->next.tv_nsec += 1000000000L / s->fps;
  if (s->next.tv_nsec >= 1000000000L)
    {
      s->next.tv_sec++;
      s->next.tv_nsec -= 1000000000L;
    }
}

static int
at (struct fc *s, int kind)
{
  return s->fail_at[kind] >= 0 && s->seq >= s->fail_at[kind];
}

static int
dqbuf (struct fc *s, int fd, struct v4l2_buffer *b)
{
  int i;
  unsigned long used;

  if (!s->streaming)
    return fail (EINVAL);
  if (s->gone)
    return fail (ENODEV);
  if (!s->qn)
    return fail (EAGAIN);
  s->dq_calls++;
  if (at (s, F_UNPLUG))
    {
      unlink (s->path);
      s->gone = 1;
      return fail (ENODEV);
    }
  if (at (s, F_ENODEV))
    return fail (ENODEV);
  if (at (s, F_STALL))
    return fail (EAGAIN);
  if (at (s, F_EAGAIN) && s->fail_at[F_EAGAIN] == s->seq)
    {
      s->fail_at[F_EAGAIN] = -1;   /* once */
      return fail (EAGAIN);
    }
  if (at (s, F_EIO) && s->fail_at[F_EIO] == s->seq)
    {
      s->fail_at[F_EIO] = -1;
      return fail (EIO);
    }
  if (at (s, F_EIOBURST))
    {
      if (s->eio_left == 0)
        s->eio_left = 8;
      if (--s->eio_left == 0)
        s->fail_at[F_EIOBURST] = -1;
      return fail (EIO);
    }
  pace (s);
  i = s->qorder[0];
  memmove (s->qorder, s->qorder + 1, (size_t) --s->qn * sizeof (int));
  s->queued[i] = 0;
  render (s);
  used = s->frame_len;
  if (at (s, F_CORRUPT) && s->fmt == V4L2_PIX_FMT_MJPEG)
    {
      unsigned char junk[4096];
      for (size_t k = 0; k < sizeof junk; k++)
        junk[k] = (unsigned char) (k * 7 + s->seq);
      junk[0] = 0xff; junk[1] = 0xd8; junk[2] = 0xff; junk[3] = 0xdb;
      used = sizeof junk;
      if (pwrite (fd, junk, used, (off_t) i * s->slot) != (ssize_t) used)
        return fail (EIO);
    }
  else
    {
      if ((at (s, F_SHORT) && s->fail_at[F_SHORT] == s->seq) || at (s, F_SHORTALL))
        used /= 3;
      if (pwrite (fd, s->frame, used, (off_t) i * s->slot) != (ssize_t) used)
        return fail (EIO);
    }
  b->index = (unsigned) i;
  b->bytesused = (unsigned) used;
  b->sequence = (unsigned) s->seq++;
  b->field = V4L2_FIELD_NONE;
  gettimeofday (&b->timestamp, NULL);
  return 0;
}

static int
controls (struct fc *s, unsigned long req, void *arg)
{
  if (!s->controls)
    return fail (EINVAL);
  if (req == VIDIOC_QUERYCTRL)
    {
      struct v4l2_queryctrl *q = arg;
      unsigned id = q->id;
      if (id & V4L2_CTRL_FLAG_NEXT_CTRL)
        {
          id &= ~V4L2_CTRL_FLAG_NEXT_CTRL;
          id = id < V4L2_CID_BRIGHTNESS ? V4L2_CID_BRIGHTNESS : id < V4L2_CID_EXPOSURE_ABSOLUTE ? V4L2_CID_EXPOSURE_ABSOLUTE : 0;
          if (!id)
            return fail (EINVAL);
        }
      memset (q, 0, sizeof *q);
      q->id = id;
      q->type = V4L2_CTRL_TYPE_INTEGER;
      q->step = 1;
      if (id == V4L2_CID_BRIGHTNESS)
        {
          strcpy ((char *) q->name, "Brightness");
          q->minimum = 0; q->maximum = 255; q->default_value = 128;
          return 0;
        }
      if (id == V4L2_CID_EXPOSURE_ABSOLUTE)
        {
          strcpy ((char *) q->name, "Exposure Time, Absolute");
          q->minimum = 1; q->maximum = 10000; q->default_value = 333;
          return 0;
        }
      return fail (EINVAL);
    }
  else
    {
      struct v4l2_control *c = arg;
      int *v = c->id == V4L2_CID_BRIGHTNESS ? &s->brightness :
               c->id == V4L2_CID_EXPOSURE_ABSOLUTE ? &s->exposure : NULL;
      if (!v)
        return fail (EINVAL);
      if (req == VIDIOC_G_CTRL)
        c->value = *v;
      else
        {
          int max = c->id == V4L2_CID_BRIGHTNESS ? 255 : 10000;
          if (c->value < (c->id == V4L2_CID_BRIGHTNESS ? 0 : 1) || c->value > max)
            return fail (ERANGE);
          *v = c->value;
          free (s->frame);
          s->frame = NULL;
        }
      return 0;
    }
}

static int ioctl_locked (struct fc *s, int fd, unsigned long req, void *arg);

static int
fc_ioctl (void *priv, int fd, unsigned long req, void *arg)
{
  struct fc *s = priv;
  int ret, saved;

  pthread_mutex_lock (&s->lock);
  ret = ioctl_locked (s, fd, req, arg);
  saved = errno;
  pthread_mutex_unlock (&s->lock);
  errno = saved;
  return ret;
}

static int
ioctl_locked (struct fc *s, int fd, unsigned long req, void *arg)
{

  if (s->log)
    {
      fprintf (s->log, "ioctl %c %lu\n", (char) ((req >> 8) & 0xff), req & 0xff);
      fflush (s->log);
    }
  if (s->gone)
    return fail (ENODEV);
  switch (req)
    {
    case VIDIOC_QUERYCAP:
      {
        struct v4l2_capability *c = arg;
        memset (c, 0, sizeof *c);
        strcpy ((char *) c->driver, "fakecam");
        strcpy ((char *) c->card, "Baoming fake camera");
        strcpy ((char *) c->bus_info, "platform:fakecam");
        c->version = 0x060100;
        c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
      }
    case VIDIOC_ENUM_FMT:
      {
        struct v4l2_fmtdesc *d = arg;
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index)
          return fail (EINVAL);
        d->flags = s->fmt == V4L2_PIX_FMT_MJPEG || s->fmt == V4L2_PIX_FMT_H264 ? V4L2_FMT_FLAG_COMPRESSED : 0;
        d->pixelformat = s->fmt;
        snprintf ((char *) d->description, sizeof d->description, "fake %.4s", (char *) &s->fmt);
        return 0;
      }
    case VIDIOC_ENUM_FRAMESIZES:
      {
        struct v4l2_frmsizeenum *z = arg;
        if (z->index >= (unsigned) s->nsizes || z->pixel_format != s->fmt)
          return fail (EINVAL);
        z->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        z->discrete.width = (unsigned) s->sizes[z->index][0];
        z->discrete.height = (unsigned) s->sizes[z->index][1];
        return 0;
      }
    case VIDIOC_ENUM_FRAMEINTERVALS:
      {
        struct v4l2_frmivalenum *v = arg;
        if (v->index || v->pixel_format != s->fmt)
          return fail (EINVAL);
        v->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        v->discrete.numerator = 1;
        v->discrete.denominator = 30;
        return 0;
      }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT:
      {
        struct v4l2_format *f = arg;
        if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
          return fail (EINVAL);
        if (req != VIDIOC_G_FMT)
          {
            /* nearest listed size not larger than asked, else the smallest */
            int best = 0;
            for (int k = 0; k < s->nsizes; k++)
              if (s->sizes[k][0] <= (int) f->fmt.pix.width && s->sizes[k][1] <= (int) f->fmt.pix.height &&
                  s->sizes[k][0] * s->sizes[k][1] >= s->sizes[best][0] * s->sizes[best][1])
                best = k;
            if (req == VIDIOC_S_FMT)
              {
                if (s->busy || s->nbuf)
                  return fail (EBUSY);
                if (s->w != s->sizes[best][0] || s->h != s->sizes[best][1])
                  {
                    free (s->frame);
                    s->frame = NULL;
                  }
                s->w = s->sizes[best][0];
                s->h = s->sizes[best][1];
              }
            else
              {
                struct fc t = *s;
                t.w = s->sizes[best][0];
                t.h = s->sizes[best][1];
                pix (&t, &f->fmt.pix);
                return 0;
              }
          }
        pix (s, &f->fmt.pix);
        return 0;
      }
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM:
      {
        struct v4l2_streamparm *p = arg;
        if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
          return fail (EINVAL);
        memset (&p->parm, 0, sizeof p->parm);
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        p->parm.capture.timeperframe.numerator = 1;
        p->parm.capture.timeperframe.denominator = 30;
        return 0;
      }
    case VIDIOC_ENUMINPUT:
      {
        struct v4l2_input *i = arg;
        if (i->index)
          return fail (EINVAL);
        memset (i, 0, sizeof *i);
        strcpy ((char *) i->name, "Camera");
        i->type = V4L2_INPUT_TYPE_CAMERA;
        return 0;
      }
    case VIDIOC_G_INPUT:
      *(int *) arg = 0;
      return 0;
    case VIDIOC_S_INPUT:
      return *(int *) arg ? fail (EINVAL) : 0;
    case VIDIOC_QUERYCTRL:
    case VIDIOC_G_CTRL:
    case VIDIOC_S_CTRL:
      return controls (s, req, arg);
    case VIDIOC_REQBUFS:
      {
        struct v4l2_requestbuffers *r = arg;
        if (r->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || r->memory != V4L2_MEMORY_MMAP)
          return fail (EINVAL);
        if (s->streaming || s->busy)
          return fail (EBUSY);
        s->nbuf = r->count > MAXB ? MAXB : (int) r->count;
        r->count = (unsigned) s->nbuf;
        r->capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP;
        memset (s->queued, 0, sizeof s->queued);
        s->qn = 0;
        s->slot = ((long) s->w * s->h * 3 + 4095) & ~4095L;
        if (ftruncate (fd, (off_t) s->nbuf * s->slot))
          return -1;
        return 0;
      }
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF:
    case VIDIOC_DQBUF:
      {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP)
          return fail (EINVAL);
        if (req == VIDIOC_DQBUF && dqbuf (s, fd, b))
          return -1;
        if (b->index >= (unsigned) s->nbuf)
          return fail (EINVAL);
        if (req == VIDIOC_QBUF)
          {
            if (s->queued[b->index])
              return fail (EINVAL);
            s->queued[b->index] = 1;
            s->qorder[s->qn++] = (int) b->index;
          }
        b->length = (unsigned) s->slot;
        b->m.offset = (unsigned) (b->index * s->slot);
        b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | (s->queued[b->index] ? V4L2_BUF_FLAG_QUEUED : 0);
        if (req == VIDIOC_DQBUF)
          b->flags |= V4L2_BUF_FLAG_DONE;
        return 0;
      }
    case VIDIOC_STREAMON:
      s->streaming = 1;
      return 0;
    case VIDIOC_STREAMOFF:
      s->streaming = 0;
      s->qn = 0;
      memset (s->queued, 0, sizeof s->queued);
      return 0;
    default:
      return fail (ENOTTY);   /* std, crop, ext controls, ...: "not supported", like many UVC cams */
    }
}

static ssize_t
fc_read (void *p, int fd, void *buf, size_t n)
{
  errno = EINVAL;
  return -1;
}

static ssize_t
fc_write (void *p, int fd, const void *buf, size_t n)
{
  errno = EINVAL;
  return -1;
}

__attribute__ ((visibility ("default")))
const struct libv4l_dev_ops libv4l2_plugin = {
  .init = fc_init,
  .close = fc_close,
  .ioctl = fc_ioctl,
  .read = fc_read,
  .write = fc_write,
};
