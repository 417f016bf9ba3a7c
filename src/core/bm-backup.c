/* Encrypted backups of the store (docs/backup.md has the file format).
 *
 * A backup is made from a copy, never from the live file: SQLite's online
 * backup API copies one consistent snapshot through its own read-only
 * connection (so the counter keeps writing, and any thread may call this).
 * The plain copy lies next to the store (the same disk that already holds
 * the plain data, never the USB stick), is encrypted into a temporary file
 * in the backup folder, fsync'ed, renamed to its final name and the folder
 * fsync'ed. Only a complete, durable file ever gets a backup's name, so a
 * kill or a power cut leaves at worst a temporary file, removed by the next
 * run, and every older backup untouched. Old generations are removed only
 * after the new one is in place. */

#define _GNU_SOURCE   /* renameat2 (RENAME_NOREPLACE) */
#include "bm-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bm-backup-private.h"
#include "bm-error.h"
#include "bm-operator.h"
#include "bm-store-private.h"

#define MAGIC        "BMBACKUP"
#define MAGIC_LEN    8
#define CHUNK        (64 * 1024)
#define MAX_HEADER   (64 * 1024)
#define TEMP_PREFIX  ".bm-backup-"
#define TEMP_SUFFIX  ".tmp"

void
bm_backup_info_free (BmBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->point);
  g_free (info->station);
  g_free (info->created);
  g_free (info->audit_head);
  g_free (info->key_id);
  g_free (info);
}

JsonObject *
bm_backup_info_to_json (const BmBackupInfo *info)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "file", info->path);
  json_object_set_int_member (object, "format", info->format);
  json_object_set_string_member (object, "point", info->point);
  json_object_set_string_member (object, "station", info->station);
  json_object_set_string_member (object, "created", info->created);
  json_object_set_int_member (object, "schema_version", info->schema_version);
  json_object_set_string_member (object, "audit_head", info->audit_head);
  json_object_set_int_member (object, "records", info->records);
  json_object_set_int_member (object, "photos", info->photos);
  json_object_set_int_member (object, "audit_entries", info->audit_entries);
  json_object_set_boolean_member (object, "training", info->training);
  json_object_set_string_member (object, "key_id", info->key_id);
  json_object_set_int_member (object, "size", info->size);
  return object;
}

static gboolean
set_io_error (GError **error, const char *path, int saved)
{
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
               _("The backup file %s could not be written: %s."), path, g_strerror (saved));
  return FALSE;
}

static gboolean
set_damaged (GError **error, const char *path, const char *why)
{
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
               _("The backup file %s is damaged or incomplete (%s). Use an older backup."), path, why);
  return FALSE;
}

