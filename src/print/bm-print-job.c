/* bm-print-job.c: one document sent to one CUPS queue and followed to its end
 *
 * The PDF is streamed into the IPP request page by page, so a batch of a
 * thousand proof sheets never sits in memory. A document counts as printed
 * only when CUPS says the job "completed": a broken hand-off must never mark
 * records printed (VxSuite learnt this the hard way, see docs/peers.md).
 */
#include "bm-config.h"

#include "bm-print-job.h"
#include "bm-print-error.h"
#include "bm-printer.h"

#include <cups/cups.h>
#include <glib/gi18n-lib.h>

#define DEFAULT_TIMEOUT_S 120

struct _BmPrintJob
{
  GObject          parent_instance;

  BmDocument      *document;
  char            *printer_name;
  guint            copies;
  guint            timeout_s;

  GMainContext    *signal_context; /* where signals go; NULL = emit directly */
  int              job_id;
  BmPrintOutcome   outcome;
  char            *detail;
  char            *last_status;
  char            *tag;
};

G_DEFINE_FINAL_TYPE (BmPrintJob, bm_print_job, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_STATUS,
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
bm_print_outcome_to_string (BmPrintOutcome outcome)
{
  switch (outcome)
    {
    case BM_PRINT_OUTCOME_COMPLETED:
      return "completed";
    case BM_PRINT_OUTCOME_ABORTED:
      return "aborted";
    case BM_PRINT_OUTCOME_CANCELED:
      return "canceled";
    case BM_PRINT_OUTCOME_REFUSED:
      return "refused";
    case BM_PRINT_OUTCOME_TIMEOUT:
      return "timeout";
    case BM_PRINT_OUTCOME_FAILED:
      return "failed";
    case BM_PRINT_OUTCOME_NONE:
    default:
      return "none";
    }
}

static void
bm_print_job_finalize (GObject *object)
{
  BmPrintJob *self = BM_PRINT_JOB (object);

  g_clear_object (&self->document);
  g_free (self->printer_name);
  g_free (self->detail);
  g_free (self->last_status);
  g_free (self->tag);
  g_clear_pointer (&self->signal_context, g_main_context_unref);
  G_OBJECT_CLASS (bm_print_job_parent_class)->finalize (object);
}

static void
bm_print_job_class_init (BmPrintJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_print_job_finalize;

  /**
   * BmPrintJob::progress:
   * @page: pages sent so far
   * @n_pages: pages in the document
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * BmPrintJob::status:
   * @text: translated one-line status of the job and its printer
   */
  signals[SIGNAL_STATUS] = g_signal_new ("status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * BmPrintJob::created:
   * @job_id: the CUPS job id, just assigned (before the document is sent)
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
bm_print_job_init (BmPrintJob *self)
{
  self->copies = 1;
  self->timeout_s = DEFAULT_TIMEOUT_S;
}

BmPrintJob *
bm_print_job_new (BmDocument *document,
                  const char *printer_name)
{
  BmPrintJob *self = g_object_new (BM_TYPE_PRINT_JOB, NULL);

  self->document = g_object_ref (document);
  self->printer_name = g_strdup (printer_name);
  return self;
}

void
bm_print_job_set_copies (BmPrintJob *job,
                         guint       copies)
{
  job->copies = MAX (copies, 1);
}

void
bm_print_job_set_timeout (BmPrintJob *job,
                          guint       seconds)
{
  job->timeout_s = seconds;
}

void
bm_print_job_set_tag (BmPrintJob *job,
                      const char *tag)
{
  g_free (job->tag);
  job->tag = g_strdup (tag);
}

BmDocument *
bm_print_job_get_document (BmPrintJob *job)
{
  return job->document;
}

const char *
bm_print_job_get_printer_name (BmPrintJob *job)
{
  return job->printer_name;
}

int
bm_print_job_get_job_id (BmPrintJob *job)
{
  return job->job_id;
}

BmPrintOutcome
bm_print_job_get_outcome (BmPrintJob *job)
{
  return job->outcome;
}

const char *
bm_print_job_get_detail (BmPrintJob *job)
{
  return job->detail;
}

/* ---- signals from the worker thread ---------------------------------- */

typedef struct
{
  BmPrintJob *job;
  guint       page, n_pages;
  char       *status;
  int         created_job_id;
} Emission;

static gboolean
emit_in_context (gpointer data)
{
  Emission *e = data;

  if (e->created_job_id > 0)
    g_signal_emit (e->job, signals[SIGNAL_CREATED], 0, e->created_job_id);
  else if (e->status != NULL)
    g_signal_emit (e->job, signals[SIGNAL_STATUS], 0, e->status);
  else
    g_signal_emit (e->job, signals[SIGNAL_PROGRESS], 0, e->page, e->n_pages);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *e = data;

  g_object_unref (e->job);
  g_free (e->status);
  g_free (e);
}

static void
emit_full (BmPrintJob *self,
           guint       page,
           guint       n_pages,
           const char *status,
           int         created_job_id)
{
  Emission *e = g_new0 (Emission, 1);

  e->job = g_object_ref (self);
  e->created_job_id = created_job_id;
  e->page = page;
  e->n_pages = n_pages;
  e->status = g_strdup (status);
  if (self->signal_context == NULL)
    {
      emit_in_context (e);
      emission_free (e);
    }
  else
    g_main_context_invoke_full (self->signal_context, G_PRIORITY_DEFAULT, emit_in_context, e, emission_free);
}

static void
emit (BmPrintJob *self,
      guint       page,
      guint       n_pages,
      const char *status)
{
  emit_full (self, page, n_pages, status, 0);
}

static void
on_page (guint    page,
         guint    n_pages,
         gpointer user_data)
{
  emit (user_data, page, n_pages, NULL);
}

static cairo_status_t
write_to_cups (void                *closure G_GNUC_UNUSED,
               const unsigned char *data,
               unsigned int         length)
{
  return cupsWriteRequestData (CUPS_HTTP_DEFAULT, (const char *) data, length) == HTTP_STATUS_CONTINUE
         ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- following the job ------------------------------------------------- */

typedef struct
{
  int   job_state;      /* ipp_jstate_t, 0 if unknown */
  GStrv job_reasons;
  char *job_message;
  int   printer_state;
  GStrv printer_reasons;
  char *printer_message;
} Snapshot;

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->job_reasons, g_strfreev);
  g_clear_pointer (&s->printer_reasons, g_strfreev);
  g_clear_pointer (&s->job_message, g_free);
  g_clear_pointer (&s->printer_message, g_free);
}

static GStrv
strings_of (ipp_attribute_t *attr)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (int i = 0; attr != NULL && i < ippGetCount (attr); i++)
    {
      const char *v = ippGetString (attr, i, NULL);

      if (v != NULL && g_strcmp0 (v, "none") != 0)
        g_strv_builder_add (b, v);
    }
  return g_strv_builder_end (b);
}

static void
query (BmPrintJob *self,
       Snapshot   *s)
{
  static const char * const job_attrs[] = { "job-state", "job-state-reasons", "job-printer-state-message" };
  static const char * const printer_attrs[] = { "printer-state", "printer-state-reasons", "printer-state-message" };
  char uri[HTTP_MAX_URI];
  ipp_t *req, *resp;
  ipp_attribute_t *a;

  snapshot_clear (s);
  s->job_state = 0;
  s->printer_state = 0;

  req = ippNewRequest (IPP_OP_GET_JOB_ATTRIBUTES);
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0, "/jobs/%d", self->job_id);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser ());
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (job_attrs), NULL, job_attrs);
  resp = cupsDoRequest (CUPS_HTTP_DEFAULT, req, "/");
  if (resp != NULL)
    {
      if ((a = ippFindAttribute (resp, "job-state", IPP_TAG_ENUM)) != NULL)
        s->job_state = ippGetInteger (a, 0);
      s->job_reasons = strings_of (ippFindAttribute (resp, "job-state-reasons", IPP_TAG_KEYWORD));
      if ((a = ippFindAttribute (resp, "job-printer-state-message", IPP_TAG_TEXT)) != NULL)
        s->job_message = g_strdup (ippGetString (a, 0, NULL));
      ippDelete (resp);
    }

  req = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0, "/printers/%s",
                    self->printer_name);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (printer_attrs), NULL, printer_attrs);
  resp = cupsDoRequest (CUPS_HTTP_DEFAULT, req, "/");
  if (resp != NULL)
    {
      if ((a = ippFindAttribute (resp, "printer-state", IPP_TAG_ENUM)) != NULL)
        s->printer_state = ippGetInteger (a, 0);
      s->printer_reasons = strings_of (ippFindAttribute (resp, "printer-state-reasons", IPP_TAG_KEYWORD));
      if ((a = ippFindAttribute (resp, "printer-state-message", IPP_TAG_TEXT)) != NULL)
        s->printer_message = g_strdup (ippGetString (a, 0, NULL));
      ippDelete (resp);
    }
}

