/* Sync state in the store (docs/sync-protocol.md §7–9).
 *
 * The outbox: a batch is stored (id + exact body) before its first send and
 * deleted in the same transaction that applies its answer, so a crash at any
 * point resends the same bytes under the same id, which the server
 * deduplicates. Pulled changes and the cursor are committed together, so a
 * page is never skipped. Server changes do not bump the local version (the
 * server already has them); a server change that meets unsent local edits
 * becomes a conflict for the clerk, never a silent overwrite. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-operator.h"
#include "bm-store-private.h"
#include "bm-store-submit.h"
#include "bm-store-sync.h"

void
bm_sync_batch_free (BmSyncBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->batch_id);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_strfreev (batch->photos);
  g_free (batch);
}

char *
bm_store_sync_get (BmStore *self, const char *key)
{
  g_autofree char *k = g_strconcat ("sync.", key, NULL);
  return bm_store_dup_meta (self, k);
}

gboolean
bm_store_sync_set (BmStore *self, const char *key, const char *value, GError **error)
{
  g_autofree char *k = g_strconcat ("sync.", key, NULL);

  if (value == NULL)
    {
      g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, "DELETE FROM meta WHERE key = ?", error);
      if (st == NULL)
        return FALSE;
      sqlite3_bind_text (st, 1, k, -1, SQLITE_STATIC);
      return sqlite3_step (st) == SQLITE_DONE || bm_store_set_sqlite_error (self, sqlite3_errcode (bm_store_get_sqlite (self)), error);
    }
  return bm_store_set_meta (self, k, value, error);
}

static gboolean
step_done (BmStore *self, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

GPtrArray *
bm_store_sync_stored_batches (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_batch_free);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT batch_id, body, photos, (SELECT COUNT(*) FROM sync_batch_records r WHERE r.batch_id = b.batch_id)"
      " FROM sync_batches b ORDER BY rowid", error);

  if (st == NULL)
    return NULL;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      BmSyncBatch *b = g_new0 (BmSyncBatch, 1);
      b->batch_id = g_strdup ((const char *) sqlite3_column_text (st, 0));
      b->body = g_bytes_new (sqlite3_column_blob (st, 1), sqlite3_column_bytes (st, 1));
      b->photos = g_strsplit ((const char *) sqlite3_column_text (st, 2), " ", -1);
      b->n_records = sqlite3_column_int (st, 3);
      g_ptr_array_add (out, b);
    }
  return g_steal_pointer (&out);
}

static GPtrArray *
record_photos (BmStore *self, const char *uuid)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT DISTINCT sha256 FROM photos WHERE candidate_uuid = ? AND kind = 'processed' ORDER BY id", NULL);

  if (st != NULL)
    {
      sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
      while (sqlite3_step (st) == SQLITE_ROW)
        g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (st, 0)));
    }
  g_ptr_array_add (out, NULL);
  return out;
}

static gboolean upsert_state (BmStore *self, const char *uuid, const char *status, const char *code,
                              const char *detail, gint64 held_version, gint64 base_rev,
                              const char *server_change, GError **error);

/* A record over a field limit (stored before docs/limits.md existed) would
 * earn its whole batch a 413 or 400, again and again, and hold up every
 * record behind it. Such records are set aside as rejected, code
 * "over_limit", with the field's message for the problems list; the next
 * correction puts them back in the queue. The caller holds the transaction. */
static gboolean
set_aside_over_limit (BmStore *self, guint max_records, GError **error)
{
  for (;;)
    {
      g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
          "SELECT c.uuid, COALESCE (s.base_server_rev, 0) FROM candidates c"
          " LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid"
          " WHERE c.version > c.synced_version"
          "   AND NOT (COALESCE (s.status, 'pending') IN ('rejected', 'conflict') AND s.held_version >= c.version)"
          "   AND NOT EXISTS (SELECT 1 FROM sync_batch_records b WHERE b.candidate_uuid = c.uuid)"
          " ORDER BY c.id LIMIT ?", error);
      g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) why = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) bases = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (st == NULL)
        return FALSE;
      sqlite3_bind_int (st, 1, MAX (max_records, 1));
      while (sqlite3_step (st) == SQLITE_ROW)
        {
          g_autoptr(BmCandidate) c = bm_store_find_by_uuid (self, (const char *) sqlite3_column_text (st, 0), error);
          g_autoptr(GError) local = NULL;
          gint64 base = sqlite3_column_int64 (st, 1);

          if (c == NULL)
            return FALSE;
          if (bm_candidate_check_limits (c, &local))
            continue;
          g_ptr_array_add (bad, g_steal_pointer (&c));
          g_ptr_array_add (why, g_strdup (local->message));
          g_array_append_val (bases, base);
        }
      g_clear_pointer (&st, sqlite3_finalize);
      if (bad->len == 0)
        return TRUE;
      for (guint i = 0; i < bad->len; i++)
        if (!upsert_state (self, bm_candidate_get (bad->pdata[i], "uuid"), "rejected", "over_limit", why->pdata[i],
                           bm_candidate_get_version (bad->pdata[i]), g_array_index (bases, gint64, i), NULL, error))
          return FALSE;
    }
}