static gboolean
write_all (int fd, const void *data, gsize len, const char *path, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return set_io_error (error, path, errno);
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Reads up to @len bytes; *got tells how many (short only at end of file). */
static gboolean
read_full (int fd, void *data, gsize len, gsize *got, const char *path, GError **error)
{
  guint8 *p = data;

  *got = 0;
  while (*got < len)
    {
      ssize_t n = read (fd, p + *got, len - *got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                       _("The file %s could not be read: %s."), path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      *got += (gsize) n;
    }
  return TRUE;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
fsync_dir (const char *dir, GError **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return set_io_error (error, dir, saved);
    }
  close (fd);
  return TRUE;
}

/* Temporary files are named .bm-backup-PID-XXXXXX.tmp (SQLite may add
 * -journal, -wal, -shm): one whose process is gone was left by a kill and
 * is removed. */
static void
remove_stale_temps (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      guint64 pid;
      char *end = NULL;

      /* Also the -journal, -wal and -shm files SQLite keeps beside one. */
      if (!g_str_has_prefix (name, TEMP_PREFIX) || strstr (name, TEMP_SUFFIX) == NULL)
        continue;
      pid = g_ascii_strtoull (name + strlen (TEMP_PREFIX), &end, 10);
      if (end == NULL || *end != '-' || pid == 0)
        continue;
      if ((pid_t) pid == getpid () || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    }
}

static int
make_temp (const char *dir, char **path, GError **error)
{
  g_autofree char *name = g_strdup_printf (TEMP_PREFIX "%d-XXXXXX" TEMP_SUFFIX, (int) getpid ());
  int fd;

  *path = g_build_filename (dir, name, NULL);
  fd = g_mkstemp_full (*path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      set_io_error (error, *path, saved);
      g_clear_pointer (path, g_free);
    }
  return fd;
}

static gboolean
sqlite_fail (sqlite3 *db, int rc, const char *path, GError **error)
{
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
               _("The database %s could not be copied for the backup (%s)."),
               path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

/* One consistent copy of @store_path into @copy_path. */
static gboolean
copy_store (const char *store_path, const char *copy_path, GError **error)
{
  sqlite3 *src = NULL, *dest = NULL;
  sqlite3_backup *backup;
  int rc;
  gboolean ok = FALSE;

  rc = sqlite3_open_v2 (store_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_fail (src, rc, store_path, error);
      goto out;
    }
  sqlite3_busy_timeout (src, 10000);
  rc = sqlite3_open_v2 (copy_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_fail (dest, rc, copy_path, error);
      goto out;
    }
  /* The copy is thrown away if anything goes wrong: no journal beside it. */
  rc = sqlite3_exec (dest, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_fail (dest, rc, copy_path, error);
      goto out;
    }
  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      sqlite_fail (dest, sqlite3_errcode (dest), store_path, error);
      goto out;
    }
  /* -1: the whole file in one step, under one read transaction. */
  for (int tries = 0; tries < 200; tries++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        break;
      g_usleep (50 * 1000);
    }
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      sqlite_fail (NULL, rc, store_path, error);
      goto out;
    }
  ok = TRUE;
out:
  sqlite3_close_v2 (src);
  sqlite3_close_v2 (dest);
  return ok;
}

static char *
query_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The header's facts, read from the copy (so they describe exactly it). */
static gboolean
describe_copy (const char *copy_path, BmBackupInfo *info, GError **error)
{
  sqlite3 *db = NULL;
  g_autofree char *escaped = g_uri_escape_string (copy_path, "/", FALSE);
  /* immutable: the copy carries the store's WAL flag, and a plain open
   * would make -wal and -shm files beside it. Nothing else touches it. */
  g_autofree char *uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  int rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_URI, NULL);

  if (rc != SQLITE_OK)
    {
      sqlite_fail (db, rc, copy_path, error);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  info->point = query_text (db, "SELECT code FROM point WHERE id = 1");
  info->station = query_text (db, "SELECT workstation_id FROM point WHERE id = 1");
  info->training = query_int (db, "SELECT training FROM point WHERE id = 1") == 1;
  info->schema_version = (int) query_int (db, "PRAGMA user_version");
  info->audit_head = query_text (db, "SELECT value FROM meta WHERE key = 'audit_head'");
  info->records = query_int (db, "SELECT count(*) FROM candidates");
  info->photos = query_int (db, "SELECT count(*) FROM photos");
  info->audit_entries = query_int (db, "SELECT count(*) FROM audit_log");
  sqlite3_close_v2 (db);
  if (info->point == NULL || info->station == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("This workstation is not set up yet: there is nothing to back up."));
      return FALSE;
    }
  if (info->audit_head == NULL)
    info->audit_head = g_strdup ("");
  return TRUE;
}

