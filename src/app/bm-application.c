/* The application: one instance per desktop session, one store. With no
 * real set-up on this machine the app opens the training database, so a
 * fresh install can be tried without a server and without real data. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "bm-application.h"
#include "bm-paths.h"
#include "bm-version.h"
#include "bm-settings.h"
#include "bm-station.h"
#include "bm-window.h"

struct _BmApplication
{
  GtkApplication parent_instance;

  BmStore *store;
  BmStation *station;
  char *db_path;
  gboolean training;
};

G_DEFINE_FINAL_TYPE (BmApplication, bm_application, GTK_TYPE_APPLICATION)

static gboolean
real_store_is_set_up (void)
{
  g_autofree char *path = bm_paths_default_store (FALSE, NULL);
  g_autoptr(BmStore) store = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  store = bm_store_open (path, FALSE, NULL);
  return store != NULL && bm_store_is_set_up (store);
}

static BmStore *
open_store (BmApplication *self, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(BmStore) store = NULL;
  gboolean training = self->training;

  if (self->db_path == NULL && !training && !real_store_is_set_up ())
    training = TRUE;
  path = self->db_path ? g_strdup (self->db_path) : bm_paths_default_store (training, error);
  if (path == NULL)
    return NULL;
  store = bm_store_open (path, training, error);
  if (store == NULL)
    return NULL;
  if (training && !bm_store_is_set_up (store) && !bm_store_init_training (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

static void
show_fatal_error (BmApplication *self, const GError *error)
{
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (self));
  GtkWidget *label = gtk_label_new (error->message);

  gtk_window_set_title (GTK_WINDOW (window), _("Registration point client"));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 24);
  gtk_widget_set_margin_end (label, 24);
  gtk_widget_set_margin_top (label, 24);
  gtk_widget_set_margin_bottom (label, 24);
  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_window_present (GTK_WINDOW (window));
}

/* Benchmarks only (tests/bench/bench-startup): with BM_BENCH_FIRST_FRAME
 * set, say on stdout when the window's first frame has been painted, then
 * show the page BM_BENCH_PAGE names (its memory is measured next). */
static void
on_first_frame (GdkFrameClock *clock, GtkWidget *window)
{
  const char *page = g_getenv ("BM_BENCH_PAGE");

  g_signal_handlers_disconnect_by_func (clock, on_first_frame, window);
  g_print ("BM_FIRST_FRAME %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  if (page != NULL)
    gtk_widget_activate_action (window, "win.show-page", "s", page);
}

static void
on_window_realized (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_first_frame), window, 0);
}

static void
bm_application_activate (GApplication *app)
{
  BmApplication *self = BM_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GError) error = NULL;

  if (window == NULL)
    {
      if (self->store == NULL)
        self->store = open_store (self, &error);
      if (self->store == NULL)
        {
          show_fatal_error (self, error);
          return;
        }
      if (self->station == NULL)
        {
          g_autoptr(GSettings) settings = bm_settings_new ();

          self->station = bm_station_new (self->store, settings);
          bm_station_start (self->station);
        }
      window = GTK_WINDOW (bm_window_new (GTK_APPLICATION (app), self->station));
      if (g_getenv ("BM_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (on_window_realized), NULL);
    }
  gtk_window_present (window);
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/cn/baoming/Client/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_show_about_dialog (parent,
                         "program-name", _("Registration point client"),
                         "logo-icon-name", APP_ID,
                         "version", bm_version_string (),
                         "comments", _("Gaokao registration at the counter: ID cards, numbers, photos, printing and sync."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
bm_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (bm_application_parent_class)->startup (app);

  /* Simplified Chinese glyph forms, whatever fontconfig would pick first. */
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Noto Sans CJK SC 11", NULL);
  load_css ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

/* The reader thread, the sync worker and the cameras end before the
 * process does (bm_station_stop() waits briefly for the reader). */
static void
bm_application_shutdown (GApplication *app)
{
  BmApplication *self = BM_APPLICATION (app);

  if (self->station != NULL)
    bm_station_stop (self->station);
  G_APPLICATION_CLASS (bm_application_parent_class)->shutdown (app);
}

static int
bm_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  BmApplication *self = BM_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("baoming %s\n", bm_version_string ());
      return 0;
    }
  g_variant_dict_lookup (options, "training", "b", &self->training);
  g_variant_dict_lookup (options, "db", "^ay", &self->db_path);
  return -1;
}

static void
bm_application_finalize (GObject *object)
{
  BmApplication *self = BM_APPLICATION (object);

  g_clear_object (&self->station);
  g_clear_object (&self->store);
  g_free (self->db_path);

  G_OBJECT_CLASS (bm_application_parent_class)->finalize (object);
}

static void
bm_application_class_init (BmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bm_application_finalize;
  app_class->activate = bm_application_activate;
  app_class->startup = bm_application_startup;
  app_class->shutdown = bm_application_shutdown;
  app_class->handle_local_options = bm_application_handle_local_options;
}

static void
bm_application_init (BmApplication *self)
{
  static const GOptionEntry entries[] = {
    { "training", 't', 0, G_OPTION_ARG_NONE, NULL, N_("Open the training database (made-up point, never real data)"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use this database file"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

BmApplication *
bm_application_new (void)
{
  return g_object_new (BM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

BmStore *
bm_application_get_store (BmApplication *self)
{
  return self->store;
}
