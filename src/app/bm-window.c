/* The main window: header with point, counts and the reader and network
 * indicators; a sidebar of the pages; the training banner when the store is
 * a training one. Card reads always land on the counter page. The services
 * belong to the station; the window only shows them, and brings every page
 * up to date after each change the station announces. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-backup-settings.h"
#include "bm-camera-settings.h"
#include "bm-export-dialog.h"
#include "bm-card-status.h"
#include "bm-login-dialog.h"
#include "bm-operators-dialog.h"
#include "bm-printer.h"
#include "bm-print-page.h"
#include "bm-progress-page.h"
#include "bm-settings.h"
#include "bm-sync-page.h"
#include "bm-window.h"

struct _BmWindow
{
  GtkApplicationWindow parent_instance;

  BmStation *station;
  BmStore *store;
  GSettings *settings;
  guint refresh_id;
  BmCounterPage *counter_page;
  BmEntryPage *entry_page;
  BmCandidatesPage *candidates_page;
  BmPrintPage *print_page;
  BmSyncPage *sync_page;
  BmProgressPage *progress_page;
  BmCardStatus *card_status;
  GtkWidget *camera_status;
  GtkWidget *printer_status;
  GtkWidget *backup_status;
  guint printer_poll_id;
  GCancellable *cancellable;
  gboolean printer_checking;

  /* Template widgets */
  GtkLabel *point_label;
  GtkBox *status_box;
  GtkLabel *counts_label;
  GtkLabel *sync_label;
  GtkLabel *operator_label;
  GtkWidget *training_banner;
  GtkStack *stack;
  GtkWidget *sidebar;
};

G_DEFINE_FINAL_TYPE (BmWindow, bm_window, GTK_TYPE_APPLICATION_WINDOW)

static void
update_counts (BmWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("%lld registered"),
                                           (long long) bm_store_count_candidates (self->store, FALSE));

  gtk_label_set_text (self->counts_label, text);
}

static gboolean
refresh_pages (gpointer data)
{
  BmWindow *self = data;

  self->refresh_id = 0;
  bm_candidates_page_reload (self->candidates_page);
  bm_counter_page_reload (self->counter_page);
  bm_print_page_refresh (self->print_page);
  bm_progress_page_refresh (self->progress_page);
  update_counts (self);
  return G_SOURCE_REMOVE;
}

/* A burst of changes (a sync answer touches hundreds of records) is one
 * refresh, as soon as the burst has been handled. */
static void
on_store_changed (BmStation *station, const char *kind, const char *uuid, BmWindow *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_pages, self, NULL);
}

/* ---- camera and printer in the header (issue 13) ---------------------------
 * A word or two in the header; the whole sentence, with what to do, is the
 * tooltip and the accessible name. Nothing technical: no device paths, no
 * print system messages. */

void
bm_window_set_indicator (GtkWidget *label, const char *short_text, const char *sentence, gboolean ok)
{
  gtk_label_set_text (GTK_LABEL (label), short_text);
  gtk_widget_set_tooltip_text (label, sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence, -1);
  if (ok)
    gtk_widget_remove_css_class (label, "warning");
  else
    gtk_widget_add_css_class (label, "warning");
}

static void
update_camera_status (BmWindow *self)
{
  GPtrArray *devices = bm_camera_monitor_get_devices (bm_station_get_camera_monitor (self->station));
  BmPhotoStep *step = self->counter_page ? bm_counter_page_get_photo_step (self->counter_page) : NULL;

  /* a camera chosen in the settings need not be one the monitor lists:
   * one that streams is ready */
  if (step != NULL && bm_photo_step_get_camera_ready (step))
    bm_window_set_indicator (self->camera_status, _("Camera: ready"), _("The camera is working."), TRUE);
  else if (devices->len == 0)
    bm_window_set_indicator (self->camera_status, _("Camera: none"),
                   _("No camera is connected: plug one in; it is found by itself. Meanwhile the photo can be taken "
                     "later (Alt+L on the counter)."), FALSE);
  else
    {
      BmCameraInfo *info = g_ptr_array_index (devices, 0);
      g_autofree char *sentence = g_strdup_printf (_("Camera ready: %s."), info->card ? info->card : _("camera"));

      bm_window_set_indicator (self->camera_status, _("Camera: ready"), sentence, TRUE);
    }
}

static void
on_camera_device (BmCameraMonitor *monitor, const char *path, BmWindow *self)
{
  update_camera_status (self);
}

static void
on_photo_step_state (BmPhotoStep *step, BmWindow *self)
{
  update_camera_status (self);
}

typedef struct {
  gboolean found;
  gboolean ready;
  char *name;
  char *state;    /* translated, for people (bm_printer_describe_state) */
} PrinterCheck;

