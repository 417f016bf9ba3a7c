/* One registration workstation's offline store: a single SQLite file.
 *
 * A power cut must never lose a record the clerk saw saved, so the file is
 * opened with WAL and synchronous=FULL, and every change is one transaction.
 * A damaged file is reported and left as it is: recreating it would destroy
 * the evidence and whatever can still be recovered from it. */

#include "bm-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-store-private.h"

struct _BmStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  gboolean training;
  guint transaction_depth;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt */
  GPtrArray *pending_changes;  /* kind, uuid pairs noted in the open transaction */
};

G_DEFINE_FINAL_TYPE (BmStore, bm_store, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
bm_store_finalize (GObject *object)
{
  BmStore *self = BM_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->pending_changes, g_ptr_array_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (bm_store_parent_class)->finalize (object);
}

static void
bm_store_class_init (BmStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_store_finalize;

  /**
   * BmStore::changed:
   * @kind: what happened, the audit action ("add", "photo", "void", …)
   * @uuid: (nullable): the record it happened to, or NULL for point-wide
   *   changes ("setup", "sync_batch")
   *
   * Emitted after the change was committed, once per change, in the thread
   * that uses this store object. Changes made through other connections
   * (the sync worker's) are announced by their owner (BmSyncWorker).
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_STRING, G_TYPE_STRING);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
bm_store_init (BmStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->pending_changes = g_ptr_array_new_with_free_func (g_free);
}

static void
emit_pending_changes (BmStore *self)
{
  g_autoptr(GPtrArray) changes = g_steal_pointer (&self->pending_changes);

  /* A handler may write again: it gets a fresh list. */
  self->pending_changes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i + 1 < changes->len; i += 2)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, changes->pdata[i], changes->pdata[i + 1]);
}

/* Called by the store modules for every change (bm_store_audit_append
 * does it for audited ones); announced once the change is committed. */
void
bm_store_note_change (BmStore *self, const char *kind, const char *uuid)
{
  g_ptr_array_add (self->pending_changes, g_strdup (kind));
  g_ptr_array_add (self->pending_changes, g_strdup (uuid));
  if (self->transaction_depth == 0)
    emit_pending_changes (self);
}

void
bm_point_profile_free (BmPointProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->code);
  g_free (profile->name);
  g_free (profile->county_code);
  g_free (profile->site_url);
  g_free (profile->server_url);
  g_free (profile->workstation_id);
  g_free (profile);
}

void
bm_category_free (BmCategory *category)
{
  if (category == NULL)
    return;
  g_free (category->code);
  g_free (category->name);
  g_free (category);
}

sqlite3 *
bm_store_get_sqlite (BmStore *self)
{
  return self->db;
}

const char *
bm_store_get_path (BmStore *self)
{
  return self->path;
}

char *
bm_store_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format_iso8601 (now);
}

/* Map SQLite's result codes to sentences a clerk or a county IT officer can
 * act on. The SQLite message is appended for the IT officer; it never
 * contains field values. */
gboolean
bm_store_set_sqlite_error (BmStore *self, int rc, GError **error)
{
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   _("The database file %s is damaged (%s). It has been left untouched: restore it from a backup or call the county IT office."),
                   self->path, detail);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE,
                   _("The change conflicts with a record already in the database (%s)."), detail);
      break;
    case SQLITE_FULL:
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The disk is full, so nothing was saved. Free some space and try again."));
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database %s cannot be written (%s). Check that the folder exists and is writable."),
                   self->path, detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database is busy in another program. Try again in a moment."));
      break;
    default:
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database could not be read or written (%s)."), detail);
      break;
    }
  return FALSE;
}

sqlite3_stmt *
bm_store_prepare (BmStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return stmt;
}

BmCachedStmt *
bm_store_statement (BmStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      stmt = bm_store_prepare (self, sql, error);
      if (stmt == NULL)
        return NULL;
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  return stmt;
}