static char *
header_text (const BmBackupInfo *info, const BmBackupKey *key, const guint8 *sealed, gsize sealed_len,
             gint64 db_size)
{
  g_autoptr(JsonObject) object = bm_backup_info_to_json (info);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *salt = g_base64_encode (key->salt, sizeof key->salt);
  g_autofree char *sealed_text = g_base64_encode (sealed, sealed_len);
  JsonObject *kdf = json_object_new ();

  json_object_remove_member (object, "file");
  json_object_remove_member (object, "size");
  json_object_set_string_member (object, "program_version", PACKAGE_VERSION);
  json_object_set_int_member (object, "db_size", db_size);
  json_object_set_string_member (kdf, "alg", "argon2id13");
  json_object_set_string_member (kdf, "salt", salt);
  json_object_set_int_member (kdf, "opslimit", (gint64) key->opslimit);
  json_object_set_int_member (kdf, "memlimit", (gint64) key->memlimit);
  json_object_set_object_member (object, "kdf", kdf);
  json_object_set_string_member (object, "sealed_key", sealed_text);
  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/* Streams @plain_fd into @out_fd: secretstream header, then chunks of at
 * most CHUNK bytes, each a 4-byte big-endian length and the ciphertext; the
 * first chunk authenticates @ad (the file header), the last is tagged
 * FINAL, so a reordered, cut or altered file fails to decrypt. */
static gboolean
encrypt_stream (int plain_fd, gint64 size, int out_fd, const guint8 *stream_key,
                const char *ad, const char *out_path, GError **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  guint8 header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  g_autofree guint8 *plain = g_malloc (CHUNK);
  g_autofree guint8 *cipher = g_malloc (CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES + 4);
  gint64 done = 0;
  gboolean first = TRUE;

  crypto_secretstream_xchacha20poly1305_init_push (&state, header, stream_key);
  if (!write_all (out_fd, header, sizeof header, out_path, error))
    return FALSE;
  while (done < size || first)
    {
      gsize got;
      unsigned long long clen;
      guint8 tag;

      if (!read_full (plain_fd, plain, CHUNK, &got, "copy", error))
        return FALSE;
      if (got == 0 && done < size)
        return set_io_error (error, out_path, EIO);
      done += (gint64) got;
      tag = done >= size ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
      crypto_secretstream_xchacha20poly1305_push (&state, cipher + 4, &clen, plain, got,
                                                  first ? (const guint8 *) ad : NULL,
                                                  first ? strlen (ad) : 0, tag);
      put_be32 (cipher, (guint32) clen);
      if (!write_all (out_fd, cipher, (gsize) clen + 4, out_path, error))
        return FALSE;
      first = FALSE;
      if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
        break;
    }
  sodium_memzero (&state, sizeof state);
  return TRUE;
}

static char *
station_prefix (const BmBackupInfo *info)
{
  g_autofree char *station = g_strndup (info->station, 8);

  return g_strdup_printf ("baoming-%s-%s-", info->point, station);
}

/* Names sort by time: baoming-POINT-STATION8-YYYYMMDD-HHMMSS-mmmZ.bmbackup */
static char *
final_name (const BmBackupInfo *info, GDateTime *now, int attempt)
{
  g_autofree char *prefix = station_prefix (info);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  if (attempt == 0)
    return g_strdup_printf ("%s%s-%03dZ" BM_BACKUP_SUFFIX, prefix, stamp,
                            g_date_time_get_microsecond (now) / 1000);
  return g_strdup_printf ("%s%s-%03dZ-%d" BM_BACKUP_SUFFIX, prefix, stamp,
                          g_date_time_get_microsecond (now) / 1000, attempt);
}

static int
compare_desc (gconstpointer a, gconstpointer b)
{
  return -g_strcmp0 (*(char **) a, *(char **) b);
}

/* Keeps the newest @keep backups of this station, and the newest of each
 * earlier day (UTC); removes the rest. */
static void
prune (const char *dir, const BmBackupInfo *info, guint keep)
{
  g_autofree char *prefix = station_prefix (info);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, BM_BACKUP_SUFFIX)
        && strlen (name) >= strlen (prefix) + 8)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_desc);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *day = g_strndup (n + strlen (prefix), 8);

      if (i < keep || !g_hash_table_contains (days, day))
        {
          g_hash_table_add (days, g_steal_pointer (&day));
          continue;
        }
      {
        g_autofree char *path = g_build_filename (dir, n, NULL);
        g_unlink (path);
      }
    }
}

