/* BmCamera through the real libv4l2/libv4lconvert against the fake camera
 * plugin (testing-v4l2.md C2): negotiation, YUYV and MJPEG conversion,
 * controls, stale-frame dropping, and error injection. */
#include "bm-fakecam-env.h"

#include <linux/videodev2.h>
#include <locale.h>
#include <unistd.h>

#include "bm-camera.h"
#include "bm-camera-monitor.h"
#include "bm-fakecam-frames.h"

typedef struct {
  char *dir;
  char *dev;
  gsize log_start;
  BmCamera *camera;
  GMainLoop *loop;
  BmCameraFrame *frame;
  GError *error;
  guint frames_signalled;
} Fixture;

/* libv4l2 opens LIBV4L2_LOG_FILENAME once per process: one log for all tests */
static char *log_path;

static gsize
log_size (void)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  g_file_get_contents (log_path, &text, &len, NULL);
  return len;
}

static const char *const env_keys[] = {
  "FAKECAM_FORMAT", "FAKECAM_SIZES", "FAKECAM_FPS", "FAKECAM_IMAGE", "FAKECAM_CONTROLS", "FAKECAM_FAIL", NULL
};

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("bm-camera-test-XXXXXX", NULL);
  f->dev = g_build_filename (f->dir, "cam0.v4l2fake", NULL);
  g_assert_true (g_file_set_contents (f->dev, "", 0, NULL));
  f->log_start = log_size ();
  for (int i = 0; env_keys[i]; i++)
    g_unsetenv (env_keys[i]);
  f->camera = bm_camera_new (f->dev);
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->camera);
  g_main_loop_unref (f->loop);
  g_clear_pointer (&f->frame, bm_camera_frame_free);
  g_clear_error (&f->error);
  g_remove (f->dev);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->dev);
}

static gboolean
quit_timeout (gpointer data)
{
  g_error ("timed out waiting");
  return G_SOURCE_REMOVE;
}

static void
captured (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;

  g_clear_pointer (&f->frame, bm_camera_frame_free);
  g_clear_error (&f->error);
  f->frame = bm_camera_capture_finish (BM_CAMERA (source), result, &f->error);
  g_main_loop_quit (f->loop);
}

/* Starts (if needed) and captures one frame after `skip`; returns FALSE with f->error set on failure. */
static gboolean
capture (Fixture *f, guint skip)
{
  guint id = g_timeout_add_seconds (20, quit_timeout, NULL);

  bm_camera_capture_async (f->camera, skip, NULL, captured, f);
  g_main_loop_run (f->loop);
  g_source_remove (id);
  return f->frame != NULL;
}

static void
open_and_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_camera_open (f->camera, &error));
  g_assert_no_error (error);
  g_assert_true (bm_camera_start (f->camera, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_STREAMING);
}

static const guint8 *
pixel (const BmCameraFrame *frame, int x, int y)
{
  return (const guint8 *) g_bytes_get_data (frame->pixels, NULL) + (gsize) y * frame->stride + x * 3;
}

static void
assert_bars (const BmCameraFrame *frame, int tolerance, int offset)
{
  for (int b = 0; b < FAKECAM_NBARS; b++)
    {
      int x = b * frame->width / FAKECAM_NBARS + frame->width / FAKECAM_NBARS / 2;
      const guint8 *p = pixel (frame, x, frame->height / 2);
      const guint8 want[3] = { fakecam_bars[b].r, fakecam_bars[b].g, fakecam_bars[b].b };
      for (int c = 0; c < 3; c++)
        {
          int w = CLAMP (want[c] + offset, 0, 255);
          if (ABS (p[c] - w) > tolerance)
            g_error ("bar %s channel %d: got %d want %d", fakecam_bars[b].name, c, p[c], w);
        }
    }
}

static gboolean
log_contains (Fixture *f, const char *needle)
{
  g_autofree char *text = NULL;
  gsize len;

  return g_file_get_contents (log_path, &text, &len, NULL) && len > f->log_start &&
         memmem (text + f->log_start, len - f->log_start, needle, strlen (needle)) != NULL;
}

