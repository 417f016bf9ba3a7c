#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_CANDIDATES_PAGE (bm_candidates_page_get_type ())
G_DECLARE_FINAL_TYPE (BmCandidatesPage, bm_candidates_page, BM, CANDIDATES_PAGE, GtkWidget)

BmCandidatesPage *bm_candidates_page_new          (BmStore          *store);
void              bm_candidates_page_reload       (BmCandidatesPage *self);
void              bm_candidates_page_set_query    (BmCandidatesPage *self,
                                                   const char       *query);
GListModel       *bm_candidates_page_get_model    (BmCandidatesPage *self);
void              bm_candidates_page_focus_search (BmCandidatesPage *self);

/* The station whose logged-in operator the page's changes are made as. */
void bm_candidates_page_set_station (BmCandidatesPage *self,
                                BmStation *station);

G_END_DECLS