static void
printer_check_free (gpointer data)
{
  PrinterCheck *c = data;

  g_free (c->name);
  g_free (c->state);
  g_free (c);
}

/* In a thread: CUPS calls block. The configured queue, else the default. */
static void
check_printer_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *wanted = task_data;
  PrinterCheck *c = g_new0 (PrinterCheck, 1);
  g_autoptr(BmPrinter) printer = NULL;

  if (wanted != NULL && *wanted)
    printer = bm_printer_lookup (wanted, NULL);
  else
    {
      g_autoptr(GPtrArray) all = bm_printer_list (NULL);

      for (guint i = 0; all != NULL && i < all->len && printer == NULL; i++)
        if (bm_printer_is_default (g_ptr_array_index (all, i)))
          printer = g_object_ref (g_ptr_array_index (all, i));
    }
  if (printer != NULL)
    {
      c->found = TRUE;
      c->ready = bm_printer_is_ready (printer);
      c->name = g_strdup (bm_printer_get_info (printer) && *bm_printer_get_info (printer)
                            ? bm_printer_get_info (printer) : bm_printer_get_name (printer));
      c->state = bm_printer_describe_state (printer);
    }
  g_task_return_pointer (task, c, printer_check_free);
}

static void
printer_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  PrinterCheck *c = g_task_propagate_pointer (G_TASK (result), &error);
  BmWindow *self;
  g_autofree char *sentence = NULL;

  if (c == NULL)
    return;    /* cancelled: the window is gone */
  self = BM_WINDOW (source);
  self->printer_checking = FALSE;
  if (!c->found)
    bm_window_set_indicator (self->printer_status, _("Printer: none"),
                   _("No printer can be reached: ask the point supervisor to connect one. Registration goes on; "
                     "login cards can be printed later from the Print page (F4)."), FALSE);
  else if (c->ready)
    {
      sentence = g_strdup_printf (_("Printer “%s” is ready."), c->name);
      bm_window_set_indicator (self->printer_status, _("Printer: ready"), sentence, TRUE);
    }
  else
    {
      sentence = g_strdup_printf (_("Printer “%s” cannot print now (%s): check paper, toner and power. "
                                    "Registration goes on; login cards can be printed later (F4)."),
                                  c->name, c->state ? c->state : "");
      bm_window_set_indicator (self->printer_status, _("Printer: stopped"), sentence, FALSE);
    }
  printer_check_free (c);
}

static gboolean
check_printer (gpointer data)
{
  BmWindow *self = data;
  g_autoptr(GTask) task = NULL;
  const char *name;

  if (self->printer_checking)
    return G_SOURCE_CONTINUE;
  self->printer_checking = TRUE;
  name = bm_print_service_get_printer (bm_station_get_print_service (self->station));
  task = g_task_new (self, self->cancellable, printer_checked, NULL);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, check_printer_in_thread);
  return G_SOURCE_CONTINUE;
}

/* The station hands every card to the counter flow; the window shows it. */
static void
on_identity_read (BmCardStatus *status, BmIdentity *identity, BmWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "counter");
}

static void
on_open_record (BmSyncPage *page, const char *number, BmWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "candidates");
  bm_candidates_page_set_query (self->candidates_page, number);
}

/* A card whose number fails its check: manual entry with the card's data. */
static void
on_manual_entry (BmCounterPage *page, BmIdentity *identity, BmWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "entry");
  bm_entry_page_fill_from_card (self->entry_page, identity);
}

static void
show_page_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmWindow *self = BM_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  gtk_stack_set_visible_child_name (self->stack, name);
  if (g_str_equal (name, "entry"))
    bm_entry_page_focus_first (self->entry_page);
  else if (g_str_equal (name, "candidates"))
    bm_candidates_page_focus_search (self->candidates_page);
}

/* The header names who is working; the log-in screen shows whenever
 * nobody may work (not logged in in real mode, or locked). */
static void on_dialog_destroyed (GtkWidget *dialog, BmWindow *self);

static void
show_log_in (BmWindow *self)
{
  BmLoginDialog *dialog;

  if (self->station == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self))
      || bm_station_get_acting_operator (self->station) != NULL
      || g_object_get_data (G_OBJECT (self), "bm-login-dialog") != NULL)
    return;
  dialog = bm_login_dialog_new (GTK_WINDOW (self), self->station);
  g_object_set_data (G_OBJECT (self), "bm-login-dialog", dialog);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_dialog_destroyed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_dialog_destroyed (GtkWidget *dialog, BmWindow *self)
{
  g_object_set_data (G_OBJECT (self), "bm-login-dialog", NULL);
  /* Closed without anybody logged in cannot happen (no close button),
   * but never leave the window usable without an operator. */
  show_log_in (self);
}