static void
test_list (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) list = NULL;
  gboolean found = FALSE;

  g_setenv ("BAOMING_CAMERA_EXTRA_DEVICES", f->dev, TRUE);
  list = bm_camera_list_devices ();
  g_unsetenv ("BAOMING_CAMERA_EXTRA_DEVICES");
  for (guint i = 0; i < list->len; i++)
    {
      BmCameraInfo *info = g_ptr_array_index (list, i);
      if (g_str_equal (info->path, f->dev))
        {
          found = TRUE;
          g_assert_cmpstr (info->card, ==, "Baoming fake camera");
          g_assert_cmpstr (info->driver, ==, "fakecam");
        }
    }
  g_assert_true (found);
}

static void
test_convert (Fixture *f, gconstpointer data)
{
  const char *format = data;
  g_autoptr(JsonArray) formats = NULL;
  int w, h, stride;
  gboolean has_rgb = FALSE;

  g_setenv ("FAKECAM_FORMAT", format, TRUE);
  open_and_start (f);
  bm_camera_get_size (f->camera, &w, &h, &stride);
  /* largest 4:3 size within 1280x960 (1600x1200 is offered but too big) */
  g_assert_cmpint (w, ==, 1280);
  g_assert_cmpint (h, ==, 960);
  g_assert_cmpint (stride, >=, 1280 * 3);
  g_assert_cmpint (bm_camera_is_converting (f->camera), ==, !g_str_equal (format, "RGB3"));

  formats = bm_camera_list_formats (f->camera);
  for (guint i = 0; i < json_array_get_length (formats); i++)
    {
      JsonObject *o = json_array_get_object_element (formats, i);
      if (g_str_equal (json_object_get_string_member (o, "fourcc"), "RGB3"))
        has_rgb = TRUE;
    }
  g_assert_true (has_rgb);

  g_assert_true (capture (f, 2));
  g_assert_cmpint (f->frame->width, ==, 1280);
  g_assert_cmpint (f->frame->height, ==, 960);
  assert_bars (f->frame, g_str_equal (format, "MJPG") ? 8 : 6, 0);
  if (!g_str_equal (format, "RGB3"))
    {
      g_autofree char *needle = g_strdup_printf ("converting from: %s", format);
      g_assert_true (log_contains (f, needle));
    }
  bm_camera_stop (f->camera);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_READY);
  /* restartable */
  g_assert_true (bm_camera_start (f->camera, NULL));
  g_assert_true (capture (f, 0));
  bm_camera_close (f->camera);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_CLOSED);
}

static void
test_max_size (Fixture *f, gconstpointer data)
{
  int w, h;

  bm_camera_set_max_size (f->camera, 640, 480);
  open_and_start (f);
  bm_camera_get_size (f->camera, &w, &h, NULL);
  g_assert_cmpint (w, ==, 640);
  g_assert_cmpint (h, ==, 480);
  g_assert_true (capture (f, 1));
  g_assert_cmpint (f->frame->width, ==, 640);
}

static void
test_no_4_3 (Fixture *f, gconstpointer data)
{
  int w, h;

  g_setenv ("FAKECAM_SIZES", "640x360,1280x720,1920x1080", TRUE);
  g_assert_true (bm_camera_open (f->camera, NULL));
  bm_camera_get_size (f->camera, &w, &h, NULL);
  g_assert_cmpint (w, ==, 1280);
  g_assert_cmpint (h, ==, 720);
}

static void
test_no_format (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("FAKECAM_FORMAT", "H264", TRUE);
  g_assert_false (bm_camera_open (f->camera, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NO_FORMAT);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_CLOSED);
}

