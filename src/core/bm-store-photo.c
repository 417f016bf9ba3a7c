/* Photos in the store: the processed 480×640 JPEG and the original as
 * taken or imported, each with its SHA-256 (photos are uploaded
 * content-addressed, and stored so too: one photo_blobs row per hash). A retake keeps the earlier rows, marked not current,
 * so the audit trail can still show what was replaced. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-store-photo.h"
#include "bm-store-private.h"

/* One blob per SHA-256 (migration 41): stored only when no photo had these
 * bytes before. Returns 1 when the bytes are in photo_blobs, 0 when the
 * given hash is not the bytes' (the row then keeps its bytes itself, as
 * before), -1 on error. */
static int
store_blob (BmStore *self, GBytes *data, const char *sha256, GError **error)
{
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  int rc;

  if (len == 0 || sha256 == NULL || g_ascii_strcasecmp (actual, sha256) != 0)
    return 0;
  stmt = bm_store_prepare (self, "INSERT OR IGNORE INTO photo_blobs (sha256, data) VALUES (?, ?)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 2, bytes, len, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return -1;
    }
  return 1;
}

/* The record a photo change is about; a voided record's photo stays as it
 * was (inside the caller's transaction). */
static BmCandidate *
find_photo_owner (BmStore *self, const char *number, GError **error)
{
  g_autoptr(BmCandidate) candidate = bm_store_find_by_number (self, number, error);

  if (candidate != NULL && bm_candidate_get_flag (candidate, "voided"))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("Record %s has been voided; its photo cannot be changed."), number);
      return NULL;
    }
  return g_steal_pointer (&candidate);
}

