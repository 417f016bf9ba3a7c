/* Export packages, the store's side (bm-package-export.h). The package is
 * read from one snapshot, so its manifest counts exactly what its payload
 * holds; items are read and encrypted one at a time, so a package
 * of any size is never whole in memory. */
#include "bm-config.h"

#include "bm-package-export.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "bm-candidate.h"
#include "bm-error.h"
#include "bm-operator.h"
#include "bm-station-keys.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"
#include "bm-store-submit.h"
#include "bm-store-sync.h"
#include "bm-sync-message.h"

/* The records a package holds: all of them, or (since P) those that no
 * package up to P held at their current version. ?1 is P or NULL. */
#define SELECTED "(?1 IS NULL OR NOT EXISTS (SELECT 1 FROM package_records pr" \
                 " JOIN package_exports pe ON pe.package_id = pr.package_id" \
                 " WHERE pe.sequence <= (SELECT sequence FROM package_exports WHERE package_id = ?1)" \
                 " AND pr.uuid = c.uuid AND pr.version >= c.version))"

static void
bind_since (sqlite3_stmt *st, const char *since_id)
{
  if (since_id != NULL)
    sqlite3_bind_text (st, 1, since_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, 1);
}

static gboolean
get_county_key (BmStore *store, guint8 *pk, GError **error)
{
  g_autofree char *hex = NULL;

  if (bm_store_is_training (store))
    {
      bm_package_training_county_keys (pk, NULL);
      return TRUE;
    }
  hex = bm_store_sync_get (store, "county_public_key");
  if (!bm_key_from_hex (hex, pk, BM_PACKAGE_KEY_BYTES))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("This workstation has no county key to encrypt a package to; set it up from the provincial server (the profile carries the key)."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_item (BmPackageWriter *w, const char *type, const char *member, JsonNode *value, gboolean final,
          GError **error)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_alloc ();

  json_object_set_string_member (o, "t", type);
  if (member != NULL)
    json_object_set_member (o, member, value);
  else if (value != NULL)
    json_node_unref (value);
  json_node_init_object (node, o);
  return bm_package_writer_add (w, node, final, error);
}

static gboolean
write_records (BmStore *store, BmPackageWriter *w, const char *since_id, gint64 *n, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store,
      "SELECT c.uuid, COALESCE (s.base_server_rev, 0) FROM candidates c"
      " LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid WHERE " SELECTED " ORDER BY c.id", error);
  int rc;

  if (st == NULL)
    return FALSE;
  bind_since (st, since_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (st, 0);
      g_autoptr(BmCandidate) c = bm_store_find_by_uuid (store, uuid, error);
      g_autoptr(JsonObject) json = NULL;
      g_autoptr(GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(sqlite3_stmt) ph = bm_store_prepare (store,
          "SELECT DISTINCT sha256 FROM photos WHERE candidate_uuid = ? AND kind = 'processed' ORDER BY id", error);
      JsonNode *item;

      if (c == NULL || ph == NULL)
        return FALSE;
      sqlite3_bind_text (ph, 1, uuid, -1, SQLITE_STATIC);
      while (sqlite3_step (ph) == SQLITE_ROW)
        g_ptr_array_add (shas, g_strdup ((const char *) sqlite3_column_text (ph, 0)));
      g_ptr_array_add (shas, NULL);
      /* The very item a network batch carries (§7): same key (uuid +
       * version), same content, so either way it is applied once. */
      json = bm_candidate_to_json (c);
      bm_submit_scrub_batch_record (json);
      item = bm_sync_build_record_item (json, sqlite3_column_int64 (st, 1), (const char * const *) shas->pdata);
      if (!add_item (w, "record", "item", item, FALSE, error))
        return FALSE;
      /* What this package carries, for package_records once it is safe. */
      {
        g_autoptr(sqlite3_stmt) mark = bm_store_prepare (store,
            "INSERT OR REPLACE INTO temp.package_export_records (uuid, version) VALUES (?, ?)", error);
        if (mark == NULL)
          return FALSE;
        sqlite3_bind_text (mark, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (mark, 2, bm_candidate_get_version (c));
        if (sqlite3_step (mark) != SQLITE_DONE)
          return bm_store_set_sqlite_error (store, sqlite3_errcode (bm_store_get_sqlite (store)), error);
      }
      (*n)++;
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (store, rc, error);
  return TRUE;
}

/* Photos are most of a package's bytes: each goes as a small header item
 * and its bytes as they are in the store (one raw chunk, no base64, no
 * copy), rather than through a JSON tree. */
static gboolean
write_photos (BmStore *store, BmPackageWriter *w, const char *since_id, gint64 *n, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store,
      "SELECT DISTINCT p.sha256 FROM photos p JOIN candidates c ON c.uuid = p.candidate_uuid"
      " WHERE p.kind = 'processed' AND " SELECTED " ORDER BY p.sha256", error);
  /* photo_blobs: one blob per hash (migration 41); older rows hold theirs. */
  g_autoptr(sqlite3_stmt) blob = bm_store_prepare (store,
      "SELECT coalesce ((SELECT data FROM photo_blobs WHERE sha256 = ?1),"
      " (SELECT jpeg FROM photos WHERE sha256 = ?1 AND length (jpeg) > 0 LIMIT 1))", error);
  g_autoptr(GString) item = g_string_sized_new (128);
  int rc;

  if (st == NULL || blob == NULL)
    return FALSE;
  bind_since (st, since_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *sha = (const char *) sqlite3_column_text (st, 0);
      const guint8 *data;
      gsize len;

      sqlite3_reset (blob);
      sqlite3_bind_text (blob, 1, sha, -1, SQLITE_STATIC);
      if (sqlite3_step (blob) != SQLITE_ROW || sqlite3_column_type (blob, 0) == SQLITE_NULL
          || strlen (sha) != 64 || strspn (sha, "0123456789abcdef") != 64)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("A photo of a record to export is missing from the database."));
          return FALSE;
        }
      data = sqlite3_column_blob (blob, 0);
      len = sqlite3_column_bytes (blob, 0);
      g_string_printf (item, "{\"t\":\"photo\",\"sha256\":\"%s\",\"bytes\":%" G_GSIZE_FORMAT "}", sha, len);
      if (!bm_package_writer_add_text (w, item->str, item->len, FALSE, error)
          || !bm_package_writer_add_text (w, (const char *) data, len, FALSE, error))
        return FALSE;
      (*n)++;
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (store, rc, error);
  return TRUE;
}

static gboolean
write_audit (BmStore *store, BmPackageWriter *w, gint64 after_id, gint64 *n, gint64 *last_id, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store,
      "SELECT id, at_wall, operator, entity_uuid, action, detail, prev_hash, hash FROM audit_log"
      " WHERE id > ? ORDER BY id", error);
  static const char *const names[] = { "id", "at", "operator", "entity_uuid", "action", "detail",
                                       "prev_hash", "hash" };
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, after_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      JsonObject *e = json_object_new ();

      json_object_set_int_member (e, names[0], sqlite3_column_int64 (st, 0));
      for (int i = 1; i < 8; i++)
        if (sqlite3_column_type (st, i) == SQLITE_NULL)
          json_object_set_null_member (e, names[i]);
        else
          json_object_set_string_member (e, names[i], (const char *) sqlite3_column_text (st, i));
      *last_id = sqlite3_column_int64 (st, 0);
      if (!add_item (w, "audit", "entry", json_node_init_object (json_node_alloc (), e), FALSE, error))
        {
          json_object_unref (e);
          return FALSE;
        }
      json_object_unref (e);
      (*n)++;
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (store, rc, error);
  return TRUE;
}

