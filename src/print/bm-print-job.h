/* bm-print-job.h: one document sent to one CUPS queue and followed to its end */
#pragma once

#include <gio/gio.h>

#include "bm-document.h"

G_BEGIN_DECLS

typedef enum
{
  BM_PRINT_OUTCOME_NONE,
  BM_PRINT_OUTCOME_COMPLETED, /* the only outcome that counts as printed */
  BM_PRINT_OUTCOME_ABORTED,
  BM_PRINT_OUTCOME_CANCELED,
  BM_PRINT_OUTCOME_REFUSED,   /* queue stopped, not accepting, or missing */
  BM_PRINT_OUTCOME_TIMEOUT,   /* we gave up waiting and cancelled the job */
  BM_PRINT_OUTCOME_FAILED,    /* submitting or rendering failed */
} BmPrintOutcome;

/* "completed", "aborted", "canceled", "refused", "timeout", "failed" */
const char *bm_print_outcome_to_string (BmPrintOutcome outcome);

#define BM_TYPE_PRINT_JOB (bm_print_job_get_type ())
G_DECLARE_FINAL_TYPE (BmPrintJob, bm_print_job, BM, PRINT_JOB, GObject)

BmPrintJob     *bm_print_job_new              (BmDocument           *document,
                                               const char           *printer_name);
void            bm_print_job_set_copies       (BmPrintJob           *job,
                                               guint                 copies);
/* Seconds to wait for the job to end once sent (default 120); then it is cancelled. */
void            bm_print_job_set_timeout      (BmPrintJob           *job,
                                               guint                 seconds);

/* Put "[bm:@tag]" into the CUPS job title, so that the job can be found by
 * name when its id was never recorded. */
void            bm_print_job_set_tag          (BmPrintJob           *job,
                                               const char           *tag);

/* Blocking: renders, submits and follows the job in the calling thread.
 * TRUE only when the job reached "completed". Signals are emitted in the
 * calling thread. */
gboolean        bm_print_job_run              (BmPrintJob           *job,
                                               GCancellable         *cancellable,
                                               GError              **error);
/* The same on a worker thread; signals are emitted on the thread-default
 * main context of the caller. */
void            bm_print_job_run_async        (BmPrintJob           *job,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        bm_print_job_run_finish       (BmPrintJob           *job,
                                               GAsyncResult         *result,
                                               GError              **error);

BmDocument     *bm_print_job_get_document     (BmPrintJob           *job);
const char     *bm_print_job_get_printer_name (BmPrintJob           *job);
int             bm_print_job_get_job_id       (BmPrintJob           *job);
BmPrintOutcome  bm_print_job_get_outcome      (BmPrintJob           *job);
/* Translated text of the last job/printer state reasons and message, or NULL. */
const char     *bm_print_job_get_detail       (BmPrintJob           *job);

G_END_DECLS
