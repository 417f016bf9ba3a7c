#pragma once

#include <gtk/gtk.h>

#include "bm-store.h"
#include "bm-store-writer.h"

G_BEGIN_DECLS

#define BM_TYPE_CORRECTION_DIALOG (bm_correction_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmCorrectionDialog, bm_correction_dialog, BM, CORRECTION_DIALOG, GtkWindow)

BmCorrectionDialog *bm_correction_dialog_new       (GtkWindow          *parent,
                                                    BmStore            *store,
                                                    BmStoreWriter      *writer,
                                                    const char         *number,
                                                    const char         *operator_name,
                                                    GError            **error);
void                bm_correction_dialog_set_field (BmCorrectionDialog *self,
                                                    const char         *key,
                                                    const char         *value);
void                bm_correction_dialog_set_reason (BmCorrectionDialog *self,
                                                    const char         *reason);
void                bm_correction_dialog_save_async (BmCorrectionDialog *self,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean            bm_correction_dialog_save_finish (BmCorrectionDialog *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

G_END_DECLS
