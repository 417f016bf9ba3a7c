/* The photo step under Xvfb with the fake camera showing a synthetic
 * portrait: live preview, Space, verdict, Enter stores the photo; Escape
 * retakes; a soft failure needs a reason; unplugging is reported.
 * BM_SCREENSHOT_DIR=dir saves what the clerk sees as PNG files. */
#include "bm-fakecam-env.h"

#include <gtk/gtk.h>
#include <locale.h>

#include "bm-camera-settings.h"
#include "bm-id-number.h"
#include "bm-photo-step.h"
#include "bm-station.h"
#include "bm-store-photo.h"
#include "bm-test-portrait.h"

static char *dir;
static char *dev;

static void
iterate_until (gboolean (*cond) (gpointer), gpointer data, const char *what)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > end)
        g_error ("timed out waiting for %s", what);
    }
}

static gboolean has_frames (gpointer s) { return bm_photo_step_get_frames_shown (s) >= 5; }
static gboolean has_photo (gpointer s) { return bm_photo_step_get_photo (s) != NULL; }
static gboolean is_true (gpointer p) { return *(gboolean *) p; }

static void
screenshot (GtkWidget *widget, const char *name)
{
  const char *out = g_getenv ("BM_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (out == NULL)
    return;
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    g_error ("nothing drawn for the screenshot %s", name);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (out, name, NULL);
  gdk_texture_save_to_png (texture, path);
}

static char *
add_candidate (BmStore *store, const char *first17)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(BmCandidate) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%s%c", first17, bm_id_number_check_character (first17));

  json_object_set_string_member (o, "id_type", "resident_card");
  json_object_set_string_member (o, "id_number", id);
  json_object_set_string_member (o, "name", "欧阳䶮");
  json_object_set_string_member (o, "sex", "1");
  json_object_set_string_member (o, "nation", "01");
  json_object_set_string_member (o, "birth_date", "2003-07-08");
  json_object_set_string_member (o, "address", "湖南省长沙市");
  json_object_set_string_member (o, "category", "1");
  json_object_set_string_member (o, "source", "manual");
  c = bm_candidate_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_add_candidate (store, c, "training", &error));
  return g_strdup (bm_candidate_get (c, "number"));
}

static void
on_saved (BmPhotoStep *step, const char *number, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
write_portrait (const char *path, int blur)
{
  BmTestPortrait p;
  g_autoptr(BmImage) img = NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  bm_test_portrait_defaults (&p);
  p.width = 1280;
  p.height = 960;
  p.blur = blur;
  img = bm_test_portrait_draw (&p);
  g_string_printf (s, "P6\n1280 960\n255\n");
  g_string_append_len (s, (const char *) bm_image_get_data (img), 1280 * 960 * 3);
  g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, NULL));
}