static void
test_busy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCamera) second = bm_camera_new (f->dev);

  /* another program holds it: the driver says EBUSY */
  g_setenv ("FAKECAM_FAIL", "busy", TRUE);
  g_assert_false (bm_camera_open (f->camera, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY);
  g_clear_error (&error);
  g_unsetenv ("FAKECAM_FAIL");

  /* one user at a time inside this program */
  open_and_start (f);
  g_assert_false (bm_camera_open (second, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (bm_camera_start (f->camera, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY);
  g_clear_error (&error);
  bm_camera_close (f->camera);
  g_assert_true (bm_camera_open (second, &error));
  g_assert_no_error (error);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "gone.v4l2fake", NULL);
  g_autoptr(BmCamera) cam = bm_camera_new (missing);

  g_assert_false (bm_camera_open (cam, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NOT_FOUND);
}

static void
test_recover (Fixture *f, gconstpointer data)
{
  /* a lone EAGAIN, EIO or short frame is ridden out */
  g_setenv ("FAKECAM_FORMAT", data, TRUE);
  g_setenv ("FAKECAM_FAIL", "eagain@2,eio@4,short@6", TRUE);
  open_and_start (f);
  g_assert_true (capture (f, 9));
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->frame->sequence, >=, 9);
  assert_bars (f->frame, 8, 0);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_STREAMING);
  if (g_str_equal (data, "RGB3"))
    g_assert_cmpuint (bm_camera_get_dropped_frames (f->camera), >=, 1);
}

static void
wait_state (Fixture *f, BmCameraState state)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (bm_camera_get_state (f->camera) != state)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > end)
        g_error ("camera never reached state %s", bm_camera_state_to_string (state));
    }
}

typedef struct {
  const char *format;
  const char *fail;
  BmCameraError expect;
  gboolean unplugged;
} FailCase;

static const FailCase fail_cases[] = {
  { "YUYV", "unplug@5", BM_CAMERA_ERROR_DISCONNECTED, TRUE },
  { "YUYV", "enodev@5", BM_CAMERA_ERROR_DISCONNECTED, FALSE },
  { "YUYV", "eioburst@5", BM_CAMERA_ERROR_BAD_FRAMES, FALSE },
  { "RGB3", "shortall@3", BM_CAMERA_ERROR_BAD_FRAMES, FALSE },
  { "MJPG", "corrupt@3", BM_CAMERA_ERROR_BAD_FRAMES, FALSE },
  { "YUYV", "stall@3", BM_CAMERA_ERROR_TIMEOUT, FALSE },
};

static void
test_fail (Fixture *f, gconstpointer data)
{
  const FailCase *c = data;
  g_autoptr(GError) error = NULL;

  g_setenv ("FAKECAM_FORMAT", c->format, TRUE);
  g_setenv ("FAKECAM_FAIL", c->fail, TRUE);
  bm_camera_set_frame_timeout (f->camera, 500);
  open_and_start (f);
  /* a capture that can never be satisfied fails with the stream's error */
  g_assert_false (capture (f, 1000));
  g_assert_error (f->error, BM_CAMERA_ERROR, (gint) c->expect);
  wait_state (f, BM_CAMERA_STATE_FAILED);
  g_assert_error ((GError *) bm_camera_get_error (f->camera), BM_CAMERA_ERROR, (gint) c->expect);
  g_test_message ("%s: %s", c->fail, bm_camera_get_error (f->camera)->message);

  /* capture in FAILED reports the same error; close returns to CLOSED */
  g_assert_false (capture (f, 0));
  g_assert_error (f->error, BM_CAMERA_ERROR, (gint) c->expect);
  bm_camera_close (f->camera);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_CLOSED);

  if (c->unplugged)
    {
      g_assert_false (bm_camera_open (f->camera, &error));
      g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NOT_FOUND);
      g_assert_true (g_file_set_contents (f->dev, "", 0, NULL));   /* plugged in again */
      g_clear_error (&error);
    }
  g_unsetenv ("FAKECAM_FAIL");
  open_and_start (f);
  g_assert_true (capture (f, 1));
}