static gint64
query_int (BmStore *store, const char *sql, const char *since_id, gint64 fallback)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, sql, NULL);

  if (st == NULL)
    return fallback;
  bind_since (st, since_id);
  if (sqlite3_step (st) != SQLITE_ROW || sqlite3_column_type (st, 0) == SQLITE_NULL)
    return fallback;
  return sqlite3_column_int64 (st, 0);
}

static char *
query_text (BmStore *store, const char *sql, const char *since_id)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, sql, NULL);

  if (st == NULL)
    return NULL;
  bind_since (st, since_id);
  if (sqlite3_step (st) != SQLITE_ROW || sqlite3_column_type (st, 0) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (st, 0));
}

static JsonObject *
make_manifest (BmStore *store, const BmPointProfile *profile, const BmStationKeys *keys,
               const guint8 *county_pk, const char *package_id, const char *since_id,
               gint64 sequence, const char *previous_id, gint64 audit_after, GError **error)
{
  JsonObject *m = json_object_new ();
  JsonArray *cats = json_array_new ();
  g_autofree char *pk = bm_station_keys_public_hex (keys);
  g_autofree char *cpk = bm_key_to_hex (county_pk, BM_PACKAGE_KEY_BYTES);
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autofree char *first = query_text (store, "SELECT MIN (number) FROM candidates c WHERE " SELECTED, since_id);
  g_autofree char *last = query_text (store, "SELECT MAX (number) FROM candidates c WHERE " SELECTED, since_id);
  g_autofree char *head = query_text (store, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store,
      "SELECT category, COUNT (*) FROM candidates c WHERE " SELECTED " GROUP BY category ORDER BY category", error);
  g_autoptr(sqlite3_stmt) au = bm_store_prepare (store, "SELECT COUNT (*) FROM audit_log WHERE id > ?", error);
  gint64 total = 0;

  if (st == NULL || au == NULL)
    {
      json_array_unref (cats);
      json_object_unref (m);
      return NULL;
    }
  bind_since (st, since_id);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      JsonObject *c = json_object_new ();
      json_object_set_string_member (c, "category", (const char *) sqlite3_column_text (st, 0));
      json_object_set_int_member (c, "count", sqlite3_column_int64 (st, 1));
      total += sqlite3_column_int64 (st, 1);
      json_array_add_object_element (cats, c);
    }
  sqlite3_bind_int64 (au, 1, audit_after);
  sqlite3_step (au);

  json_object_set_string_member (m, "format", "baoming-package");
  json_object_set_int_member (m, "format_version", 1);
  json_object_set_string_member (m, "package_id", package_id);
  json_object_set_int_member (m, "sequence", sequence);
  if (previous_id != NULL)
    json_object_set_string_member (m, "previous_package_id", previous_id);
  else
    json_object_set_null_member (m, "previous_package_id");
  if (since_id != NULL)
    json_object_set_string_member (m, "since_package_id", since_id);
  else
    json_object_set_null_member (m, "since_package_id");
  json_object_set_boolean_member (m, "training", bm_store_is_training (store));
  json_object_set_string_member (m, "point_code", profile->code);
  json_object_set_string_member (m, "point_name", profile->name);
  json_object_set_string_member (m, "county_code", profile->county_code);
  json_object_set_string_member (m, "workstation_id", profile->workstation_id ? profile->workstation_id : "");
  json_object_set_string_member (m, "station_public_key", pk);
  json_object_set_string_member (m, "county_public_key", cpk);
  json_object_set_string_member (m, "created_at", now);
  json_object_set_int_member (m, "records", total);
  json_object_set_array_member (m, "categories", cats);
  {
    JsonObject *r = json_object_new ();
    if (first != NULL)
      {
        json_object_set_string_member (r, "first", first);
        json_object_set_string_member (r, "last", last);
      }
    else
      {
        json_object_set_null_member (r, "first");
        json_object_set_null_member (r, "last");
      }
    json_object_set_object_member (m, "number_range", r);
  }
  json_object_set_int_member (m, "photos",
      query_int (store, "SELECT COUNT (DISTINCT p.sha256) FROM photos p JOIN candidates c ON c.uuid = p.candidate_uuid"
                        " WHERE p.kind = 'processed' AND " SELECTED, since_id, 0));
  json_object_set_int_member (m, "audit_entries", sqlite3_column_int64 (au, 0));
  if (head != NULL)
    json_object_set_string_member (m, "audit_head", head);
  else
    json_object_set_null_member (m, "audit_head");
  json_object_set_string_member (m, "payload", "crypto_box_seal+secretstream_xchacha20poly1305");
  return m;
}

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static JsonObject *
read_back (const char *path, const BmStationKeys *keys, const char *package_id, GError **error)
{
  FILE *f = g_fopen (path, "rb");
  g_autoptr(JsonObject) m = NULL;
  g_autofree char *pk = bm_station_keys_public_hex (keys);

  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package just written cannot be read back: %s"),
                   g_strerror (e));
      return NULL;
    }
  m = bm_package_verify (f, error);
  fclose (f);
  if (m == NULL || !bm_package_check_signer (m, pk, error))
    return NULL;
  if (g_strcmp0 (json_object_get_string_member_with_default (m, "package_id", ""), package_id) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package read back is not the one just written."));
      return NULL;
    }
  return g_steal_pointer (&m);
}

