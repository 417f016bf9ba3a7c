#pragma once

#include <gio/gio.h>

#include "bm-backup-service.h"
#include "bm-camera.h"
#include "bm-camera-monitor.h"
#include "bm-card-reader.h"
#include "bm-intake.h"
#include "bm-print-service.h"
#include "bm-store.h"
#include "bm-store-writer.h"
#include "bm-sync-worker.h"

G_BEGIN_DECLS

#define BM_TYPE_STATION (bm_station_get_type ())
G_DECLARE_FINAL_TYPE (BmStation, bm_station, BM, STATION, GObject)

BmStation       *bm_station_new                (BmStore      *store,
                                                GSettings    *settings);
BmStore         *bm_station_get_store          (BmStation    *self);
GSettings       *bm_station_get_settings       (BmStation    *self);
BmCardReader    *bm_station_get_card_reader    (BmStation    *self);
BmCameraMonitor *bm_station_get_camera_monitor (BmStation    *self);
BmSyncWorker    *bm_station_get_sync_worker    (BmStation    *self);
BmPrintService  *bm_station_get_print_service  (BmStation    *self);
BmIntake        *bm_station_get_intake         (BmStation    *self);
BmStoreWriter   *bm_station_get_writer         (BmStation    *self);
BmBackupService *bm_station_get_backup_service (BmStation    *self);
/* Log-in and lock (issue 12). The default idle time before the session
 * locks; the "idle-lock-minutes" setting overrides it. */
#define BM_STATION_IDLE_LOCK_DEFAULT (10 * 60)
typedef gint64 (*BmStationClock) (gpointer user_data);

gboolean         bm_station_log_in             (BmStation    *self,
                                                const char   *user,
                                                const char   *password,
                                                GError      **error);
gboolean         bm_station_change_password    (BmStation    *self,
                                                const char   *user,
                                                const char   *old_password,
                                                const char   *new_password,
                                                GError      **error);
void             bm_station_lock               (BmStation    *self);
gboolean         bm_station_unlock             (BmStation    *self,
                                                const char   *password,
                                                GError      **error);
void             bm_station_log_out            (BmStation    *self);
/* 实名认证 (issue 12): with it on, a right password (log-in, unlock or a
 * password change) only makes the station wait for the operator's own ID
 * card ("awaiting-card"); bm_station_log_in() then returns TRUE while
 * nobody new is logged in yet. */
void             bm_station_set_require_id_card (BmStation   *self,
                                                gboolean      require);
gboolean         bm_station_get_awaiting_card  (BmStation    *self);
const char      *bm_station_get_card_problem   (BmStation    *self);
gboolean         bm_station_present_card       (BmStation    *self,
                                                BmIdentity   *identity,
                                                GError      **error);
void             bm_station_cancel_card        (BmStation    *self);
const char      *bm_station_get_operator       (BmStation    *self);
const char      *bm_station_get_acting_operator (BmStation   *self);
gboolean         bm_station_get_locked         (BmStation    *self);
void             bm_station_note_activity      (BmStation    *self);
void             bm_station_set_idle_lock      (BmStation    *self,
                                                guint         seconds);
void             bm_station_set_clock          (BmStation    *self,
                                                BmStationClock clock,
                                                gpointer      user_data);
gboolean         bm_station_check_idle         (BmStation    *self);
void             bm_station_set_camera_dir     (BmStation    *self,
                                                const char   *dir);
BmCamera        *bm_station_hold_camera        (BmStation    *self,
                                                const char   *path,
                                                GError      **error);
void             bm_station_release_camera     (BmStation    *self,
                                                BmCamera     *camera);
/* The final submission off the main thread (bm-station-submit.c). */
void             bm_station_submit_async       (BmStation    *self,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer      user_data);
GPtrArray       *bm_station_submit_finish      (BmStation    *self,
                                                GAsyncResult *result,
                                                GError      **error);
void             bm_station_start              (BmStation    *self);
void             bm_station_stop               (BmStation    *self);

G_END_DECLS