BmBackupInfo *
bm_backup_create (const char *store_path, const BmBackupKey *key, const char *dir, guint keep,
                  GError **error)
{
  g_autoptr(BmBackupInfo) info = g_new0 (BmBackupInfo, 1);
  g_autofree char *store_dir = g_path_get_dirname (store_path);
  g_autofree char *copy_path = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint8 stream_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  guint8 sealed[crypto_box_SEALBYTES + sizeof stream_key];
  guint8 prefix[MAGIC_LEN + 4];
  int copy_fd = -1, out_fd = -1;
  struct stat st;
  gboolean ok = FALSE;

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The encryption library could not start."));
      return NULL;
    }
  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The backup folder %s is not there (is the USB stick or second disk plugged in and mounted?)."),
                   dir ? dir : "");
      return NULL;
    }
  remove_stale_temps (store_dir);
  remove_stale_temps (dir);

  copy_fd = make_temp (store_dir, &copy_path, error);
  if (copy_fd < 0)
    goto out;
  if (!copy_store (store_path, copy_path, error) || !describe_copy (copy_path, info, error))
    goto out;
  if (fstat (copy_fd, &st) != 0)
    {
      set_io_error (error, copy_path, errno);
      goto out;
    }
  info->format = BM_BACKUP_FORMAT_VERSION;
  info->created = g_date_time_format_iso8601 (now);
  info->key_id = g_strdup (key->id);

  crypto_secretstream_xchacha20poly1305_keygen (stream_key);
  crypto_box_seal (sealed, stream_key, sizeof stream_key, key->public_key);
  header = header_text (info, key, sealed, sizeof sealed, st.st_size);

  out_fd = make_temp (dir, &out_path, error);
  if (out_fd < 0)
    goto out;
  memcpy (prefix, MAGIC, MAGIC_LEN);
  put_be32 (prefix + MAGIC_LEN, (guint32) strlen (header));
  if (!write_all (out_fd, prefix, sizeof prefix, out_path, error)
      || !write_all (out_fd, header, strlen (header), out_path, error)
      || !encrypt_stream (copy_fd, st.st_size, out_fd, stream_key, header, out_path, error))
    goto out;
  if (fsync (out_fd) != 0 || fstat (out_fd, &st) != 0)
    {
      set_io_error (error, out_path, errno);
      goto out;
    }
  info->size = st.st_size;
  close (out_fd);
  out_fd = -1;

  for (int attempt = 0; info->path == NULL; attempt++)
    {
      g_autofree char *name = final_name (info, now, attempt);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      /* Never over an existing backup (two runs in the same millisecond). */
      if (renameat2 (AT_FDCWD, out_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        info->path = g_steal_pointer (&path);
      else if (errno != EEXIST || attempt > 100)
        {
          set_io_error (error, path, errno);
          goto out;
        }
    }
  g_clear_pointer (&out_path, g_free);
  if (!fsync_dir (dir, error))
    goto out;
  prune (dir, info, MAX (keep, 1));
  ok = TRUE;

out:
  sodium_memzero (stream_key, sizeof stream_key);
  if (copy_fd >= 0)
    close (copy_fd);
  if (out_fd >= 0)
    close (out_fd);
  if (copy_path != NULL)
    {
      static const char *const sidecars[] = { "-journal", "-wal", "-shm" };

      g_unlink (copy_path);
      for (gsize i = 0; i < G_N_ELEMENTS (sidecars); i++)
        {
          g_autofree char *sidecar = g_strconcat (copy_path, sidecars[i], NULL);
          g_unlink (sidecar);
        }
    }
  if (out_path != NULL)
    g_unlink (out_path);
  return ok ? g_steal_pointer (&info) : NULL;
}

/* Reads the magic and the header; leaves @fd at the stream. */
static JsonObject *
read_header (int fd, const char *path, char **header_out, GError **error)
{
  guint8 prefix[MAGIC_LEN + 4];
  g_autofree char *header = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint32 len;
  gsize got;
  JsonNode *root;

  if (!read_full (fd, prefix, sizeof prefix, &got, path, error))
    return NULL;
  if (got != sizeof prefix || memcmp (prefix, MAGIC, MAGIC_LEN) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The file %s is not a backup of this program."), path);
      return NULL;
    }
  len = get_be32 (prefix + MAGIC_LEN);
  if (len == 0 || len > MAX_HEADER)
    {
      set_damaged (error, path, _("header size"));
      return NULL;
    }
  header = g_malloc (len + 1);
  if (!read_full (fd, header, len, &got, path, error))
    return NULL;
  header[got] = '\0';
  if (got != len || !json_parser_load_from_data (parser, header, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_damaged (error, path, _("header"));
      return NULL;
    }
  if (header_out != NULL)
    *header_out = g_steal_pointer (&header);
  return json_object_ref (json_node_get_object (root));
}

/* Typed reads of the header, which comes from a file anyone may have
 * edited: a member of the wrong type reads as missing. */
static const char *
hdr_str (JsonObject *object, const char *key, const char *fallback)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

static gint64
hdr_int (JsonObject *object, const char *key, gint64 fallback)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static gboolean
hdr_bool (JsonObject *object, const char *key)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static JsonObject *
hdr_obj (JsonObject *object, const char *key)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static BmBackupInfo *
info_from_header (JsonObject *object, const char *path, GError **error)
{
  g_autoptr(BmBackupInfo) info = g_new0 (BmBackupInfo, 1);
  GStatBuf st;

  info->path = g_strdup (path);
  info->format = (int) hdr_int (object, "format", 0);
  if (info->format != BM_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The backup %s was written in format %d, which this version of the program does not read. Install the newer version."),
                   path, info->format);
      return NULL;
    }
  info->point = g_strdup (hdr_str (object, "point", ""));
  info->station = g_strdup (hdr_str (object, "station", ""));
  info->created = g_strdup (hdr_str (object, "created", ""));
  info->schema_version = (int) hdr_int (object, "schema_version", 0);
  info->audit_head = g_strdup (hdr_str (object, "audit_head", ""));
  info->records = hdr_int (object, "records", 0);
  info->photos = hdr_int (object, "photos", 0);
  info->audit_entries = hdr_int (object, "audit_entries", 0);
  info->training = hdr_bool (object, "training");
  info->key_id = g_strdup (hdr_str (object, "key_id", ""));
  if (g_stat (path, &st) == 0)
    info->size = st.st_size;
  return g_steal_pointer (&info);
}

static int
open_backup (const char *file, GError **error)
{
  int fd = g_open (file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, BM_ERROR, saved == ENOENT ? BM_ERROR_NOT_FOUND : BM_ERROR_STORE_IO,
                   _("The file %s cannot be opened: %s."), file, g_strerror (saved));
    }
  return fd;
}