static void
test_photo_step (void)
{
  g_autofree char *db = g_build_filename (dir, "step.db", NULL);
  g_autofree char *ppm = g_build_filename (dir, "portrait.ppm", NULL);
  g_autofree char *blurred = g_build_filename (dir, "blurred.ppm", NULL);
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *n1 = NULL, *n2 = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(BmCandidate) c = NULL;
  GtkWidget *window;
  BmPhotoStep *step;
  g_autoptr(BmStation) station = NULL;
  gboolean saved = FALSE;

  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (store, &error));
  n1 = add_candidate (store, "43010220030708011");
  n2 = add_candidate (store, "43010220030708013");

  write_portrait (ppm, 0);
  write_portrait (blurred, 6);
  g_setenv ("FAKECAM_IMAGE", ppm, TRUE);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 700);
  station = bm_station_new (store, NULL);
  step = bm_photo_step_new (station);
  g_signal_connect (step, "photo-saved", G_CALLBACK (on_saved), &saved);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (step));
  bm_photo_step_set_device (step, dev);
  bm_photo_step_set_record (step, n1);
  bm_photo_step_set_operator (step, "training");
  gtk_window_present (GTK_WINDOW (window));

  /* live preview */
  iterate_until (has_frames, step, "preview frames");
  g_assert_nonnull (strstr (bm_photo_step_get_status (step), "Baoming fake camera"));
  screenshot (GTK_WIDGET (step), "photo-step-live.png");

  /* Space: the photo and its verdict; Enter keeps it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.capture", NULL));
  iterate_until (has_photo, step, "the photo");
  g_assert_true (bm_photo_is_acceptable (bm_photo_step_get_photo (step)));
  /* it passes every check: kept at once, without Enter (issue 13);
   * stored by the station's writer, off the main thread: busy until then,
   * and the photo cannot be retaken under the write */
  g_assert_true (bm_photo_step_is_saving (step));
  g_assert_false (saved);
  g_assert_nonnull (strstr (bm_photo_step_get_status (step), "Saving"));
  gtk_widget_activate_action (GTK_WIDGET (step), "photo.retake", NULL);
  g_assert_nonnull (bm_photo_step_get_photo (step));
  iterate_until (is_true, &saved, "photo-saved");
  g_assert_false (bm_photo_step_is_saving (step));
  g_assert_nonnull (strstr (bm_photo_step_get_status (step), "saved"));
  stored = bm_store_dup_photo (store, n1, "processed", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored, bm_photo_get_jpeg (bm_photo_step_get_photo (step))));
  c = bm_store_find_by_number (store, n1, &error);
  g_assert_cmpint (bm_candidate_get_state (c), ==, BM_RECORD_STATE_PHOTOGRAPHED);
  screenshot (GTK_WIDGET (step), "photo-step-taken.png");
  /* a further Enter does not store it again */
  saved = FALSE;
  g_assert_true (bm_photo_step_get_stored (step));
  gtk_widget_activate_action (GTK_WIDGET (step), "photo.accept", NULL);
  g_assert_false (bm_photo_step_is_saving (step));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (saved);

  /* next candidate, a blurred picture: a reason is needed */
  g_setenv ("FAKECAM_IMAGE", blurred, TRUE);
  bm_photo_step_set_device (step, dev);        /* reopen: the fake reads its picture at open */
  bm_photo_step_set_record (step, n2);
  saved = FALSE;
  iterate_until (has_frames, step, "preview frames");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.capture", NULL));
  iterate_until (has_photo, step, "the blurred photo");
  g_assert_true (bm_photo_has_soft_failure (bm_photo_step_get_photo (step)));
  screenshot (GTK_WIDGET (step), "photo-step-blurred.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.accept", NULL));
  g_assert_false (saved);
  g_assert_nonnull (strstr (bm_photo_step_get_status (step), "reason"));
  /* Escape retakes; then keep it with a reason */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.retake", NULL));
  g_assert_null (bm_photo_step_get_photo (step));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.capture", NULL));
  iterate_until (has_photo, step, "the retaken photo");
  bm_photo_step_set_reason (step, "考生眼疾，无法保持静止");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.accept", NULL));
  iterate_until (is_true, &saved, "photo-saved");

  /* unplugged: said so, no capture possible */
  g_setenv ("FAKECAM_FAIL", "unplug@3", TRUE);
  bm_photo_step_set_record (step, n1);
  bm_photo_step_set_device (step, dev);
  g_unsetenv ("FAKECAM_FAIL");
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (strstr (bm_photo_step_get_status (step), "unplugged") == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (strstr (bm_photo_step_get_status (step), "unplugged"));
  gtk_widget_activate_action (GTK_WIDGET (step), "photo.capture", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (bm_photo_step_get_photo (step));
  screenshot (GTK_WIDGET (step), "photo-step-unplugged.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_preview (gpointer s)
{
  GtkWidget *w = GTK_WIDGET (s);
  /* the settings page's preview picture is the widget's only GtkPicture */
  for (GtkWidget *c = gtk_widget_get_first_child (gtk_widget_get_first_child (w)); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_PICTURE (c) && gtk_picture_get_paintable (GTK_PICTURE (c)))
      return TRUE;
  return FALSE;
}

static gboolean
verdict_ready (gpointer s)
{
  const char *v = bm_camera_settings_get_verdict (s);
  return v && g_str_has_prefix (v, "Test shot");
}

static void
test_camera_settings (void)
{
  g_autofree char *devdir = g_build_filename (dir, "dev", NULL);
  g_autofree char *cam = g_build_filename (devdir, "video5.v4l2fake", NULL);
  g_autofree char *ppm = g_build_filename (dir, "portrait.ppm", NULL);
  g_autofree char *db = g_build_filename (dir, "settings.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (db, TRUE, &error);
  BmStation *station;
  BmCamera *shared;
  BmCameraSettings *settings;
  GtkWidget *window;

  g_assert_cmpint (g_mkdir_with_parents (devdir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (cam, "", 0, NULL));
  write_portrait (ppm, 0);
  g_setenv ("FAKECAM_IMAGE", ppm, TRUE);
  g_setenv ("FAKECAM_CONTROLS", "1", TRUE);
  g_setenv ("FAKECAM_FORMAT", "RGB3", TRUE);

  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (store, &error));
  station = bm_station_new (store, NULL);
  bm_station_set_camera_dir (station, devdir);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 640);
  settings = bm_camera_settings_new (station);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (settings));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (bm_camera_settings_get_device (settings), ==, cam);
  iterate_until (has_preview, settings, "the settings preview");
  g_assert_true (bm_camera_settings_has_control (settings, 0));
  g_assert_true (bm_camera_settings_has_control (settings, 1));

  /* a test shot of the good set-up passes */
  gtk_widget_activate_action (GTK_WIDGET (settings), "camera.test-shot", NULL);
  iterate_until (verdict_ready, settings, "the test shot");
  g_test_message ("%s", bm_camera_settings_get_verdict (settings));
  g_assert_nonnull (strstr (bm_camera_settings_get_verdict (settings), "✓"));
  screenshot (GTK_WIDGET (settings), "camera-settings.png");

  /* A dragged slider sets the control many times while the preview streams
   * on its own thread (the fake driver must serialise, as a real one does). */
  for (int v = 0; v < 200; v++)
    {
      bm_camera_settings_set_control (settings, 0, 96 + v % 64);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (500);
    }

  /* the brightness slider reaches the camera: far too bright now */
  bm_camera_settings_set_control (settings, 0, 255);
  gtk_widget_activate_action (GTK_WIDGET (settings), "camera.test-shot", NULL);
  iterate_until (verdict_ready, settings, "the second test shot");
  g_test_message ("%s", bm_camera_settings_get_verdict (settings));
  g_assert_nonnull (strstr (bm_camera_settings_get_verdict (settings), "too bright"));

  /* The station shares the open device instead of opening it twice, and
   * closes it when the last view lets go; then nothing holds a device. */
  shared = bm_station_hold_camera (station, cam, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bm_camera_get_state (shared), ==, BM_CAMERA_STATE_STREAMING);
  g_object_add_weak_pointer (G_OBJECT (shared), (gpointer *) &shared);
  bm_station_release_camera (station, shared);
  g_assert_nonnull (shared);
  gtk_window_destroy (GTK_WINDOW (window));
  /* frames already queued for the main context hold the camera until
   * they are dispatched */
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; shared && g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (shared);
  g_assert_finalize_object (station);
  g_unsetenv ("FAKECAM_CONTROLS");
  g_unsetenv ("FAKECAM_FORMAT");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  bm_fakecam_install ();
  dir = g_dir_make_tmp ("bm-photo-step-XXXXXX", NULL);
  dev = g_build_filename (dir, "cam0.v4l2fake", NULL);
  g_file_set_contents (dev, "", 0, NULL);
  g_test_add_func ("/photo-step/capture-accept-retake", test_photo_step);
  g_test_add_func ("/camera-settings/test-shot", test_camera_settings);
  return g_test_run ();
}
