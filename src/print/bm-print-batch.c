/* bm-print-batch.c: one print request of the clerk, from record selection to
 * print log.
 *
 * The store connection is single-threaded (SQLITE_OPEN_NOMUTEX), so when
 * the job runs on a worker thread, photos are still read on the main thread:
 * the worker asks for one photo at a time and waits. */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-print-batch.h"
#include "bm-print-candidate.h"
#include "bm-print-error.h"
#include "bm-print-settle.h"
#include "bm-record-lifecycle.h"

/* Shared with the document (which may outlive the batch, e.g. in a
 * preview): the store, and the context of the thread that owns it while a
 * job runs elsewhere. */
typedef struct
{
  BmStore      *store;
  GMainContext *store_context;
} PhotoSource;

static void
photo_source_clear (gpointer data)
{
  PhotoSource *src = data;

  g_clear_object (&src->store);
  g_clear_pointer (&src->store_context, g_main_context_unref);
}

static void
photo_source_release (gpointer data)
{
  g_rc_box_release_full (data, photo_source_clear);
}

struct _BmPrintBatch
{
  GObject         parent_instance;

  BmStore        *store;
  BmDocumentKind  kind;
  BmPrintSelect   select;
  char           *first, *last;
  guint           copies;
  gboolean        single_card;
  char           *reason;
  char           *operator_name;
  char           *deadline;
  guint           timeout_s;

  BmDocument     *document;
  GPtrArray      *numbers;
  BmPrintJob     *job;
  gint64          intent_id;  /* print_log row of the running print */
  PhotoSource    *photos;
};

G_DEFINE_FINAL_TYPE (BmPrintBatch, bm_print_batch, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_STATUS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
bm_print_batch_finalize (GObject *object)
{
  BmPrintBatch *self = BM_PRINT_BATCH (object);

  g_clear_object (&self->store);
  g_clear_object (&self->document);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_pointer (&self->numbers, g_ptr_array_unref);
  g_clear_pointer (&self->photos, photo_source_release);
  g_free (self->first);
  g_free (self->last);
  g_free (self->reason);
  g_free (self->operator_name);
  g_free (self->deadline);
  G_OBJECT_CLASS (bm_print_batch_parent_class)->finalize (object);
}

static void
bm_print_batch_class_init (BmPrintBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_print_batch_finalize;

  /* Relayed from the current BmPrintJob (see there). */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_STATUS] = g_signal_new ("status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
bm_print_batch_init (BmPrintBatch *self)
{
  self->copies = 1;
  self->timeout_s = 120;
}

BmPrintBatch *
bm_print_batch_new (BmStore        *store,
                    BmDocumentKind  kind)
{
  BmPrintBatch *self = g_object_new (BM_TYPE_PRINT_BATCH, NULL);

  self->store = g_object_ref (store);
  self->photos = g_rc_box_new0 (PhotoSource);
  self->photos->store = g_object_ref (store);
  self->kind = kind;
  self->select = (kind == BM_DOCUMENT_LOGIN_CARDS || kind == BM_DOCUMENT_PROOF_SHEETS)
                 ? BM_PRINT_SELECT_UNPRINTED : BM_PRINT_SELECT_ALL;
  return self;
}

void
bm_print_batch_set_selection (BmPrintBatch  *batch,
                              BmPrintSelect  select,
                              const char    *first,
                              const char    *last)
{
  batch->select = select;
  g_free (batch->first);
  g_free (batch->last);
  batch->first = g_strdup (first);
  batch->last = g_strdup (last != NULL ? last : first);
}

void
bm_print_batch_set_copies (BmPrintBatch *batch,
                           guint         copies)
{
  batch->copies = MAX (copies, 1);
}

void
bm_print_batch_set_single_card (BmPrintBatch *batch,
                                gboolean      single)
{
  batch->single_card = single;
}

void
bm_print_batch_set_reason (BmPrintBatch *batch,
                           const char   *reason)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason != NULL ? reason : ""));

  g_free (batch->reason);
  batch->reason = *trimmed ? g_steal_pointer (&trimmed) : NULL;
}