BmBackupInfo *
bm_backup_read_header (const char *file, GError **error)
{
  g_autoptr(JsonObject) object = NULL;
  int fd = open_backup (file, error);

  if (fd < 0)
    return NULL;
  object = read_header (fd, file, NULL, error);
  close (fd);
  if (object == NULL)
    return NULL;
  return info_from_header (object, file, error);
}

static int
compare_info_desc (gconstpointer a, gconstpointer b)
{
  const BmBackupInfo *x = *(BmBackupInfo **) a, *y = *(BmBackupInfo **) b;
  int c = g_strcmp0 (y->created, x->created);

  return c != 0 ? c : g_strcmp0 (y->path, x->path);
}

GPtrArray *
bm_backup_list (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_backup_info_free);
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, &local);
  const char *name;

  if (listing == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("The backup folder %s cannot be read: %s"), dir, local->message);
      return NULL;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      BmBackupInfo *info;

      if (!g_str_has_suffix (name, BM_BACKUP_SUFFIX))
        continue;
      path = g_build_filename (dir, name, NULL);
      info = bm_backup_read_header (path, NULL);
      if (info != NULL)
        g_ptr_array_add (list, info);
    }
  g_ptr_array_sort (list, compare_info_desc);
  return g_steal_pointer (&list);
}

