/* bench-camera: the camera path's cost, on the fake camera plugin
 * (libv4l2 + libv4lconvert really run; only the sensor is fake).
 *
 *   sudo _build/tests/v4l2/bench-camera [SECONDS]
 *
 * 1. Preview 640x480 at 30 fps: CPU time of the whole process (worker
 *    thread: DQBUF, libv4lconvert to RGB24, copy into GBytes; main thread:
 *    frame dispatch) as a share of one core, for YUYV and MJPEG cameras.
 * 2. Capture-to-stored-photo latency at 1280x960 (the default size): from
 *    the capture request to the photo committed in a SQLite store (wait for
 *    the next frame, crop, scale, JPEG size fit, checks, store), median and
 *    worst of 15.
 * Targets (issue 6): <= 15% of a core, <= 100 ms. Needs root (private mount
 * namespace for the plugin, as the v4l2 suite).
 */
#include "bm-fakecam-env.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bm-camera.h"
#include "bm-id-number.h"
#include "bm-photo.h"
#include "bm-store-photo.h"
#include "bm-test-portrait.h"

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
count_frame (BmCamera *camera, BmCameraFrame *frame, gpointer data)
{
  (*(guint *) data)++;
}

static void
preview (const char *dev, const char *format, double seconds)
{
  g_autoptr(BmCamera) camera = bm_camera_new (dev);
  g_autoptr(GError) error = NULL;
  guint frames = 0;
  gint64 start, end;
  double cpu0, cpu;

  g_setenv ("FAKECAM_FORMAT", format, TRUE);
  bm_camera_set_max_size (camera, 640, 480);
  g_signal_connect (camera, "frame", G_CALLBACK (count_frame), &frames);
  if (!bm_camera_open (camera, &error) || !bm_camera_start (camera, &error))
    g_error ("%s", error->message);
  /* warm up (first frames, allocations) */
  end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  frames = 0;
  cpu0 = cpu_seconds ();
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  cpu = cpu_seconds () - cpu0;
  printf ("preview %s 640x480: %.1f fps shown, %.1f%% of one core (%.2f s CPU in %.1f s), %" G_GUINT64_FORMAT " dropped\n",
          format, frames / seconds, 100.0 * cpu / seconds, cpu, seconds, bm_camera_get_dropped_frames (camera));
  bm_camera_close (camera);
}

typedef struct {
  GMainLoop *loop;
  BmCameraFrame *frame;
  GError *error;
} Wait;

