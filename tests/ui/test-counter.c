/* The counter at the screens it is for (issue 13), under Xvfb in zh_CN:
 * the window's minimum size on every page, with a card read, a long
 * message and no camera; and the day without a camera. */

#include "bm-config.h"

#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "bm-paths.h"
#include "bm-store-photo.h"
#include "bm-store-private.h"
#include "bm-test-util.h"
#include "bm-window.h"
#include "bm-settings.h"
#include "bm-station.h"

#define MAX_WIDTH 1024
#define MAX_HEIGHT 740

static BmWindow *
open_window (BmStore *store, BmStation **station_out)
{
  g_autoptr(GSettings) settings = bm_settings_new ();
  g_autoptr(BmStation) station = bm_station_new (store, settings);
  g_autofree char *nocam = g_build_filename (g_get_tmp_dir (), "bm-no-camera-here", NULL);

  /* no camera, whatever the machine has: the widest case the issue saw */
  bm_station_set_camera_dir (station, nocam);
  bm_station_start (station);
  if (station_out != NULL)
    *station_out = station;    /* the window holds it */
  return bm_window_new (NULL, station);
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
settle (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
wait_intake_state (BmIntake *intake, BmIntakeState state)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_going, NULL);

  while (bm_intake_get_state (intake) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return bm_intake_get_state (intake) == state;
}

/* BM_SCREENSHOT_DIR=dir keeps a PNG of the window at each point. */
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
  /* past the stack's crossfade */
  for (int i = 0; i < 40; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  settle (widget);
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

/* The window's own minimum: width alone, then the height it needs at
 * the largest width allowed (wrapped labels are taller when narrower). */
static GString *too_big;

static void
assert_fits (BmWindow *window, const char *where)
{
  int min_w, nat_w, min_h, nat_h;

  settle (GTK_WIDGET (window));
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, MAX_WIDTH, &min_h, &nat_h, NULL, NULL);
  g_test_message ("%s: minimum %d x %d", where, min_w, min_h);
  /* all of them, then fail: one run shows every page that is too big */
  if (min_w > MAX_WIDTH || min_h > MAX_HEIGHT)
    g_string_append_printf (too_big, "%s: the window cannot be smaller than %d x %d (must fit %d x %d)\n", where,
                            min_w, min_h, MAX_WIDTH, MAX_HEIGHT);
}

static BmIdentity *
card_identity (const char *id_number)
{
  BmIdentity *identity = bm_identity_new ();

  bm_identity_set (identity, "card_type", "resident");
  bm_identity_set (identity, "id_type", "resident_card");
  bm_identity_set (identity, "id_number", id_number);
  bm_identity_set (identity, "name", "欧阳䶮");
  bm_identity_set (identity, "sex", "1");
  bm_identity_set (identity, "nation", "15");
  bm_identity_set (identity, "birth_date", "2003-07-08");
  bm_identity_set (identity, "address", "湖南省湘西土家族苗族自治州吉首市乾州街道世纪大道东段人民路社区二组一百二十三号附五号");
  bm_identity_set (identity, "authority", "吉首市公安局");
  bm_identity_set (identity, "valid_from", "2019-01-01");
  bm_identity_set (identity, "valid_to", "2029-01-01");
  bm_identity_set (identity, "sam_id", "05.01-20200101-0000001-0123456789");
  return identity;
}

static void
set_window_size (BmWindow *window, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_queue_resize (GTK_WIDGET (window));
  settle (GTK_WIDGET (window));
}

/* Every page, in zh_CN, fits 1024 x 740 at its minimum; the counter also
 * with a card read, a long warning and no camera. */
static void
test_size (void)
{
  static const char *pages[] = { "counter", "entry", "candidates", "print", "sync", "progress", "settings" };
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity ("433101200307081230");
  BmWindow *window;
  BmCounterPage *counter;
  BmIntake *intake;

  too_big = g_string_new (NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", NULL));
    }
  window = open_window (store, NULL);
  counter = bm_window_get_counter_page (window);
  intake = bm_counter_page_get_intake (counter);
  gtk_window_present (GTK_WINDOW (window));
  set_window_size (window, 1024, 740);
  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]));
      assert_fits (window, pages[i]);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "counter"));
  bm_intake_card_read (intake, identity);
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_CHOOSE_CATEGORY);
  assert_fits (window, "counter with a card");
  screenshot (GTK_WIDGET (window), "counter-card-1024x768.png");
  if (too_big->len > 0)
    g_error ("%s", too_big->str);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "counter.choose", NULL));
  g_assert_true (wait_intake_state (intake, BM_INTAKE_PHOTO));
  assert_fits (window, "counter with a number");
  screenshot (GTK_WIDGET (window), "counter-number-1024x768.png");

  /* A long message wraps inside its area; it never grows the window. */
  {
    g_autoptr(GString) text = g_string_new (NULL);
    GtkLabel *warning = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (counter), BM_TYPE_COUNTER_PAGE,
                                                                  "warning_label"));

    for (int i = 0; i < 12; i++)
      g_string_append (text, "身份证有效期已过，请考生出示有效证件，或由报名点负责人确认后继续办理。\n");
    gtk_label_set_text (warning, text->str);
    assert_fits (window, "counter with a long message");
    screenshot (GTK_WIDGET (window), "counter-long-message-1024x768.png");
  }

  set_window_size (window, 1366, 740);
  screenshot (GTK_WIDGET (window), "counter-number-1366x768.png");
  if (too_big->len > 0)
    g_error ("%s", too_big->str);
  g_string_free (too_big, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The steps list's line for 照相 (the fifth). */
static const char *
photo_step_line (BmCounterPage *counter)
{
  GtkWidget *box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (counter), BM_TYPE_COUNTER_PAGE, "steps_box"));
  GtkWidget *line = gtk_widget_get_first_child (box);

  for (int i = 0; i < 4; i++)
    line = gtk_widget_get_next_sibling (line);
  return gtk_label_get_text (GTK_LABEL (line));
}