BmSyncBatch *
bm_store_sync_make_batch (BmStore *self, guint max_records, gsize max_bytes, GError **error)
{
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(GString) body = NULL;
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *batch_id = g_uuid_string_random ();
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autofree char *photo_list = NULL;
  BmSyncBatch *batch;

  if ((profile = bm_store_dup_point_profile (self, error)) == NULL)
    return NULL;
  if (!bm_store_transaction_begin (self, error))
    return NULL;
  if (!set_aside_over_limit (self, max_records, error))
    goto fail;
  st = bm_store_prepare (self,
      "SELECT c.uuid, COALESCE (s.base_server_rev, 0) FROM candidates c"
      " LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE c.version > c.synced_version"
      "   AND NOT (COALESCE (s.status, 'pending') IN ('rejected', 'conflict') AND s.held_version >= c.version)"
      "   AND NOT EXISTS (SELECT 1 FROM sync_batch_records b WHERE b.candidate_uuid = c.uuid)"
      " ORDER BY c.id LIMIT ?", error);
  if (st == NULL)
    goto fail;
  sqlite3_bind_int (st, 1, MAX (max_records, 1));
  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"batch_id\":\"%s\",\"workstation_id\":", batch_id);
  {
    g_autoptr(JsonNode) ws = json_node_init_string (json_node_alloc (), profile->workstation_id);
    g_autofree char *ws_text = json_to_string (ws, FALSE);
    g_string_append (body, ws_text);
  }
  g_string_append (body, ",\"records\":[");
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (st, 0);
      gint64 base = sqlite3_column_int64 (st, 1);
      g_autoptr(BmCandidate) c = bm_store_find_by_uuid (self, uuid, error);
      g_autoptr(JsonObject) json = NULL;
      g_autoptr(JsonNode) item = NULL;
      g_autoptr(GPtrArray) shas = NULL;
      g_autofree char *text = NULL;
      gint64 version;

      if (c == NULL)
        goto fail;
      json = bm_candidate_to_json (c);
      bm_submit_scrub_batch_record (json);   /* §7 never says "submitted" */
      shas = record_photos (self, uuid);
      item = bm_sync_build_record_item (json, base, (const char * const *) shas->pdata);
      text = json_to_string (item, FALSE);
      /* A single record larger than the limit still goes alone: the
       * server's 413 then tells the clerk (it cannot be split further). */
      if (uuids->len > 0 && body->len + strlen (text) + 3 > max_bytes)
        break;
      if (uuids->len > 0)
        g_string_append_c (body, ',');
      g_string_append (body, text);
      version = bm_candidate_get_version (c);
      g_ptr_array_add (uuids, g_strdup (uuid));
      g_array_append_val (versions, version);
      for (guint i = 0; shas->pdata[i]; i++)
        if (g_hash_table_add (seen, shas->pdata[i]))
          g_ptr_array_add (photos, g_strdup (shas->pdata[i]));
    }
  g_clear_pointer (&st, sqlite3_finalize);
  if (uuids->len == 0)
    {
      /* Nothing to send; keep the records set aside above. */
      bm_store_transaction_commit (self, error);
      return NULL;
    }
  g_string_append (body, "]}");
  g_ptr_array_add (photos, NULL);
  photo_list = g_strjoinv (" ", (char **) photos->pdata);

  st = bm_store_prepare (self, "INSERT INTO sync_batches (batch_id, body, photos, created_at) VALUES (?, ?, ?, ?)", error);
  if (st == NULL)
    goto fail;
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 2, body->str, body->len, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, photo_list, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, now, -1, SQLITE_STATIC);
  if (!step_done (self, st, error))
    goto fail;
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(sqlite3_stmt) ins = bm_store_prepare (self,
          "INSERT INTO sync_batch_records (batch_id, candidate_uuid, version) VALUES (?, ?, ?)", error);
      if (ins == NULL)
        goto fail;
      sqlite3_bind_text (ins, 1, batch_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, uuids->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ins, 3, g_array_index (versions, gint64, i));
      if (!step_done (self, ins, error))
        goto fail;
    }
  if (!bm_store_transaction_commit (self, error))
    return NULL;

  batch = g_new0 (BmSyncBatch, 1);
  batch->batch_id = g_steal_pointer (&batch_id);
  batch->n_records = uuids->len;
  batch->photos = g_strsplit (photo_list, " ", -1);
  {
    gsize len = body->len;
    batch->body = g_bytes_new_take (g_string_free (g_steal_pointer (&body), FALSE), len);
  }
  return batch;

