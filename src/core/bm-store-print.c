/* bm-store-print.c: print log, print selection and photos for printing.
 *
 * print_log_records (migration 20) lists the records of each print log row,
 * so "not yet printed" and "is this a reprint" are indexed lookups instead of
 * scans of a JSON column. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store-print.h"
#include "bm-store-private.h"

GPtrArray *
bm_store_print_select (BmStore       *self,
                       const char    *document,
                       BmPrintSelect  select,
                       const char    *first,
                       const char    *last,
                       gboolean       migrant_only,
                       GError       **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT number FROM candidates WHERE voided = 0 AND number IS NOT NULL");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (select == BM_PRINT_SELECT_RANGE)
    g_string_append (sql, " AND number BETWEEN ?1 AND ?2");
  if (select == BM_PRINT_SELECT_UNPRINTED)
    g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM print_log_records r JOIN print_log l ON l.id = r.log_id"
                          " WHERE r.number = candidates.number AND l.document = ?3 AND l.outcome = 'completed')");
  if (migrant_only)
    g_string_append (sql, " AND migrant_child = 1");
  g_string_append (sql, " ORDER BY number");

  stmt = bm_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (select == BM_PRINT_SELECT_RANGE)
    {
      sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, last, -1, SQLITE_STATIC);
    }
  if (select == BM_PRINT_SELECT_UNPRINTED)
    sqlite3_bind_text (stmt, 3, document, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  for (guint i = 0; i < numbers->len; i++)
    {
      BmCandidate *candidate = bm_store_find_by_number (self, numbers->pdata[i], error);

      if (candidate == NULL)
        return NULL;
      g_ptr_array_add (result, candidate);
    }
  return g_steal_pointer (&result);
}

gboolean
bm_store_print_was_completed (BmStore     *self,
                              const char  *document,
                              const char  *number,
                              gboolean    *completed,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = bm_store_prepare (self, "SELECT 1 FROM print_log_records r JOIN print_log l ON l.id = r.log_id"
                                 " WHERE r.number = ?1 AND l.document = ?2 AND l.outcome = 'completed' LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, document, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  *completed = rc == SQLITE_ROW;
  return TRUE;
}

GBytes *
bm_store_get_photo_jpeg (BmStore     *self,
                         const char  *candidate_uuid,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = bm_store_prepare (self, "SELECT jpeg FROM photos WHERE candidate_uuid = ?1 AND kind = 'processed'"
                                 " ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, candidate_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    bm_store_set_sqlite_error (self, rc, error);
  return NULL;
}

gint64
bm_store_print_log_add (BmStore       *self,
                        const char    *document,
                        GPtrArray     *numbers,
                        int            job_id,
                        const char    *printer,
                        const char    *operator_name,
                        const char    *outcome,
                        const char    *reason,
                        const char    *detail,
                        BmRecordState  printed_state,
                        GError       **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) insert_record = NULL;
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *records_text = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  gint64 log_id;
  int rc;

  for (guint i = 0; i < numbers->len; i++)
    json_array_add_string_element (records, numbers->pdata[i]);
  json_node_set_array (node, records);
  records_text = json_to_string (node, FALSE);

  if (!bm_store_transaction_begin (self, error))
    return 0;

  insert = bm_store_prepare (self, "INSERT INTO print_log (document, records, job_id, printer, operator, at, outcome, reason, detail)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_text (insert, 1, document, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, records_text, -1, SQLITE_STATIC);
  if (job_id > 0)
    sqlite3_bind_int (insert, 3, job_id);
  sqlite3_bind_text (insert, 4, printer, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, operator_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 9, detail, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (insert)) != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  log_id = sqlite3_last_insert_rowid (bm_store_get_sqlite (self));

  insert_record = bm_store_prepare (self, "INSERT OR IGNORE INTO print_log_records (log_id, number) VALUES (?1, ?2)", error);
  if (insert_record == NULL)
    goto fail;
  for (guint i = 0; i < numbers->len; i++)
    {
      sqlite3_reset (insert_record);
      sqlite3_bind_int64 (insert_record, 1, log_id);
      sqlite3_bind_text (insert_record, 2, numbers->pdata[i], -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (insert_record)) != SQLITE_DONE)
        {
          bm_store_set_sqlite_error (self, rc, error);
          goto fail;
        }
    }

  for (guint i = 0; i < numbers->len; i++)
    {
      g_autoptr(BmCandidate) candidate = NULL;
      BmRecordState state;

      if (reason == NULL && (g_strcmp0 (outcome, "completed") != 0 || printed_state >= BM_N_RECORD_STATES))
        break;
      candidate = bm_store_find_by_number (self, numbers->pdata[i], error);
      if (candidate == NULL)
        goto fail;
      /* Audited per record, so each record's history shows its reprints. */
      if (reason != NULL)
        {
          g_autoptr(JsonObject) audit = json_object_new ();

          json_object_set_string_member (audit, "number", numbers->pdata[i]);
          json_object_set_string_member (audit, "document", document);
          json_object_set_string_member (audit, "reason", reason);
          json_object_set_string_member (audit, "outcome", outcome);
          json_object_set_int_member (audit, "print_log_id", log_id);
          if (!bm_store_audit_append (self, operator_name, bm_candidate_get (candidate, "uuid"), "reprint", audit, error))
            goto fail;
        }
      if (g_strcmp0 (outcome, "completed") != 0 || printed_state >= BM_N_RECORD_STATES)
        continue;
      /* A reprint, or a card printed before the photo, leaves the state as
       * it is: the log row is the record of the paper. */
      state = bm_candidate_get_state (candidate);
      if (state == printed_state || !bm_record_state_can_move (state, printed_state))
        continue;
      if (!bm_store_set_state (self, numbers->pdata[i], printed_state, operator_name, error))
        goto fail;
    }

  if (!bm_store_transaction_commit (self, error))
    return 0;
  return log_id;