static void
test_controls (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  int min, max, def, value;

  g_assert_true (bm_camera_open (f->camera, NULL));
  g_assert_false (bm_camera_get_control_range (f->camera, BM_CAMERA_CONTROL_BRIGHTNESS, &min, &max, &def));
  bm_camera_close (f->camera);

  g_setenv ("FAKECAM_CONTROLS", "1", TRUE);
  g_setenv ("FAKECAM_FORMAT", "RGB3", TRUE);   /* exact pixels: no YUV rounding */
  bm_camera_set_max_size (f->camera, 640, 480);
  open_and_start (f);
  g_assert_true (bm_camera_get_control_range (f->camera, BM_CAMERA_CONTROL_BRIGHTNESS, &min, &max, &def));
  g_assert_cmpint (min, ==, 0);
  g_assert_cmpint (max, ==, 255);
  g_assert_cmpint (def, ==, 128);
  g_assert_true (bm_camera_get_control_range (f->camera, BM_CAMERA_CONTROL_EXPOSURE, &min, &max, &def));
  g_assert_cmpint (max, ==, 10000);
  g_assert_true (bm_camera_set_control (f->camera, BM_CAMERA_CONTROL_EXPOSURE, 500, &error));
  g_assert_true (bm_camera_get_control (f->camera, BM_CAMERA_CONTROL_EXPOSURE, &value, &error));
  g_assert_cmpint (value, ==, 500);
  g_assert_true (bm_camera_set_control (f->camera, BM_CAMERA_CONTROL_BRIGHTNESS, 178, &error));
  g_assert_no_error (error);
  /* the picture gets brighter (the fake adds the offset, as a camera would) */
  g_assert_true (capture (f, 2));
  assert_bars (f->frame, 8, 50);
  g_assert_false (bm_camera_set_control (f->camera, BM_CAMERA_CONTROL_BRIGHTNESS, 999, &error));
  g_assert_nonnull (error);
}

static void
on_frame (BmCamera *camera, BmCameraFrame *frame, gpointer data)
{
  Fixture *f = data;

  f->frames_signalled++;
  g_assert_cmpint (frame->width, ==, 640);
  g_assert_cmpuint (g_bytes_get_size (frame->pixels), ==, (gsize) frame->stride * frame->height);
}

static void
test_stale_frames (Fixture *f, gconstpointer data)
{
  gint64 end;

  bm_camera_set_max_size (f->camera, 640, 480);
  g_signal_connect (f->camera, "frame", G_CALLBACK (on_frame), f);
  open_and_start (f);
  /* the main context is busy for 0.5 s: ~15 frames arrive, one is shown */
  g_usleep (500 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (f->frames_signalled, <=, 2);
  g_assert_cmpuint (bm_camera_get_dropped_frames (f->camera), >=, 8);
  /* when the main context keeps up, frames flow at the camera's rate */
  f->frames_signalled = 0;
  end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->frames_signalled, >=, 10);
  g_assert_cmpuint (f->frames_signalled, <=, 35);
}

