#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_VOID_DIALOG (bm_void_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmVoidDialog, bm_void_dialog, BM, VOID_DIALOG, GtkWindow)

BmVoidDialog *bm_void_dialog_new         (GtkWindow    *parent,
                                          BmStation    *station,
                                          const char   *number);
/* What the button does, for tests: queues the void on the station's
 * writer with @reason; the dialog closes when it is stored, or shows the
 * store's refusal. */
void          bm_void_dialog_submit      (BmVoidDialog *self,
                                          const char   *reason);
gboolean      bm_void_dialog_is_saving   (BmVoidDialog *self);

G_END_DECLS
