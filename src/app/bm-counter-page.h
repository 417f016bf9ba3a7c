#pragma once

#include <gtk/gtk.h>

#include "bm-photo-step.h"
#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_COUNTER_PAGE (bm_counter_page_get_type ())
G_DECLARE_FINAL_TYPE (BmCounterPage, bm_counter_page, BM, COUNTER_PAGE, GtkWidget)

/* A view of the station's counter flow (BmIntake): card reads reach the
 * intake through the station; keys here become its events. */
BmCounterPage *bm_counter_page_new            (BmStation     *station);
BmPhotoStep   *bm_counter_page_get_photo_step (BmCounterPage *self);
BmIntake      *bm_counter_page_get_intake     (BmCounterPage *self);
void           bm_counter_page_reload         (BmCounterPage *self);
const char    *bm_counter_page_get_next_step  (BmCounterPage *self);

G_END_DECLS
