#pragma once

#include <gtk/gtk.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_PHONE_DIALOG (bm_phone_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmPhoneDialog, bm_phone_dialog, BM, PHONE_DIALOG, GtkWindow)

/* Seed 四: the candidate cannot come and the point confirms the record by
 * phone; asks for the number called and the approving supervisor account,
 * then calls bm_store_confirm_by_phone as @operator_name. */
BmPhoneDialog *bm_phone_dialog_new     (GtkWindow     *parent,
                                        BmStore       *store,
                                        const char    *number,
                                        const char    *operator_name);
gboolean       bm_phone_dialog_confirm (BmPhoneDialog *self,
                                        const char    *phone_number,
                                        const char    *approved_by,
                                        GError       **error);

G_END_DECLS
