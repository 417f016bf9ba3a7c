/* bm-station.c: one registration workstation's long-lived services
 *
 * The station owns the store, the card reader, the camera monitor and the
 * cameras in use, the print service, the counter flow (BmIntake, fed by
 * the reader's card reads) and the background sync worker. Widgets and the CLI get
 * them from here and watch their properties and signals; none of them
 * creates or stops a device or a worker. The station also gathers every
 * committed change of the store, whoever made it (this process's
 * connection or the sync worker's), into one signal on the main context.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-integrity-check.h"
#include "bm-station.h"
#include "bm-store-login.h"
#include "bm-store-sync.h"

struct _BmStation
{
  GObject parent_instance;

  BmStore *store;
  GSettings *settings;
  BmCardReader *reader;
  BmCameraMonitor *camera_monitor;
  char *camera_dir;
  GHashTable *cameras;   /* path -> HeldCamera */
  BmSyncWorker *worker;
  BmStoreWriter *writer;
  BmPrintService *print_service;
  BmIntake *intake;
  BmBackupService *backup;  /* issue 14: the continuous backup */
  char *operator_name;      /* logged in; kept while locked */
  gboolean locked;
  gboolean require_id_card; /* 实名认证: log-in also takes the own ID card */
  char *awaiting_user;      /* password checked, waiting for their card */
  char *card_problem;       /* why the last card was refused */
  guint idle_lock_seconds;  /* 0: never */
  gint64 last_activity;     /* station clock, µs */
  BmStationClock clock;
  gpointer clock_data;
  guint idle_source;
  guint integrity_source;   /* the day's full check, a while after start */
  gboolean started;
  gboolean session_closed;  /* the log-out at stop is written once */
};

typedef struct {
  BmCamera *camera;
  guint holders;
} HeldCamera;

G_DEFINE_FINAL_TYPE (BmStation, bm_station, G_TYPE_OBJECT)

enum { PROP_0, PROP_STORE, PROP_OPERATOR, PROP_LOCKED, PROP_AWAITING_CARD, PROP_CARD_PROBLEM, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_STORE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
held_camera_free (gpointer data)
{
  HeldCamera *held = data;

  bm_camera_close (held->camera);
  g_object_unref (held->camera);
  g_free (held);
}

static void
on_store_changed (GObject *source, const char *kind, const char *uuid, BmStation *self)
{
  if (self->backup != NULL)
    bm_backup_service_note_change (self->backup);
  g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0, kind, uuid);
}

