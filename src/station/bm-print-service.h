#pragma once

#include <gio/gio.h>

#include "bm-print-batch.h"

G_BEGIN_DECLS

#define BM_TYPE_PRINT_SERVICE (bm_print_service_get_type ())
G_DECLARE_FINAL_TYPE (BmPrintService, bm_print_service, BM, PRINT_SERVICE, GObject)

BmPrintService *bm_print_service_new              (BmStore         *store);
void            bm_print_service_set_operator     (BmPrintService  *self,
                                                   const char      *operator_name);
void            bm_print_service_set_printer      (BmPrintService  *self,
                                                   const char      *printer);
const char     *bm_print_service_get_printer      (BmPrintService  *self);
void            bm_print_service_set_deadline     (BmPrintService  *self,
                                                   const char      *deadline);
void            bm_print_service_set_timeout      (BmPrintService  *self,
                                                   guint            seconds);
void            bm_print_service_settle          (BmPrintService  *self);
gboolean        bm_print_service_get_busy         (BmPrintService  *self);
const char     *bm_print_service_get_status       (BmPrintService  *self);
double          bm_print_service_get_fraction     (BmPrintService  *self);
BmPrintBatch   *bm_print_service_new_batch        (BmPrintService  *self,
                                                   BmDocumentKind   kind);
void            bm_print_service_print_async      (BmPrintService  *self,
                                                   BmPrintBatch    *batch,
                                                   const char      *printer,
                                                   GCancellable    *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer         user_data);
void            bm_print_service_print_records_async (BmPrintService *self,
                                                   BmDocumentKind   kind,
                                                   const char      *first,
                                                   const char      *last,
                                                   GCancellable    *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer         user_data);
gboolean        bm_print_service_print_finish     (BmPrintService  *self,
                                                   GAsyncResult    *result,
                                                   GError         **error);

G_END_DECLS