static gboolean
insert_photo (BmStore *self, const char *uuid, const char *kind, GBytes *data, const char *sha256,
              const char *mime, int width, int height, int quality, const char *checks,
              const char *reason, const char *source, const char *operator_name,
              const char *now, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self,
      "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, accepted_reason, created_at,"
      " mime, quality, checks, source, operator, current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
      error);
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  int shared;
  int rc;

  if (stmt == NULL)
    return FALSE;
  shared = store_blob (self, data, sha256, error);
  if (shared < 0)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  /* The bytes live in photo_blobs; the row keeps an empty blob. */
  if (shared > 0)
    sqlite3_bind_zeroblob (stmt, 3, 0);
  else
    sqlite3_bind_blob64 (stmt, 3, bytes, len, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, sha256, -1, SQLITE_TRANSIENT);
  if (width > 0)
    {
      sqlite3_bind_int (stmt, 5, width);
      sqlite3_bind_int (stmt, 6, height);
    }
  sqlite3_bind_text (stmt, 7, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, mime, -1, SQLITE_STATIC);
  if (quality > 0)
    sqlite3_bind_int (stmt, 10, quality);
  sqlite3_bind_text (stmt, 11, checks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, operator_name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static gboolean
run (BmStore *self, const char *sql, const char *a, const char *b, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, a, -1, SQLITE_TRANSIENT);
  if (b)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/**
 * bm_store_save_photo:
 * @number: the candidate's 报名顺序号
 * @source: "camera" or "import"
 *
 * Stores both pictures, marks earlier photos of the record as replaced,
 * moves a numbered record to photographed, bumps its version and audits,
 * all in one transaction. A photo that is not acceptable (hard failure, or
 * a soft failure without an override reason) is refused.
 */
gboolean
bm_store_save_photo (BmStore     *self,
                     const char  *number,
                     BmPhoto     *photo,
                     const char  *source,
                     const char  *operator_name,
                     GError     **error)
{
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(JsonNode) checks_node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonArray) failed = json_array_new ();
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autofree char *checks = NULL;
  GPtrArray *list;
  BmImage *image;
  const char *uuid, *reason;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);
  g_return_val_if_fail (BM_IS_PHOTO (photo), FALSE);

  if (!bm_photo_is_acceptable (photo))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   bm_photo_has_hard_failure (photo)
                   ? _("The photo does not meet the standard and cannot be stored.")
                   : _("The photo failed a check; give a reason to accept it anyway."));
      return FALSE;
    }
  list = bm_photo_get_checks (photo);
  json_node_take_array (checks_node, bm_photo_checks_to_json (list));
  checks = json_to_string (checks_node, FALSE);
  for (guint i = 0; i < list->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (list, i);
      if (!c->passed)
        json_array_add_string_element (failed, c->id);
    }
  reason = bm_photo_get_override_reason (photo);
  image = bm_photo_get_image (photo);

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  candidate = find_photo_owner (self, number, error);
  if (candidate == NULL)
    goto fail;
  uuid = bm_candidate_get (candidate, "uuid");
  if (!run (self, "UPDATE photos SET current = 0 WHERE candidate_uuid = ? AND current = 1", uuid, NULL, error)
      || !insert_photo (self, uuid, "original", bm_photo_get_original (photo), bm_photo_get_original_sha256 (photo),
                        bm_photo_get_original_mime (photo), 0, 0, 0, NULL, NULL, source, operator_name, now, error)
      || !insert_photo (self, uuid, "processed", bm_photo_get_jpeg (photo), bm_photo_get_sha256 (photo),
                        "image/jpeg", bm_image_get_width (image), bm_image_get_height (image),
                        bm_photo_get_quality (photo), checks, reason, source, operator_name, now, error)
      || !run (self, "UPDATE candidates SET version = version + 1, updated_at = ? WHERE uuid = ?", now, uuid, error)
      || !bm_store_apply_event_uuid (self, uuid, BM_RECORD_EVENT_PHOTO_SAVED, operator_name, detail, error))
    goto fail;

  json_object_set_string_member (detail, "number", number);
  json_object_set_string_member (detail, "source", source);
  json_object_set_string_member (detail, "sha256", bm_photo_get_sha256 (photo));
  json_object_set_string_member (detail, "original_sha256", bm_photo_get_original_sha256 (photo));
  json_object_set_int_member (detail, "bytes", (gint64) g_bytes_get_size (bm_photo_get_jpeg (photo)));
  json_object_set_int_member (detail, "quality", bm_photo_get_quality (photo));
  json_object_set_array_member (detail, "failed_checks", g_steal_pointer (&failed));
  if (reason)
    json_object_set_string_member (detail, "override_reason", reason);
  if (!bm_store_audit_append (self, operator_name, uuid, "photo", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

/**
 * bm_store_dup_photo:
 * @kind: "processed" or "original"
 * @sha256_out: (out) (optional): its stored hash
 *
 * Returns: (transfer full): the current photo of the record.
 */
GBytes *
bm_store_dup_photo (BmStore     *self,
                    const char  *number,
                    const char  *kind,
                    char       **sha256_out,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self,
      "SELECT CASE WHEN length (p.jpeg) > 0 THEN p.jpeg ELSE (SELECT data FROM photo_blobs b WHERE b.sha256 = p.sha256) END,"
      " p.sha256 FROM photos p JOIN candidates c ON c.uuid = p.candidate_uuid"
      " WHERE c.number = ? AND p.kind = ? AND p.current = 1 ORDER BY p.id DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("Record %s has no photo."), number);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED, _("Record %s has no photo."), number);
      return NULL;
    }
  if (sha256_out)
    *sha256_out = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
}

/**
 * bm_store_defer_photo:
 * @number: a numbered, live record without a photo
 * @reason: why the photo is taken later (no camera, the candidate cannot be
 *   photographed now); required
 *
 * Records that the record's photo comes later, with the reason, audited
 * ("photo_later"). The record stays as it is: it is listed by
 * bm_store_list_photo_missing() until a photo is stored.
 */
gboolean
bm_store_defer_photo (BmStore     *self,
                      const char  *number,
                      const char  *reason,
                      const char  *operator_name,
                      GError     **error)
{
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(sqlite3_stmt) has_photo = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));
  const char *uuid;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);

  if (*trimmed == '\0')
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Say why the photo is taken later."));
      return FALSE;
    }
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  candidate = find_photo_owner (self, number, error);
  if (candidate == NULL)
    goto fail;
  uuid = bm_candidate_get (candidate, "uuid");
  has_photo = bm_store_prepare (self, "SELECT 1 FROM photos WHERE candidate_uuid = ? AND kind = 'processed'"
                                      " AND current = 1", error);
  if (has_photo == NULL)
    goto fail;
  sqlite3_bind_text (has_photo, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (has_photo) == SQLITE_ROW)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION, _("Record %s already has its photo."), number);
      goto fail;
    }
  insert = bm_store_prepare (self, "INSERT OR REPLACE INTO photo_later (candidate_uuid, reason, operator, at)"
                                   " VALUES (?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_text (insert, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, operator_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, now, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (insert) != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, sqlite3_errcode (bm_store_get_sqlite (self)), error);
      goto fail;
    }
  json_object_set_string_member (detail, "number", number);
  json_object_set_string_member (detail, "reason", trimmed);
  if (!bm_store_audit_append (self, operator_name, uuid, "photo_later", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

/**
 * bm_store_list_photo_missing:
 *
 * Returns: (transfer full) (element-type utf8): the numbers of the live,
 *   numbered records without a current photo, in number order (with a
 *   "photo later" reason or not)
 */
GPtrArray *
bm_store_list_photo_missing (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self,
      "SELECT c.number FROM candidates c WHERE c.number IS NOT NULL AND c.voided = 0"
      " AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.candidate_uuid = c.uuid AND p.kind = 'processed'"
      "                 AND p.current = 1)"
      " ORDER BY c.number", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&numbers);
}

/**
 * bm_store_dup_photo_later_reason:
 *
 * Returns: (transfer full) (nullable): why the record's photo is taken
 *   later, or %NULL
 */
char *
bm_store_dup_photo_later_reason (BmStore *self, const char *number)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self,
      "SELECT l.reason FROM photo_later l JOIN candidates c ON c.uuid = l.candidate_uuid WHERE c.number = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}