static void
bm_station_dispose (GObject *object)
{
  BmStation *self = BM_STATION (object);

  /* Disconnected first: the log-out that stopping writes is not passed
   * on to listeners of a station being disposed. */
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  bm_station_stop (self);
  if (self->worker != NULL)
    g_signal_handlers_disconnect_by_data (self->worker, self);
  if (self->reader != NULL)
    g_signal_handlers_disconnect_by_data (self->reader, self);
  g_clear_object (&self->worker);
  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  g_clear_object (&self->writer);
  g_clear_object (&self->intake);
  g_clear_object (&self->backup);
  g_clear_object (&self->print_service);
  g_clear_object (&self->reader);
  g_clear_pointer (&self->cameras, g_hash_table_unref);
  g_clear_object (&self->camera_monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (bm_station_parent_class)->dispose (object);
}

static void
bm_station_finalize (GObject *object)
{
  BmStation *self = BM_STATION (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_free (self->operator_name);
  g_free (self->awaiting_user);
  g_free (self->card_problem);
  g_free (self->camera_dir);
  G_OBJECT_CLASS (bm_station_parent_class)->finalize (object);
}

static void
bm_station_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BmStation *self = BM_STATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_OPERATOR:
      g_value_set_string (value, self->operator_name);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    case PROP_AWAITING_CARD:
      g_value_set_boolean (value, self->awaiting_user != NULL);
      break;
    case PROP_CARD_PROBLEM:
      g_value_set_string (value, self->card_problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_station_class_init (BmStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_station_dispose;
  object_class->finalize = bm_station_finalize;
  object_class->get_property = bm_station_get_property;

  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, BM_TYPE_STORE,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The operator who is logged in (NULL when nobody is); it stays while
   * the session is locked, so the lock screen can name them. */
  props[PROP_OPERATOR] = g_param_spec_string ("operator", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Locked: nobody may work until the same operator's password is given. */
  props[PROP_LOCKED] = g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* 实名认证: the password was right and the log-in (or unlock) waits
   * for the operator's own ID card on the reader. */
  props[PROP_AWAITING_CARD] = g_param_spec_boolean ("awaiting-card", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why the last card was refused (NULL before a card, or after a new
   * password step). */
  props[PROP_CARD_PROBLEM] = g_param_spec_string ("card-problem", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * BmStation::store-changed:
   * @kind: what changed (BmStore::changed)
   * @uuid: (nullable): the record that changed
   *
   * A change was committed to the store, by this process or by the sync
   * worker; emitted once per change on the main context.
   */
  signals[SIGNAL_STORE_CHANGED] = g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                G_TYPE_STRING, G_TYPE_STRING);
}

static void
bm_station_init (BmStation *self)
{
  self->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, held_camera_free);
  self->idle_lock_seconds = BM_STATION_IDLE_LOCK_DEFAULT;
}

/* Reader settings of the cn.baoming.Client schema: card-reader,
 * card-scheme, card-serial-device, card-serial-baud, wlt-decoder. */
static void
apply_reader_settings (BmStation *self)
{
  g_autofree char *reader = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *decoder = NULL;
  BmCardScheme s = BM_CARD_SCHEME_AUTO;

  if (self->settings == NULL)
    return;
  reader = g_settings_get_string (self->settings, "card-reader");
  scheme = g_settings_get_string (self->settings, "card-scheme");
  serial = g_settings_get_string (self->settings, "card-serial-device");
  decoder = g_settings_get_string (self->settings, "wlt-decoder");
  bm_card_reader_set_reader (self->reader, *reader != '\0' ? reader : NULL);
  if (bm_card_scheme_from_string (scheme, &s))
    bm_card_reader_set_scheme (self->reader, s);
  if (*serial != '\0')
    bm_card_reader_set_serial (self->reader, serial, g_settings_get_uint (self->settings, "card-serial-baud"));
  /* The decoder is looked up where it is used; the variable carries it. */
  if (*decoder != '\0')
    g_setenv ("BAOMING_WLT_DECODER", decoder, TRUE);
}

static void
on_card_read (BmCardReader *reader, BmIdentity *identity, BmStation *self)
{
  /* A card placed for the log-in is the operator's own: it must not
   * start a candidate's registration. */
  if (self->awaiting_user != NULL)
    {
      bm_station_present_card (self, identity, NULL);
      return;
    }
  bm_intake_card_read (self->intake, identity);
}

/**
 * bm_station_new:
 * @store: the opened store
 * @settings: (nullable): the cn.baoming.Client settings (reader set-up,
 *   operator name); NULL in tests and where the schema is not installed
 *
 * Returns: (transfer full): a station; its services start with
 *   bm_station_start()
 */
BmStation *
bm_station_new (BmStore *store, GSettings *settings)
{
  BmStation *self = g_object_new (BM_TYPE_STATION, NULL);
  g_autofree char *server = NULL;

  g_return_val_if_fail (BM_IS_STORE (store), NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  self->writer = bm_store_writer_new (bm_store_get_path (store), bm_store_is_training (store));
  g_signal_connect (self->writer, "store-changed", G_CALLBACK (on_store_changed), self);

  self->reader = bm_card_reader_new ();
  apply_reader_settings (self);
  g_signal_connect (self->reader, "card-read", G_CALLBACK (on_card_read), self);

  self->print_service = bm_print_service_new (store);
  self->intake = bm_intake_new (store, self->writer, self->print_service);
  self->backup = bm_backup_service_new (store);
  if (self->settings != NULL)
    {
      g_autofree char *printer = g_settings_get_string (self->settings, "printer");

      bm_print_service_set_printer (self->print_service, printer);
      self->idle_lock_seconds = g_settings_get_uint (self->settings, "idle-lock-minutes") * 60;
    }
  /* Training opens with the training clerk: one step to try. Real mode
   * waits for a log-in (the "operator-name" setting is only the user name
   * the log-in screen suggests). */
  if (bm_store_is_training (store))
    bm_station_log_in (self, BM_TRAINING_CLERK, NULL, NULL);
  /* Read after the training clerk's log-in: a training store opens
   * without a card; later log-ins on it take one like any other. */
  if (self->settings != NULL)
    self->require_id_card = g_settings_get_boolean (self->settings, "require-id-card-login");

  server = bm_store_sync_get (store, "server_url");
  if (server != NULL && !bm_store_is_training (store))
    {
      self->worker = bm_sync_worker_new (bm_store_get_path (store), FALSE, 300);
      g_signal_connect (self->worker, "store-changed", G_CALLBACK (on_store_changed), self);
    }
  return self;
}

BmBackupService *
bm_station_get_backup_service (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->backup;
}

BmStore *
bm_station_get_store (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->store;
}

/* Returns: (nullable) (transfer none) */
GSettings *
bm_station_get_settings (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->settings;
}

/**
 * bm_station_get_writer:
 *
 * Returns: (transfer none): the station's writer: widgets write through it,
 *   so a commit never stalls the main loop
 */
BmStoreWriter *
bm_station_get_writer (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->writer;
}

BmPrintService *
bm_station_get_print_service (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->print_service;
}

BmIntake *
bm_station_get_intake (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->intake;
}

BmCardReader *
bm_station_get_card_reader (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->reader;
}

/* Returns: (nullable) (transfer none): the sync worker, or NULL for a
 * training store or one never set up against a server */
BmSyncWorker *
bm_station_get_sync_worker (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->worker;
}

/* Where cameras are looked for (default /dev); tests point it at a
 * directory of fake devices. Takes effect before the monitor is first
 * asked for. */
void
bm_station_set_camera_dir (BmStation *self, const char *dir)
{
  g_return_if_fail (BM_IS_STATION (self));
  g_return_if_fail (self->camera_monitor == NULL);
  g_free (self->camera_dir);
  self->camera_dir = g_strdup (dir);
}

BmCameraMonitor *
bm_station_get_camera_monitor (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  if (self->camera_monitor == NULL)
    self->camera_monitor = bm_camera_monitor_new (self->camera_dir);
  return self->camera_monitor;
}

/* Who the services write as: nobody while the session is locked. */
static void
pass_operator (BmStation *self)
{
  const char *acting = self->locked ? NULL : self->operator_name;

  bm_print_service_set_operator (self->print_service, acting);
  bm_intake_set_operator (self->intake, acting);
}

static gint64
station_now (BmStation *self)
{
  return self->clock ? self->clock (self->clock_data) : g_get_monotonic_time ();
}

static gboolean
on_idle_check (gpointer data)
{
  bm_station_check_idle (BM_STATION (data));
  return G_SOURCE_CONTINUE;
}

static void
set_logged_in (BmStation *self, const char *user)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->operator_name, user) != 0)
    {
      g_free (self->operator_name);
      self->operator_name = g_strdup (user);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OPERATOR]);
    }
  if (self->locked)
    {
      self->locked = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOCKED]);
    }
  pass_operator (self);
  self->session_closed = FALSE;
  self->last_activity = station_now (self);
  /* Checked every few seconds; bm_station_check_idle decides. */
  if (user != NULL && self->idle_source == 0 && self->idle_lock_seconds > 0)
    self->idle_source = g_timeout_add_seconds (5, on_idle_check, self);
  if (user == NULL)
    g_clear_handle_id (&self->idle_source, g_source_remove);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_card_problem (BmStation *self, const char *problem)
{
  if (g_strcmp0 (self->card_problem, problem) == 0)
    return;
  g_free (self->card_problem);
  self->card_problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CARD_PROBLEM]);
}