fail:
  bm_store_transaction_rollback (self);
  return NULL;
}

static gboolean
delete_batch (BmStore *self, const char *batch_id, GError **error)
{
  g_autoptr(sqlite3_stmt) a = bm_store_prepare (self, "DELETE FROM sync_batch_records WHERE batch_id = ?", error);
  g_autoptr(sqlite3_stmt) b = NULL;

  if (a == NULL)
    return FALSE;
  sqlite3_bind_text (a, 1, batch_id, -1, SQLITE_STATIC);
  if (!step_done (self, a, error))
    return FALSE;
  if ((b = bm_store_prepare (self, "DELETE FROM sync_batches WHERE batch_id = ?", error)) == NULL)
    return FALSE;
  sqlite3_bind_text (b, 1, batch_id, -1, SQLITE_STATIC);
  return step_done (self, b, error);
}

/* Only for a batch the server refused as a whole (413): nothing of it was
 * applied, so its records simply go into new, smaller batches. */
gboolean
bm_store_sync_drop_batch (BmStore *self, const char *batch_id, GError **error)
{
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if (!delete_batch (self, batch_id, error))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  return bm_store_transaction_commit (self, error);
}

/* A batch the server refused as a whole although it holds one record (413
 * for a single record): that record can never go in any batch as it is.
 * It is set aside as rejected at its current version, with the reason for
 * the problems list, and waits for the clerk's change (like any rejected
 * record); the rest of the queue goes on without it. */
gboolean
bm_store_sync_set_aside (BmStore *self, const char *batch_id, const char *code, const char *detail,
                         GError **error)
{
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(JsonObject) audit = json_object_new ();
  int changed;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  st = bm_store_prepare (self,
      "INSERT INTO sync_records (candidate_uuid, status, error_code, error_detail, held_version, updated_at)"
      " SELECT candidate_uuid, 'rejected', ?2, ?3, version, ?4 FROM sync_batch_records WHERE batch_id = ?1"
      " ON CONFLICT (candidate_uuid) DO UPDATE SET status = 'rejected', error_code = ?2, error_detail = ?3,"
      " held_version = MAX (held_version, excluded.held_version), updated_at = ?4", error);
  if (st == NULL)
    goto fail;
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, now, -1, SQLITE_STATIC);
  if (!step_done (self, st, error))
    goto fail;
  changed = sqlite3_changes (bm_store_get_sqlite (self));
  json_object_set_string_member (audit, "batch_id", batch_id);
  json_object_set_string_member (audit, "code", code);
  json_object_set_int_member (audit, "set_aside", changed);
  if (!delete_batch (self, batch_id, error)
      || !bm_store_audit_append (self, BM_ACTOR_PROVINCE, NULL, "sync_set_aside", audit, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

static gboolean
upsert_state (BmStore *self, const char *uuid, const char *status, const char *code, const char *detail,
              gint64 held_version, gint64 base_rev, const char *server_change, GError **error)
{
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "INSERT INTO sync_records (candidate_uuid, status, error_code, error_detail, held_version, base_server_rev,"
      " server_change, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (candidate_uuid) DO UPDATE SET status = ?2, error_code = ?3, error_detail = ?4,"
      " held_version = MAX (held_version, ?5), base_server_rev = MAX (base_server_rev, ?6),"
      " server_change = COALESCE (?7, server_change), updated_at = ?8,"
      /* a correction the server accepted answers the county's return */
      " county_decision = CASE WHEN ?2 = 'accepted' AND county_decision = 'returned' AND ?6 > base_server_rev"
      "                        THEN NULL ELSE county_decision END", error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, detail, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, held_version);
  sqlite3_bind_int64 (st, 6, base_rev);
  sqlite3_bind_text (st, 7, server_change, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, now, -1, SQLITE_STATIC);
  return step_done (self, st, error);
}

/* An answer is applied only if it is exactly about the batch sent: one
 * result per record, in order, each naming that record's uuid and the
 * version sent. Anything else (a result for a record not in the batch, a
 * version never sent, one missing or one too many) refuses the whole
 * answer: applying it would mark records as on the server that never got
 * there. A batch already applied (gone from the outbox) passes. */
gboolean
bm_store_sync_check_answer (BmStore *self, const char *batch_id, GPtrArray *results, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT candidate_uuid, version FROM sync_batch_records WHERE batch_id = ? ORDER BY rowid", error);
  guint i = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      BmSyncResult *r = i < results->len ? results->pdata[i] : NULL;

      if (r == NULL || g_strcmp0 (r->uuid, (const char *) sqlite3_column_text (st, 0)) != 0
          || r->version != sqlite3_column_int64 (st, 1))
        break;
      i++;
    }
  if (rc == SQLITE_DONE && (i == results->len || i == 0))
    return TRUE;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("The provincial server's answer does not match the batch sent (result %u names another record or version, or the count differs); none of it was applied."),
               i + 1);
  return FALSE;
}

