/* The sync page: online or not, last success, the queue and its oldest
 * record, a progress bar during a run, and the records that need the clerk
 * (rejected, conflicting, returned) with why and what to do. Runs happen on
 * the station's BmSyncWorker thread; this page only reads the store and
 * listens to the station (store changes) and the worker (runs). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-store-submit.h"
#include "bm-store-sync.h"
#include "bm-sync-message.h"
#include "bm-sync-page.h"
#include "bm-sync-worker.h"
#include "bm-station.h"

struct _BmSyncPage
{
  GtkWidget parent_instance;

  BmStation *station;
  BmStore *store;
  BmSyncWorker *worker;
  GNetworkMonitor *monitor;
  guint refresh_id;
  char *indicator_text;

  GtkWidget *content;
  GtkLabel *status_label;
  GtkButton *sync_button;
  GtkLabel *queue_label;
  GtkProgressBar *progress_bar;
  GtkLabel *error_label;
  GtkListBox *problems_list;
  GtkSpinner *submit_spinner;
  GtkLabel *submit_label;
  GCancellable *submit_cancellable;   /* set while a final submission runs */
  gboolean sync_running;
};

G_DEFINE_FINAL_TYPE (BmSyncPage, bm_sync_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_INDICATOR_TEXT, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { OPEN_RECORD, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
age_text (gint64 seconds)
{
  if (seconds < 120)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 7200)
    return g_strdup_printf (_("%d min"), (int) (seconds / 60));
  return g_strdup_printf (_("%d h"), (int) (seconds / 3600));
}

typedef struct {
  char *number;
  gboolean keep;
  char *operator_name;
} Resolve;

static void
resolve_free (gpointer data)
{
  Resolve *resolve = data;

  g_free (resolve->number);
  g_free (resolve->operator_name);
  g_free (resolve);
}

/* On the station's writer thread. */
static gboolean
resolve_write (BmStore *store, gpointer data, GError **error)
{
  Resolve *resolve = data;

  return bm_store_sync_resolve (store, resolve->number, resolve->keep, resolve->operator_name, error);
}

static void
resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BmSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error);

  if (self->store == NULL)
    return;    /* disposed meanwhile */
  bm_sync_page_refresh (self);
  if (!ok)
    gtk_label_set_text (self->error_label, error->message);
  if (self->worker)
    bm_sync_worker_sync_now (self->worker);
}

static void
on_resolve_clicked (GtkButton *button, BmSyncPage *self)
{
  Resolve *resolve = g_new0 (Resolve, 1);

  resolve->number = g_strdup (g_object_get_data (G_OBJECT (button), "number"));
  resolve->keep = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "keep"));
  resolve->operator_name = g_strdup (bm_station_get_acting_operator (self->station));
  /* not twice; the refresh after the write rebuilds the list */
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  bm_store_writer_write_async (bm_station_get_writer (self->station), resolve_write, resolve, resolve_free, NULL,
                               resolved, g_object_ref (self));
}

static void
on_open_clicked (GtkButton *button, BmSyncPage *self)
{
  g_signal_emit (self, signals[OPEN_RECORD], 0, g_object_get_data (G_OBJECT (button), "number"));
}

static GtkWidget *
action_button (BmSyncPage *self, const char *label, const char *number, int keep, GCallback cb)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);

  g_object_set_data_full (G_OBJECT (b), "number", g_strdup (number), g_free);
  g_object_set_data (G_OBJECT (b), "keep", GINT_TO_POINTER (keep));
  g_signal_connect (b, "clicked", cb, self);
  return b;
}

/* Number and buttons on one line, the sentence on its own line below: a
 * wrapping label inside a horizontal box trips a GTK 4.8 box-layout
 * assertion now and then. */
static GtkWidget *
problem_row (BmSyncPage *self, const BmSyncProblem *p)
{
  const char *number = p->number;
  const char *status = p->status;
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *num = gtk_label_new (number);
  GtkWidget *msg = gtk_label_new (p->message);

  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_add_css_class (num, "monospace");
  gtk_label_set_xalign (GTK_LABEL (num), 0);
  gtk_widget_set_hexpand (num, TRUE);
  gtk_label_set_wrap (GTK_LABEL (msg), TRUE);
  gtk_label_set_xalign (GTK_LABEL (msg), 0);
  gtk_box_append (GTK_BOX (line), num);
  if (g_strcmp0 (status, "conflict") == 0)
    {
      gtk_box_append (GTK_BOX (line), action_button (self, _("_Keep this workstation's record"), number, TRUE,
                                                     G_CALLBACK (on_resolve_clicked)));
      gtk_box_append (GTK_BOX (line), action_button (self, _("_Take the server's change"), number, FALSE,
                                                     G_CALLBACK (on_resolve_clicked)));
    }
  else
    gtk_box_append (GTK_BOX (line), action_button (self, _("_Open record"), number, 0, G_CALLBACK (on_open_clicked)));
  gtk_box_append (GTK_BOX (row), line);
  gtk_box_append (GTK_BOX (row), msg);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, p->message, -1);
  return row;
}