void
bm_print_batch_set_operator (BmPrintBatch *batch,
                             const char   *operator_name)
{
  g_free (batch->operator_name);
  batch->operator_name = g_strdup (operator_name);
}

void
bm_print_batch_set_deadline (BmPrintBatch *batch,
                             const char   *deadline)
{
  g_free (batch->deadline);
  batch->deadline = g_strdup (deadline != NULL && *deadline ? deadline : NULL);
}

void
bm_print_batch_set_timeout (BmPrintBatch *batch,
                            guint         seconds)
{
  batch->timeout_s = seconds;
}

BmRecordState
bm_print_batch_get_printed_state (BmPrintBatch *batch)
{
  switch (batch->kind)
    {
    case BM_DOCUMENT_LOGIN_CARDS:
      return BM_RECORD_STATE_CARD_PRINTED;
    case BM_DOCUMENT_PROOF_SHEETS:
      return BM_RECORD_STATE_PROOF_PRINTED;
    case BM_DOCUMENT_LOGIN_TABLE:
    case BM_DOCUMENT_DRAFT_FORMS:
    case BM_DOCUMENT_REVIEW_FORMS:
    default:
      return BM_N_RECORD_STATES;
    }
}

/* ---- photos across threads -------------------------------------------- */

typedef struct
{
  PhotoSource  *source;
  const char   *uuid;
  GBytes       *photo;
  gboolean      done;
  GMutex        mutex;
  GCond         cond;
} PhotoRequest;

static gboolean
load_photo_here (gpointer data)
{
  PhotoRequest *req = data;
  GBytes *photo = bm_store_dup_photo_jpeg (req->source->store, req->uuid, NULL);

  g_mutex_lock (&req->mutex);
  req->photo = photo;
  req->done = TRUE;
  g_cond_signal (&req->cond);
  g_mutex_unlock (&req->mutex);
  return G_SOURCE_REMOVE;
}

static GBytes *
load_photo (BmPrintRecord *record,
            gpointer       user_data)
{
  PhotoSource *src = user_data;
  PhotoRequest req = { src, bm_print_record_get_uuid (record), NULL, FALSE, };

  if (req.uuid == NULL)
    return NULL;
  if (src->store_context == NULL || g_main_context_is_owner (src->store_context))
    return bm_store_dup_photo_jpeg (src->store, req.uuid, NULL);

  g_mutex_init (&req.mutex);
  g_cond_init (&req.cond);
  g_main_context_invoke (src->store_context, load_photo_here, &req);
  g_mutex_lock (&req.mutex);
  while (!req.done)
    g_cond_wait (&req.cond, &req.mutex);
  g_mutex_unlock (&req.mutex);
  g_mutex_clear (&req.mutex);
  g_cond_clear (&req.cond);
  return req.photo;
}

/* ---- preparing ---------------------------------------------------------- */