fail:
  bm_store_transaction_rollback (self);
  return 0;
}

JsonArray *
bm_store_print_log_list (BmStore     *self,
                         const char  *number,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  int rc;

  if (number != NULL)
    stmt = bm_store_prepare (self, "SELECT l.id, document, records, job_id, printer, operator, at, outcome, reason, detail"
                                   " FROM print_log l JOIN print_log_records r ON r.log_id = l.id"
                                   " WHERE r.number = ?1 ORDER BY l.id DESC LIMIT ?2", error);
  else
    stmt = bm_store_prepare (self, "SELECT id, document, records, job_id, printer, operator, at, outcome, reason, detail"
                                   " FROM print_log ORDER BY id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  if (number != NULL)
    sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) row = json_object_new ();
      g_autoptr(JsonNode) records = bm_json_input_parse ((const char *) sqlite3_column_text (stmt, 2), -1, BM_JSON_INPUT_STORED, NULL);
      static const char * const text_columns[] = { NULL, "document", NULL, NULL, "printer", "operator", "at", "outcome", "reason", "detail" };

      json_object_set_int_member (row, "id", sqlite3_column_int64 (stmt, 0));
      for (int c = 1; c < (int) G_N_ELEMENTS (text_columns); c++)
        {
          if (text_columns[c] == NULL)
            continue;
          if (sqlite3_column_type (stmt, c) == SQLITE_NULL)
            json_object_set_null_member (row, text_columns[c]);
          else
            json_object_set_string_member (row, text_columns[c], (const char *) sqlite3_column_text (stmt, c));
        }
      if (records != NULL && JSON_NODE_HOLDS_ARRAY (records))
        json_object_set_member (row, "records", g_steal_pointer (&records));
      else
        json_object_set_array_member (row, "records", json_array_new ());
      if (sqlite3_column_type (stmt, 3) == SQLITE_NULL)
        json_object_set_null_member (row, "job_id");
      else
        json_object_set_int_member (row, "job_id", sqlite3_column_int (stmt, 3));
      json_array_add_object_element (rows, g_steal_pointer (&row));
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}
