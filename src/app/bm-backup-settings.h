#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

/* The backup service in the header (issue 14): a word or two, the whole
 * sentence as tooltip and accessible name; a failure is shown, never hidden. */
GtkWidget  *bm_backup_status_new        (BmStation *station);
/* The sentence the status shows (its tooltip), for tests. */
const char *bm_backup_status_get_text   (GtkWidget *status);

/* The settings' backup folder (supervisor only), stored like
 * `baoming-cli backup set-dir` (bm_backup_set_dir, on the writer thread). */
GtkWidget  *bm_backup_settings_new      (BmStation *station);
/* Stores @dir as the 保存 button does; the result comes back through the
 * main loop (bm_backup_settings_get_pending). */
void        bm_backup_settings_apply    (GtkWidget  *settings,
                                         const char *dir);
guint       bm_backup_settings_get_pending (GtkWidget *settings);
const char *bm_backup_settings_get_problem (GtkWidget *settings);

G_END_DECLS
