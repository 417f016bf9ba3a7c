/* bm-print-service.c: the station's printing, for every view
 *
 * One place prints documents for given records: the counter's login card
 * and the print page's batches both come here, so there is one queue
 * state (busy, status sentence, progress fraction) for widgets to bind to,
 * and one configuration (operator, preferred printer, deadline) instead of
 * one per page. The rules of selection, logging and reprints stay in
 * BmPrintBatch (src/print), shared with `baoming-cli print`.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-print-service.h"
#include "bm-print-settle.h"

struct _BmPrintService
{
  GObject parent_instance;

  BmStore *store;
  char *operator_name;
  char *printer;
  char *deadline;
  guint timeout_s;
  gboolean busy;
  char *status;
  double fraction;
};

G_DEFINE_FINAL_TYPE (BmPrintService, bm_print_service, G_TYPE_OBJECT)

enum { PROP_0, PROP_BUSY, PROP_STATUS, PROP_FRACTION, PROP_PRINTER, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
set_status (BmPrintService *self, const char *text)
{
  if (g_strcmp0 (self->status, text) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
}

static void
set_fraction (BmPrintService *self, double fraction)
{
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FRACTION]);
}

static void
set_busy (BmPrintService *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
}

static void
bm_print_service_finalize (GObject *object)
{
  BmPrintService *self = BM_PRINT_SERVICE (object);

  g_clear_object (&self->store);
  g_free (self->operator_name);
  g_free (self->printer);
  g_free (self->deadline);
  g_free (self->status);
  G_OBJECT_CLASS (bm_print_service_parent_class)->finalize (object);
}

static void
bm_print_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BmPrintService *self = BM_PRINT_SERVICE (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case PROP_PRINTER: g_value_set_string (value, self->printer); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_print_service_class_init (BmPrintServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bm_print_service_finalize;
  object_class->get_property = bm_print_service_get_property;
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_PRINTER] = g_param_spec_string ("printer", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
bm_print_service_init (BmPrintService *self)
{
}

BmPrintService *
bm_print_service_new (BmStore *store)
{
  BmPrintService *self = g_object_new (BM_TYPE_PRINT_SERVICE, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
bm_print_service_set_operator (BmPrintService *self, const char *operator_name)
{
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
}

/* @printer: (nullable): the preferred CUPS queue; NULL or "" for the
 * CUPS default */
void
bm_print_service_set_printer (BmPrintService *self, const char *printer)
{
  if (printer != NULL && *printer == '\0')
    printer = NULL;
  if (g_strcmp0 (self->printer, printer) == 0)
    return;
  g_free (self->printer);
  self->printer = g_strdup (printer);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PRINTER]);
}

const char *
bm_print_service_get_printer (BmPrintService *self)
{
  return self->printer;
}

void
bm_print_service_set_deadline (BmPrintService *self, const char *deadline)
{
  g_free (self->deadline);
  self->deadline = g_strdup (deadline);
}

/* Seconds to wait for a job to end (BmPrintJob's default when 0). */
void
bm_print_service_set_timeout (BmPrintService *self, guint seconds)
{
  self->timeout_s = seconds;
}

/* A print of a process that died may have reached paper: settled (CUPS is
 * asked what became of the job) before anything shows what is "not yet
 * printed" (docs/printing.md). Asks CUPS only when such a print exists. */
void
bm_print_service_settle (BmPrintService *self)
{
  g_autoptr(GError) error = NULL;

  if (!bm_print_settle (self->store, NULL, NULL, &error))
    {
      g_warning ("settling earlier prints: %s", error->message);
      set_status (self, error->message);
    }
}

gboolean bm_print_service_get_busy (BmPrintService *self) { return self->busy; }
const char *bm_print_service_get_status (BmPrintService *self) { return self->status; }
double bm_print_service_get_fraction (BmPrintService *self) { return self->fraction; }

/**
 * bm_print_service_new_batch:
 *
 * Returns: (transfer full): a batch of @kind with the station's operator,
 *   deadline and timeout, to select, prepare (preview) and print with
 *   bm_print_service_print_async()
 */
BmPrintBatch *
bm_print_service_new_batch (BmPrintService *self, BmDocumentKind kind)
{
  BmPrintBatch *batch = bm_print_batch_new (self->store, kind);

  bm_print_batch_set_operator (batch, self->operator_name);
  bm_print_batch_set_deadline (batch, self->deadline);
  if (self->timeout_s > 0)
    bm_print_batch_set_timeout (batch, self->timeout_s);
  return batch;
}

static void
on_progress (BmPrintBatch *batch, guint page, guint n_pages, BmPrintService *self)
{
  g_autofree char *text = g_strdup_printf (_("Sending page %u of %u"), page, n_pages);

  set_fraction (self, n_pages ? (double) page / n_pages : 0);
  set_status (self, text);
}

static void
on_status (BmPrintBatch *batch, const char *text, BmPrintService *self)
{
  set_status (self, text);
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  BmPrintService *self = g_task_get_source_object (task);
  BmPrintBatch *batch = BM_PRINT_BATCH (source);
  GError *error = NULL;
  BmPrintJob *job = bm_print_batch_get_job (batch);

  g_signal_handlers_disconnect_by_data (batch, self);
  set_busy (self, FALSE);
  if (!bm_print_batch_print_finish (batch, result, &error))
    {
      set_status (self, error->message);
      g_task_return_error (task, error);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_("Printed on %s (job %d)."), bm_print_job_get_printer_name (job),
                                             bm_print_job_get_job_id (job));
    set_fraction (self, 1.0);
    set_status (self, text);
  }
  g_task_return_boolean (task, TRUE);
}

/**
 * bm_print_service_print_async:
 * @batch: a prepared batch (bm_print_service_new_batch(), then
 *   bm_print_batch_prepare())
 * @printer: (nullable): the queue; NULL for the station's preferred one
 *
 * Prints @batch and follows the job to its end. One job at a time: a
 * second request while busy fails with BM_ERROR_FAILED (the view says the
 * printer is busy).
 */
void
bm_print_service_print_async (BmPrintService *self, BmPrintBatch *batch, const char *printer,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, bm_print_service_print_async);
  if (self->busy)
    {
      g_task_return_new_error (task, BM_ERROR, BM_ERROR_FAILED, "%s",
                               _("The printer is still busy with the last job. Wait until it is done."));
      return;
    }
  set_busy (self, TRUE);
  set_fraction (self, 0);
  set_status (self, _("Sending to the printer…"));
  g_signal_connect (batch, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (batch, "status", G_CALLBACK (on_status), self);
  bm_print_batch_print_async (batch, printer ? printer : self->printer, cancellable, printed, g_steal_pointer (&task));
}

/**
 * bm_print_service_print_records_async:
 * @first: the first 报名顺序号
 * @last: (nullable): the last one; NULL for @first alone
 *
 * Selects the records by number (printed or not: the clerk asked for
 * them), prepares and prints them on the preferred printer.
 */
void
bm_print_service_print_records_async (BmPrintService *self, BmDocumentKind kind, const char *first, const char *last,
                                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(BmPrintBatch) batch = bm_print_service_new_batch (self, kind);
  g_autoptr(GError) error = NULL;

  bm_print_batch_set_selection (batch, BM_PRINT_SELECT_RANGE, first, last ? last : first);
  if (!bm_print_batch_prepare (batch, &error))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, bm_print_service_print_async);
      set_status (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bm_print_service_print_async (self, batch, NULL, cancellable, callback, user_data);
}

gboolean
bm_print_service_print_finish (BmPrintService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