static char *
describe (const Snapshot *s)
{
  g_autofree char *pr = bm_printer_reasons_to_string ((const char * const *) s->printer_reasons);
  g_autofree char *jr = bm_printer_reasons_to_string ((const char * const *) s->job_reasons);
  GString *out = g_string_new (NULL);
  const char *state;

  switch (s->job_state)
    {
    case IPP_JSTATE_PENDING:
      state = _("waiting");
      break;
    case IPP_JSTATE_HELD:
      state = _("held");
      break;
    case IPP_JSTATE_PROCESSING:
      state = _("printing");
      break;
    case IPP_JSTATE_STOPPED:
      state = _("stopped");
      break;
    case IPP_JSTATE_CANCELED:
      state = _("cancelled");
      break;
    case IPP_JSTATE_ABORTED:
      state = _("aborted");
      break;
    case IPP_JSTATE_COMPLETED:
      state = _("completed");
      break;
    default:
      state = _("unknown");
      break;
    }
  /* TRANSLATORS: %s is the job state, e.g. "Job: printing" */
  g_string_append_printf (out, _("Job: %s"), state);
  if (jr != NULL && s->job_state < IPP_JSTATE_CANCELED)
    g_string_append_printf (out, _(" (%s)"), jr);
  if (pr != NULL)
    /* TRANSLATORS: %s lists printer problems, e.g. "; printer: paper out" */
    g_string_append_printf (out, _("; printer: %s"), pr);
  if (s->printer_state == IPP_PSTATE_STOPPED && pr == NULL)
    g_string_append_printf (out, _("; printer: %s"), _("stopped"));
  if (s->job_message != NULL && *s->job_message && s->job_state >= IPP_JSTATE_STOPPED)
    g_string_append_printf (out, " — %s", s->job_message);
  return g_string_free (out, FALSE);
}