static void
set_awaiting (BmStation *self, const char *user)
{
  gboolean was = self->awaiting_user != NULL;

  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->awaiting_user);
  self->awaiting_user = g_strdup (user);
  set_card_problem (self, NULL);
  if (was != (user != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AWAITING_CARD]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Session events are audited on the main connection, like the failed
 * log-ins bm_store_verify_password() records: one small entry, and the
 * log-in must not go on before it is written. */
static gboolean
audit_session (BmStation *self, const char *user, const char *event, const char *previous, const char *reason,
               GError **error)
{
  return bm_store_audit_session (self->store, user, event, "station", previous, reason, error);
}

/* A lock or log-out cannot be refused: if even its entry cannot be
 * written, say so in the log and go on. */
static void
audit_session_or_warn (BmStation *self, const char *user, const char *event, const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!audit_session (self, user, event, NULL, reason, &error))
    g_warning ("Session event %s not audited: %s", event, error->message);
}

/* Every step is done: @user works now. Audited as an unlock (the same
 * operator back at a locked session), or as a log-in; a different
 * operator taking over (switching operator) also logs the one before
 * out. */
static gboolean
complete_log_in (BmStation *self, const char *user, GError **error)
{
  g_autofree char *previous = g_strdup (self->operator_name);

  if (self->locked && g_strcmp0 (previous, user) == 0)
    {
      if (!audit_session (self, user, BM_SESSION_UNLOCK, NULL, NULL, error))
        return FALSE;
    }
  else
    {
      if (previous != NULL && g_strcmp0 (previous, user) != 0)
        audit_session_or_warn (self, previous, BM_SESSION_LOG_OUT, "switch");
      if (!audit_session (self, user, BM_SESSION_LOG_IN,
                          g_strcmp0 (previous, user) != 0 ? previous : NULL, NULL, error))
        return FALSE;
    }
  set_logged_in (self, user);
  return TRUE;
}