JsonObject *
bm_package_export (BmStore *store, const char *operator_name, const char *dir, const char *since_id,
                   char **path_out, GError **error)
{
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(BmStationKeys) keys = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(BmPackageWriter) w = NULL;
  g_autoptr(JsonNode) mnode = NULL;
  g_autofree char *package_id = g_uuid_string_random ();
  g_autofree char *previous_id = NULL, *mtext = NULL, *tmp = NULL, *name = NULL, *path = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  guint8 county_pk[BM_PACKAGE_KEY_BYTES];
  gint64 sequence, audit_after = 0, audit_last = 0, n_records = 0, n_photos = 0, n_audit = 0;
  FILE *f = NULL;
  gboolean reading = FALSE, writing = FALSE;
  int fd;

  if (!bm_store_check_role (store, operator_name, BM_OPERATOR_ROLE_SUPERVISOR, error)
      || (profile = bm_store_dup_point_profile (store, error)) == NULL
      || !get_county_key (store, county_pk, error)
      || (keys = bm_station_keys_load_or_create (bm_store_get_path (store), bm_store_is_training (store),
                                                 error)) == NULL)
    return NULL;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("The folder %s does not exist."), dir);
      return NULL;
    }
  /* The package is read from one snapshot (a read transaction: with WAL
   * the counter keeps registering meanwhile), and recorded afterwards in a
   * short write transaction; the temp table carries what it held. */
  if (!bm_store_exec (store,
                      "CREATE TEMP TABLE IF NOT EXISTS package_export_records (uuid TEXT PRIMARY KEY, version INTEGER);"
                      "DELETE FROM temp.package_export_records;", error)
      || !bm_store_exec (store, "BEGIN DEFERRED", error))
    return NULL;
  reading = TRUE;
  if (since_id != NULL)
    {
      g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, "SELECT audit_last_id FROM package_exports WHERE package_id = ?", error);
      if (st == NULL)
        goto fail;
      sqlite3_bind_text (st, 1, since_id, -1, SQLITE_STATIC);
      if (sqlite3_step (st) != SQLITE_ROW)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("No package %s was exported from this workstation."), since_id);
          goto fail;
        }
      audit_after = sqlite3_column_int64 (st, 0);
    }
  sequence = query_int (store, "SELECT COALESCE (MAX (sequence), 0) + 1 FROM package_exports", NULL, 1);
  previous_id = query_text (store, "SELECT package_id FROM package_exports ORDER BY sequence DESC LIMIT 1", NULL);
  if ((manifest = make_manifest (store, profile, keys, county_pk, package_id, since_id, sequence, previous_id,
                                 audit_after, error)) == NULL)
    goto fail;
  mnode = json_node_init_object (json_node_alloc (), manifest);
  mtext = json_to_string (mnode, TRUE);

  tmp = g_build_filename (dir, ".baoming-package-XXXXXX", NULL);
  if ((fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600)) < 0)
    {
      int e = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package could not be written: %s"), g_strerror (e));
      g_clear_pointer (&tmp, g_free);   /* nothing was created */
      goto fail;
    }
  if ((f = fdopen (fd, "wb")) == NULL)
    {
      int e = errno;
      close (fd);
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package could not be written: %s"), g_strerror (e));
      goto fail;
    }
  if ((w = bm_package_writer_new (f, mtext, county_pk, keys->secret_key, error)) == NULL
      || !write_records (store, w, since_id, &n_records, error)
      || !write_photos (store, w, since_id, &n_photos, error)
      || !write_audit (store, w, audit_after, &n_audit, &audit_last, error))
    goto fail;
  {
    JsonObject *end = json_object_new ();
    json_object_set_int_member (end, "records", n_records);
    json_object_set_int_member (end, "photos", n_photos);
    json_object_set_int_member (end, "audit_entries", n_audit);
    if (!add_item (w, "end", "counts", json_node_init_object (json_node_alloc (), end), TRUE, error))
      {
        json_object_unref (end);
        goto fail;
      }
    json_object_unref (end);
  }
  if (!bm_package_writer_finish (w, error))
    goto fail;
  fclose (g_steal_pointer (&f));
  reading = FALSE;
  if (!bm_store_exec (store, "COMMIT", error))
    goto fail;
  if (audit_last == 0)
    audit_last = audit_after;

  /* Final name: point, sequence, id; renamed only once complete and
   * flushed, so a pulled stick holds the whole package or none. */
  name = g_strdup_printf ("baoming-%s-%04" G_GINT64_FORMAT "-%.8s.bmpkg", profile->code, sequence, package_id);
  path = g_build_filename (dir, name, NULL);
  if (g_rename (tmp, path) != 0 || !fsync_dir (dir))
    {
      int e = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package could not be written: %s"), g_strerror (e));
      goto fail;
    }
  g_clear_pointer (&tmp, g_free);
  if ((read = read_back (path, keys, package_id, error)) == NULL)
    {
      g_unlink (path);
      goto fail;
    }
  if (!bm_store_transaction_begin (store, error))
    goto fail_file;
  writing = TRUE;
  {
    g_autoptr(sqlite3_stmt) ins = bm_store_prepare (store,
        "INSERT INTO package_exports (package_id, sequence, previous_id, since_id, created_at, file_name,"
        " records, audit_last_id) VALUES (?2, ?3, ?4, ?1, ?5, ?6, ?7, ?8)", error);
    g_autoptr(sqlite3_stmt) recs = bm_store_prepare (store,
        "INSERT INTO package_records (package_id, uuid, version)"
        " SELECT ?1, uuid, version FROM temp.package_export_records", error);
    g_autoptr(JsonObject) detail = json_object_new ();

    if (ins == NULL || recs == NULL)
      goto fail_file;
    bind_since (ins, since_id);
    sqlite3_bind_text (ins, 2, package_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (ins, 3, sequence);
    if (previous_id)
      sqlite3_bind_text (ins, 4, previous_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (ins, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_text (ins, 6, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (ins, 7, n_records);
    sqlite3_bind_int64 (ins, 8, audit_last);
    sqlite3_bind_text (recs, 1, package_id, -1, SQLITE_STATIC);
    if (sqlite3_step (recs) != SQLITE_DONE || sqlite3_step (ins) != SQLITE_DONE)
      {
        bm_store_set_sqlite_error (store, sqlite3_errcode (bm_store_get_sqlite (store)), error);
        goto fail_file;
      }
    json_object_set_string_member (detail, "package_id", package_id);
    json_object_set_int_member (detail, "sequence", sequence);
    json_object_set_int_member (detail, "records", n_records);
    if (!bm_store_audit_append (store, operator_name, NULL, "package_export", detail, error)
        || !bm_store_transaction_commit (store, error))
      goto fail_file;
  }
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return g_steal_pointer (&manifest);

fail_file:
  g_unlink (path);
fail:
  if (f != NULL)
    fclose (f);
  if (tmp != NULL)
    g_unlink (tmp);
  if (reading)
    bm_store_exec (store, "ROLLBACK", NULL);
  if (writing)
    bm_store_transaction_rollback (store);
  return NULL;
}

JsonObject *
bm_package_verify_file (BmStore *store, const char *path, GError **error)
{
  FILE *f = g_fopen (path, "rb");
  g_autoptr(JsonObject) m = NULL;

  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), _("Cannot open %s: %s"), path, g_strerror (e));
      return NULL;
    }
  m = bm_package_verify (f, error);
  fclose (f);
  if (m == NULL)
    return NULL;
  /* On the station that wrote it, the key and the point are known: a
   * package of this workstation signed by another key was re-signed. */
  if (store != NULL && bm_store_is_set_up (store))
    {
      g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (store, NULL);
      const char *ws = json_object_get_string_member_with_default (m, "workstation_id", "");

      if (profile != NULL && profile->workstation_id != NULL && g_str_equal (ws, profile->workstation_id))
        {
          g_autoptr(BmStationKeys) keys = bm_station_keys_load (bm_store_get_path (store), NULL);
          g_autofree char *pk = keys ? bm_station_keys_public_hex (keys) : NULL;
          if (!bm_package_check_signer (m, pk, error) || !bm_package_check_point (m, profile->code, error))
            return NULL;
        }
      else if (profile != NULL && !bm_package_check_point (m, profile->code, error))
        return NULL;
    }
  return g_steal_pointer (&m);
}