void
bm_sync_page_refresh (BmSyncPage *self)
{
  g_autoptr(BmSyncStatus) status = bm_store_sync_dup_status (self->store, NULL);
  g_autoptr(GPtrArray) problems = bm_store_sync_dup_problems (self->store, NULL);
  gboolean online = g_network_monitor_get_network_available (self->monitor);
  g_autofree char *status_text = NULL, *queue_text = NULL, *indicator = NULL, *age = NULL;
  const char *server;
  GtkWidget *child;
  gint64 queue;

  if (status == NULL)
    return;
  server = status->server_url;
  queue = status->queue;
  age = age_text (status->oldest_unsent_age_s);
  if (server == NULL)
    status_text = g_strdup (_("This workstation is not set up for sync with the provincial server."));
  else if (status->last_success == NULL)
    status_text = g_strdup_printf ("%s · %s", online ? _("Online") : _("Offline"), _("never synced"));
  else
    status_text = g_strdup_printf (_("%s · last success %s"), online ? _("Online") : _("Offline"),
                                   status->last_success);
  gtk_label_set_text (self->status_label, status_text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), server != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.submit",
                                 server != NULL && !self->sync_running && self->submit_cancellable == NULL);

  queue_text = queue > 0
    ? g_strdup_printf (_("%lld records waiting to be sent, the oldest for %s; %lld accepted; %lld rejected; %lld conflicts."),
                       (long long) queue, age, (long long) status->accepted, (long long) status->rejected,
                       (long long) status->conflicts)
    : g_strdup_printf (_("Nothing waiting to be sent; %lld accepted; %lld rejected; %lld conflicts."),
                       (long long) status->accepted, (long long) status->rejected, (long long) status->conflicts);
  gtk_label_set_text (self->queue_label, queue_text);
  gtk_label_set_text (self->error_label, status->last_error ? status->last_error : "");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);
  for (guint i = 0; problems && i < problems->len; i++)
    gtk_list_box_append (self->problems_list, problem_row (self, problems->pdata[i]));

  indicator = server == NULL ? g_strdup (_("Not syncing"))
              : g_strdup_printf (_("%s · %lld to send"), online ? _("Online") : _("Offline"), (long long) queue);
  if (g_strcmp0 (indicator, self->indicator_text) != 0)
    {
      g_free (self->indicator_text);
      self->indicator_text = g_steal_pointer (&indicator);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INDICATOR_TEXT]);
    }
}

static void
on_run_started (BmSyncWorker *worker, BmSyncPage *self)
{
  /* The submission takes the same lock as a run (bm-sync-submit.c) and
   * would only be refused as busy: offer it when the run is over. */
  self->sync_running = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.submit", FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Syncing…"));
}

static void
on_progress (BmSyncWorker *worker, guint64 done, guint64 total, BmSyncPage *self)
{
  g_autofree char *text = g_strdup_printf (_("%llu of %llu records sent"), (unsigned long long) done,
                                           (unsigned long long) total);
  gtk_progress_bar_set_fraction (self->progress_bar, total ? (double) done / total : 0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_run_finished (BmSyncWorker *worker, gboolean ok, const char *code, const char *message, BmSyncPage *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, ok ? 1.0 : 0.0);
  gtk_progress_bar_set_text (self->progress_bar, ok ? _("Sync run finished.") : _("Sync run stopped."));
  self->sync_running = FALSE;
  bm_sync_page_refresh (self);
}

/* The final submission (第九步): the station runs it off the main thread;
 * the page shows its progress and what the province answered. */
static void
on_submit_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BmSyncPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = bm_station_submit_finish (BM_STATION (source), result, &error);
  g_autoptr(GString) sentences = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint accepted = 0, refused = 0;

  g_clear_object (&self->submit_cancellable);
  if (self->submit_label == NULL)
    return;   /* the page was closed while the thread ran */
  gtk_spinner_stop (self->submit_spinner);
  for (guint i = 0; results && i < results->len; i++)
    {
      BmSubmitResult *r = results->pdata[i];

      if (g_str_equal (r->status, "accepted"))
        accepted++;
      else
        {
          refused++;
          g_string_append_printf (sentences, _("%s not submitted: %s\n"), r->number, r->reason ? r->reason : r->code);
        }
    }
  if (results == NULL)
    text = g_strdup_printf (_("Submission stopped: %s"), error->message);
  else
    text = g_strdup_printf (_("Submission finished: %u accepted, %u not submitted.\n%s"), accepted, refused,
                            sentences->str);
  gtk_label_set_text (self->submit_label, g_strchomp (text));
  bm_sync_page_refresh (self);
}