static void
update_operator (BmWindow *self)
{
  const char *user = bm_station_get_operator (self->station);
  g_autofree char *text = NULL;

  if (user == NULL)
    text = g_strdup (_("Nobody logged in"));
  else if (bm_station_get_locked (self->station))
    text = g_strdup_printf (_("%s (locked)"), user);
  else
    text = g_strdup_printf (_("Operator: %s"), user);
  gtk_label_set_text (self->operator_label, text);
  /* H-ops: accounts are the supervisor's (bm-operators-dialog.c). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.operators", bm_operators_dialog_allowed (self->station));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", bm_export_dialog_allowed (self->station));
  show_log_in (self);
}

static void
operators_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  gtk_window_present (GTK_WINDOW (bm_operators_dialog_new (GTK_WINDOW (widget), BM_WINDOW (widget)->station)));
}

/* "" asks for the folder; a path exports there (tests, scripts). */
static void
export_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  const char *dir = g_variant_get_string (parameter, NULL);

  if (*dir)
    bm_export_dialog_run (GTK_WINDOW (widget), BM_WINDOW (widget)->station, dir);
  else
    bm_export_dialog_choose (GTK_WINDOW (widget), BM_WINDOW (widget)->station);
}

static void
on_operator_changed (BmStation *station, GParamSpec *pspec, BmWindow *self)
{
  update_operator (self);
}

static void
lock_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmWindow *self = BM_WINDOW (widget);

  bm_station_lock (self->station);
}

/* Any key or click in the window is work: it keeps the session open. */
static gboolean
on_activity_key (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                 BmWindow *self)
{
  bm_station_note_activity (self->station);
  return GDK_EVENT_PROPAGATE;
}

static void
on_activity_click (GtkGestureClick *gesture, int n_press, double x, double y, BmWindow *self)
{
  bm_station_note_activity (self->station);
}

static void
on_map (GtkWidget *widget, BmWindow *self)
{
  show_log_in (self);
}

static void
bm_window_dispose (GObject *object)
{
  BmWindow *self = BM_WINDOW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->printer_poll_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->counter_page != NULL)
    g_signal_handlers_disconnect_by_data (bm_counter_page_get_photo_step (self->counter_page), self);
  if (self->station != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->station, self);
      g_signal_handlers_disconnect_by_data (bm_station_get_camera_monitor (self->station), self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_WINDOW);
  g_clear_object (&self->station);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bm_window_parent_class)->dispose (object);
}

static void
bm_window_class_init (BmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint key; GdkModifierType mods; const char *page; } pages[] = {
    { GDK_KEY_F1, 0, "counter" },
    { GDK_KEY_F2, 0, "entry" },
    { GDK_KEY_n, GDK_CONTROL_MASK, "entry" },
    { GDK_KEY_F3, 0, "candidates" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "candidates" },
    { GDK_KEY_F4, 0, "print" },
    /* in the sidebar's order; F5 is the submission page's "send now" */
    { GDK_KEY_F6, 0, "sync" },
    { GDK_KEY_F7, 0, "progress" },
    { GDK_KEY_F8, 0, "settings" },
  };

  G_OBJECT_CLASS (klass)->dispose = bm_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BmWindow, point_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, operator_label);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_install_action (widget_class, "win.operators", NULL, operators_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_O, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.operators", NULL);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, training_banner);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, sidebar);

  /* listed in the shortcuts window; GtkApplication binds it only for an
   * automatic help overlay, this one is set by hand */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK, "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-help-overlay", NULL);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, pages[i].key, pages[i].mods, "win.show-page", "s", pages[i].page);
}

static void
bm_window_init (BmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
make_settings_page (BmWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (bm_camera_settings_new (self->station)));
  gtk_box_append (GTK_BOX (box), bm_backup_settings_new (self->station));
  return box;
}

/**
 * bm_window_new:
 * @station: the station whose services the window shows (started by the
 *   caller, see bm_station_start())
 */
