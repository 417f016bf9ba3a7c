/* bm-camera.c: one V4L2 capture device through libv4l2.
 *
 * libv4l2 gives us RGB24 from whatever the camera speaks (YUYV, MJPEG, ...)
 * through libv4lconvert, so the rest of the program sees one pixel format.
 * Streaming uses mmap buffers on a worker thread; the thread keeps only the
 * newest frame for the main context, so a slow UI drops frames instead of
 * falling behind. The state machine is documented in docs/camera.md.
 */
#define G_LOG_DOMAIN "app-camera"

#include "bm-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "bm-camera-private.h"

G_DEFINE_QUARK (bm-camera-error-quark, bm_camera_error)

G_DEFINE_FINAL_TYPE (BmCamera, bm_camera, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, N_PROPS };
enum { SIGNAL_FRAME, N_SIGNALS };
static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

/* Devices streaming in this process: one user at a time per device. */
static GMutex in_use_lock;
static GHashTable *in_use;

G_DEFINE_BOXED_TYPE (BmCameraFrame, bm_camera_frame, bm_camera_frame_copy, bm_camera_frame_free)

BmCameraFrame *
bm_camera_frame_copy (const BmCameraFrame *frame)
{
  BmCameraFrame *copy = g_new (BmCameraFrame, 1);

  *copy = *frame;
  copy->pixels = g_bytes_ref (frame->pixels);
  return copy;
}

void
bm_camera_frame_free (BmCameraFrame *frame)
{
  if (frame == NULL)
    return;
  g_bytes_unref (frame->pixels);
  g_free (frame);
}

const char *
bm_camera_state_to_string (BmCameraState state)
{
  switch (state)
    {
    case BM_CAMERA_STATE_CLOSED: return "closed";
    case BM_CAMERA_STATE_READY: return "ready";
    case BM_CAMERA_STATE_STREAMING: return "streaming";
    case BM_CAMERA_STATE_FAILED: return "failed";
    default: return "unknown";
    }
}

int
_bm_camera_xioctl (int fd, unsigned long req, void *arg)
{
  int r;

  do
    r = v4l2_ioctl (fd, req, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

/* Maps errno of a device call to our domain with a message a clerk can act on. */
void
_bm_camera_set_errno_error (GError **error, int err, const char *path, const char *what)
{
  switch (err)
    {
    case ENOENT:
    case ENXIO:
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NOT_FOUND,
                   _("Camera %s not found. Check that it is plugged in."), path);
      break;
    case ENODEV:
    case EIO:
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_DISCONNECTED,
                   _("Camera %s was unplugged or stopped working. Plug it in again and retry."), path);
      break;
    case EACCES:
    case EPERM:
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_PERMISSION,
                   _("No permission to use camera %s (the user must be in the video group)."), path);
      break;
    case EBUSY:
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY,
                   _("Camera %s is in use by another program. Close it and retry."), path);
      break;
    default:
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_FAILED,
                   _("Camera %s failed (%s: %s)."), path, what, g_strerror (err));
      break;
    }
}

void
_bm_camera_set_state (BmCamera *self, BmCameraState state)
{
  if (self->state == state)
    return;
  g_debug ("%s: %s -> %s", self->path, bm_camera_state_to_string (self->state), bm_camera_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

void
bm_camera_info_free (BmCameraInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->card);
  g_free (info->driver);
  g_free (info->bus_info);
  g_free (info);
}

static int
video_index (const char *name)
{
  return (int) g_ascii_strtoll (name + 5, NULL, 10);
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  const BmCameraInfo *x = *(BmCameraInfo **) a, *y = *(BmCameraInfo **) b;
  const char *bx = strrchr (x->path, '/'), *by = strrchr (y->path, '/');

  if (bx && by && g_str_has_prefix (bx, "/video") && g_str_has_prefix (by, "/video"))
    return video_index (bx + 1) - video_index (by + 1);
  return g_strcmp0 (x->path, y->path);
}

static BmCameraInfo *
probe (const char *path)
{
  struct v4l2_capability cap = { 0 };
  guint32 caps;
  int fd = v4l2_open (path, O_RDWR | O_NONBLOCK);
  BmCameraInfo *info;

  if (fd < 0)
    return NULL;
  if (_bm_camera_xioctl (fd, VIDIOC_QUERYCAP, &cap) != 0)
    {
      v4l2_close (fd);
      return NULL;
    }
  v4l2_close (fd);
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  /* UVC cameras also expose a metadata node; it cannot capture pictures. */
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING))
    return NULL;
  info = g_new0 (BmCameraInfo, 1);
  info->path = g_strdup (path);
  info->card = g_strndup ((char *) cap.card, sizeof cap.card);
  info->driver = g_strndup ((char *) cap.driver, sizeof cap.driver);
  info->bus_info = g_strndup ((char *) cap.bus_info, sizeof cap.bus_info);
  return info;
}

