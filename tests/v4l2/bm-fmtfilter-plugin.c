/* libv4l2 plugin (testing-v4l2.md A.6): with LIBV4L2_FMTFILTER=<fourcc>
 * (e.g. YUYV) a real device looks as if it offered only that format, so an
 * application asking for RGB24 gets libv4lconvert's conversion even on vivid,
 * which has native RGB24. Everything else goes to the kernel. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/videodev2.h>
#include <libv4l-plugin.h>

static unsigned
fourcc (void)
{
  const char *s = getenv ("LIBV4L2_FMTFILTER");

  if (!s || strlen (s) != 4)
    return 0;
  return v4l2_fourcc (s[0], s[1], s[2], s[3]);
}

static void *
ff_init (int fd)
{
  unsigned f = fourcc (), *p;

  if (!f)
    return NULL;
  p = malloc (sizeof *p);
  *p = f;
  return p;
}

static void
ff_close (void *p)
{
  free (p);
}

static int
ff_ioctl (void *priv, int fd, unsigned long req, void *arg)
{
  unsigned only = *(unsigned *) priv;

  if (req == VIDIOC_ENUM_FMT)
    {
      struct v4l2_fmtdesc *d = arg;
      if (d->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
        {
          if (d->index)
            {
              errno = EINVAL;
              return -1;
            }
          for (unsigned i = 0;; i++)
            {
              struct v4l2_fmtdesc k;
              memset (&k, 0, sizeof k);
              k.type = d->type;
              k.index = i;
              if (syscall (SYS_ioctl, fd, VIDIOC_ENUM_FMT, &k))
                return -1;
              if (k.pixelformat == only)
                {
                  k.index = 0;
                  *d = k;
                  return 0;
                }
            }
        }
    }
  else if (req == VIDIOC_TRY_FMT || req == VIDIOC_S_FMT)
    {
      struct v4l2_format *f = arg;
      if (f->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
        f->fmt.pix.pixelformat = only;
    }
  else if (req == VIDIOC_ENUM_FRAMESIZES)
    {
      struct v4l2_frmsizeenum *z = arg;
      if (z->pixel_format != only)
        {
          errno = EINVAL;
          return -1;
        }
    }
  return (int) syscall (SYS_ioctl, fd, req, arg);
}

static ssize_t
ff_read (void *p, int fd, void *buf, size_t n)
{
  return syscall (SYS_read, fd, buf, n);
}

static ssize_t
ff_write (void *p, int fd, const void *buf, size_t n)
{
  return syscall (SYS_write, fd, buf, n);
}

__attribute__ ((visibility ("default")))
const struct libv4l_dev_ops libv4l2_plugin = {
  .init = ff_init, .close = ff_close, .ioctl = ff_ioctl, .read = ff_read, .write = ff_write,
};
