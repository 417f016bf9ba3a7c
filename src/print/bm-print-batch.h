/* bm-print-batch.h: one print request of the clerk, from record selection to
 * print log: the part the app's print page and `baoming-cli print` share. */
#pragma once

#include <gio/gio.h>

#include "bm-document.h"
#include "bm-print-job.h"
#include "bm-store-print.h"

G_BEGIN_DECLS

#define BM_TYPE_PRINT_BATCH (bm_print_batch_get_type ())
G_DECLARE_FINAL_TYPE (BmPrintBatch, bm_print_batch, BM, PRINT_BATCH, GObject)

BmPrintBatch   *bm_print_batch_new            (BmStore         *store,
                                               BmDocumentKind   kind);
/* Default: UNPRINTED for login cards and proof sheets, ALL otherwise. */
void            bm_print_batch_set_selection  (BmPrintBatch    *batch,
                                               BmPrintSelect    select,
                                               const char      *first,
                                               const char      *last);
void            bm_print_batch_set_copies     (BmPrintBatch    *batch,
                                               guint            copies);
void            bm_print_batch_set_single_card (BmPrintBatch   *batch,
                                               gboolean         single);
void            bm_print_batch_set_reason     (BmPrintBatch    *batch,
                                               const char      *reason);
void            bm_print_batch_set_operator   (BmPrintBatch    *batch,
                                               const char      *operator_name);
void            bm_print_batch_set_timeout    (BmPrintBatch    *batch,
                                               guint            seconds);
/* The 网上填报 deadline printed on login cards, e.g. "2019年11月8日 17:00". */
void            bm_print_batch_set_deadline   (BmPrintBatch    *batch,
                                               const char      *deadline);

/* Selects the records and builds the document (main thread: uses the
 * store). Fails with BM_PRINT_ERROR_REASON_REQUIRED when a login card or
 * proof sheet would be printed again without a reason. */
gboolean        bm_print_batch_prepare        (BmPrintBatch    *batch,
                                               GError         **error);
BmDocument     *bm_print_batch_get_document   (BmPrintBatch    *batch);
/* 报名顺序号 of the selected records, in order */
GPtrArray      *bm_print_batch_get_numbers    (BmPrintBatch    *batch);
/* The state a completed print moves records to, or BM_N_RECORD_STATES. */
BmRecordState   bm_print_batch_get_printed_state (BmPrintBatch *batch);

/* Saves the prepared document as PDF and logs it ("saved_pdf"). */
gboolean        bm_print_batch_save_pdf       (BmPrintBatch    *batch,
                                               const char      *path,
                                               GCancellable    *cancellable,
                                               GError         **error);
/* Prints on @printer (NULL: the CUPS default), waits for the job's end and
 * logs it; records move on only when the job completed. The batch relays
 * the job's "progress" (page, n_pages) and "status" (text) signals. */
gboolean        bm_print_batch_print          (BmPrintBatch    *batch,
                                               const char      *printer,
                                               GCancellable    *cancellable,
                                               GError         **error);
void            bm_print_batch_print_async    (BmPrintBatch    *batch,
                                               const char      *printer,
                                               GCancellable    *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer         user_data);
gboolean        bm_print_batch_print_finish   (BmPrintBatch    *batch,
                                               GAsyncResult    *result,
                                               GError         **error);
BmPrintJob     *bm_print_batch_get_job        (BmPrintBatch    *batch);

G_END_DECLS
