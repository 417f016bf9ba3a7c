/* The audit log: every change, chained by SHA-256 so that an edited,
 * deleted or reordered row is detected. The newest row's id and hash are
 * also kept in meta, so cutting rows off the end is detected too. Someone
 * who rewrites the whole chain and meta together is not detected; the
 * server's copy of synced audit rows is the answer to that.
 *
 * An entry about a candidate also holds the digest of the record row as it
 * is after the change (record_digest, migration 45), inside the entry's
 * hash. bm_store_audit_verify_full () compares every record with the digest
 * of its last entry, so a record edited behind the program's back (an SQL
 * UPDATE with the triggers dropped) is reported, by its 报名顺序号. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void
append_field (GString *buffer, const char *value)
{
  /* Length prefixes keep "a|b" + "c" apart from "a" + "b|c". */
  g_string_append_printf (buffer, "%zu:%s;", value ? strlen (value) : 0, value ? value : "");
}

/* The record columns the digest covers, in this order. Left out on
 * purpose: id, version, synced_version and updated_at, bookkeeping that
 * sync changes without an audit entry. The list is part of the digest's
 * format "1:": covering another column means a format "2:" beside it, so
 * the digests already written keep verifying. */
static const char * const digest_columns[] = {
  "uuid", "workstation_id", "number", "category", "card_type", "id_type", "id_number",
  "name", "name_en", "sex", "nation", "birth_date", "address", "appended_address", "authority",
  "valid_from", "valid_to", "pass_number", "issue_count", "nationality", "sam_id",
  "photo_wlt_sha256", "photo_wlt", "candidate_class", "exam_type", "political_status",
  "foreign_language", "graduation_type", "school", "class_name", "student_number", "phone",
  "exam_number", "state", "review_state", "initial_password", "comment", "source",
  "void_reason", "override_reason", "online_fields", "fee_paid", "eligibility_checked",
  "signature_confirmed", "voided", "migrant_child", "created_at",
  /* migration 43, the lifecycle (shipped together with format "1:") */
  "review_level", "reviewed_by", "card_handed_over_at", "online_pulled_at", "card_matched_at",
  "confirmation_method", "confirmed_by", "confirmed_at", "confirmation_phone", "confirmation_approved_by",
  NULL,
};

/* "1:" and the SHA-256 of the row in a canonical serialisation: each
 * column as its name, its SQLite type and its length-prefixed bytes, so
 * no two different rows serialise alike. *digest is NULL when no
 * candidate has @uuid (an entry about something else). */
static gboolean
record_digest (BmStore *self, const char *uuid, char **digest, GError **error)
{
  static char *sql;
  g_autoptr(BmCachedStmt) stmt = NULL;
  g_autoptr(GChecksum) sum = NULL;
  int rc;

  *digest = NULL;
  if (uuid == NULL)
    return TRUE;
  if (g_once_init_enter (&sql))
    {
      g_autofree char *columns = g_strjoinv (", ", (char **) digest_columns);
      g_once_init_leave (&sql, g_strdup_printf ("SELECT %s FROM candidates WHERE uuid = ?", columns));
    }
  stmt = bm_store_statement (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, rc, error);
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (int i = 0; digest_columns[i] != NULL; i++)
    {
      g_autofree char *head = NULL;
      int type = sqlite3_column_type (stmt, i);

      if (type == SQLITE_INTEGER)
        head = g_strdup_printf ("%s=i%" G_GINT64_FORMAT ";", digest_columns[i], (gint64) sqlite3_column_int64 (stmt, i));
      else if (type == SQLITE_FLOAT)
        head = g_strdup_printf ("%s=r%.17g;", digest_columns[i], sqlite3_column_double (stmt, i));
      else if (type == SQLITE_NULL)
        head = g_strdup_printf ("%s=n;", digest_columns[i]);
      else
        {
          const void *bytes = type == SQLITE_BLOB ? sqlite3_column_blob (stmt, i) : (const void *) sqlite3_column_text (stmt, i);
          int n = sqlite3_column_bytes (stmt, i);

          head = g_strdup_printf ("%s=%c%d:", digest_columns[i], type == SQLITE_BLOB ? 'b' : 't', n);
          g_checksum_update (sum, (const guchar *) head, -1);
          if (n > 0)
            g_checksum_update (sum, bytes, n);
          g_clear_pointer (&head, g_free);
          head = g_strdup (";");
        }
      g_checksum_update (sum, (const guchar *) head, -1);
    }
  *digest = g_strconcat ("1:", g_checksum_get_string (sum), NULL);
  return TRUE;
}