static void
set_detail (BmPrintJob *self,
            char       *text)
{
  g_free (self->detail);
  self->detail = text;
}

static gboolean
follow (BmPrintJob    *self,
        cups_dest_t   *dest,
        GCancellable  *cancellable,
        GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) self->timeout_s * G_USEC_PER_SEC;
  guint interval_ms = 20;
  Snapshot s = { 0, };

  for (;;)
    {
      g_autofree char *text = NULL;

      query (self, &s);
      text = describe (&s);
      if (g_strcmp0 (text, self->last_status) != 0)
        {
          g_free (self->last_status);
          self->last_status = g_strdup (text);
          emit (self, 0, 0, text);
        }

      if (s.job_state >= IPP_JSTATE_CANCELED)
        break;

      if (g_cancellable_is_cancelled (cancellable) || g_get_monotonic_time () >= deadline)
        {
          gboolean cancelled = g_cancellable_is_cancelled (cancellable);

          /* Never leave a job behind that could come out of the printer later
           * while the record says it was not printed. */
          cupsCancelDestJob (CUPS_HTTP_DEFAULT, dest, self->job_id);
          set_detail (self, g_steal_pointer (&text));
          snapshot_clear (&s);
          if (cancelled)
            {
              self->outcome = BM_PRINT_OUTCOME_CANCELED;
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Printing was cancelled: %s"), self->detail);
            }
          else
            {
              self->outcome = BM_PRINT_OUTCOME_TIMEOUT;
              g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_TIMEOUT,
                           _("The print job did not finish in %u seconds and was cancelled: %s"),
                           self->timeout_s, self->detail);
            }
          return FALSE;
        }

      g_usleep (interval_ms * 1000);
      interval_ms = MIN (interval_ms * 2, 500);
    }

  set_detail (self, describe (&s));
  switch (s.job_state)
    {
    case IPP_JSTATE_COMPLETED:
      self->outcome = BM_PRINT_OUTCOME_COMPLETED;
      snapshot_clear (&s);
      return TRUE;
    case IPP_JSTATE_CANCELED:
      self->outcome = BM_PRINT_OUTCOME_CANCELED;
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_JOB_CANCELED,
                   _("The print job was cancelled: %s"), self->detail);
      break;
    case IPP_JSTATE_ABORTED:
    default:
      self->outcome = BM_PRINT_OUTCOME_ABORTED;
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_JOB_ABORTED,
                   _("The print job failed: %s"), self->detail);
      break;
    }
  snapshot_clear (&s);
  return FALSE;
}

