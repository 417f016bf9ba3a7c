/* bm-printer.h: a CUPS destination as the app sees it */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  BM_PRINTER_STATE_UNKNOWN = 0,
  BM_PRINTER_STATE_IDLE = 3,       /* values as IPP printer-state */
  BM_PRINTER_STATE_PROCESSING = 4,
  BM_PRINTER_STATE_STOPPED = 5,
} BmPrinterState;

#define BM_TYPE_PRINTER (bm_printer_get_type ())
G_DECLARE_FINAL_TYPE (BmPrinter, bm_printer, BM, PRINTER, GObject)

const char         *bm_printer_get_name          (BmPrinter  *printer);
const char         *bm_printer_get_info          (BmPrinter  *printer);
const char         *bm_printer_get_location      (BmPrinter  *printer);
const char         *bm_printer_get_make_model    (BmPrinter  *printer);
gboolean            bm_printer_is_default        (BmPrinter  *printer);
BmPrinterState      bm_printer_get_state         (BmPrinter  *printer);
gboolean            bm_printer_is_accepting_jobs (BmPrinter  *printer);
/* IPP printer-state-reasons keywords, "none" dropped */
const char * const *bm_printer_get_reasons       (BmPrinter  *printer);
/* Whether a job sent now would print (idle/processing, accepting). */
gboolean            bm_printer_is_ready          (BmPrinter  *printer);
/* One line for people: "就绪", "已停止：缺纸", ... (translated) */
char               *bm_printer_describe_state    (BmPrinter  *printer);

/* Blocking: talk to the CUPS scheduler (CUPS_SERVER, or the default). */
GPtrArray          *bm_printer_list              (GError    **error);
BmPrinter          *bm_printer_lookup            (const char *name,
                                                  GError    **error);

/* Translated text for IPP state-reason keywords (printer or job), joined
 * by "、"; unknown keywords are shown as they are. NULL if nothing to say. */
char               *bm_printer_reasons_to_string (const char * const *reasons);
const char         *bm_printer_reason_to_string  (const char *keyword);

G_END_DECLS