static void
captured (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->frame = bm_camera_capture_finish (BM_CAMERA (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
capture_to_store (const char *dev, const char *dir)
{
  enum { RUNS = 15 };
  g_autoptr(BmCamera) camera = bm_camera_new (dev);
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *ppm = g_build_filename (dir, "portrait.ppm", NULL);
  g_autofree char *number = NULL;
  double total[RUNS], wait_ms[RUNS], process_ms[RUNS], store_ms[RUNS], cpu_ms[RUNS];
  BmTestPortrait p;

  /* the fake camera shows a synthetic portrait at 1280x960 */
  bm_test_portrait_defaults (&p);
  p.width = 1280;
  p.height = 960;
  {
    g_autoptr(BmImage) img = bm_test_portrait_draw (&p);
    g_autoptr(GString) s = g_string_new (NULL);
    g_string_printf (s, "P6\n1280 960\n255\n");
    g_string_append_len (s, (const char *) bm_image_get_data (img), 1280 * 960 * 3);
    g_assert_true (g_file_set_contents (ppm, s->str, (gssize) s->len, NULL));
  }
  g_setenv ("FAKECAM_FORMAT", "MJPG", TRUE);
  g_setenv ("FAKECAM_IMAGE", ppm, TRUE);

  store = bm_store_open (db, TRUE, &error);
  if (store == NULL || !bm_store_init_training (store, &error))
    g_error ("%s", error->message);
  {
    g_autoptr(JsonObject) o = json_object_new ();
    g_autoptr(BmCandidate) c = NULL;
    const char *first17 = "43010220030708011";
    g_autofree char *id = g_strdup_printf ("%s%c", first17, bm_id_number_check_character (first17));
    json_object_set_string_member (o, "id_type", "resident_card");
    json_object_set_string_member (o, "id_number", id);
    json_object_set_string_member (o, "name", "测试");
    json_object_set_string_member (o, "sex", "1");
    json_object_set_string_member (o, "nation", "01");
    json_object_set_string_member (o, "birth_date", "2003-07-08");
    json_object_set_string_member (o, "address", "长沙");
    json_object_set_string_member (o, "category", "1");
    json_object_set_string_member (o, "source", "manual");
    c = bm_candidate_new_from_json (o, &error);
    if (c == NULL || !bm_store_add_candidate (store, c, "training", &error))
      g_error ("%s", error->message);
    number = g_strdup (bm_candidate_get (c, "number"));
  }

  if (!bm_camera_open (camera, &error) || !bm_camera_start (camera, &error))
    g_error ("%s", error->message);
  for (int i = 0; i < RUNS + 2; i++)
    {
      Wait w = { g_main_loop_new (NULL, FALSE), NULL, NULL };
      g_autoptr(BmImage) image = NULL;
      g_autoptr(BmPhoto) photo = NULL;
      gint64 t0, t1, t2, t3;
      double c1, c3;
      BmPhotoFrame frame = { 280, 0, 720, 960 };

      g_usleep (g_random_int_range (0, 33000));     /* the clerk presses Space at any moment */
      t0 = g_get_monotonic_time ();
      bm_camera_capture_async (camera, 0, NULL, captured, &w);
      g_main_loop_run (w.loop);
      g_main_loop_unref (w.loop);
      if (w.frame == NULL)
        g_error ("%s", w.error->message);
      t1 = g_get_monotonic_time ();
      c1 = cpu_seconds ();
      image = bm_image_new_from_rgb (w.frame->width, w.frame->height, w.frame->stride,
                                     g_bytes_get_data (w.frame->pixels, NULL));
      photo = bm_photo_new_from_image (image, &frame, NULL, &error);
      if (photo == NULL)
        g_error ("%s", error->message);
      t2 = g_get_monotonic_time ();
      if (!bm_store_save_photo (store, number, photo, "camera", "training", &error))
        g_error ("%s", error->message);
      t3 = g_get_monotonic_time ();
      c3 = cpu_seconds ();
      bm_camera_frame_free (w.frame);
      if (i < 2)
        continue;                                    /* warm-up */
      total[i - 2] = (t3 - t0) / 1000.0;
      wait_ms[i - 2] = (t1 - t0) / 1000.0;
      process_ms[i - 2] = (t2 - t1) / 1000.0;
      store_ms[i - 2] = (t3 - t2) / 1000.0;
      cpu_ms[i - 2] = (c3 - c1) * 1000.0;
    }
  bm_camera_close (camera);
  qsort (total, RUNS, sizeof (double), compare_doubles);
  qsort (wait_ms, RUNS, sizeof (double), compare_doubles);
  qsort (process_ms, RUNS, sizeof (double), compare_doubles);
  qsort (store_ms, RUNS, sizeof (double), compare_doubles);
  qsort (cpu_ms, RUNS, sizeof (double), compare_doubles);
  printf ("capture-to-stored 1280x960 MJPEG: median %.1f ms, worst %.1f ms "
          "(median: next frame %.1f, crop/scale/JPEG fit/checks %.1f, store %.1f; CPU for processing+store %.1f ms)\n",
          total[RUNS / 2], total[RUNS - 1], wait_ms[RUNS / 2], process_ms[RUNS / 2], store_ms[RUNS / 2], cpu_ms[RUNS / 2]);
  {
    double load[3];
    if (getloadavg (load, 3) == 3)
      printf ("(load average during the run: %.2f on %d cores; other processes share them)\n", load[0], (int) g_get_num_processors ());
  }
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 5.0;
  g_autofree char *dir = NULL;
  g_autofree char *dev = NULL;

  setlocale (LC_ALL, "");
  if (g_getenv ("FAKECAM_PLUGIN") == NULL)
    g_setenv ("FAKECAM_PLUGIN", FAKECAM_PLUGIN_PATH, TRUE);
  if (g_getenv ("FAKECAM_PLUGIN_DIR") == NULL)
    g_setenv ("FAKECAM_PLUGIN_DIR", FAKECAM_PLUGIN_DIR_PATH, TRUE);
  bm_fakecam_install ();
  dir = g_dir_make_tmp ("bm-bench-camera-XXXXXX", NULL);
  dev = g_build_filename (dir, "cam0.v4l2fake", NULL);
  g_file_set_contents (dev, "", 0, NULL);
  if (seconds <= 0)
    seconds = 5.0;

  preview (dev, "YUYV", seconds);
  preview (dev, "MJPG", seconds);
  capture_to_store (dev, dir);
  return 0;
}
