#pragma once

/* Encrypted backups of the store and the restore from them (issue 14,
 * docs/backup.md). bm-backup.c: the file format, backup, list, restore;
 * bm-backup-key.c: the recovery code and the public key the store keeps;
 * bm-backup-numbering.c: the numbering hold a restored store starts with. */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_BACKUP_FORMAT_VERSION 1
/* Generations kept in the backup folder: the newest N, plus the newest of
 * every earlier day. */
#define BM_BACKUP_KEEP_DEFAULT   10
#define BM_BACKUP_SUFFIX         ".bmbackup"

/* What a backup's header says (readable without the recovery code). */
typedef struct {
  char    *path;
  int      format;
  char    *point;
  char    *station;          /* workstation_id */
  char    *created;          /* ISO 8601, UTC */
  int      schema_version;
  char    *audit_head;       /* "id:hash" of the newest audit entry */
  gint64   records;          /* candidate records, voided ones included */
  gint64   photos;
  gint64   audit_entries;
  gboolean training;
  char    *key_id;           /* which recovery code opens it */
  gint64   size;             /* of the backup file */
} BmBackupInfo;

void        bm_backup_info_free     (BmBackupInfo *info);
JsonObject *bm_backup_info_to_json  (const BmBackupInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmBackupInfo, bm_backup_info_free)

/* The public half of the backup key and the KDF parameters, as the store
 * keeps them (meta). Opaque; safe to pass to a worker thread. */
typedef struct _BmBackupKey BmBackupKey;
void         bm_backup_key_free     (BmBackupKey *key);
BmBackupKey *bm_backup_key_copy     (const BmBackupKey *key);
const char  *bm_backup_key_get_id   (const BmBackupKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmBackupKey, bm_backup_key_free)

/* bm-backup-key.c. NULL with BM_ERROR_NOT_FOUND when the store has no
 * recovery code yet. */
BmBackupKey *bm_backup_key_load      (BmStore     *store,
                                      GError     **error);
/* Makes a new recovery code (6 groups of 5 base32 characters), keeps the
 * public key derived from it in the store and returns the code, which is
 * kept nowhere: the caller shows it once. Supervisor only; audited as
 * "backup_code" (the key id, never the code). Backups made before keep
 * needing the old code. */
char        *bm_backup_key_create    (BmStore     *store,
                                      const char  *supervisor,
                                      GError     **error);
/* Upper-cased, spaces and dashes dropped, 0/1/8 read as O/I/B; NULL when
 * the text is not a code. Returned as 6 groups joined by '-'. */
char        *bm_backup_code_normalize (const char *text);

/* The folder the continuous backup writes to (meta "backup_dir"); NULL
 * when none is set. Setting it: supervisor, audited "backup_dir". */
char        *bm_backup_dup_dir       (BmStore     *store);
gboolean     bm_backup_set_dir       (BmStore     *store,
                                      const char  *dir,
                                      const char  *supervisor,
                                      GError     **error);

/* bm-backup.c. Copies the store at @store_path (SQLite online backup, its
 * own read-only connection: callable from any thread), encrypts the copy
 * into @dir (which must exist: a missing USB stick is an error, not a new
 * folder on the system disk), fsync, rename, fsync of the folder; then
 * removes generations beyond @keep. */
BmBackupInfo *bm_backup_create       (const char        *store_path,
                                      const BmBackupKey *key,
                                      const char        *dir,
                                      guint              keep,
                                      GError           **error);
BmBackupInfo *bm_backup_read_header  (const char        *file,
                                      GError           **error);
/* The backups in @dir, newest first (files whose header cannot be read
 * are left out). */
GPtrArray    *bm_backup_list         (const char        *dir,
                                      GError           **error);
/* Decrypts @file with @code into a new store at @store_path (which must
 * not exist), checks it, holds its numbering (bm-backup-numbering.c) and
 * audits the restore, all before the file gets its name. */
BmBackupInfo *bm_backup_restore      (const char        *file,
                                      const char        *code,
                                      const char        *store_path,
                                      GError           **error);

/* bm-backup-numbering.c. A restored store issues no 报名顺序号 until it
 * knows where to continue: every 科类 is held. */
gboolean     bm_store_hold_numbering   (BmStore     *store,
                                        const char  *reason,
                                        GError     **error);
/* FALSE with BM_ERROR_NUMBERING_HELD when @category is held. Called by the
 * number allocation inside its transaction. */
gboolean     bm_store_check_numbering  (BmStore     *store,
                                        const char  *category,
                                        const char  *category_name,
                                        GError     **error);
/* The supervisor types the last 报名顺序号 printed on paper for
 * @category (the 8 digits, or the 4-digit serial; "0" when none was ever
 * issued): numbering continues after it, never below a number the store
 * holds. Also for a 科类 no longer held: numbering only ever moves on.
 * Audited "numbering_resume". Returns the next number. */
char        *bm_store_resume_numbering (BmStore     *store,
                                        const char  *category,
                                        const char  *last_number,
                                        const char  *supervisor,
                                        GError     **error);
gboolean     bm_store_numbering_is_held    (BmStore     *store);
/* The server's answer: @ledger is the GPtrArray of BmSyncLedger of a
 * ledger answer (bm-sync-message.h); each held 科类 whose entry carries
 * last_number (protocol 1.5) continues after the higher of it and the
 * store's own highest number. Audited "numbering_resume" as "province". */
gboolean     bm_store_resume_numbering_from_server (BmStore   *store,
                                                    GPtrArray *ledger,
                                                    guint     *resumed,
                                                    GError   **error);
/* [{category, since, reason}] */
JsonArray   *bm_store_list_numbering_holds (BmStore  *store,
                                            GError  **error);

G_END_DECLS