void
bm_cached_stmt_release (BmCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Only for constant SQL (schema, pragmas, transaction control). */
gboolean
bm_store_exec (BmStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

gboolean
bm_store_transaction_begin (BmStore *self, GError **error)
{
  /* IMMEDIATE takes the write lock at once, so two processes allocating
   * numbers queue up instead of failing with SQLITE_BUSY half-way. */
  if (self->transaction_depth == 0 && !bm_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->transaction_depth++;
  return TRUE;
}

gboolean
bm_store_transaction_commit (BmStore *self, GError **error)
{
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);

  if (self->transaction_depth > 1)
    {
      self->transaction_depth--;
      return TRUE;
    }
  if (!bm_store_exec (self, "COMMIT", error))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  self->transaction_depth = 0;
  emit_pending_changes (self);
  return TRUE;
}

void
bm_store_transaction_rollback (BmStore *self)
{
  if (self->transaction_depth == 0)
    return;
  self->transaction_depth = 0;
  g_ptr_array_set_size (self->pending_changes, 0);
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
bm_store_dup_meta (BmStore *self, const char *key)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
bm_store_set_meta (BmStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = NULL;
  int rc;

  stmt = bm_store_statement (self, "INSERT INTO meta (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* PRAGMA integrity_check: on request (`db check`) and once a day on its
 * own connection (bm_store_run_integrity_check()). */
static gboolean
run_check (BmStore *self, const char *pragma, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = bm_store_prepare (self, pragma, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, rc, error);
  if (!g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "ok"))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   _("The database file %s is damaged (integrity check failed). It has been left untouched: restore it from a backup or call the county IT office."),
                   self->path);
      return FALSE;
    }
  return TRUE;
}

#define INTEGRITY_META_KEY "integrity_checked_on"
#define INTEGRITY_RESULT_KEY "integrity_result"

static char *
today_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static gboolean
set_damaged (BmStore *self, GError **error)
{
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
               _("The database file %s is damaged (integrity check failed). It has been left untouched: restore it from a backup or call the county IT office."),
               self->path);
  return FALSE;
}

/* The tables the cheap check reads the first page of, as fixed statements
 * (no SQL is built from text). unit/store-files checks that the list covers
 * every table a new store has, so a migration that adds one must add it. */
const BmStoreProbe bm_store_probes[] = {
  { "meta", "SELECT 1 FROM meta LIMIT 1" },
  { "point", "SELECT 1 FROM point LIMIT 1" },
  { "categories", "SELECT 1 FROM categories LIMIT 1" },
  { "number_ranges", "SELECT 1 FROM number_ranges LIMIT 1" },
  { "number_slices", "SELECT 1 FROM number_slices LIMIT 1" },
  { "candidates", "SELECT 1 FROM candidates LIMIT 1" },
  { "photos", "SELECT 1 FROM photos LIMIT 1" },
  { "print_log", "SELECT 1 FROM print_log LIMIT 1" },
  { "audit_log", "SELECT 1 FROM audit_log LIMIT 1" },
  { "print_log_records", "SELECT 1 FROM print_log_records LIMIT 1" },
  { "sync_records", "SELECT 1 FROM sync_records LIMIT 1" },
  { "sync_photos", "SELECT 1 FROM sync_photos LIMIT 1" },
  { "sync_batches", "SELECT 1 FROM sync_batches LIMIT 1" },
  { "sync_batch_records", "SELECT 1 FROM sync_batch_records LIMIT 1" },
  { "photo_blobs", "SELECT 1 FROM photo_blobs LIMIT 1" },
  { "operators", "SELECT 1 FROM operators LIMIT 1" },
  { "submissions", "SELECT 1 FROM submissions LIMIT 1" },
  { "submission_records", "SELECT 1 FROM submission_records LIMIT 1" },
  { "submission_results", "SELECT 1 FROM submission_results LIMIT 1" },
  { "package_exports", "SELECT 1 FROM package_exports LIMIT 1" },
  { "package_records", "SELECT 1 FROM package_records LIMIT 1" },
  { "numbering_holds", "SELECT 1 FROM numbering_holds LIMIT 1" },
  { "photo_later", "SELECT 1 FROM photo_later LIMIT 1" },
  { "profile_accounts", "SELECT 1 FROM profile_accounts LIMIT 1" },
  { NULL, NULL }
};

/* The check on every open, cheap whatever the store's size (issue 17: a
 * full check read 3 GB on each open, each CLI command and again in the
 * sync thread). It reads the schema, the root page and first leaf of every
 * table (a page overwritten there is refused before the first write), and
 * the stored verdict of the last daily full check: a store the full check
 * found damaged stays refused. What only a full check sees (an index that no
 * longer matches its table) is found by the daily check in the background,
 * see bm_store_run_integrity_check(). The header and the file's size were
 * looked at before SQLite opened it (check_existing_file()). */
static gboolean
cheap_check (BmStore *self, GError **error)
{
  sqlite3_stmt *exists = NULL;
  g_autofree char *verdict = NULL;
  gboolean has_meta = FALSE;

  for (const BmStoreProbe *p = bm_store_probes; p->table != NULL; p++)
    {
      g_autoptr(sqlite3_stmt) probe = NULL;
      int rc;

      /* A table a store of an older schema does not have yet is no damage. */
      exists = bm_store_prepare (self, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", error);
      if (exists == NULL)
        return FALSE;   /* a damaged schema page: the store's sentence for SQLITE_CORRUPT */
      sqlite3_bind_text (exists, 1, p->table, -1, SQLITE_STATIC);
      rc = sqlite3_step (exists);
      g_clear_pointer (&exists, sqlite3_finalize);
      if (rc == SQLITE_DONE)
        continue;
      if (rc != SQLITE_ROW)
        return bm_store_set_sqlite_error (self, rc, error);
      if (sqlite3_prepare_v2 (self->db, p->sql, -1, &probe, NULL) != SQLITE_OK)
        return bm_store_set_sqlite_error (self, sqlite3_errcode (self->db), error);
      rc = sqlite3_step (probe);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bm_store_set_sqlite_error (self, rc, error);
      has_meta |= g_str_equal (p->table, "meta");
    }
  if (has_meta)
    verdict = bm_store_dup_meta (self, INTEGRITY_RESULT_KEY);
  if (g_strcmp0 (verdict, "damaged") == 0)
    return set_damaged (self, error);
  return TRUE;
}

/* Whether today's full check is still to be run. */
gboolean
bm_store_integrity_check_due (BmStore *self)
{
  g_autofree char *today = today_string ();
  g_autofree char *last = bm_store_dup_meta (self, INTEGRITY_META_KEY);

  return g_strcmp0 (last, today) != 0;
}

/* PRAGMA integrity_check on a read-only connection of its own, so that it
 * can run on a worker thread while the window and the writer go on: it
 * reads the whole file (seconds at 100,000 records with photos). FALSE with
 * BM_ERROR_STORE_DAMAGED when the store is damaged; other errors are about
 * the check itself. Record the outcome with bm_store_record_integrity_check(). */
gboolean
bm_store_run_integrity_check (const char *path, GError **error)
{
  g_autoptr(BmStore) reader = g_object_new (BM_TYPE_STORE, NULL);
  int rc;

  reader->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &reader->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    return bm_store_set_sqlite_error (reader, rc, error);
  sqlite3_extended_result_codes (reader->db, 1);
  sqlite3_busy_timeout (reader->db, 10000);
  return run_check (reader, "PRAGMA integrity_check", error);
}

/* Stores the day's full check: the date, and the verdict the next open
 * obeys (a damaged store is refused from then on). A write: on the
 * station's writer thread. */
gboolean
bm_store_record_integrity_check (BmStore *self, gboolean ok, GError **error)
{
  g_autofree char *today = today_string ();

  return bm_store_transaction_begin (self, error)
         && bm_store_set_meta (self, INTEGRITY_META_KEY, today, error)
         && bm_store_set_meta (self, INTEGRITY_RESULT_KEY, ok ? "ok" : "damaged", error)
         && bm_store_transaction_commit (self, error);
}

/* The last full check, for display: "2026-06-01 ok", or NULL if none ran. */
char *
bm_store_dup_integrity_status (BmStore *self)
{
  g_autofree char *date = bm_store_dup_meta (self, INTEGRITY_META_KEY);
  g_autofree char *verdict = bm_store_dup_meta (self, INTEGRITY_RESULT_KEY);

  if (date == NULL)
    return NULL;
  return g_strdup_printf ("%s %s", date, verdict ? verdict : "ok");
}

/* A new store: created by us, so it is 0600 from its first byte (SQLite
 * gives its -wal and -shm files the database file's permissions). O_EXCL
 * and O_NOFOLLOW: never through a symlink planted at the path. */
static gboolean
create_private_file (const char *path, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database %s cannot be created: %s. Check that the folder exists and is writable."),
                   path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* What is at the path must be a regular, non-empty SQLite file, and it is
 * looked at without following a symlink: chmod or open through a link would
 * act on whatever file the link names. An empty file is refused rather than
 * initialised: a store is created only where no file exists. */
static gboolean
check_existing_file (const char *path, GError **error)
{
  static const char magic[16] = "SQLite format 3";
  guint8 header[100];
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ELOOP)
        g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                     _("The database %s is a symbolic link. It is not opened through a link: put the database file itself there."),
                     path);
      else
        g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                     _("The database %s cannot be opened: %s."), path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database %s is not a regular file."), path);
      close (fd);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   _("The database file %s is empty. It has been left untouched: restore it from a backup, or remove it to start a new database."),
                   path);
      close (fd);
      return FALSE;
    }
  if (read (fd, header, sizeof header) != (ssize_t) sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   _("The file %s is not a database of this program. It has been left untouched: check the path, or restore the database from a backup."),
                   path);
      close (fd);
      return FALSE;
    }
  /* The header's page count (when valid: its change counter matches) must
   * fit in the file: a store cut short is refused here, at no cost. Not
   * while a write-ahead log is beside it: a checkpoint cut by a power loss
   * writes page 1 (the new count) before the pages that extend the file,
   * and SQLite finishes it from the log on open. */
  {
    g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
    GStatBuf wal_st;
    gboolean wal_present = g_stat (wal_path, &wal_st) == 0 && wal_st.st_size > 0;
    guint32 page_size = (header[16] << 8) | header[17];
    guint32 n_pages;

    memcpy (&n_pages, header + 28, sizeof n_pages);
    n_pages = GUINT32_FROM_BE (n_pages);

    if (page_size == 1)
      page_size = 65536;
    if (!wal_present && memcmp (header + 24, header + 92, 4) == 0 && n_pages > 0
        && (guint64) n_pages * page_size > (guint64) st.st_size)
      {
        g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                     _("The database file %s is damaged (%s). It has been left untouched: restore it from a backup or call the county IT office."),
                     path, "the file is shorter than its header says");
        close (fd);
        return FALSE;
      }
  }
  /* On the descriptor, so never on a link's target. */
  if ((st.st_mode & 07777) != 0600 && st.st_uid == geteuid ())
    fchmod (fd, 0600);
  close (fd);
  return TRUE;
}

