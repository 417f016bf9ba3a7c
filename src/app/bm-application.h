#pragma once

#include <gtk/gtk.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_APPLICATION (bm_application_get_type ())
G_DECLARE_FINAL_TYPE (BmApplication, bm_application, BM, APPLICATION, GtkApplication)

BmApplication *bm_application_new       (void);
BmStore       *bm_application_get_store (BmApplication *self);

G_END_DECLS