/* Opens the stream key with the recovery code. */
static gboolean
open_stream_key (JsonObject *header, const char *code_text, const char *path,
                 guint8 stream_key[crypto_secretstream_xchacha20poly1305_KEYBYTES], GError **error)
{
  g_autofree char *code = bm_backup_code_normalize (code_text);
  JsonObject *kdf = hdr_obj (header, "kdf");
  const char *key_id = hdr_str (header, "key_id", "");
  const char *sealed_text = hdr_str (header, "sealed_key", NULL);
  guint8 salt[crypto_pwhash_SALTBYTES];
  guint8 pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  g_autofree guchar *salt_raw = NULL;
  g_autofree guchar *sealed = NULL;
  g_autofree char *derived_id = NULL;
  gsize salt_len = 0, sealed_len = 0;
  gint64 ops, mem;
  gboolean ok;

  if (code == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("That is not a recovery code: it has 30 letters and digits, in 6 groups of 5."));
      return FALSE;
    }
  if (kdf == NULL || sealed_text == NULL
      || g_strcmp0 (hdr_str (kdf, "alg", ""), "argon2id13") != 0)
    return set_damaged (error, path, _("header"));
  salt_raw = g_base64_decode (hdr_str (kdf, "salt", ""), &salt_len);
  sealed = g_base64_decode (sealed_text, &sealed_len);
  ops = hdr_int (kdf, "opslimit", 0);
  mem = hdr_int (kdf, "memlimit", 0);
  if (salt_len != sizeof salt || sealed_len != crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES
      || ops < crypto_pwhash_OPSLIMIT_MIN || ops > 16 || mem < (gint64) crypto_pwhash_MEMLIMIT_MIN
      || mem > (gint64) 1024 * 1024 * 1024)
    return set_damaged (error, path, _("header"));
  memcpy (salt, salt_raw, sizeof salt);
  if (!bm_backup_derive_keypair (code, salt, (guint64) ops, (gsize) mem, pk, sk, error))
    return FALSE;
  derived_id = bm_backup_key_id_for (pk);
  ok = g_str_equal (derived_id, key_id)
       && crypto_box_seal_open (stream_key, sealed, sealed_len, pk, sk) == 0;
  sodium_memzero (sk, sizeof sk);
  if (!ok)
    g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                 _("This recovery code does not open the backup %s: it needs the code whose key id is %s."),
                 path, key_id);
  return ok;
}