/* The password step is done: log @user in, or with 实名认证 on wait for
 * their card. Whoever worked before stays (locked or not) until then. */
static gboolean
password_accepted (BmStation *self, const char *user, GError **error)
{
  if (self->require_id_card)
    {
      set_awaiting (self, user);
      return TRUE;
    }
  set_awaiting (self, NULL);
  return complete_log_in (self, user, error);
}

/**
 * bm_station_log_in:
 * @user: the account
 * @password: (nullable): its password (training accounts have none)
 *
 * Logs @user in against the store (offline; bm_store_verify_password), or
 * switches to @user from whoever worked before: switching operator is this
 * one call. An account still on a one-time password is refused with
 * BM_ERROR_PERMISSION; use bm_station_change_password().
 */
gboolean
bm_station_log_in (BmStation *self, const char *user, const char *password, GError **error)
{
  gboolean must_change = FALSE;

  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  if (!bm_store_verify_password (self->store, user, password, &must_change, error))
    return FALSE;
  if (must_change)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   _("“%s” logs in with a one-time password: choose your own password first."), user);
      return FALSE;
    }
  return password_accepted (self, user, error);
}

/* First log-in with a one-time password, or any change of one's own
 * password: checks @old_password, sets @new_password and logs @user in. */
gboolean
bm_station_change_password (BmStation *self, const char *user, const char *old_password, const char *new_password,
                            GError **error)
{
  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  if (!bm_store_verify_password (self->store, user, old_password, NULL, error)
      || !bm_store_set_password (self->store, user, new_password, FALSE, user, error))
    return FALSE;
  return password_accepted (self, user, error);
}

/* Locks the session: the operator stays named, nothing is written as them
 * until bm_station_unlock(). */
static void
lock_session (BmStation *self, const char *reason)
{
  if (self->operator_name == NULL || self->locked)
    return;
  audit_session_or_warn (self, self->operator_name, BM_SESSION_LOCK, reason);
  self->locked = TRUE;
  pass_operator (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOCKED]);
}

void
bm_station_lock (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  lock_session (self, "manual");
}

/* Unlocks with the same operator's password; another operator logs in
 * with bm_station_log_in() instead. */
gboolean
bm_station_unlock (BmStation *self, const char *password, GError **error)
{
  g_autofree char *user = NULL;

  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  if (self->operator_name == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION, _("Nobody is logged in at this workstation."));
      return FALSE;
    }
  user = g_strdup (self->operator_name);
  return bm_station_log_in (self, user, password, error);
}

void
bm_station_log_out (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  set_awaiting (self, NULL);
  if (self->operator_name != NULL)
    audit_session_or_warn (self, self->operator_name, BM_SESSION_LOG_OUT, NULL);
  set_logged_in (self, NULL);
}

/* 实名认证 on or off (the "require-id-card-login" setting). Turning it
 * off does not complete a log-in already waiting for a card. */
void
bm_station_set_require_id_card (BmStation *self, gboolean require)
{
  g_return_if_fail (BM_IS_STATION (self));
  self->require_id_card = require;
}

gboolean
bm_station_get_awaiting_card (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  return self->awaiting_user != NULL;
}

/* Returns: (nullable): why the last card was refused */
const char *
bm_station_get_card_problem (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->card_problem;
}

/* Back to the password step: the waiting log-in is dropped; whoever
 * worked before (or the lock) stays as it was. */
void
bm_station_cancel_card (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  set_awaiting (self, NULL);
}

/**
 * bm_station_present_card:
 * @identity: (nullable): the card read
 *
 * The card step of a log-in waiting for one (the reader's "card-read"
 * calls this). A matching card logs the operator in; another one is
 * refused (audited; "card-problem" says why) and the station keeps
 * waiting, so the right card can still be placed.
 */
