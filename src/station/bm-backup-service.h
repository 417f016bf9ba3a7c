#pragma once

#include <gio/gio.h>

#include "bm-store.h"

G_BEGIN_DECLS

/* The continuous backup (issue 14, docs/backup.md): after a change, at
 * most an interval (60 s) later, a backup into the store's backup folder,
 * made in a worker thread. A failure is kept in "last-error" (and tried
 * again an interval later), never skipped in silence. */
#define BM_BACKUP_SERVICE_INTERVAL_DEFAULT 60

#define BM_TYPE_BACKUP_SERVICE (bm_backup_service_get_type ())
G_DECLARE_FINAL_TYPE (BmBackupService, bm_backup_service, BM, BACKUP_SERVICE, GObject)

BmBackupService *bm_backup_service_new             (BmStore         *store);
void             bm_backup_service_set_interval    (BmBackupService *self,
                                                    guint            seconds);
/* A change was committed: a backup follows within the interval. */
void             bm_backup_service_note_change     (BmBackupService *self);
void             bm_backup_service_start           (BmBackupService *self);
void             bm_backup_service_stop            (BmBackupService *self);
/* Unix time of the last good backup of this run (0: none yet). */
gint64           bm_backup_service_get_last_backup (BmBackupService *self);
const char      *bm_backup_service_get_last_file   (BmBackupService *self);
/* Why the last attempt failed; NULL after a good one. */
const char      *bm_backup_service_get_last_error  (BmBackupService *self);
gboolean         bm_backup_service_get_running     (BmBackupService *self);

G_END_DECLS