/* ---- running ---------------------------------------------------------- */

static gboolean
run_job (BmPrintJob    *self,
         GCancellable  *cancellable,
         GError       **error)
{
  cups_dest_t *dest = NULL;
  cups_dinfo_t *info = NULL;
  cups_option_t *options = NULL;
  int n_options = 0;
  g_autoptr(BmPrinter) printer = NULL;
  g_autofree char *title = NULL;
  g_autofree char *copies = NULL;
  g_autoptr(GError) render_error = NULL;
  gboolean ok = FALSE;
  ipp_status_t status;

  self->job_id = 0;
  self->outcome = BM_PRINT_OUTCOME_NONE;

  printer = bm_printer_lookup (self->printer_name, error);
  if (printer == NULL)
    {
      self->outcome = BM_PRINT_OUTCOME_REFUSED;
      set_detail (self, g_strdup ((*error)->message));
      return FALSE;
    }
  if (self->printer_name == NULL)
    self->printer_name = g_strdup (bm_printer_get_name (printer));
  /* A job queued on a stopped printer would print hours later, unexpectedly:
   * refuse now and say why. */
  if (!bm_printer_is_ready (printer))
    {
      g_autofree char *state = bm_printer_describe_state (printer);

      self->outcome = BM_PRINT_OUTCOME_REFUSED;
      set_detail (self, g_strdup (state));
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_PRINTER_STOPPED,
                   _("Printer “%s” cannot print now: %s"), self->printer_name, state);
      return FALSE;
    }

  dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, self->printer_name, NULL);
  if (dest == NULL || (info = cupsCopyDestInfo (CUPS_HTTP_DEFAULT, dest)) == NULL)
    {
      self->outcome = BM_PRINT_OUTCOME_REFUSED;
      set_detail (self, g_strdup (cupsLastErrorString ()));
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_NO_PRINTER,
                   _("Printer “%s” is not available: %s"), self->printer_name, cupsLastErrorString ());
      goto out;
    }

  copies = g_strdup_printf ("%u", self->copies);
  n_options = cupsAddOption (CUPS_COPIES, copies, n_options, &options);
  n_options = cupsAddOption (CUPS_MEDIA, CUPS_MEDIA_A4, n_options, &options);
  n_options = cupsAddOption (CUPS_SIDES, CUPS_SIDES_ONE_SIDED, n_options, &options);
  /* The tag finds the job again after a crash (bm-print-settle.c). */
  if (self->tag != NULL)
    title = g_strdup_printf ("%s (%u) [bm:%s]", bm_document_kind_get_title (bm_document_get_kind (self->document)),
                             bm_document_get_n_records (self->document), self->tag);
  else
    title = g_strdup_printf ("%s (%u)", bm_document_kind_get_title (bm_document_get_kind (self->document)),
                             bm_document_get_n_records (self->document));

  status = cupsCreateDestJob (CUPS_HTTP_DEFAULT, dest, info, &self->job_id, title, n_options, options);
  if (status > IPP_STATUS_OK_CONFLICTING || self->job_id <= 0)
    {
      self->outcome = BM_PRINT_OUTCOME_REFUSED;
      set_detail (self, g_strdup (cupsLastErrorString ()));
      g_set_error (error, BM_PRINT_ERROR,
                   status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS ? BM_PRINT_ERROR_PRINTER_STOPPED : BM_PRINT_ERROR_SUBMIT,
                   _("Printer “%s” refused the job: %s"), self->printer_name, cupsLastErrorString ());
      goto out;
    }
  emit_full (self, 0, 0, NULL, self->job_id);

  if (cupsStartDestDocument (CUPS_HTTP_DEFAULT, dest, info, self->job_id, title, CUPS_FORMAT_PDF,
                             0, NULL, 1) != HTTP_STATUS_CONTINUE)
    {
      self->outcome = BM_PRINT_OUTCOME_FAILED;
      set_detail (self, g_strdup (cupsLastErrorString ()));
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_SUBMIT,
                   _("Could not send the document to “%s”: %s"), self->printer_name, cupsLastErrorString ());
      cupsCancelDestJob (CUPS_HTTP_DEFAULT, dest, self->job_id);
      goto out;
    }

  bm_document_render_pdf (self->document, write_to_cups, NULL, on_page, self, cancellable, &render_error);
  status = cupsFinishDestDocument (CUPS_HTTP_DEFAULT, dest, info);
  if (render_error != NULL || status > IPP_STATUS_OK_CONFLICTING)
    {
      gboolean cancelled = g_error_matches (render_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      cupsCancelDestJob (CUPS_HTTP_DEFAULT, dest, self->job_id);
      self->outcome = cancelled ? BM_PRINT_OUTCOME_CANCELED : BM_PRINT_OUTCOME_FAILED;
      set_detail (self, g_strdup (render_error != NULL ? render_error->message : cupsLastErrorString ()));
      if (cancelled)
        g_propagate_error (error, g_steal_pointer (&render_error));
      else
        g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_SUBMIT,
                     _("Could not send the document to “%s”: %s"), self->printer_name, self->detail);
      goto out;
    }

  ok = follow (self, dest, cancellable, error);

out:
  cupsFreeOptions (n_options, options);
  if (info != NULL)
    cupsFreeDestInfo (info);
  if (dest != NULL)
    cupsFreeDests (1, dest);
  return ok;
}

gboolean
bm_print_job_run (BmPrintJob    *job,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_return_val_if_fail (BM_IS_PRINT_JOB (job), FALSE);
  return run_job (job, cancellable, error);
}

static void
run_in_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data G_GNUC_UNUSED,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (run_job (source, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
bm_print_job_run_async (BmPrintJob          *job,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BM_IS_PRINT_JOB (job));
  g_clear_pointer (&job->signal_context, g_main_context_unref);
  job->signal_context = g_main_context_ref_thread_default ();
  task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, bm_print_job_run_async);
  /* We cancel the CUPS job ourselves when cancelled; keep the outcome ours. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
bm_print_job_run_finish (BmPrintJob    *job,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, job), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