gboolean
bm_station_present_card (BmStation *self, BmIdentity *identity, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  if (self->awaiting_user == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION, _("No log-in is waiting for an ID card; enter the password first."));
      return FALSE;
    }
  user = g_strdup (self->awaiting_user);
  if (!bm_store_verify_id_card (self->store, user, identity, &local))
    {
      set_card_problem (self, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* One round of notifications: whoever watches "awaiting-card" sees
   * the operator already logged in. */
  g_object_freeze_notify (G_OBJECT (self));
  set_awaiting (self, NULL);
  if (!complete_log_in (self, user, error))
    {
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* Returns: (nullable): the operator logged in (also while locked) */
const char *
bm_station_get_operator (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->operator_name;
}

/* Returns: (nullable): who may write now: the operator, or NULL when
 * nobody is logged in or the session is locked */
const char *
bm_station_get_acting_operator (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->locked ? NULL : self->operator_name;
}

gboolean
bm_station_get_locked (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  return self->locked;
}

/* Work at the counter (a key, a click, a card read) keeps the session open. */
void
bm_station_note_activity (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  self->last_activity = station_now (self);
}

void
bm_station_set_idle_lock (BmStation *self, guint seconds)
{
  g_return_if_fail (BM_IS_STATION (self));
  self->idle_lock_seconds = seconds;
}

/* The station's clock in µs (monotonic); tests pass a fake one. */
void
bm_station_set_clock (BmStation *self, BmStationClock clock, gpointer user_data)
{
  g_return_if_fail (BM_IS_STATION (self));
  self->clock = clock;
  self->clock_data = user_data;
  self->last_activity = station_now (self);
}

/* Locks the session when nobody has worked for the idle time; called by
 * the station's timer, and by tests. Returns whether it is locked. */
gboolean
bm_station_check_idle (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), FALSE);
  if (self->operator_name != NULL && !self->locked && self->idle_lock_seconds > 0
      && station_now (self) - self->last_activity >= (gint64) self->idle_lock_seconds * G_USEC_PER_SEC)
    lock_session (self, "idle");
  return self->locked;
}

/**
 * bm_station_hold_camera:
 * @path: the device
 *
 * Opens and starts the camera at @path, or shares the one already open
 * there (a device can be opened only once; the counter's photo step and
 * the settings page both show it). Give it back with
 * bm_station_release_camera(); the last release closes the device.
 *
 * Returns: (transfer none) (nullable): the streaming camera, or NULL with
 *   @error set
 */
BmCamera *
bm_station_hold_camera (BmStation *self, const char *path, GError **error)
{
  HeldCamera *held;
  g_autoptr(BmCamera) camera = NULL;

  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  held = g_hash_table_lookup (self->cameras, path);
  if (held != NULL)
    {
      held->holders++;
      return held->camera;
    }
  camera = bm_camera_new (path);
  if (!bm_camera_open (camera, error) || !bm_camera_start (camera, error))
    {
      bm_camera_close (camera);
      return NULL;
    }
  held = g_new0 (HeldCamera, 1);
  held->camera = g_steal_pointer (&camera);
  held->holders = 1;
  g_hash_table_insert (self->cameras, g_strdup (path), held);
  return held->camera;
}

void
bm_station_release_camera (BmStation *self, BmCamera *camera)
{
  const char *path;
  HeldCamera *held;

  g_return_if_fail (BM_IS_STATION (self));
  if (camera == NULL)
    return;
  path = bm_camera_get_path (camera);
  held = g_hash_table_lookup (self->cameras, path);
  g_return_if_fail (held != NULL && held->camera == camera);
  if (--held->holders == 0)
    g_hash_table_remove (self->cameras, path);
}

void
bm_station_start (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  if (self->started)
    return;
  self->started = TRUE;
  bm_print_service_settle (self->print_service);
  bm_card_reader_start (self->reader);
  if (self->worker != NULL)
    bm_sync_worker_start (self->worker);
  bm_backup_service_start (self->backup);
  /* Not before the first frame, nor in the clerk's first minute. */
  self->integrity_source = bm_integrity_check_schedule (self->store, self->writer, 60);
}

/* Stops the reader (waiting briefly for its thread, see
 * bm_card_reader_stop_and_wait()), the sync worker and every camera. */
void
bm_station_stop (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  /* Quitting with somebody logged in ends their session: audited as a
   * log-out (reason "quit"), once. */
  if (self->operator_name != NULL && !self->session_closed)
    {
      audit_session_or_warn (self, self->operator_name, BM_SESSION_LOG_OUT, "quit");
      self->session_closed = TRUE;
    }
  if (self->reader != NULL)
    bm_card_reader_stop_and_wait (self->reader, 1000);
  if (self->worker != NULL)
    bm_sync_worker_stop (self->worker);
  if (self->backup != NULL)
    bm_backup_service_stop (self->backup);
  if (self->cameras != NULL)
    g_hash_table_remove_all (self->cameras);
  g_clear_handle_id (&self->integrity_source, g_source_remove);
  self->started = FALSE;
}
