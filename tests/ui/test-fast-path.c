/* The counter's fast path by key events only (issue 13), with every real
 * component: a card placed on the emulated reader (private pcscd), the
 * fake camera through libv4l2, the private cupsd, real X key events
 * (XTest) into the window under Xvfb, in zh_CN. After the card the clerk
 * presses three keys: Enter (科类, 资格审查, fee -> number), Space (photo,
 * kept at once), Ctrl+P (login card). The database says what happened.
 *
 * Runs inside tests/pcsc/pcsc-harness.sh, tests/cups/cups-harness.sh and
 * tests/ui/xvfb-run.sh, as root (the fake camera's mount namespace). */
#include "bm-fakecam-env.h"

#include "bm-config.h"

#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <string.h>

#include "bm-paths.h"
#include "bm-settings.h"
#include "bm-station.h"
#include "bm-store-private.h"
#include "bm-test-cardemu.h"
#include "bm-test-portrait.h"
#include "bm-test-util.h"
#include "bm-window.h"

static char *dir;
static char *camera;

/* ---- real key events: XTest, loaded at run time (no -dev package) ---- */

typedef int (*FakeKeyFunc) (Display *, unsigned int, int, unsigned long);
typedef KeyCode (*KeysymToKeycodeFunc) (Display *, KeySym);
typedef int (*SyncFunc) (Display *, int);
typedef int (*SetInputFocusFunc) (Display *, Window, int, Time);

static FakeKeyFunc fake_key;
static KeysymToKeycodeFunc keysym_to_keycode;
static SyncFunc x_sync;
static SetInputFocusFunc set_input_focus;
static guint keys_pressed;

static void
load_xtest (void)
{
  void *xtst = dlopen ("libXtst.so.6", RTLD_NOW);
  void *x11 = dlopen ("libX11.so.6", RTLD_NOW);

  if (xtst == NULL || x11 == NULL)
    g_error ("libXtst.so.6 and libX11.so.6 are needed to send key events (package libxtst6): %s", dlerror ());
  fake_key = (FakeKeyFunc) dlsym (xtst, "XTestFakeKeyEvent");
  keysym_to_keycode = (KeysymToKeycodeFunc) dlsym (x11, "XKeysymToKeycode");
  x_sync = (SyncFunc) dlsym (x11, "XSync");
  set_input_focus = (SetInputFocusFunc) dlsym (x11, "XSetInputFocus");
  g_assert_nonnull (fake_key);
  g_assert_nonnull (keysym_to_keycode);
}

static void
pump (int ms)
{
  for (gint64 end = g_get_monotonic_time () + ms * 1000; g_get_monotonic_time () < end;)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* One key (with Control when @ctrl) as the keyboard sends it; counted. */
static void
press_key (GtkWidget *window, guint keysym, gboolean ctrl)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  KeyCode key = keysym_to_keycode (dpy, keysym);
  KeyCode control = keysym_to_keycode (dpy, GDK_KEY_Control_L);

  g_assert_cmpuint (key, !=, 0);
  keys_pressed++;
  if (ctrl)
    fake_key (dpy, control, True, 0);
  fake_key (dpy, key, True, 0);
  fake_key (dpy, key, False, 0);
  if (ctrl)
    fake_key (dpy, control, False, 0);
  x_sync (dpy, False);
  pump (100);
}

static void
press_key_alt (GtkWidget *window, guint keysym)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  KeyCode key = keysym_to_keycode (dpy, keysym);
  KeyCode alt = keysym_to_keycode (dpy, GDK_KEY_Alt_L);

  keys_pressed++;
  fake_key (dpy, alt, True, 0);
  fake_key (dpy, key, True, 0);
  fake_key (dpy, key, False, 0);
  fake_key (dpy, alt, False, 0);
  x_sync (dpy, False);
  pump (100);
}

static void
focus_window (GtkWidget *window)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));

  /* no window manager on Xvfb: give the window the keyboard ourselves */
  set_input_focus (dpy, xid, RevertToParent, CurrentTime);
  x_sync (dpy, False);
  pump (200);
}

