#pragma once

#include <gtk/gtk.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_PROGRESS_PAGE (bm_progress_page_get_type ())
G_DECLARE_FINAL_TYPE (BmProgressPage, bm_progress_page, BM, PROGRESS_PAGE, GtkWidget)

BmProgressPage *bm_progress_page_new         (BmStore        *store);
void            bm_progress_page_refresh     (BmProgressPage *self);
const char     *bm_progress_page_get_summary (BmProgressPage *self);

G_END_DECLS
