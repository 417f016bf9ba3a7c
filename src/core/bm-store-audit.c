/* The audit log: every change, chained by SHA-256 so that an edited,
 * deleted or reordered row is detected. The newest row's id and hash are
 * also kept in meta, so cutting rows off the end is detected too. Someone
 * who rewrites the whole chain and meta together is not detected; the
 * server's copy of synced audit rows is the answer to that. */

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

static char *
row_hash (gint64 id, const char *at_wall, gint64 at_mono, const char *operator_name,
          const char *entity_uuid, const char *action, const char *detail, const char *prev_hash)
{
  g_autoptr(GString) buffer = g_string_new (NULL);

  g_string_append_printf (buffer, "%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";", id, at_mono);
  append_field (buffer, at_wall);
  append_field (buffer, operator_name);
  append_field (buffer, entity_uuid);
  append_field (buffer, action);
  append_field (buffer, detail);
  append_field (buffer, prev_hash);
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

  hash = row_hash (id, at_wall, at_mono, operator_name, entity_uuid, action, detail_text, prev_hash);

  insert = bm_store_statement (self, "INSERT INTO audit_log (id, at_wall, at_mono, operator, entity_uuid, action, detail, prev_hash, hash) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
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

gboolean
bm_store_audit_verify (BmStore *self, gint64 *n_rows, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *prev_hash = g_strdup (GENESIS_HASH);
  g_autofree char *head = NULL;
  g_autofree char *expected_head = NULL;
  gint64 expected_id = 1;
  int rc;

  stmt = bm_store_prepare (self, "SELECT id, at_wall, at_mono, operator, entity_uuid, action, detail, prev_hash, hash "
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
                       stored_prev);
      if (g_strcmp0 (hash, stored_hash) != 0)
        return tampered (error, id, _("its content was changed"));
      g_free (prev_hash);
      prev_hash = g_steal_pointer (&hash);
      expected_id++;
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);

  head = bm_store_get_meta (self, "audit_head");
  if (expected_id > 1)
    expected_head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expected_id - 1, prev_hash);
  if (g_strcmp0 (head, expected_head) != 0)
    return tampered (error, expected_id, _("entries were removed from the end"));

  if (n_rows != NULL)
    *n_rows = expected_id - 1;
  return TRUE;
}
