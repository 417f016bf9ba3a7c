#pragma once

#include <gtk/gtk.h>

#include "bm-photo-step.h"
#include "bm-print-page.h"
#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

/**
 * BmCounterStep:
 * The counter's fast path (ui.md): card → checks → 科类 → number → photo →
 * login card. BLOCKED means the card cannot go further here (already
 * registered, or its number fails the check and needs manual entry).
 */
typedef enum {
  BM_COUNTER_STEP_WAITING,
  BM_COUNTER_STEP_CHOOSE_CATEGORY,
  BM_COUNTER_STEP_BLOCKED,
  BM_COUNTER_STEP_PHOTO,
  BM_COUNTER_STEP_PRINT,
  BM_COUNTER_STEP_PRINTING,
  BM_COUNTER_STEP_DONE,
} BmCounterStep;

#define BM_TYPE_COUNTER_PAGE (bm_counter_page_get_type ())
G_DECLARE_FINAL_TYPE (BmCounterPage, bm_counter_page, BM, COUNTER_PAGE, GtkWidget)

BmCounterPage *bm_counter_page_new            (BmStation     *station,
                                               BmPrintPage   *print_page);
void           bm_counter_page_take_identity  (BmCounterPage *self,
                                               BmIdentity    *identity);
BmPhotoStep   *bm_counter_page_get_photo_step (BmCounterPage *self);
BmCounterStep  bm_counter_page_get_step       (BmCounterPage *self);
const char    *bm_counter_page_get_number     (BmCounterPage *self);
const char    *bm_counter_page_get_next_step  (BmCounterPage *self);
void           bm_counter_page_set_operator   (BmCounterPage *self,
                                               const char    *operator_name);
void           bm_counter_page_reload         (BmCounterPage *self);

G_END_DECLS