static void
test_state_machine (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_assert_false (capture (f, 0));
  g_assert_error (f->error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE);
  g_assert_false (bm_camera_start (f->camera, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_true (bm_camera_open (f->camera, NULL));
  g_assert_false (bm_camera_open (f->camera, &error));
  g_assert_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (capture (f, 0));
  g_assert_error (f->error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE);
  g_assert_true (bm_camera_start (f->camera, NULL));

  /* cancelled capture */
  bm_camera_capture_async (f->camera, 100000, cancellable, captured, f);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (f->loop);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* stop with a capture pending */
  bm_camera_capture_async (f->camera, 100000, NULL, captured, f);
  bm_camera_stop (f->camera);
  g_main_loop_run (f->loop);
  g_assert_error (f->error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_CANCELLED);
  g_assert_cmpint (bm_camera_get_state (f->camera), ==, BM_CAMERA_STATE_READY);
  bm_camera_stop (f->camera);          /* no-op */
  g_assert_true (bm_camera_start (f->camera, NULL));
  g_clear_object (&f->camera);         /* dispose while streaming */
}

static void
on_added (BmCameraMonitor *monitor, const char *path, gpointer data)
{
  g_free (*(char **) data);
  *(char **) data = g_strdup (path);
}

static void
test_monitor (Fixture *f, gconstpointer data)
{
  g_autofree char *added = NULL, *removed = NULL;
  g_autofree char *cam = g_build_filename (f->dir, "video3.v4l2fake", NULL);
  g_autofree char *other = g_build_filename (f->dir, "notes.txt", NULL);
  g_autoptr(BmCameraMonitor) monitor = bm_camera_monitor_new (f->dir);
  g_autoptr(BmCamera) camera = NULL;
  gint64 end;

  g_assert_cmpuint (bm_camera_monitor_get_devices (monitor)->len, ==, 0);
  g_signal_connect (monitor, "device-added", G_CALLBACK (on_added), &added);
  g_signal_connect (monitor, "device-removed", G_CALLBACK (on_added), &removed);

  /* plugged in */
  g_assert_true (g_file_set_contents (other, "x", 1, NULL));
  g_assert_true (g_file_set_contents (cam, "", 0, NULL));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (added == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (added, ==, cam);
  g_assert_true (bm_camera_monitor_has_device (monitor, cam));
  g_assert_cmpstr (((BmCameraInfo *) g_ptr_array_index (bm_camera_monitor_get_devices (monitor), 0))->card,
                   ==, "Baoming fake camera");

  /* unplugged while streaming: the camera fails, the monitor reports it */
  g_setenv ("FAKECAM_FAIL", "unplug@3", TRUE);
  camera = bm_camera_new (cam);
  g_assert_true (bm_camera_open (camera, NULL));
  g_assert_true (bm_camera_start (camera, NULL));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((removed == NULL || bm_camera_get_state (camera) != BM_CAMERA_STATE_FAILED) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (removed, ==, cam);
  g_assert_false (bm_camera_monitor_has_device (monitor, cam));
  g_assert_error ((GError *) bm_camera_get_error (camera), BM_CAMERA_ERROR, BM_CAMERA_ERROR_DISCONNECTED);
  g_remove (other);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  bm_fakecam_install ();
  {
    g_autofree char *dir = g_dir_make_tmp ("bm-camera-log-XXXXXX", NULL);
    log_path = g_build_filename (dir, "libv4l2.log", NULL);
    g_setenv ("LIBV4L2_LOG_FILENAME", log_path, TRUE);
  }

#define ADD(path, func, data) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/camera/list", test_list, NULL);
  ADD ("/camera/convert/yuyv", test_convert, "YUYV");
  ADD ("/camera/convert/mjpeg", test_convert, "MJPG");
  ADD ("/camera/convert/rgb24-native", test_convert, "RGB3");
  ADD ("/camera/max-size", test_max_size, NULL);
  ADD ("/camera/no-4-3-size", test_no_4_3, NULL);
  ADD ("/camera/no-format", test_no_format, NULL);
  ADD ("/camera/busy", test_busy, NULL);
  ADD ("/camera/not-found", test_not_found, NULL);
  ADD ("/camera/recover/yuyv", test_recover, "YUYV");
  ADD ("/camera/recover/rgb24-native", test_recover, "RGB3");
  for (guint i = 0; i < G_N_ELEMENTS (fail_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/camera/fail/%s-%s", fail_cases[i].format, fail_cases[i].fail);
      *strchr (path, '@') = '-';
      ADD (path, test_fail, &fail_cases[i]);
    }
  ADD ("/camera/controls", test_controls, NULL);
  ADD ("/camera/stale-frames", test_stale_frames, NULL);
  ADD ("/camera/state-machine", test_state_machine, NULL);
  ADD ("/camera/monitor", test_monitor, NULL);
  return g_test_run ();
}
