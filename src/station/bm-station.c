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

#include "bm-station.h"
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
  char *operator_name;
  gboolean started;
};

typedef struct {
  BmCamera *camera;
  guint holders;
} HeldCamera;

G_DEFINE_FINAL_TYPE (BmStation, bm_station, G_TYPE_OBJECT)

enum { PROP_0, PROP_STORE, PROP_OPERATOR, N_PROPS };
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
  g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0, kind, uuid);
}

static void
bm_station_dispose (GObject *object)
{
  BmStation *self = BM_STATION (object);

  bm_station_stop (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->worker != NULL)
    g_signal_handlers_disconnect_by_data (self->worker, self);
  if (self->reader != NULL)
    g_signal_handlers_disconnect_by_data (self->reader, self);
  g_clear_object (&self->worker);
  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  g_clear_object (&self->writer);
  g_clear_object (&self->intake);
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

  g_free (self->operator_name);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_station_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BmStation *self = BM_STATION (object);

  switch (prop_id)
    {
    case PROP_OPERATOR:
      bm_station_set_operator (self, g_value_get_string (value));
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
  object_class->set_property = bm_station_set_property;

  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, BM_TYPE_STORE,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_OPERATOR] = g_param_spec_string ("operator", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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
  self->intake = bm_intake_new (store, self->print_service);
  if (self->settings != NULL)
    {
      g_autofree char *operator_name = g_settings_get_string (self->settings, "operator-name");
      g_autofree char *printer = g_settings_get_string (self->settings, "printer");

      bm_station_set_operator (self, operator_name);
      bm_print_service_set_printer (self->print_service, printer);
    }

  server = bm_store_sync_get (store, "server_url");
  if (server != NULL && !bm_store_is_training (store))
    {
      self->worker = bm_sync_worker_new (bm_store_get_path (store), FALSE, 300);
      g_signal_connect (self->worker, "store-changed", G_CALLBACK (on_store_changed), self);
    }
  return self;
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

const char *
bm_station_get_operator (BmStation *self)
{
  g_return_val_if_fail (BM_IS_STATION (self), NULL);
  return self->operator_name;
}

void
bm_station_set_operator (BmStation *self, const char *operator_name)
{
  g_return_if_fail (BM_IS_STATION (self));
  if (g_strcmp0 (self->operator_name, operator_name) == 0)
    return;
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
  bm_print_service_set_operator (self->print_service, operator_name);
  bm_intake_set_operator (self->intake, operator_name);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OPERATOR]);
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
}

/* Stops the reader (waiting briefly for its thread, see
 * bm_card_reader_stop_and_wait()), the sync worker and every camera. */
void
bm_station_stop (BmStation *self)
{
  g_return_if_fail (BM_IS_STATION (self));
  if (self->reader != NULL)
    bm_card_reader_stop_and_wait (self->reader, 1000);
  if (self->worker != NULL)
    bm_sync_worker_stop (self->worker);
  if (self->cameras != NULL)
    g_hash_table_remove_all (self->cameras);
  self->started = FALSE;
}