gboolean
bm_print_batch_prepare (BmPrintBatch  *batch,
                        GError       **error)
{
  const char *document = bm_document_kind_to_string (batch->kind);
  g_autoptr(GPtrArray) candidates = NULL;

  g_clear_object (&batch->document);
  g_clear_pointer (&batch->numbers, g_ptr_array_unref);
  batch->numbers = g_ptr_array_new_with_free_func (g_free);

  if (batch->kind != BM_DOCUMENT_DRAFT_FORMS)
    {
      /* 随迁子女 forms for "all": only the flagged records; a range is the
       * clerk's explicit choice. */
      candidates = bm_store_print_select (batch->store, document, batch->select, batch->first, batch->last,
                                          batch->kind == BM_DOCUMENT_REVIEW_FORMS && batch->select != BM_PRINT_SELECT_RANGE,
                                          error);
      if (candidates == NULL)
        return FALSE;
      for (guint i = 0; i < candidates->len; i++)
        g_ptr_array_add (batch->numbers, g_strdup (bm_candidate_get (candidates->pdata[i], "number")));
    }

  /* A 校对表 shows what the candidate filled in online, with the 评语: it is
   * printed only once those are there (docs/lifecycle.md). */
  if (batch->kind == BM_DOCUMENT_PROOF_SHEETS)
    for (guint i = 0; i < candidates->len; i++)
      {
        g_autoptr(GError) refused = NULL;

        if (!bm_record_lifecycle_check_preconditions (candidates->pdata[i], BM_RECORD_EVENT_PROOF_PRINTED, &refused))
          {
            g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION, _("Record %s: %s"),
                         (const char *) batch->numbers->pdata[i], refused->message);
            return FALSE;
          }
      }

  /* Cards and proof sheets carry what the candidate logs in with or signs:
   * a second copy needs a reason, and the reason is audited. */
  if (bm_print_batch_get_printed_state (batch) != BM_N_RECORD_STATES && batch->reason == NULL)
    for (guint i = 0; i < batch->numbers->len; i++)
      {
        gboolean done = FALSE;

        if (!bm_store_print_was_completed (batch->store, document, batch->numbers->pdata[i], &done, error))
          return FALSE;
        if (done)
          {
            g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_REASON_REQUIRED,
                         _("The %s of %s was printed before; give a reason to print it again."),
                         bm_document_kind_get_title (batch->kind), (const char *) batch->numbers->pdata[i]);
            return FALSE;
          }
      }

  batch->document = bm_print_document_new_for_store (batch->store, batch->kind, candidates, error);
  if (batch->document == NULL)
    return FALSE;
  bm_document_set_single_card (batch->document, batch->single_card);
  if (batch->deadline != NULL)
    bm_document_set_point (batch->document, "deadline", batch->deadline);
  if (batch->kind == BM_DOCUMENT_DRAFT_FORMS || (batch->kind == BM_DOCUMENT_REVIEW_FORMS && batch->numbers->len == 0))
    bm_document_set_blank_count (batch->document, batch->copies);
  bm_document_set_photo_func (batch->document, load_photo, g_rc_box_acquire (batch->photos), photo_source_release);
  return TRUE;
}

BmDocument *
bm_print_batch_get_document (BmPrintBatch *batch)
{
  return batch->document;
}

GPtrArray *
bm_print_batch_get_numbers (BmPrintBatch *batch)
{
  return batch->numbers;
}

BmPrintJob *
bm_print_batch_get_job (BmPrintBatch *batch)
{
  return batch->job;
}

/* ---- output -------------------------------------------------------------- */

gboolean
bm_print_batch_save_pdf (BmPrintBatch  *batch,
                         const char    *path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (batch->document != NULL, FALSE);

  if (!bm_document_save_pdf (batch->document, path, cancellable, error))
    return FALSE;
  /* Logged, because the file holds passwords; it prints nothing. */
  return bm_store_print_log_add (batch->store, bm_document_kind_to_string (batch->kind), batch->numbers, 0, NULL,
                                 batch->operator_name, "saved_pdf", batch->reason, path, BM_N_RECORD_STATES,
                                 error) != 0;
}

static guint
job_copies (BmPrintBatch *batch)
{
  /* For blank forms the copies are pages of the document already. */
  if (batch->kind == BM_DOCUMENT_DRAFT_FORMS || (batch->kind == BM_DOCUMENT_REVIEW_FORMS && batch->numbers->len == 0))
    return 1;
  return batch->copies;
}

static void
relay_progress (BmPrintJob   *job,
                guint         page,
                guint         n_pages,
                BmPrintBatch *batch)
{
  g_signal_emit (batch, signals[SIGNAL_PROGRESS], 0, page, n_pages);
}

static void
relay_status (BmPrintJob   *job,
              const char   *text,
              BmPrintBatch *batch)
{
  g_signal_emit (batch, signals[SIGNAL_STATUS], 0, text);
}

static void
start_job (BmPrintBatch *batch,
           const char   *printer)
{
  if (batch->job != NULL)
    g_signal_handlers_disconnect_by_data (batch->job, batch);
  g_clear_object (&batch->job);
  batch->job = bm_print_job_new (batch->document, printer);
  g_signal_connect (batch->job, "progress", G_CALLBACK (relay_progress), batch);
  g_signal_connect (batch->job, "status", G_CALLBACK (relay_status), batch);
  bm_print_job_set_copies (batch->job, job_copies (batch));
  bm_print_job_set_timeout (batch->job, batch->timeout_s);
}