/**
 * bm_camera_list_devices_in:
 * @dir: the directory to scan (/dev normally)
 *
 * The capture devices named video<N> in @dir, in number order.
 *
 * Returns: (transfer full) (element-type BmCameraInfo): the devices.
 */
GPtrArray *
bm_camera_list_devices_in (const char *dir)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_camera_info_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      BmCameraInfo *info;

      if (!g_str_has_prefix (name, "video") || !g_ascii_isdigit (name[5]))
        continue;
      path = g_build_filename (dir, name, NULL);
      if ((info = probe (path)) != NULL)
        g_ptr_array_add (list, info);
    }
  g_ptr_array_sort (list, compare_paths);
  return list;
}

/**
 * bm_camera_list_devices:
 *
 * The capture devices among /dev/video*, in number order. For tests,
 * BAOMING_CAMERA_EXTRA_DEVICES may name more paths (colon-separated), e.g.
 * the fake camera plugin's files.
 *
 * Returns: (transfer full) (element-type BmCameraInfo): the devices.
 */
GPtrArray *
bm_camera_list_devices (void)
{
  GPtrArray *list = bm_camera_list_devices_in ("/dev");
  const char *extra = g_getenv ("BAOMING_CAMERA_EXTRA_DEVICES");

  if (extra)
    {
      g_auto(GStrv) paths = g_strsplit (extra, ":", -1);
      for (int i = 0; paths[i]; i++)
        {
          BmCameraInfo *info = *paths[i] ? probe (paths[i]) : NULL;
          if (info)
            g_ptr_array_add (list, info);
        }
    }
  return list;
}

static void
bm_camera_dispose (GObject *object)
{
  bm_camera_close (BM_CAMERA (object));
  G_OBJECT_CLASS (bm_camera_parent_class)->dispose (object);
}

static void
bm_camera_finalize (GObject *object)
{
  BmCamera *self = BM_CAMERA (object);

  g_free (self->path);
  g_free (self->card);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (bm_camera_parent_class)->finalize (object);
}