static gboolean
check_mode (BmStore *self, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, "SELECT training FROM point WHERE id = 1", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;   /* not set up yet */
  if (!!sqlite3_column_int (stmt, 0) != !!self->training)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                   self->training
                     ? _("This database holds real registration data; training mode never opens it.")
                     : _("This database is a training database; real registration never uses it."));
      return FALSE;
    }
  return TRUE;
}

/* Opens the store at @path, creating it when no file is there. Everything
 * that could refuse the file (link, empty, not SQLite, newer schema, damage)
 * is checked before the first write to it. */
BmStore *
bm_store_open (const char *path, gboolean training, GError **error)
{
  g_autoptr(BmStore) self = g_object_new (BM_TYPE_STORE, NULL);
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  self->training = training;

  if (g_lstat (path, &st) != 0)
    {
      if (errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                       _("The database %s cannot be opened: %s."), path, g_strerror (saved));
          return NULL;
        }
      if (!create_private_file (path, error))
        return NULL;
    }
  else if (!check_existing_file (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 10000);

  if (!bm_store_check_schema_version (self, error)
      || !cheap_check (self, error)
      || !bm_store_exec (self, "PRAGMA journal_mode = WAL", error)
      || !bm_store_exec (self, "PRAGMA synchronous = FULL", error)
      || !bm_store_exec (self, "PRAGMA foreign_keys = ON", error)
      || !bm_store_migrate (self, error)
      || !check_mode (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
bm_store_check (BmStore *self, GError **error)
{
  return run_check (self, "PRAGMA integrity_check", error);
}

gboolean
bm_store_is_training (BmStore *self)
{
  return self->training;
}

gboolean
bm_store_is_set_up (BmStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, "SELECT 1 FROM point WHERE id = 1", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
}

static char *
column_strdup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

BmPointProfile *
bm_store_dup_point_profile (BmStore *self, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = NULL;
  BmPointProfile *profile;

  stmt = bm_store_statement (self, "SELECT code, name, county_code, site_url, server_url, workstation_id, training "
                                 "FROM point WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("This workstation is not set up yet. Run the set-up from the server or a set-up file."));
      return NULL;
    }
  profile = g_new0 (BmPointProfile, 1);
  profile->code = column_strdup (stmt, 0);
  profile->name = column_strdup (stmt, 1);
  profile->county_code = column_strdup (stmt, 2);
  profile->site_url = column_strdup (stmt, 3);
  profile->server_url = column_strdup (stmt, 4);
  profile->workstation_id = column_strdup (stmt, 5);
  profile->training = sqlite3_column_int (stmt, 6);
  return profile;
}

GPtrArray *
bm_store_list_categories (BmStore *self, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_category_free);

  stmt = bm_store_prepare (self,
                           "SELECT c.code, c.name, min (s.first_serial), max (s.last_serial),"
                           "       coalesce (sum (CASE WHEN " BM_SLICE_USABLE_SQL
                           "                      THEN s.last_serial + 1 - s.next_serial ELSE 0 END), 0) "
                           "FROM categories c LEFT JOIN number_slices s ON s.category = c.code "
                           "GROUP BY c.code ORDER BY c.code", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BmCategory *category = g_new0 (BmCategory, 1);

      category->code = column_strdup (stmt, 0);
      category->name = column_strdup (stmt, 1);
      category->first_serial = sqlite3_column_int (stmt, 2);
      category->last_serial = sqlite3_column_int (stmt, 3);
      category->remaining = sqlite3_column_int (stmt, 4);
      g_ptr_array_add (categories, category);
    }
  return g_steal_pointer (&categories);
}
