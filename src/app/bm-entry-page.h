#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_ENTRY_PAGE (bm_entry_page_get_type ())
G_DECLARE_FINAL_TYPE (BmEntryPage, bm_entry_page, BM, ENTRY_PAGE, GtkWidget)

BmEntryPage *bm_entry_page_new           (BmStore      *store);
void         bm_entry_page_set_field     (BmEntryPage  *self,
                                          const char   *key,
                                          const char   *value);
const char  *bm_entry_page_get_problem   (BmEntryPage  *self);
gboolean     bm_entry_page_is_saving     (BmEntryPage  *self);
void         bm_entry_page_fill_from_card (BmEntryPage *self,
                                          BmIdentity  *identity);
void         bm_entry_page_clear         (BmEntryPage  *self);
void         bm_entry_page_focus_first   (BmEntryPage  *self);

/* The station whose logged-in operator the page's changes are made as. */
void bm_entry_page_set_station (BmEntryPage *self,
                           BmStation *station);

G_END_DECLS