static gboolean
decrypt_stream (int fd, int out_fd, const guint8 *stream_key, const char *ad, gint64 expected,
                const char *path, const char *out_path, GError **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  guint8 header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  g_autofree guint8 *cipher = g_malloc (CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
  g_autofree guint8 *plain = g_malloc (CHUNK);
  gint64 total = 0;
  gboolean first = TRUE;
  gsize got;

  if (!read_full (fd, header, sizeof header, &got, path, error))
    return FALSE;
  if (got != sizeof header || crypto_secretstream_xchacha20poly1305_init_pull (&state, header, stream_key) != 0)
    return set_damaged (error, path, _("cut short"));
  for (;;)
    {
      guint8 len_bytes[4];
      guint32 clen;
      unsigned long long plen;
      guint8 tag;

      if (!read_full (fd, len_bytes, 4, &got, path, error))
        return FALSE;
      if (got != 4)
        return set_damaged (error, path, _("cut short"));
      clen = get_be32 (len_bytes);
      if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
        return set_damaged (error, path, _("chunk size"));
      if (!read_full (fd, cipher, clen, &got, path, error))
        return FALSE;
      if (got != clen)
        return set_damaged (error, path, _("cut short"));
      if (crypto_secretstream_xchacha20poly1305_pull (&state, plain, &plen, &tag, cipher, clen,
                                                      first ? (const guint8 *) ad : NULL,
                                                      first ? strlen (ad) : 0) != 0)
        return set_damaged (error, path, _("altered"));
      first = FALSE;
      if (!write_all (out_fd, plain, (gsize) plen, out_path, error))
        return FALSE;
      total += (gint64) plen;
      if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
        break;
    }
  if (!read_full (fd, cipher, 1, &got, path, error))
    return FALSE;
  if (got != 0)
    return set_damaged (error, path, _("data after the end"));
  if (total != expected)
    return set_damaged (error, path, _("size"));
  sodium_memzero (&state, sizeof state);
  sodium_memzero (plain, CHUNK);
  return TRUE;
}

/* The decrypted copy, checked, held and audited under its temporary name. */
static gboolean
prepare_restored (const char *temp, const BmBackupInfo *info, GError **error)
{
  g_autoptr(BmStore) store = bm_store_open (temp, info->training, error);
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *base = NULL;

  if (store == NULL || !bm_store_check (store, error) || !bm_store_audit_verify (store, NULL, error))
    return FALSE;
  base = g_path_get_basename (info->path);
  json_object_set_string_member (detail, "backup", base);
  json_object_set_string_member (detail, "backup_created", info->created);
  json_object_set_string_member (detail, "backup_audit_head", info->audit_head);
  json_object_set_int_member (detail, "records", info->records);
  if (!bm_store_transaction_begin (store, error))
    return FALSE;
  if (!bm_store_hold_numbering (store, "restore", error)
      || !bm_store_audit_append (store, BM_ACTOR_SYSTEM, NULL, "backup_restore", detail, error)
      || !bm_store_transaction_commit (store, error))
    {
      bm_store_transaction_rollback (store);
      return FALSE;
    }
  /* Back to one file, so that the rename moves everything. */
  return bm_store_exec (store, "PRAGMA journal_mode = DELETE", error);
}

BmBackupInfo *
bm_backup_restore (const char *file, const char *code, const char *store_path, GError **error)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autofree char *header_raw = NULL;
  g_autofree char *store_dir = g_path_get_dirname (store_path);
  g_autofree char *temp = NULL;
  guint8 stream_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  GStatBuf st;
  int fd = -1, out_fd = -1;
  gboolean ok = FALSE;

  if (g_lstat (store_path, &st) == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE,
                   _("There is already a database at %s. A backup is restored only onto a new place: move that file away first."),
                   store_path);
      return NULL;
    }
  fd = open_backup (file, error);
  if (fd < 0)
    return NULL;
  header = read_header (fd, file, &header_raw, error);
  if (header == NULL || (info = info_from_header (header, file, error)) == NULL
      || !open_stream_key (header, code, file, stream_key, error))
    goto out;
  if (g_mkdir_with_parents (store_dir, 0700) != 0)
    {
      set_io_error (error, store_dir, errno);
      goto out;
    }
  remove_stale_temps (store_dir);
  out_fd = make_temp (store_dir, &temp, error);
  if (out_fd < 0
      || !decrypt_stream (fd, out_fd, stream_key, header_raw,
                          hdr_int (header, "db_size", -1), file, temp, error))
    goto out;
  close (out_fd);
  out_fd = -1;
  if (!prepare_restored (temp, info, error))
    goto out;
  out_fd = g_open (temp, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
  if (out_fd < 0 || fsync (out_fd) != 0)
    {
      set_io_error (error, temp, errno);
      goto out;
    }
  if (renameat2 (AT_FDCWD, temp, AT_FDCWD, store_path, RENAME_NOREPLACE) != 0)
    {
      int saved = errno;
      if (saved == EEXIST)
        g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE,
                     _("There is already a database at %s. A backup is restored only onto a new place: move that file away first."),
                     store_path);
      else
        set_io_error (error, store_path, saved);
      goto out;
    }
  g_clear_pointer (&temp, g_free);
  if (!fsync_dir (store_dir, error))
    goto out;
  ok = TRUE;

out:
  sodium_memzero (stream_key, sizeof stream_key);
  if (fd >= 0)
    close (fd);
  if (out_fd >= 0)
    close (out_fd);
  if (temp != NULL)
    {
      g_autofree char *wal = g_strconcat (temp, "-wal", NULL);
      g_autofree char *shm = g_strconcat (temp, "-shm", NULL);
      g_unlink (temp);
      g_unlink (wal);
      g_unlink (shm);
    }
  return ok ? g_steal_pointer (&info) : NULL;
}