static void
bm_camera_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BmCamera *self = BM_CAMERA (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_camera_class_init (BmCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_camera_dispose;
  object_class->finalize = bm_camera_finalize;
  object_class->get_property = bm_camera_get_property;

  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, BM_CAMERA_STATE_CLOSED, BM_CAMERA_STATE_FAILED,
                                        BM_CAMERA_STATE_CLOSED, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * BmCamera::frame:
   * @frame: (type BmCameraFrame): the newest frame (RGB24)
   *
   * Emitted in the main context for each frame it had time for.
   */
  signals[SIGNAL_FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        BM_TYPE_CAMERA_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
bm_camera_init (BmCamera *self)
{
  self->fd = -1;
  self->wake[0] = self->wake[1] = -1;
  self->max_w = 1280;
  self->max_h = 960;
  self->frame_timeout_ms = 5000;
  g_mutex_init (&self->lock);
}

BmCamera *
bm_camera_new (const char *path)
{
  BmCamera *self;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (BM_TYPE_CAMERA, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *bm_camera_get_path (BmCamera *self) { g_return_val_if_fail (BM_IS_CAMERA (self), NULL); return self->path; }
BmCameraState bm_camera_get_state (BmCamera *self) { g_return_val_if_fail (BM_IS_CAMERA (self), BM_CAMERA_STATE_CLOSED); return self->state; }
const GError *bm_camera_get_error (BmCamera *self) { g_return_val_if_fail (BM_IS_CAMERA (self), NULL); return self->error; }
const char *bm_camera_get_card (BmCamera *self) { g_return_val_if_fail (BM_IS_CAMERA (self), NULL); return self->card; }
gboolean bm_camera_is_converting (BmCamera *self) { g_return_val_if_fail (BM_IS_CAMERA (self), FALSE); return self->converting; }

guint64
bm_camera_get_dropped_frames (BmCamera *self)
{
  g_autoptr(GMutexLocker) l = g_mutex_locker_new (&self->lock);
  return self->dropped;
}

guint64
bm_camera_get_delivered_frames (BmCamera *self)
{
  g_autoptr(GMutexLocker) l = g_mutex_locker_new (&self->lock);
  return self->delivered;
}

/**
 * bm_camera_set_max_size:
 *
 * The largest picture to negotiate (default 1280×960); takes effect at the
 * next bm_camera_open().
 */
void
bm_camera_set_max_size (BmCamera *self,
                        int       width,
                        int       height)
{
  g_return_if_fail (BM_IS_CAMERA (self));
  self->max_w = MAX (width, 1);
  self->max_h = MAX (height, 1);
}

/**
 * bm_camera_set_frame_timeout:
 *
 * How long the stream may go without a frame before it fails with
 * %BM_CAMERA_ERROR_TIMEOUT (default 5 s).
 */
void
bm_camera_set_frame_timeout (BmCamera *self,
                             guint     msec)
{
  g_return_if_fail (BM_IS_CAMERA (self));
  self->frame_timeout_ms = MAX (msec, 10);
}

void
bm_camera_get_size (BmCamera *self,
                    int      *width,
                    int      *height,
                    int      *stride)
{
  g_return_if_fail (BM_IS_CAMERA (self));
  if (width) *width = self->width;
  if (height) *height = self->height;
  if (stride) *stride = self->stride;
}


static gboolean
in_use_acquire (const char *path)
{
  g_autoptr(GMutexLocker) l = g_mutex_locker_new (&in_use_lock);

  if (in_use == NULL)
    in_use = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains (in_use, path))
    return FALSE;
  g_hash_table_add (in_use, g_strdup (path));
  return TRUE;
}

static void
in_use_release (const char *path)
{
  g_autoptr(GMutexLocker) l = g_mutex_locker_new (&in_use_lock);

  if (in_use)
    g_hash_table_remove (in_use, path);
}

/* Picks the size: the largest 4:3 within the maximum, else the largest
 * within it, else the smallest offered. Frame sizes are enumerated for
 * RGB24, which libv4l2 answers for emulated formats too. */
static void
choose_size (BmCamera *self, int *w, int *h)
{
  struct v4l2_frmsizeenum z;
  int best43 = 0, bw43 = 0, bh43 = 0, best = 0, bw = 0, bh = 0, small = G_MAXINT, sw = 0, sh = 0;

  *w = self->max_w;
  *h = self->max_h;
  for (guint i = 0;; i++)
    {
      memset (&z, 0, sizeof z);
      z.index = i;
      z.pixel_format = V4L2_PIX_FMT_RGB24;
      if (_bm_camera_xioctl (self->fd, VIDIOC_ENUM_FRAMESIZES, &z) != 0)
        break;
      if (z.type != V4L2_FRMSIZE_TYPE_DISCRETE)
        {
          /* stepwise/continuous: ask for the maximum and let S_FMT adjust */
          *w = MIN (self->max_w, (int) z.stepwise.max_width);
          *h = MIN (self->max_h, (int) z.stepwise.max_height);
          return;
        }
      int fw = (int) z.discrete.width, fh = (int) z.discrete.height, a = fw * fh;
      if (a < small)
        {
          small = a; sw = fw; sh = fh;
        }
      if (fw > self->max_w || fh > self->max_h)
        continue;
      if (a > best)
        {
          best = a; bw = fw; bh = fh;
        }
      if (fw * 3 == fh * 4 && a > best43)
        {
          best43 = a; bw43 = fw; bh43 = fh;
        }
    }
  if (best43)
    {
      *w = bw43; *h = bh43;
    }
  else if (best)
    {
      *w = bw; *h = bh;
    }
  else if (sw)
    {
      *w = sw; *h = sh;
    }
}

static gboolean
negotiate (BmCamera *self, GError **error)
{
  struct v4l2_format fmt;
  struct v4l2_fmtdesc d;
  struct v4l2_streamparm parm;
  int w, h;

  choose_size (self, &w, &h);
  memset (&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  fmt.fmt.pix.width = (guint32) w;
  fmt.fmt.pix.height = (guint32) h;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
  fmt.fmt.pix.field = V4L2_FIELD_NONE;
  if (_bm_camera_xioctl (self->fd, VIDIOC_S_FMT, &fmt) != 0)
    {
      int err = errno;
      if (err == EINVAL)
        g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NO_FORMAT,
                     _("Camera %s offers no picture format this program can use."), self->path);
      else
        _bm_camera_set_errno_error (error, err, self->path, "VIDIOC_S_FMT");
      return FALSE;
    }
  if (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_RGB24 || fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NO_FORMAT,
                   _("Camera %s offers no picture format this program can use."), self->path);
      return FALSE;
    }
  self->width = (int) fmt.fmt.pix.width;
  self->height = (int) fmt.fmt.pix.height;
  self->stride = MAX ((int) fmt.fmt.pix.bytesperline, self->width * 3);

  /* Is RGB24 produced by libv4lconvert? (shown in `camera list`) */
  self->converting = FALSE;
  memset (&d, 0, sizeof d);
  d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  for (d.index = 0; _bm_camera_xioctl (self->fd, VIDIOC_ENUM_FMT, &d) == 0; d.index++)
    if (d.pixelformat == V4L2_PIX_FMT_RGB24)
      self->converting = (d.flags & V4L2_FMT_FLAG_EMULATED) != 0;

  /* 30 fps if the camera lets us choose; not fatal if it does not. */
  memset (&parm, 0, sizeof parm);
  parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  parm.parm.capture.timeperframe.numerator = 1;
  parm.parm.capture.timeperframe.denominator = 30;
  (void) _bm_camera_xioctl (self->fd, VIDIOC_S_PARM, &parm);
  return TRUE;
}

/**
 * bm_camera_open:
 *
 * CLOSED → READY: opens the device with v4l2_open, checks it can capture
 * and negotiates RGB24 at the chosen size.
 */
gboolean
bm_camera_open (BmCamera  *self,
                GError   **error)
{
  struct v4l2_capability cap = { 0 };
  guint32 caps;

  g_return_val_if_fail (BM_IS_CAMERA (self), FALSE);

  if (self->state != BM_CAMERA_STATE_CLOSED)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE, _("The camera is already open."));
      return FALSE;
    }
  if (!in_use_acquire (self->path))
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY,
                   _("Camera %s is already in use by this program."), self->path);
      return FALSE;
    }
  self->fd = v4l2_open (self->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (self->fd < 0)
    {
      _bm_camera_set_errno_error (error, errno, self->path, "open");
      in_use_release (self->path);
      return FALSE;
    }
  if (_bm_camera_xioctl (self->fd, VIDIOC_QUERYCAP, &cap) != 0)
    {
      int err = errno;
      if (err == ENOTTY || err == EINVAL)
        g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NOT_FOUND, _("%s is not a camera."), self->path);
      else
        _bm_camera_set_errno_error (error, err, self->path, "VIDIOC_QUERYCAP");
      goto fail;
    }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING))
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NOT_FOUND,
                   _("%s is not a camera that can stream pictures."), self->path);
      goto fail;
    }
  g_free (self->card);
  self->card = g_strndup ((char *) cap.card, sizeof cap.card);
  if (!negotiate (self, error))
    goto fail;
  g_clear_error (&self->error);
  _bm_camera_set_state (self, BM_CAMERA_STATE_READY);
  return TRUE;

