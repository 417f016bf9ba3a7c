#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

/* 导出 (issue 14, docs/package.md): one export package into a folder the
 * supervisor picks, written in a worker thread; the window shows the
 * progress, then the file and its record count or the error sentence. */
#define BM_TYPE_EXPORT_DIALOG (bm_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmExportDialog, bm_export_dialog, BM, EXPORT_DIALOG, GtkWindow)

gboolean        bm_export_dialog_allowed     (BmStation      *station);
/* Asks for the folder (a native folder chooser), then exports into it. */
void            bm_export_dialog_choose      (GtkWindow      *parent,
                                              BmStation      *station);
/* Exports into @dir now. */
BmExportDialog *bm_export_dialog_run         (GtkWindow      *parent,
                                              BmStation      *station,
                                              const char     *dir);
gboolean        bm_export_dialog_get_pending (BmExportDialog *self);
const char     *bm_export_dialog_get_file    (BmExportDialog *self);
gint64          bm_export_dialog_get_records (BmExportDialog *self);
const char     *bm_export_dialog_get_result_text (BmExportDialog *self);

G_END_DECLS