/* The per-record part of applying an answer, shared by network batches and
 * the receipts of export packages (bm-package-export.c), so that a record
 * the province accepted is marked the same way whichever way it went. The
 * caller holds the transaction; @counts is indexed by BmSyncResultStatus. */
gboolean
bm_store_sync_apply_result_rows (BmStore *self, GPtrArray *results, int counts[3], GError **error)
{
  for (guint i = 0; i < results->len; i++)
    {
      BmSyncResult *r = results->pdata[i];
      g_autoptr(sqlite3_stmt) q = bm_store_prepare (self, "SELECT version FROM candidates WHERE uuid = ?", error);
      gint64 version;
      gboolean ok;

      if (q == NULL)
        return FALSE;
      sqlite3_bind_text (q, 1, r->uuid, -1, SQLITE_STATIC);
      if (sqlite3_step (q) != SQLITE_ROW)
        continue;
      version = sqlite3_column_int64 (q, 0);
      counts[r->status]++;
      if (r->status == BM_SYNC_RESULT_ACCEPTED)
        {
          g_autoptr(sqlite3_stmt) u = bm_store_prepare (self,
              "UPDATE candidates SET synced_version = MAX (synced_version, ?) WHERE uuid = ?", error);
          if (u == NULL)
            return FALSE;
          g_autoptr(sqlite3_stmt) p = bm_store_prepare (self,
              "INSERT OR IGNORE INTO sync_photos (sha256) SELECT sha256 FROM photos WHERE candidate_uuid = ?", error);
          if (p == NULL)
            return FALSE;
          sqlite3_bind_text (p, 1, r->uuid, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (u, 1, r->version);
          sqlite3_bind_text (u, 2, r->uuid, -1, SQLITE_STATIC);
          /* Accepted means the server holds its photos: remember them here,
           * in the same transaction, rather than one write per upload. */
          ok = step_done (self, u, error) && step_done (self, p, error)
               && upsert_state (self, r->uuid, version <= r->version ? "accepted" : "pending", NULL, NULL,
                                r->version, r->server_rev, NULL, error);
        }
      else if (g_strcmp0 (r->code, "photo_missing") == 0)
        {
          /* Forget what we believed about this record's photos; the next
           * round uploads them and resends the record. */
          g_autoptr(sqlite3_stmt) d = bm_store_prepare (self,
              "DELETE FROM sync_photos WHERE sha256 IN (SELECT sha256 FROM photos WHERE candidate_uuid = ?)", error);
          if (d == NULL)
            return FALSE;
          sqlite3_bind_text (d, 1, r->uuid, -1, SQLITE_STATIC);
          ok = step_done (self, d, error)
               && upsert_state (self, r->uuid, "pending", r->code, NULL, 0, 0, NULL, error);
        }
      else
        {
          g_autofree char *server_version = g_strdup_printf ("%" G_GINT64_FORMAT, r->server_version);
          const char *what = r->other_number ? r->other_number
                             : r->status == BM_SYNC_RESULT_CONFLICT ? server_version : r->reason;
          ok = upsert_state (self, r->uuid, r->status == BM_SYNC_RESULT_REJECTED ? "rejected" : "conflict",
                             r->code, what, r->version, 0, NULL, error);
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
bm_store_sync_apply_results (BmStore *self, const char *batch_id, GPtrArray *results, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *now = bm_store_now_iso8601 ();
  int counts[3] = { 0 };

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  st = bm_store_prepare (self, "SELECT 1 FROM sync_batches WHERE batch_id = ?", error);
  if (st == NULL)
    goto fail;
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      /* Already applied (a repeated answer after a crash): nothing to do. */
      bm_store_transaction_rollback (self);
      return TRUE;
    }
  if (!bm_store_sync_check_answer (self, batch_id, results, error)
      || !bm_store_sync_apply_result_rows (self, results, counts, error))
    goto fail;
  json_object_set_string_member (detail, "batch_id", batch_id);
  json_object_set_int_member (detail, "accepted", counts[BM_SYNC_RESULT_ACCEPTED]);
  json_object_set_int_member (detail, "rejected", counts[BM_SYNC_RESULT_REJECTED]);
  json_object_set_int_member (detail, "conflict", counts[BM_SYNC_RESULT_CONFLICT]);
  if (!delete_batch (self, batch_id, error)
      || !bm_store_audit_append (self, BM_ACTOR_PROVINCE, NULL, "sync_batch", detail, error)
      || !bm_store_sync_set (self, "last_success", now, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

GBytes *
bm_store_sync_dup_photo (BmStore *self, const char *sha256, GError **error)
{
  /* photo_blobs: one blob per hash (migration 41); older rows hold theirs. */
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT coalesce ((SELECT data FROM photo_blobs WHERE sha256 = ?1),"
      " (SELECT jpeg FROM photos WHERE sha256 = ?1 AND length (jpeg) > 0 LIMIT 1))", error);

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW || sqlite3_column_type (st, 0) == SQLITE_NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("A photo of a record to send is missing from the database."));
      return NULL;
    }
  return g_bytes_new (sqlite3_column_blob (st, 0), sqlite3_column_bytes (st, 0));
}

gboolean
bm_store_sync_photo_on_server (BmStore *self, const char *sha256)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, "SELECT 1 FROM sync_photos WHERE sha256 = ?", NULL);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, sha256, -1, SQLITE_STATIC);
  return sqlite3_step (st) == SQLITE_ROW;
}

gboolean
bm_store_sync_mark_photo (BmStore *self, const char *sha256, gboolean on_server, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      on_server ? "INSERT OR IGNORE INTO sync_photos (sha256) VALUES (?)" : "DELETE FROM sync_photos WHERE sha256 = ?",
      error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, sha256, -1, SQLITE_STATIC);
  return step_done (self, st, error);
}

