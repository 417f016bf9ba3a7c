#pragma once

#include <gtk/gtk.h>

#include "bm-document.h"
#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_PRINT_PAGE (bm_print_page_get_type ())
G_DECLARE_FINAL_TYPE (BmPrintPage, bm_print_page, BM, PRINT_PAGE, GtkWidget)

/* Batches, preview and printing through the station's print service
 * (operator, deadline and the preferred printer are the service's). */
BmPrintPage *bm_print_page_new          (BmStation      *station);
/* The queue to pick when the printer list arrives (settings "printer");
 * NULL or "" means the CUPS default. */
void         bm_print_page_set_printer  (BmPrintPage    *self,
                                         const char     *printer);
/* Chooses document and records, e.g. for "print this candidate's login
 * card" (first == last); NULL first means the document's default set. */
void         bm_print_page_select       (BmPrintPage    *self,
                                         BmDocumentKind  kind,
                                         const char     *first,
                                         const char     *last);
/* Rebuilds the preview from the store (after records changed). */
void         bm_print_page_refresh      (BmPrintPage    *self);
BmDocument  *bm_print_page_get_document (BmPrintPage    *self);
const char  *bm_print_page_get_status   (BmPrintPage    *self);
/* The chosen queue, NULL until the printer list has arrived (or is empty). */
char        *bm_print_page_dup_printer  (BmPrintPage    *self);
gboolean     bm_print_page_is_busy      (BmPrintPage    *self);

G_END_DECLS
