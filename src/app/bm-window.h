#pragma once

#include <gtk/gtk.h>

#include "bm-candidates-page.h"
#include "bm-counter-page.h"
#include "bm-entry-page.h"
#include "bm-station.h"
#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_WINDOW (bm_window_get_type ())
G_DECLARE_FINAL_TYPE (BmWindow, bm_window, BM, WINDOW, GtkApplicationWindow)

BmWindow          *bm_window_new                 (GtkApplication *application,
                                                  BmStation      *station);
BmCounterPage     *bm_window_get_counter_page    (BmWindow       *self);
BmEntryPage       *bm_window_get_entry_page      (BmWindow       *self);
BmCandidatesPage  *bm_window_get_candidates_page (BmWindow       *self);
const char        *bm_window_get_count_text      (BmWindow       *self);

const char       *bm_window_get_camera_text  (BmWindow *self);
const char       *bm_window_get_backup_text  (BmWindow *self);
const char       *bm_window_get_printer_text (BmWindow *self);

/* A header indicator: a word or two, the whole sentence as tooltip and
 * accessible name, the warning colour when something needs doing. */
void bm_window_set_indicator (GtkWidget  *label,
                              const char *short_text,
                              const char *sentence,
                              gboolean    ok);

G_END_DECLS
