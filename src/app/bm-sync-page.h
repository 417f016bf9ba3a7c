#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_SYNC_PAGE (bm_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (BmSyncPage, bm_sync_page, BM, SYNC_PAGE, GtkWidget)

/* Shows the station's background BmSyncWorker (when the store is set up
 * for sync) and refreshes on every store change. Property "indicator-text" (string): a short "Online · 3 to send" for the
 * header bar. Signal "open-record" (const char *number): the clerk wants to
 * fix a rejected or returned record. Action "sync.now" (F5). */
BmSyncPage *bm_sync_page_new      (BmStation  *station);
void        bm_sync_page_refresh  (BmSyncPage *self);
void        bm_sync_page_sync_now (BmSyncPage *self);

G_END_DECLS
