#pragma once

#include <gtk/gtk.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_CORRECTION_DIALOG (bm_correction_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmCorrectionDialog, bm_correction_dialog, BM, CORRECTION_DIALOG, GtkWindow)

BmCorrectionDialog *bm_correction_dialog_new       (GtkWindow          *parent,
                                                    BmStore            *store,
                                                    const char         *number,
                                                    const char         *operator_name,
                                                    GError            **error);
void                bm_correction_dialog_set_field (BmCorrectionDialog *self,
                                                    const char         *key,
                                                    const char         *value);
void                bm_correction_dialog_set_reason (BmCorrectionDialog *self,
                                                    const char         *reason);
gboolean            bm_correction_dialog_save      (BmCorrectionDialog *self,
                                                    GError            **error);

G_END_DECLS