static void
submit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmSyncPage *self = BM_SYNC_PAGE (widget);

  if (self->station == NULL || self->submit_cancellable != NULL || self->sync_running)
    return;
  self->submit_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (widget, "sync.submit", FALSE);
  gtk_spinner_start (self->submit_spinner);
  gtk_label_set_text (self->submit_label, _("Submitting complete records to the province…"));
  bm_station_submit_async (self->station, self->submit_cancellable, on_submit_done, g_object_ref (self));
}

static void
sync_now_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmSyncPage *self = BM_SYNC_PAGE (widget);

  if (self->worker)
    bm_sync_worker_sync_now (self->worker);
}

static gboolean
refresh_now (gpointer data)
{
  BmSyncPage *self = data;

  self->refresh_id = 0;
  bm_sync_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* A sync answer changes hundreds of records at once: one refresh after
 * the burst, not one per record. */
static void
on_store_changed (BmStation *station, const char *kind, const char *uuid, BmSyncPage *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_now, self, NULL);
}

static void
on_network (GNetworkMonitor *monitor, gboolean available, BmSyncPage *self)
{
  bm_sync_page_refresh (self);
}

static void
bm_sync_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BmSyncPage *self = BM_SYNC_PAGE (object);

  if (id == PROP_INDICATOR_TEXT)
    g_value_set_string (value, self->indicator_text);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bm_sync_page_dispose (GObject *object)
{
  BmSyncPage *self = BM_SYNC_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->submit_cancellable)
    g_cancellable_cancel (self->submit_cancellable);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->worker)
    g_signal_handlers_disconnect_by_data (self->worker, self);
  if (self->station)
    g_signal_handlers_disconnect_by_data (self->station, self);
  g_clear_object (&self->worker);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_SYNC_PAGE);
  G_OBJECT_CLASS (bm_sync_page_parent_class)->dispose (object);
}

static void
bm_sync_page_finalize (GObject *object)
{
  g_free (BM_SYNC_PAGE (object)->indicator_text);
  G_OBJECT_CLASS (bm_sync_page_parent_class)->finalize (object);
}

static void
bm_sync_page_class_init (BmSyncPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_sync_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = bm_sync_page_finalize;
  G_OBJECT_CLASS (klass)->get_property = bm_sync_page_get_property;
  props[PROP_INDICATOR_TEXT] = g_param_spec_string ("indicator-text", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, queue_label);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, problems_list);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, submit_spinner);
  gtk_widget_class_bind_template_child (widget_class, BmSyncPage, submit_label);
  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "sync.now", NULL);
  gtk_widget_class_install_action (widget_class, "sync.submit", NULL, submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_U, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "sync.submit", NULL);
}

static void
bm_sync_page_init (BmSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BmSyncPage *
bm_sync_page_new (BmStation *station)
{
  BmSyncPage *self = g_object_new (BM_TYPE_SYNC_PAGE, NULL);
  BmSyncWorker *worker = bm_station_get_sync_worker (station);

  self->station = g_object_ref (station);
  self->store = g_object_ref (bm_station_get_store (station));
  self->monitor = g_network_monitor_get_default ();
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (on_network), self);
  g_signal_connect (station, "store-changed", G_CALLBACK (on_store_changed), self);
  if (worker != NULL)
    {
      self->worker = g_object_ref (worker);
      self->sync_running = bm_sync_worker_is_running (worker);
      g_signal_connect (worker, "run-started", G_CALLBACK (on_run_started), self);
      g_signal_connect (worker, "progress", G_CALLBACK (on_progress), self);
      g_signal_connect (worker, "run-finished", G_CALLBACK (on_run_finished), self);
    }
  bm_sync_page_refresh (self);
  return self;
}

void
bm_sync_page_sync_now (BmSyncPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sync.now", NULL);
}