/* ---- waiting, bounded ---- */

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, int seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!cond (data) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return cond (data);
}

typedef struct {
  BmIntake *intake;
  BmIntakeState state;
} StateWait;

static gboolean
intake_in_state (gpointer data)
{
  StateWait *w = data;

  return bm_intake_get_state (w->intake) == w->state;
}

static gboolean
wait_state (BmIntake *intake, BmIntakeState state)
{
  StateWait w = { intake, state };

  if (wait_until (intake_in_state, &w, 60))
    return TRUE;
  g_printerr ("# state %s, next step: %s\n", bm_intake_state_to_string (bm_intake_get_state (intake)),
              bm_intake_get_next_step (intake));
  return FALSE;
}

static gboolean
camera_ready (gpointer step)
{
  return bm_photo_step_get_camera_ready (step) && bm_photo_step_get_frames_shown (step) >= 5;
}

static gboolean
reader_waiting (gpointer reader)
{
  return bm_card_reader_get_state (reader) == BM_CARD_READER_STATE_WAITING;
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  const char *out = g_getenv ("BM_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w, h;

  if (out == NULL)
    return;
  pump (400);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  /* a frame may not be ready yet: try for a while (pictures only, for a
   * person to look at; nothing is asserted on them) */
  for (int tries = 0; node == NULL && tries < 50; tries++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (20000);
        }
    }
  if (node == NULL)
    {
      g_test_message ("nothing drawn for the screenshot %s", name);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (out, name, NULL);
  gdk_texture_save_to_png (texture, path);
}

/* What the reader's real read shows (the decoder note, the chip's
 * address) must not widen the window past 1024 x 740 either. */
static void
assert_fits (GtkWidget *window)
{
  int min_w, min_h;

  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (window, GTK_ORIENTATION_VERTICAL, 1024, &min_h, NULL, NULL, NULL);
  g_test_message ("minimum %d x %d", min_w, min_h);
  g_assert_cmpint (min_w, <=, 1024);
  g_assert_cmpint (min_h, <=, 740);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
write_portrait (const char *path)
{
  BmTestPortrait p;
  g_autoptr(BmImage) img = NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  bm_test_portrait_defaults (&p);
  p.width = 1280;
  p.height = 960;
  img = bm_test_portrait_draw (&p);
  g_string_printf (s, "P6\n1280 960\n255\n");
  g_string_append_len (s, (const char *) bm_image_get_data (img), 1280 * 960 * 3);
  g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, NULL));
}