/* No reader service, no camera: the next-step line never asks for a card
 * or for Space; "photo later" with a reason is stored through the core and
 * the record is listed as missing its photo; 照相 gets no ✓. */
static void
test_photo_later (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity ("433101200307081230");
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *reason = NULL;
  BmStation *station = NULL;
  BmWindow *window = open_window (store, &station);
  BmCounterPage *counter = bm_window_get_counter_page (window);
  BmIntake *intake = bm_counter_page_get_intake (counter);
  BmPhotoStep *step = bm_counter_page_get_photo_step (counter);
  const char *line;

  gtk_window_present (GTK_WINDOW (window));
  settle (GTK_WIDGET (window));

  /* the test machine runs no pcscd: the line says so instead of asking
   * for a card */
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (bm_card_reader_get_state (bm_station_get_card_reader (station)) != BM_CARD_READER_STATE_NO_SERVICE
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpint (bm_card_reader_get_state (bm_station_get_card_reader (station)), ==, BM_CARD_READER_STATE_NO_SERVICE);
  /* The header says what is missing in words, nothing technical. */
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (bm_window_get_printer_text (window) == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_nonnull (bm_window_get_printer_text (window));
  g_assert_nonnull (strstr (bm_window_get_camera_text (window), "Alt+L"));
  g_assert_nonnull (strstr (bm_window_get_printer_text (window), "F4"));
  {
    const char *texts[] = { bm_window_get_camera_text (window), bm_window_get_printer_text (window),
                            gtk_widget_get_tooltip_text (GTK_WIDGET (bm_window_get_counter_page (window))) };
    for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
      if (texts[i] != NULL)
        {
          g_assert_null (strstr (texts[i], "/"));
          g_assert_null (strstr (texts[i], "sudo"));
          g_assert_null (strstr (texts[i], ".so"));
          g_assert_null (strstr (texts[i], "cups"));
        }
  }
  /* the line is a status region: screen readers say each new step */
  g_assert_cmpint (gtk_accessible_get_accessible_role (
                     GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (counter), BM_TYPE_COUNTER_PAGE,
                                                                    "next_step_label"))),
                   ==, GTK_ACCESSIBLE_ROLE_STATUS);
  line = bm_counter_page_get_next_step (counter);
  g_assert_cmpstr (line, !=, bm_intake_get_next_step (intake));
  g_assert_nonnull (strstr (line, "F2"));
  g_assert_null (strstr (line, "sudo"));

  bm_intake_card_read (intake, identity);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "counter.choose", NULL));
  g_assert_true (wait_intake_state (intake, BM_INTAKE_PHOTO));
  settle (GTK_WIDGET (window));
  g_assert_false (bm_photo_step_get_camera_ready (step));
  line = bm_counter_page_get_next_step (counter);
  g_assert_null (strstr (line, "空格"));
  g_assert_null (strstr (line, "Space"));
  g_assert_nonnull (strstr (line, "Alt+L"));
  g_assert_false (g_str_has_prefix (photo_step_line (counter), "✓"));

  /* Alt+L (the button's mnemonic): the reason, filled in; Enter stores it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.later", NULL));
  g_assert_true (bm_photo_step_is_asking_later_reason (step));
  g_assert_cmpstr (bm_counter_page_get_next_step (counter), ==, _("Say why the photo is taken later, then press Enter."));
  screenshot (GTK_WIDGET (window), "counter-photo-later-1024x768.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "photo.later", NULL));
  g_assert_true (wait_intake_state (intake, BM_INTAKE_PRINT));
  settle (GTK_WIDGET (window));

  missing = bm_store_list_photo_missing (store, NULL);
  g_assert_nonnull (missing);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, bm_intake_get_number (intake));
  reason = bm_store_dup_photo_later_reason (store, bm_intake_get_number (intake));
  g_assert_cmpstr (reason, ==, _("No camera is working"));
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo_later'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo'"), ==, 0);
  g_assert_false (g_str_has_prefix (photo_step_line (counter), "✓"));
  g_assert_cmpstr (bm_counter_page_get_next_step (counter), ==,
                   _("The photo is taken later. Press Ctrl+P to print the login card."));
  /* once is enough: the action is off now */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (step), "photo.later", NULL)
                  && count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'photo_later'") != 1);
  screenshot (GTK_WIDGET (window), "counter-after-photo-later-1024x768.png");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* ---- real key events (XTest, loaded at run time: no -dev package) ---- */