fail:
  v4l2_close (self->fd);
  self->fd = -1;
  in_use_release (self->path);
  return FALSE;
}

/**
 * bm_camera_close:
 *
 * Any state → CLOSED. Stops the stream first if needed.
 */
void
bm_camera_close (BmCamera *self)
{
  g_return_if_fail (BM_IS_CAMERA (self));

  bm_camera_stop (self);
  if (self->fd >= 0)
    {
      v4l2_close (self->fd);
      self->fd = -1;
      in_use_release (self->path);
    }
  _bm_camera_set_state (self, BM_CAMERA_STATE_CLOSED);
}

/**
 * bm_camera_list_formats:
 *
 * Returns: (transfer full): [{"fourcc","description","emulated","sizes":["WxH",...]}]
 *   as libv4l2 presents them (emulated = produced by libv4lconvert).
 */
JsonArray *
bm_camera_list_formats (BmCamera *self)
{
  JsonArray *arr = json_array_new ();
  struct v4l2_fmtdesc d;

  g_return_val_if_fail (BM_IS_CAMERA (self), arr);
  if (self->fd < 0)
    return arr;
  memset (&d, 0, sizeof d);
  d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  for (d.index = 0; _bm_camera_xioctl (self->fd, VIDIOC_ENUM_FMT, &d) == 0; d.index++)
    {
      JsonObject *o = json_object_new ();
      JsonArray *sizes = json_array_new ();
      char fourcc[8] = { 0 };
      g_autofree char *description = g_utf8_make_valid ((char *) d.description,
                                                        strnlen ((char *) d.description, sizeof d.description));

      /* bit 31 marks the big-endian variant (e.g. "Y16 " BE): not a character */
      for (int k = 0; k < 4; k++)
        fourcc[k] = (char) ((d.pixelformat >> (8 * k)) & 0x7f);
      if (d.pixelformat & (1u << 31))
        strcat (fourcc, "-BE");
      json_object_set_string_member (o, "fourcc", fourcc);
      json_object_set_string_member (o, "description", description);
      json_object_set_boolean_member (o, "emulated", (d.flags & V4L2_FMT_FLAG_EMULATED) != 0);
      for (guint i = 0; i < 64; i++)
        {
          struct v4l2_frmsizeenum z = { .index = i, .pixel_format = d.pixelformat };
          if (_bm_camera_xioctl (self->fd, VIDIOC_ENUM_FRAMESIZES, &z) != 0)
            break;
          if (z.type == V4L2_FRMSIZE_TYPE_DISCRETE)
            {
              g_autofree char *s = g_strdup_printf ("%ux%u", z.discrete.width, z.discrete.height);
              json_array_add_string_element (sizes, s);
            }
          else
            {
              g_autofree char *s = g_strdup_printf ("%ux%u-%ux%u", z.stepwise.min_width, z.stepwise.min_height,
                                                    z.stepwise.max_width, z.stepwise.max_height);
              json_array_add_string_element (sizes, s);
              break;
            }
        }
      json_object_set_array_member (o, "sizes", sizes);
      json_array_add_object_element (arr, o);
    }
  return arr;
}

