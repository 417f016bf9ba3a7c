/* bm-print-error.h */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BM_PRINT_ERROR (bm_print_error_quark ())
GQuark bm_print_error_quark (void);

typedef enum
{
  BM_PRINT_ERROR_FAILED,            /* rendering or I/O */
  BM_PRINT_ERROR_NO_PRINTER,        /* no such queue, or cupsd unreachable */
  BM_PRINT_ERROR_PRINTER_STOPPED,   /* queue stopped or not accepting jobs */
  BM_PRINT_ERROR_JOB_ABORTED,       /* the job ended aborted */
  BM_PRINT_ERROR_JOB_CANCELED,      /* the job was cancelled (by someone else) */
  BM_PRINT_ERROR_TIMEOUT,           /* gave up waiting for the job to end */
  BM_PRINT_ERROR_SUBMIT,            /* CUPS refused the job or the data */
  BM_PRINT_ERROR_REASON_REQUIRED,   /* a reprint without a reason */
} BmPrintError;

G_END_DECLS