BmWindow *
bm_window_new (GtkApplication *application, BmStation *station)
{
  BmWindow *self = g_object_new (BM_TYPE_WINDOW, "application", application, NULL);
  BmStore *store = bm_station_get_store (station);
  g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (store, NULL);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/cn/baoming/Client/ui/bm-shortcuts-window.ui");
  g_autofree char *camera = NULL;

  self->station = g_object_ref (station);
  self->store = g_object_ref (store);
  self->settings = bm_station_get_settings (station) ? g_object_ref (bm_station_get_settings (station)) : NULL;
  if (self->settings != NULL)
    camera = g_settings_get_string (self->settings, "camera-device");

  self->print_page = bm_print_page_new (station);
  self->counter_page = bm_counter_page_new (station);
  bm_photo_step_set_device (bm_counter_page_get_photo_step (self->counter_page), camera && *camera ? camera : NULL);
  self->entry_page = bm_entry_page_new (store);
  self->candidates_page = bm_candidates_page_new (store);
  bm_entry_page_set_station (self->entry_page, station);
  bm_candidates_page_set_station (self->candidates_page, station);
  self->sync_page = bm_sync_page_new (station);
  self->progress_page = bm_progress_page_new (store);

  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->counter_page), "counter", _("Counter"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->entry_page), "entry", _("Manual entry"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->candidates_page), "candidates", _("Candidates"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->print_page), "print", _("Print"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->sync_page), "sync", _("Submission"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->progress_page), "progress", _("Progress"));
  gtk_stack_add_titled (self->stack, make_settings_page (self), "settings", _("Settings"));

  g_signal_connect (station, "store-changed", G_CALLBACK (on_store_changed), self);
  g_signal_connect (self->sync_page, "open-record", G_CALLBACK (on_open_record), self);
  g_signal_connect (self->counter_page, "open-record", G_CALLBACK (on_open_record), self);
  g_signal_connect (self->counter_page, "manual-entry", G_CALLBACK (on_manual_entry), self);
  g_object_bind_property (self->sync_page, "indicator-text", self->sync_label, "label", G_BINDING_SYNC_CREATE);

  self->card_status = BM_CARD_STATUS (bm_card_status_new (bm_station_get_card_reader (station)));
  gtk_box_append (self->status_box, GTK_WIDGET (self->card_status));
  g_signal_connect (self->card_status, "identity-read", G_CALLBACK (on_identity_read), self);

  self->cancellable = g_cancellable_new ();
  self->camera_status = gtk_label_new (NULL);
  self->printer_status = gtk_label_new (_("Printer: checking…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->printer_status), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Printer: checking…"), -1);
  gtk_box_append (self->status_box, self->camera_status);
  gtk_box_append (self->status_box, self->printer_status);
  self->backup_status = bm_backup_status_new (station);
  gtk_box_append (self->status_box, self->backup_status);
  g_signal_connect (bm_station_get_camera_monitor (station), "device-added", G_CALLBACK (on_camera_device), self);
  g_signal_connect (bm_station_get_camera_monitor (station), "device-removed", G_CALLBACK (on_camera_device), self);
  g_signal_connect (bm_counter_page_get_photo_step (self->counter_page), "state-changed",
                    G_CALLBACK (on_photo_step_state), self);
  update_camera_status (self);
  check_printer (self);
  self->printer_poll_id = g_timeout_add_seconds (30, check_printer, self);

  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  if (profile != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s · workstation %s"), profile->name, profile->workstation_id);

      gtk_label_set_text (self->point_label, subtitle);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->point_label), subtitle);
      gtk_widget_set_visible (self->training_banner, profile->training);
      if (profile->training)
        {
          g_autofree char *title = g_strdup_printf (_("%s (training)"), _("Registration point client"));
          gtk_window_set_title (GTK_WINDOW (self), title);
        }
    }
  update_counts (self);
  gtk_stack_set_visible_child_name (self->stack, "counter");
  /* Tab does not walk through the sidebar (each row it reached switched
   * the page): the pages are F1-F8, in the sidebar's order */
  gtk_widget_set_can_focus (GTK_WIDGET (self->sidebar), FALSE);

  g_signal_connect (station, "notify::operator", G_CALLBACK (on_operator_changed), self);
  g_signal_connect (station, "notify::locked", G_CALLBACK (on_operator_changed), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();
    GtkGesture *clicks = gtk_gesture_click_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (clicks), GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_activity_key), self);
    g_signal_connect (clicks, "pressed", G_CALLBACK (on_activity_click), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (clicks));
  }
  update_operator (self);
  return self;
}

BmCounterPage *
bm_window_get_counter_page (BmWindow *self)
{
  return self->counter_page;
}

BmEntryPage *
bm_window_get_entry_page (BmWindow *self)
{
  return self->entry_page;
}

BmCandidatesPage *
bm_window_get_candidates_page (BmWindow *self)
{
  return self->candidates_page;
}

/* The header's count, as the clerk reads it. */
const char *
bm_window_get_count_text (BmWindow *self)
{
  return gtk_label_get_text (self->counts_label);
}

/* The header's camera and printer sentences (tooltips), as the clerk reads them. */
const char *
bm_window_get_camera_text (BmWindow *self)
{
  return gtk_widget_get_tooltip_text (self->camera_status);
}

const char *
bm_window_get_printer_text (BmWindow *self)
{
  return gtk_widget_get_tooltip_text (self->printer_status);
}

const char *
bm_window_get_backup_text (BmWindow *self)
{
  return bm_backup_status_get_text (self->backup_status);
}