static void
test_fast_path (void)
{
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = bm_station_new (store, settings);
  g_autofree char *ppm = g_build_filename (dir, "portrait.ppm", NULL);
  g_autofree char *pdf = g_strdup_printf ("%s/testq.pdf", g_getenv ("BM_CUPS_OUT"));
  BmCardReader *reader = bm_station_get_card_reader (station);
  BmIntake *intake = bm_station_get_intake (station);
  BmWindow *window;
  BmCounterPage *counter;
  BmPhotoStep *step;
  guint keys_before;

  write_portrait (ppm);
  g_setenv ("FAKECAM_IMAGE", ppm, TRUE);
  g_settings_set_string (settings, "camera-device", camera);
  bm_print_service_set_printer (bm_station_get_print_service (station), "testq");
  bm_print_service_set_timeout (bm_station_get_print_service (station), 60);
  g_assert_true (bm_test_cardemu ("remove"));
  bm_station_start (station);
  window = bm_window_new (NULL, station);
  counter = bm_window_get_counter_page (window);
  step = bm_counter_page_get_photo_step (counter);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 740);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_until (reader_waiting, reader, 30));
  g_assert_true (wait_until (camera_ready, step, 30));
  focus_window (GTK_WIDGET (window));
  /* the header tells the truth about the camera the counter uses */
  g_assert_cmpstr (bm_window_get_camera_text (window), ==, _("The camera is working."));

  /* The card: the last-used 科类 (here the first) is selected and focused. */
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  pump (200);
  screenshot (GTK_WIDGET (window), "fast-path-1-card.png");
  assert_fits (GTK_WIDGET (window));
  keys_before = keys_pressed;

  /* 1: Enter -> number, with 资格审查 and fee */
  press_key (GTK_WIDGET (window), GDK_KEY_Return, FALSE);
  g_assert_true (wait_state (intake, BM_INTAKE_PHOTO));
  g_assert_cmpstr (bm_intake_get_number (intake), ==, "00000001");
  pump (300);

  /* 2: Space -> photo, kept at once */
  press_key (GTK_WIDGET (window), GDK_KEY_space, FALSE);
  g_assert_true (wait_state (intake, BM_INTAKE_PRINT));
  screenshot (GTK_WIDGET (window), "fast-path-2-photo.png");
  g_assert_nonnull (strstr (bm_counter_page_get_next_step (counter), "Ctrl+P"));

  /* 3: Ctrl+P -> the login card */
  press_key (GTK_WIDGET (window), GDK_KEY_p, TRUE);
  g_assert_true (wait_state (intake, BM_INTAKE_DONE));
  screenshot (GTK_WIDGET (window), "fast-path-3-printed.png");
  g_assert_cmpuint (keys_pressed - keys_before, ==, 3);

  /* A further Enter (the habit of confirming) stores nothing again. */
  press_key (GTK_WIDGET (window), GDK_KEY_Return, FALSE);
  pump (500);

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE number = '00000001' AND fee_paid = 1"
                                      " AND eligibility_checked = 1 AND source = 'card'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'fee_recorded'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'eligibility_recorded'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM photos WHERE current = 1"), >=, 1);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));

  /* The next candidate: a digit picks the 科类 by its code (5 理工); not
   * paid: Alt+F is the one extra key; Enter numbers without the fee. */
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (wait_until (reader_waiting, reader, 30));
  g_assert_true (bm_test_cardemu ("insert resident"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  pump (200);
  press_key (GTK_WIDGET (window), GDK_KEY_5, FALSE);
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_CHOOSE_CATEGORY);
  press_key_alt (GTK_WIDGET (window), GDK_KEY_f);
  screenshot (GTK_WIDGET (window), "fast-path-4-unpaid.png");
  assert_fits (GTK_WIDGET (window));
  press_key (GTK_WIDGET (window), GDK_KEY_Return, FALSE);
  g_assert_true (wait_state (intake, BM_INTAKE_PHOTO));
  g_assert_cmpstr (bm_intake_get_number (intake), ==, "00003001");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE number = '00003001' AND category = '5'"
                                      " AND fee_paid = 0 AND eligibility_checked = 1"), ==, 1);

  /* The third: the 科类 used last (5) is the one selected; Enter takes it. */
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (wait_until (reader_waiting, reader, 30));
  g_assert_true (bm_test_cardemu ("insert resident-longterm"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  /* the photo step no longer says the last record's photo was saved */
  g_assert_null (strstr (bm_photo_step_get_status (step), "00000001"));
  pump (200);
  press_key (GTK_WIDGET (window), GDK_KEY_Return, FALSE);
  g_assert_true (wait_state (intake, BM_INTAKE_PHOTO));
  g_assert_cmpstr (bm_intake_get_number (intake), ==, "00003002");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM candidates WHERE number = '00003002' AND fee_paid = 1"),
                   ==, 1);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 740);
  screenshot (GTK_WIDGET (window), "fast-path-5-1366x768.png");

  gtk_window_destroy (GTK_WINDOW (window));
  pump (200);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  bm_fakecam_install ();
  load_xtest ();
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Noto Sans CJK SC 11", NULL);
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (provider, "/cn/baoming/Client/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  dir = bm_test_make_dir ();
  camera = g_build_filename (dir, "cam0.v4l2fake", NULL);
  g_assert_true (g_file_set_contents (camera, "", 0, NULL));
  g_test_add_func ("/counter/fast-path", test_fast_path);
  return g_test_run ();
}