typedef int (*FakeKeyFunc) (Display *, unsigned int, int, unsigned long);
typedef KeyCode (*KeysymToKeycodeFunc) (Display *, KeySym);
typedef int (*SyncFunc) (Display *, int);
typedef int (*SetInputFocusFunc) (Display *, Window, int, Time);

static FakeKeyFunc fake_key;
static KeysymToKeycodeFunc keysym_to_keycode;
static SyncFunc x_sync;
static SetInputFocusFunc set_input_focus;

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

/* @keysym with the modifiers pressed first (Control_L, Shift_L, ...). */
static void
press (GtkWidget *window, guint keysym, guint mod1, guint mod2)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  guint mods[] = { mod1, mod2 };

  for (int i = 0; i < 2; i++)
    if (mods[i])
      fake_key (dpy, keysym_to_keycode (dpy, mods[i]), True, 0);
  fake_key (dpy, keysym_to_keycode (dpy, keysym), True, 0);
  fake_key (dpy, keysym_to_keycode (dpy, keysym), False, 0);
  for (int i = 1; i >= 0; i--)
    if (mods[i])
      fake_key (dpy, keysym_to_keycode (dpy, mods[i]), False, 0);
  x_sync (dpy, False);
  pump (150);
}

static void
focus_window (GtkWidget *window)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));

  set_input_focus (dpy, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))), RevertToParent,
                   CurrentTime);
  x_sync (dpy, False);
  pump (200);
}

static gboolean
help_overlay_shown (void)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (windows, i);

      if (GTK_IS_SHORTCUTS_WINDOW (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return TRUE;
    }
  return FALSE;
}