JsonObject *
bm_package_apply_receipt (BmStore *store, const char *operator_name, const char *path, GError **error)
{
  g_autofree char *text = NULL, *receipt_text = NULL, *province_pk = NULL, *answer_text = NULL;
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(JsonObject) receipt = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *now = bm_store_now_iso8601 ();
  const char *package_id;
  JsonNode *answer;
  gint64 held;
  gsize len = 0;
  int counts[3] = { 0 };
  gboolean applied_before;

  if (!bm_store_check_operator (store, operator_name, error)
      || (profile = bm_store_dup_point_profile (store, error)) == NULL
      || !g_file_get_contents (path, &text, &len, error))
    return NULL;
  province_pk = bm_store_sync_get (store, "province_public_key");
  if ((receipt = bm_receipt_open (text, len, province_pk, &receipt_text, error)) == NULL)
    return NULL;
  package_id = json_object_get_string_member_with_default (receipt, "package_id", NULL);
  answer = json_object_get_member (receipt, "answer");
  if (package_id == NULL || answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer)
      || g_strcmp0 (json_object_get_string_member_with_default (receipt, "workstation_id", ""),
                    profile->workstation_id) != 0)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT,
                   _("The receipt is genuine but not for a package of this workstation; nothing was marked."));
      return NULL;
    }
  if (!bm_store_transaction_begin (store, error))
    return NULL;
  held = query_int (store, "SELECT COUNT (*) FROM package_records WHERE package_id = ?1", package_id, -1);
  applied_before = query_int (store, "SELECT receipt_at IS NOT NULL FROM package_exports WHERE package_id = ?1",
                              package_id, -1) == 1;
  if (query_int (store, "SELECT COUNT (*) FROM package_exports WHERE package_id = ?1", package_id, 0) != 1)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT,
                   _("The receipt is genuine but not for a package of this workstation; nothing was marked."));
      goto fail;
    }
  answer_text = json_to_string (answer, FALSE);
  if ((results = bm_sync_parse_batch_answer (answer_text, strlen (answer_text), package_id, (guint) held, error)) == NULL)
    goto fail;
  /* Each result must be about a record this package carried, at the
   * version it carried: a receipt cannot mark anything else. */
  for (guint i = 0; i < results->len; i++)
    {
      BmSyncResult *r = results->pdata[i];
      g_autoptr(sqlite3_stmt) st = bm_store_prepare (store,
          "SELECT 1 FROM package_records WHERE package_id = ? AND uuid = ? AND version = ?", error);
      if (st == NULL)
        goto fail;
      sqlite3_bind_text (st, 1, package_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, r->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, r->version);
      if (sqlite3_step (st) != SQLITE_ROW)
        {
          g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT,
                       _("The receipt names a record or version the package did not carry; nothing was marked."));
          goto fail;
        }
    }
  json_object_set_string_member (out, "package_id", package_id);
  json_object_set_boolean_member (out, "already_applied", applied_before);
  if (applied_before)
    {
      /* The same receipt again changes nothing (a later local change must
       * not be marked by an old answer twice). */
      for (guint i = 0; i < results->len; i++)
        counts[((BmSyncResult *) results->pdata[i])->status]++;
      bm_store_transaction_rollback (store);
    }
  else
    {
      g_autoptr(sqlite3_stmt) u = NULL;

      if (!bm_store_sync_apply_result_rows (store, results, counts, error))
        goto fail;
      if ((u = bm_store_prepare (store, "UPDATE package_exports SET receipt_at = ? WHERE package_id = ?", error)) == NULL)
        goto fail;
      sqlite3_bind_text (u, 1, now, -1, SQLITE_STATIC);
      sqlite3_bind_text (u, 2, package_id, -1, SQLITE_STATIC);
      if (sqlite3_step (u) != SQLITE_DONE)
        {
          bm_store_set_sqlite_error (store, sqlite3_errcode (bm_store_get_sqlite (store)), error);
          goto fail;
        }
      json_object_set_string_member (detail, "package_id", package_id);
      json_object_set_int_member (detail, "accepted", counts[BM_SYNC_RESULT_ACCEPTED]);
      json_object_set_int_member (detail, "rejected", counts[BM_SYNC_RESULT_REJECTED]);
      json_object_set_int_member (detail, "conflict", counts[BM_SYNC_RESULT_CONFLICT]);
      if (!bm_store_audit_append (store, operator_name, NULL, "package_receipt", detail, error)
          || !bm_store_transaction_commit (store, error))
        goto fail;
    }
  json_object_set_int_member (out, "accepted", counts[BM_SYNC_RESULT_ACCEPTED]);
  json_object_set_int_member (out, "rejected", counts[BM_SYNC_RESULT_REJECTED]);
  json_object_set_int_member (out, "conflict", counts[BM_SYNC_RESULT_CONFLICT]);
  return g_steal_pointer (&out);

fail:
  bm_store_transaction_rollback (store);
  return NULL;
}