/* For the crash suite only (tests/crash/test-print-crash.c): die here, as
 * kill -9 would. "print-job-created": CUPS made the job, its id is not
 * written yet; "print-ended": CUPS ended the job, its outcome is not
 * written yet. */
static void
crash_point (const char *name)
{
  if (g_strcmp0 (g_getenv ("BAOMING_TEST_CRASH_AT"), name) == 0)
    kill (getpid (), SIGKILL);
}

/* Main thread (the store's), as soon as CUPS gave the job its id. Failing
 * to write it is not fatal: the job title carries the intent's tag. */
static void
on_job_created (BmPrintJob   *job,
                int           job_id,
                BmPrintBatch *batch)
{
  g_autoptr(GError) error = NULL;

  crash_point ("print-job-created");
  if (!bm_store_print_intent_set_job (batch->store, batch->intent_id, job_id,
                                      bm_print_job_get_printer_name (job), &error))
    g_warning ("print job %d: %s", job_id, error->message);
}

/* The intent is committed before anything reaches CUPS, so that a process
 * killed at any later moment leaves a row that the next start settles
 * (bm-print-settle.c). */
static gboolean
begin_intent (BmPrintBatch  *batch,
              const char    *printer,
              GError       **error)
{
  g_autofree char *owner = bm_print_owner_self ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_auto(GStrv) parts = g_strsplit (uuid, "-", 0);
  g_autofree char *tag = g_strjoinv ("", parts);

  batch->intent_id = bm_store_print_intent_begin (batch->store, bm_document_kind_to_string (batch->kind), batch->numbers,
                                                  printer, batch->operator_name, batch->reason,
                                                  bm_print_batch_get_printed_state (batch), tag, owner, error);
  if (batch->intent_id == 0)
    return FALSE;
  bm_print_job_set_tag (batch->job, tag);
  g_signal_connect (batch->job, "created", G_CALLBACK (on_job_created), batch);
  return TRUE;
}

/* Main thread, after the job ended whichever way. */
static gboolean
log_job (BmPrintBatch  *batch,
         GError       **error)
{
  BmPrintJob *job = batch->job;

  crash_point ("print-ended");
  return bm_store_print_intent_settle (batch->store, batch->intent_id, bm_print_job_get_job_id (job),
                                       bm_print_job_get_printer_name (job),
                                       bm_print_outcome_to_string (bm_print_job_get_outcome (job)),
                                       bm_print_job_get_detail (job), FALSE, error);
}

gboolean
bm_print_batch_print (BmPrintBatch  *batch,
                      const char    *printer,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) job_error = NULL;
  gboolean ok;

  g_return_val_if_fail (batch->document != NULL, FALSE);

  g_clear_pointer (&batch->photos->store_context, g_main_context_unref);
  start_job (batch, printer);
  if (!begin_intent (batch, printer, error))
    return FALSE;
  ok = bm_print_job_run (batch->job, cancellable, &job_error);
  /* The paper exists (or not) either way; failing to record it is the
   * worse error, so it wins. */
  if (!log_job (batch, error))
    return FALSE;
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&job_error));
      return FALSE;
    }
  return TRUE;
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BmPrintBatch *batch = g_task_get_source_object (task);
  g_autoptr(GError) job_error = NULL;
  GError *error = NULL;
  gboolean ok = bm_print_job_run_finish (BM_PRINT_JOB (source), result, &job_error);

  if (!log_job (batch, &error))
    g_task_return_error (task, error);
  else if (!ok)
    g_task_return_error (task, g_steal_pointer (&job_error));
  else
    g_task_return_boolean (task, TRUE);
}

void
bm_print_batch_print_async (BmPrintBatch        *batch,
                            const char          *printer,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (batch, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, bm_print_batch_print_async);
  g_return_if_fail (batch->document != NULL);
  g_clear_pointer (&batch->photos->store_context, g_main_context_unref);
  batch->photos->store_context = g_main_context_ref_thread_default ();
  start_job (batch, printer);
  if (!begin_intent (batch, printer, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  bm_print_job_run_async (batch->job, cancellable, on_job_done, task);
}

gboolean
bm_print_batch_print_finish (BmPrintBatch  *batch,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, batch), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
