#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_LOGIN_DIALOG (bm_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmLoginDialog, bm_login_dialog, BM, LOGIN_DIALOG, GtkWindow)

BmLoginDialog *bm_login_dialog_new    (GtkWindow     *parent,
                                       BmStation     *station);
gboolean       bm_login_dialog_submit (BmLoginDialog *self,
                                       GError       **error);

G_END_DECLS