/* Many at once, in one transaction: one disk flush per chunk of uploads. */
gboolean
bm_store_sync_mark_photos (BmStore *self, const char * const *sha256s, GError **error)
{
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  for (guint i = 0; sha256s && sha256s[i]; i++)
    if (!bm_store_sync_mark_photo (self, sha256s[i], TRUE, error))
      {
        bm_store_transaction_rollback (self);
        return FALSE;
      }
  return bm_store_transaction_commit (self, error);
}

/* A top-up answer lists all slices of the workstation, old and new. Held
 * ones (same 科类 and serials) are skipped; every other one must pass the
 * same rule as at set-up (bm_store_check_slices) and carry the point's own
 * 市县码, or the whole answer is refused and nothing is stored: numbering
 * of that 科类 then stops when its good slices run out, it never guesses. */
gboolean
bm_store_sync_add_slices (BmStore *self, GPtrArray *slices, GError **error)
{
  g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (self, error);
  g_autoptr(GArray) ranges = bm_serial_spans_new ();
  g_autoptr(GArray) held = bm_serial_spans_new ();
  g_autoptr(GArray) fresh = bm_serial_spans_new ();

  if (profile == NULL || !bm_store_load_spans (self, "number_ranges", ranges, error)
      || !bm_store_load_spans (self, "number_slices", held, error))
    return FALSE;
  for (guint i = 0; i < slices->len; i++)
    {
      BmSyncSlice *s = slices->pdata[i];
      BmSerialSpan span = { 0 };
      gboolean known = FALSE;

      if (!bm_sync_slice_serials (s, profile->county_code, &span.first, &span.last, error))
        return FALSE;
      for (guint j = 0; j < held->len && !known; j++)
        {
          BmSerialSpan *h = &g_array_index (held, BmSerialSpan, j);
          known = g_str_equal (h->category, s->category) && h->first == span.first && h->last == span.last;
        }
      for (guint j = 0; j < fresh->len && !known; j++)
        {
          BmSerialSpan *h = &g_array_index (fresh, BmSerialSpan, j);
          known = g_str_equal (h->category, s->category) && h->first == span.first && h->last == span.last;
        }
      if (known)
        continue;
      span.category = g_strdup (s->category);
      g_array_append_val (fresh, span);
    }
  if (!bm_store_check_slices (ranges, held, fresh, error))
    return FALSE;
  if (fresh->len == 0)
    return TRUE;
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  for (guint i = 0; i < fresh->len; i++)
    {
      BmSerialSpan *s = &g_array_index (fresh, BmSerialSpan, i);
      g_autoptr(sqlite3_stmt) ins = bm_store_prepare (self,
          "INSERT INTO number_slices (category, first_serial, last_serial, next_serial) VALUES (?, ?, ?, ?)", error);

      if (ins == NULL)
        goto fail;
      sqlite3_bind_text (ins, 1, s->category, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ins, 2, s->first);
      sqlite3_bind_int64 (ins, 3, s->last);
      sqlite3_bind_int64 (ins, 4, s->first);
      if (!step_done (self, ins, error))
        goto fail;
    }
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

/* The local ledger (docs/sync-protocol.md §5.1): per 科类, the records the
 * server accepted and that have not changed since, as count and SHA-256
 * over "uuid:version\n" sorted by uuid, like the server's. Records with
 * unsent changes are left out; they are in the queue anyway. */
static GPtrArray *
local_ledger (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_ledger_free);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT category, uuid, synced_version FROM candidates WHERE synced_version > 0 AND version = synced_version"
      " ORDER BY category, uuid", error);
  g_autoptr(GChecksum) sum = NULL;
  BmSyncLedger *cur = NULL;
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *cat = (const char *) sqlite3_column_text (st, 0);
      g_autofree char *line = g_strdup_printf ("%s:%" G_GINT64_FORMAT "\n", (const char *) sqlite3_column_text (st, 1),
                                               (gint64) sqlite3_column_int64 (st, 2));

      if (cur == NULL || !g_str_equal (cur->category, cat))
        {
          if (cur != NULL)
            cur->digest = g_strdup (g_checksum_get_string (sum));
          g_clear_pointer (&sum, g_checksum_free);
          sum = g_checksum_new (G_CHECKSUM_SHA256);
          cur = g_new0 (BmSyncLedger, 1);
          cur->category = g_strdup (cat);
          g_ptr_array_add (out, cur);
        }
      g_checksum_update (sum, (const guchar *) line, strlen (line));
      cur->count++;
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  if (cur != NULL)
    cur->digest = g_strdup (g_checksum_get_string (sum));
  return g_steal_pointer (&out);
}