static guint32
control_id (BmCameraControl control)
{
  return control == BM_CAMERA_CONTROL_BRIGHTNESS ? V4L2_CID_BRIGHTNESS : V4L2_CID_EXPOSURE_ABSOLUTE;
}

/**
 * bm_camera_get_control_range:
 *
 * Returns: %FALSE if the camera has no such control (many have no exposure).
 */
gboolean
bm_camera_get_control_range (BmCamera        *self,
                             BmCameraControl  control,
                             int             *min,
                             int             *max,
                             int             *def)
{
  struct v4l2_queryctrl q = { .id = control_id (control) };

  g_return_val_if_fail (BM_IS_CAMERA (self), FALSE);
  if (self->fd < 0 || _bm_camera_xioctl (self->fd, VIDIOC_QUERYCTRL, &q) != 0 ||
      (q.flags & V4L2_CTRL_FLAG_DISABLED) || q.type != V4L2_CTRL_TYPE_INTEGER)
    return FALSE;
  if (min) *min = q.minimum;
  if (max) *max = q.maximum;
  if (def) *def = q.default_value;
  return TRUE;
}

gboolean
bm_camera_get_control (BmCamera         *self,
                       BmCameraControl   control,
                       int              *value,
                       GError          **error)
{
  struct v4l2_control c = { .id = control_id (control) };

  g_return_val_if_fail (BM_IS_CAMERA (self), FALSE);
  if (self->fd < 0)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE, _("The camera is not open."));
      return FALSE;
    }
  if (_bm_camera_xioctl (self->fd, VIDIOC_G_CTRL, &c) != 0)
    {
      _bm_camera_set_errno_error (error, errno, self->path, "VIDIOC_G_CTRL");
      return FALSE;
    }
  *value = c.value;
  return TRUE;
}

/**
 * bm_camera_set_control:
 *
 * Setting the exposure first switches the camera to manual exposure.
 */
gboolean
bm_camera_set_control (BmCamera         *self,
                       BmCameraControl   control,
                       int               value,
                       GError          **error)
{
  struct v4l2_control c = { .id = control_id (control), .value = value };

  g_return_val_if_fail (BM_IS_CAMERA (self), FALSE);
  if (self->fd < 0)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE, _("The camera is not open."));
      return FALSE;
    }
  if (control == BM_CAMERA_CONTROL_EXPOSURE)
    {
      struct v4l2_control a = { .id = V4L2_CID_EXPOSURE_AUTO, .value = V4L2_EXPOSURE_MANUAL };
      (void) _bm_camera_xioctl (self->fd, VIDIOC_S_CTRL, &a);
    }
  if (_bm_camera_xioctl (self->fd, VIDIOC_S_CTRL, &c) != 0)
    {
      _bm_camera_set_errno_error (error, errno, self->path, "VIDIOC_S_CTRL");
      return FALSE;
    }
  return TRUE;
}