static char *
row_hash (gint64 id, const char *at_wall, gint64 at_mono, const char *operator_name,
          const char *entity_uuid, const char *action, const char *detail, const char *prev_hash,
          const char *digest)
{
  g_autoptr(GString) buffer = g_string_new (NULL);

  g_string_append_printf (buffer, "%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";", id, at_mono);
  append_field (buffer, at_wall);
  append_field (buffer, operator_name);
  append_field (buffer, entity_uuid);
  append_field (buffer, action);
  append_field (buffer, detail);
  append_field (buffer, prev_hash);
  /* Entries written before migration 45 have no digest and keep their hash. */
  if (digest != NULL)
    append_field (buffer, digest);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, buffer->str, buffer->len);
}

gboolean
bm_store_audit_append (BmStore *self, const char *operator_name, const char *entity_uuid,
                       const char *action, JsonObject *detail, GError **error)
{
  g_autoptr(BmCachedStmt) last = NULL;
  g_autoptr(BmCachedStmt) insert = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *detail_text = NULL;
  g_autofree char *at_wall = bm_store_now_iso8601 ();
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *head = NULL;
  g_autofree char *digest = NULL;
  gint64 at_mono = g_get_monotonic_time ();
  gint64 id = 1;
  int rc;

  /* No write without an operator (issue 12): an enabled account, or one of
   * the reserved actors for the server's changes and the program's own. */
  if (!bm_store_check_operator (self, operator_name, error))
    return FALSE;

  json_node_set_object (node, detail ? detail : json_object_new ());
  if (detail == NULL)
    json_object_unref (json_node_get_object (node));
  detail_text = json_to_string (node, FALSE);

  last = bm_store_statement (self, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", error);
  if (last == NULL)
    return FALSE;
  rc = sqlite3_step (last);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (last, 0) + 1;
      prev_hash = g_strdup ((const char *) sqlite3_column_text (last, 1));
    }
  else if (rc == SQLITE_DONE)
    prev_hash = g_strdup (GENESIS_HASH);
  else
    return bm_store_set_sqlite_error (self, rc, error);

  /* Callers append after writing the record, in the same transaction: the
   * digest is of the row as this change left it. */
  if (!record_digest (self, entity_uuid, &digest, error))
    return FALSE;
  hash = row_hash (id, at_wall, at_mono, operator_name, entity_uuid, action, detail_text, prev_hash, digest);

  insert = bm_store_statement (self, "INSERT INTO audit_log (id, at_wall, at_mono, operator, entity_uuid, action, detail, prev_hash, hash, record_digest) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, id);
  sqlite3_bind_text (insert, 2, at_wall, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, at_mono);
  sqlite3_bind_text (insert, 4, operator_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, entity_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, detail_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 9, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 10, digest, -1, SQLITE_STATIC);
  rc = sqlite3_step (insert);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);

  head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", id, hash);
  if (!bm_store_set_meta (self, "audit_head", head, error))
    return FALSE;
  bm_store_note_change (self, action, entity_uuid);
  return TRUE;
}

static gboolean
tampered (GError **error, gint64 id, const char *what)
{
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
               _("The audit log has been altered at entry %lld: %s."), (long long) id, what);
  return FALSE;
}