static BmSyncLedger *
ledger_find (GPtrArray *ledgers, const char *category)
{
  for (guint i = 0; ledgers && i < ledgers->len; i++)
    if (g_str_equal (((BmSyncLedger *) ledgers->pdata[i])->category, category))
      return ledgers->pdata[i];
  return NULL;
}

/* The 科类 whose count or digest differ between the server's ledger and
 * the local one: those the client asks the server to list. */
GStrv
bm_store_sync_ledger_mismatch (BmStore *self, GPtrArray *server, GError **error)
{
  g_autoptr(GPtrArray) local = local_ledger (self, error);
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();

  if (local == NULL)
    return NULL;
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *these = pass == 0 ? local : server, *those = pass == 0 ? server : local;

      for (guint i = 0; i < these->len; i++)
        {
          BmSyncLedger *a = these->pdata[i], *b = ledger_find (those, a->category);

          if (b == NULL ? pass == 0 || a->count > 0
                        : pass == 0 && (a->count != b->count || g_strcmp0 (a->digest, b->digest) != 0))
            g_strv_builder_add (out, a->category);
        }
    }
  return g_strv_builder_end (out);
}

/* Compares the local ledger with the server's lists of the mismatched 科类
 * (@lists, each with its versions): a record the server accepted but no
 * longer holds, or holds at an older version, is queued again (its
 * synced_version cleared), in one transaction with an audit entry. The
 * outcome is kept for `sync status` under "reconcile". */