/* Read-only labels are no Tab stops; mnemonics are unique (@keys). */
static void
check_widgets (GtkWidget *widget, GHashTable *keys, GString *problems)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      guint key = gtk_label_get_mnemonic_keyval (GTK_LABEL (widget));

      if (gtk_widget_get_focusable (widget) && gtk_label_get_selectable (GTK_LABEL (widget)))
        g_string_append_printf (problems, "a read-only label is a Tab stop: %s\n", gtk_label_get_text (GTK_LABEL (widget)));
      if (key != GDK_KEY_VoidSymbol)
        {
          const char *other = g_hash_table_lookup (keys, GUINT_TO_POINTER (gdk_keyval_to_lower (key)));

          if (other != NULL)
            g_string_append_printf (problems, "mnemonic %s used twice: %s, %s\n", gdk_keyval_name (key), other,
                                    gtk_label_get_text (GTK_LABEL (widget)));
          g_hash_table_insert (keys, GUINT_TO_POINTER (gdk_keyval_to_lower (key)),
                               (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_widgets (c, keys, problems);
}

/* The keyboard, with real key events: Ctrl+? shows the shortcuts, F1-F8
 * follow the sidebar, Tab never switches the page, Ctrl+Shift+N calls the
 * next candidate; on the counter no read-only label is a Tab stop and no
 * mnemonic is used twice. */
static void
test_keyboard (void)
{
  static const char *order[] = { "counter", "entry", "candidates", "print", "sync", "progress", "settings" };
  static const guint fkeys[] = { GDK_KEY_F1, GDK_KEY_F2, GDK_KEY_F3, GDK_KEY_F4, GDK_KEY_F6, GDK_KEY_F7, GDK_KEY_F8 };
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmIdentity) identity = card_identity ("433101200307081230");
  g_autoptr(GHashTable) keys = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  BmWindow *window = open_window (store, NULL);
  BmCounterPage *counter = bm_window_get_counter_page (window);
  BmIntake *intake = bm_counter_page_get_intake (counter);
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), BM_TYPE_WINDOW, "stack"));
  GtkWidget *sidebar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), BM_TYPE_WINDOW, "sidebar"));
  GtkWidget *list;

  gtk_window_present (GTK_WINDOW (window));
  settle (GTK_WIDGET (window));
  focus_window (GTK_WIDGET (window));

  /* F-keys in the sidebar's order (the stack's pages are the sidebar's rows) */
  {
    g_autoptr(GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (stack));

    g_assert_cmpuint (g_list_model_get_n_items (pages), ==, G_N_ELEMENTS (order));
    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        g_autoptr(GObject) page = g_list_model_get_item (pages, i);

        g_assert_cmpstr (gtk_stack_page_get_name (GTK_STACK_PAGE (page)), ==, order[i]);
        press (GTK_WIDGET (window), fkeys[i], 0, 0);
        g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, order[i]);
      }
  }
  press (GTK_WIDGET (window), GDK_KEY_F1, 0, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "counter");

  /* Tab (and Shift+Tab) around the window: the page stays */
  for (int i = 0; i < 25; i++)
    {
      press (GTK_WIDGET (window), GDK_KEY_Tab, 0, 0);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "counter");
      g_assert_false (gtk_widget_has_focus (sidebar) || gtk_widget_get_focus_child (sidebar) != NULL);
    }
  for (int i = 0; i < 10; i++)
    {
      press (GTK_WIDGET (window), GDK_KEY_Tab, GDK_KEY_Shift_L, 0);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "counter");
    }

  /* Ctrl+? (Ctrl+Shift+/ on the keyboard) */
  g_assert_false (help_overlay_shown ());
  press (GTK_WIDGET (window), GDK_KEY_slash, GDK_KEY_Control_L, GDK_KEY_Shift_L);
  pump (200);
  g_assert_true (help_overlay_shown ());
  {
    GListModel *windows = gtk_window_get_toplevels ();
    for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (windows, i);
        if (GTK_IS_SHORTCUTS_WINDOW (w))
          gtk_widget_set_visible (GTK_WIDGET (w), FALSE);
      }
  }
  focus_window (GTK_WIDGET (window));

  /* With a card: the 科类 row has the focus; digits and Ctrl+Shift+N */
  bm_intake_card_read (intake, identity);
  settle (GTK_WIDGET (window));
  list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (counter), BM_TYPE_COUNTER_PAGE, "category_list"));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list));
  press (GTK_WIDGET (window), GDK_KEY_4, 0, 0);
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (GTK_LIST_BOX (list))), ==, 2);
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_CHOOSE_CATEGORY);
  /* what is on screen with the counter: its page and the header */
  check_widgets (gtk_window_get_titlebar (GTK_WINDOW (window)), keys, problems);
  check_widgets (GTK_WIDGET (counter), keys, problems);
  g_assert_cmpstr (problems->str, ==, "");
  press (GTK_WIDGET (window), GDK_KEY_n, GDK_KEY_Control_L, GDK_KEY_Shift_L);
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_WAITING);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  bm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Noto Sans CJK SC 11", NULL);
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (provider, "/cn/baoming/Client/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/counter/size", test_size);
  g_test_add_func ("/counter/photo-later", test_photo_later);
  load_xtest ();
  g_test_add_func ("/counter/keyboard", test_keyboard);
  return g_test_run ();
}