static gboolean
verify_chain (BmStore *self, gint64 *n_rows, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *prev_hash = g_strdup (GENESIS_HASH);
  g_autofree char *head = NULL;
  g_autofree char *expected_head = NULL;
  gint64 expected_id = 1;
  int rc;

  stmt = bm_store_prepare (self, "SELECT id, at_wall, at_mono, operator, entity_uuid, action, detail, prev_hash, hash, record_digest "
                                 "FROM audit_log ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *stored_prev = (const char *) sqlite3_column_text (stmt, 7);
      const char *stored_hash = (const char *) sqlite3_column_text (stmt, 8);
      g_autofree char *hash = NULL;

      if (id != expected_id)
        return tampered (error, expected_id, _("an entry is missing"));
      if (g_strcmp0 (stored_prev, prev_hash) != 0)
        return tampered (error, id, _("it does not follow the entry before it"));
      hash = row_hash (id, (const char *) sqlite3_column_text (stmt, 1), sqlite3_column_int64 (stmt, 2),
                       (const char *) sqlite3_column_text (stmt, 3), (const char *) sqlite3_column_text (stmt, 4),
                       (const char *) sqlite3_column_text (stmt, 5), (const char *) sqlite3_column_text (stmt, 6),
                       stored_prev, (const char *) sqlite3_column_text (stmt, 9));
      if (g_strcmp0 (hash, stored_hash) != 0)
        return tampered (error, id, _("its content was changed"));
      g_free (prev_hash);
      prev_hash = g_steal_pointer (&hash);
      expected_id++;
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);

  head = bm_store_dup_meta (self, "audit_head");
  if (expected_id > 1)
    expected_head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expected_id - 1, prev_hash);
  if (g_strcmp0 (head, expected_head) != 0)
    return tampered (error, expected_id, _("entries were removed from the end"));

  if (n_rows != NULL)
    *n_rows = expected_id - 1;
  return TRUE;
}

/* Every record against the digest in its last audit entry. A record whose
 * last entry has no digest (written before migration 45) is counted as
 * not covered; a record with no entry at all was not written by the
 * program and counts as altered. Voided records are checked too: they are
 * records of the point as much as live ones. */
static gboolean
verify_records (BmStore *self, BmAuditReport *report, GError **error)
{
  g_autoptr(sqlite3_stmt) records = NULL;
  int rc;

  records = bm_store_prepare (self, "SELECT uuid, number FROM candidates ORDER BY id", error);
  if (records == NULL)
    return FALSE;
  while ((rc = sqlite3_step (records)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (records, 0);
      const char *number = (const char *) sqlite3_column_text (records, 1);
      g_autoptr(BmCachedStmt) last = NULL;
      g_autofree char *stored = NULL;
      g_autofree char *now = NULL;
      gboolean has_entry;

      last = bm_store_statement (self, "SELECT record_digest FROM audit_log WHERE entity_uuid = ? ORDER BY id DESC LIMIT 1", error);
      if (last == NULL)
        return FALSE;
      sqlite3_bind_text (last, 1, uuid, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (last);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bm_store_set_sqlite_error (self, rc, error);
      has_entry = rc == SQLITE_ROW;
      stored = has_entry ? g_strdup ((const char *) sqlite3_column_text (last, 0)) : NULL;
      g_clear_pointer (&last, bm_cached_stmt_release);

      report->records++;
      if (has_entry && stored == NULL)
        {
          report->not_covered++;
          continue;
        }
      if (!record_digest (self, uuid, &now, error))
        return FALSE;
      if (!has_entry || g_strcmp0 (now, stored) != 0)
        /* The 报名顺序号 names it, never the ID number (it goes to logs
         * and screens); the record id when it has no number yet. */
        g_ptr_array_add (report->altered, g_strdup (number != NULL ? number : uuid));
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

void
bm_audit_report_clear (BmAuditReport *report)
{
  g_clear_pointer (&report->altered, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

gboolean
bm_store_audit_verify_full (BmStore *self, BmAuditReport *report, GError **error)
{
  memset (report, 0, sizeof *report);
  report->altered = g_ptr_array_new_with_free_func (g_free);
  return verify_chain (self, &report->entries, error) && verify_records (self, report, error);
}

gboolean
bm_store_audit_verify (BmStore *self, gint64 *n_rows, GError **error)
{
  g_auto(BmAuditReport) report = { 0 };

  if (!bm_store_audit_verify_full (self, &report, error))
    return FALSE;
  if (report.altered->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (report.altered, NULL);
      list = g_strjoinv (", ", (char **) report.altered->pdata);
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u record was changed outside the program (it differs from its last audit entry): %s.",
                                "%u records were changed outside the program (they differ from their last audit entries): %s.",
                                report.altered->len - 1),
                   report.altered->len - 1, list);
      return FALSE;
    }
  if (n_rows != NULL)
    *n_rows = report.entries;
  return TRUE;
}