gboolean
bm_store_sync_reconcile (BmStore *self, GPtrArray *server, GPtrArray *lists, guint *requeued, GError **error)
{
  g_autoptr(GPtrArray) local = local_ledger (self, error);
  g_autoptr(JsonObject) report = json_object_new ();
  g_autoptr(JsonArray) categories = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autofree char *text = NULL;
  gint64 local_n = 0, server_n = 0, server_only = 0;
  guint n = 0;

  *requeued = 0;
  if (local == NULL)
    return FALSE;
  for (guint i = 0; i < local->len; i++)
    local_n += ((BmSyncLedger *) local->pdata[i])->count;
  for (guint i = 0; i < server->len; i++)
    server_n += ((BmSyncLedger *) server->pdata[i])->count;
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  for (guint i = 0; i < lists->len; i++)
    {
      BmSyncLedger *list = lists->pdata[i];
      g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
          "SELECT uuid, synced_version FROM candidates WHERE category = ? AND synced_version > 0"
          " AND version = synced_version", error);
      g_autoptr(GPtrArray) lost = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key;

      if (st == NULL)
        goto fail;
      json_array_add_string_element (categories, list->category);
      sqlite3_bind_text (st, 1, list->category, -1, SQLITE_STATIC);
      while (sqlite3_step (st) == SQLITE_ROW)
        {
          const char *uuid = (const char *) sqlite3_column_text (st, 0);
          gint64 *held = list->versions ? g_hash_table_lookup (list->versions, uuid) : NULL;

          if (held == NULL || *held < sqlite3_column_int64 (st, 1))
            g_ptr_array_add (lost, g_strdup (uuid));
        }
      for (guint j = 0; j < lost->len; j++)
        {
          g_autoptr(sqlite3_stmt) u = bm_store_prepare (self,
              "UPDATE candidates SET synced_version = 0 WHERE uuid = ?", error);
          g_autoptr(sqlite3_stmt) s = bm_store_prepare (self,
              "UPDATE sync_records SET status = 'pending', error_code = NULL, error_detail = NULL"
              " WHERE candidate_uuid = ?", error);

          if (u == NULL || s == NULL)
            goto fail;
          sqlite3_bind_text (u, 1, lost->pdata[j], -1, SQLITE_STATIC);
          sqlite3_bind_text (s, 1, lost->pdata[j], -1, SQLITE_STATIC);
          if (!step_done (self, u, error) || !step_done (self, s, error))
            goto fail;
          n++;
        }
      /* Records the server lists that this workstation does not have at
       * all: reported, never touched. */
      if (list->versions != NULL)
        {
          g_hash_table_iter_init (&iter, list->versions);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            {
              g_autoptr(sqlite3_stmt) q = bm_store_prepare (self, "SELECT 1 FROM candidates WHERE uuid = ?", error);
              if (q == NULL)
                goto fail;
              sqlite3_bind_text (q, 1, key, -1, SQLITE_STATIC);
              if (sqlite3_step (q) != SQLITE_ROW)
                server_only++;
            }
        }
    }
  json_object_set_string_member (report, "at", now);
  json_object_set_int_member (report, "local", local_n);
  json_object_set_int_member (report, "server", server_n);
  json_object_set_int_member (report, "requeued", n);
  json_object_set_int_member (report, "server_only", server_only);
  json_object_set_array_member (report, "categories", json_array_ref (categories));
  json_node_set_object (node, report);
  text = json_to_string (node, FALSE);
  if (!bm_store_sync_set (self, "reconcile", text, error))
    goto fail;
  if ((n > 0 || server_only > 0) && !bm_store_audit_append (self, BM_ACTOR_PROVINCE, NULL, "sync_reconcile", report, error))
    goto fail;
  if (!bm_store_transaction_commit (self, error))
    return FALSE;
  *requeued = n;
  return TRUE;

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}
