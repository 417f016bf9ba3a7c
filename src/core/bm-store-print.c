/* bm-store-print.c: print log, print selection and photos for printing.
 *
 * print_log_records (migration 20) lists the records of each print log row,
 * so "not yet printed" and "is this a reprint" are indexed lookups instead of
 * scans of a JSON column. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store-lifecycle.h"
#include "bm-store-print.h"
#include "bm-operator.h"
#include "bm-store-operators.h"
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
bm_store_dup_photo_jpeg (BmStore     *self,
                         const char  *candidate_uuid,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = bm_store_prepare (self, "SELECT CASE WHEN length (p.jpeg) > 0 THEN p.jpeg"
                                 " ELSE (SELECT data FROM photo_blobs b WHERE b.sha256 = p.sha256) END"
                                 " FROM photos p WHERE candidate_uuid = ?1 AND kind = 'processed'"
                                 " ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, candidate_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    bm_store_set_sqlite_error (self, rc, error);
  return NULL;
}

static char *
numbers_to_json (GPtrArray *numbers)
{
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < numbers->len; i++)
    json_array_add_string_element (records, numbers->pdata[i]);
  json_node_set_array (node, records);
  return json_to_string (node, FALSE);
}

/* Inside a transaction: the row and its records. */
static gint64
insert_log_row (BmStore       *self,
                const char    *document,
                GPtrArray     *numbers,
                int            job_id,
                const char    *printer,
                const char    *operator_name,
                const char    *outcome,
                const char    *reason,
                const char    *detail,
                const char    *intent,
                BmRecordState  printed_state,
                const char    *owner,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) insert_record = NULL;
  g_autofree char *records_text = numbers_to_json (numbers);
  g_autofree char *now = bm_store_now_iso8601 ();
  gint64 log_id;
  int rc;

  insert = bm_store_prepare (self, "INSERT INTO print_log (document, records, job_id, printer, operator, at, outcome, reason, detail,"
                                   " intent, printed_state, owner)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (insert == NULL)
    return 0;
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
  sqlite3_bind_text (insert, 10, intent, -1, SQLITE_STATIC);
  if (printed_state < BM_N_RECORD_STATES)
    sqlite3_bind_text (insert, 11, bm_record_state_to_string (printed_state), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 12, owner, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (insert)) != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return 0;
    }
  log_id = sqlite3_last_insert_rowid (bm_store_get_sqlite (self));

  insert_record = bm_store_prepare (self, "INSERT OR IGNORE INTO print_log_records (log_id, number) VALUES (?1, ?2)", error);
  if (insert_record == NULL)
    return 0;
  for (guint i = 0; i < numbers->len; i++)
    {
      sqlite3_reset (insert_record);
      sqlite3_bind_int64 (insert_record, 1, log_id);
      sqlite3_bind_text (insert_record, 2, numbers->pdata[i], -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (insert_record)) != SQLITE_DONE)
        {
          bm_store_set_sqlite_error (self, rc, error);
          return 0;
        }
    }
  return log_id;
}

/* Inside a transaction: what a final outcome means for the records — the
 * reprint audit, the state move of a completed print, and, for a job
 * settled at start, one audit entry per record so that every sheet that
 * reached paper is in the audit log too. */
static gboolean
apply_outcome (BmStore       *self,
               gint64         log_id,
               const char    *document,
               GPtrArray     *numbers,
               int            job_id,
               const char    *operator_name,
               const char    *outcome,
               const char    *reason,
               BmRecordState  printed_state,
               gboolean       settled_at_start,
               GError       **error)
{
  gboolean completed = g_strcmp0 (outcome, "completed") == 0;

  if (reason == NULL && !settled_at_start && (!completed || printed_state >= BM_N_RECORD_STATES))
    return TRUE;
  for (guint i = 0; i < numbers->len; i++)
    {
      g_autoptr(BmCandidate) candidate = NULL;
      BmRecordState state;
      BmRecordEvent event;

      candidate = bm_store_find_by_number (self, numbers->pdata[i], error);
      if (candidate == NULL)
        return FALSE;
      /* Audited per record, so each record's history shows its reprints. */
      if (reason != NULL || settled_at_start)
        {
          g_autoptr(JsonObject) audit = json_object_new ();

          json_object_set_string_member (audit, "number", numbers->pdata[i]);
          json_object_set_string_member (audit, "document", document);
          if (reason != NULL)
            json_object_set_string_member (audit, "reason", reason);
          json_object_set_string_member (audit, "outcome", outcome);
          json_object_set_int_member (audit, "print_log_id", log_id);
          if (settled_at_start && job_id > 0)
            json_object_set_int_member (audit, "job_id", job_id);
          if (!bm_store_audit_append (self, operator_name, bm_candidate_get (candidate, "uuid"),
                                      settled_at_start ? "print_settled" : "reprint", audit, error))
            return FALSE;
        }
      if (!completed || printed_state >= BM_N_RECORD_STATES)
        continue;
      /* A reprint, a card printed before the photo, or a 校对表 printed
       * before its online fields leaves the state as it is: the log row is
       * the record of the paper. */
      event = printed_state == BM_RECORD_STATE_CARD_PRINTED ? BM_RECORD_EVENT_CARD_PRINTED
                                                            : BM_RECORD_EVENT_PROOF_PRINTED;
      if (!bm_record_lifecycle_next (candidate, event, operator_name, &state, NULL)
          || state == bm_candidate_get_state (candidate))
        continue;
      if (!bm_store_record_event (self, numbers->pdata[i], event, operator_name, error))
        return FALSE;
    }
  /* the print log changed: announced once the transaction commits */
  bm_store_note_change (self, "print", NULL);
  return TRUE;
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
  gint64 log_id;

  if (!bm_store_transaction_begin (self, error))
    return 0;
  log_id = insert_log_row (self, document, numbers, job_id, printer, operator_name, outcome, reason, detail,
                           NULL, BM_N_RECORD_STATES, NULL, error);
  if (log_id == 0
      || !apply_outcome (self, log_id, document, numbers, job_id, operator_name, outcome, reason, printed_state, FALSE, error)
      || !bm_store_transaction_commit (self, error))
    {
      bm_store_transaction_rollback (self);
      return 0;
    }
  return log_id;
}

gint64
bm_store_print_intent_begin (BmStore       *self,
                             const char    *document,
                             GPtrArray     *numbers,
                             const char    *printer,
                             const char    *operator_name,
                             const char    *reason,
                             BmRecordState  printed_state,
                             const char    *intent,
                             const char    *owner,
                             GError       **error)
{
  gint64 log_id;

  g_return_val_if_fail (intent != NULL, 0);
  /* Refused before anything reaches paper, not when the job is settled. */
  if (!bm_store_check_operator (self, operator_name, error))
    return 0;
  if (!bm_store_transaction_begin (self, error))
    return 0;
  log_id = insert_log_row (self, document, numbers, 0, printer, operator_name, "submitting", reason, NULL,
                           intent, printed_state, owner, error);
  if (log_id == 0 || !bm_store_transaction_commit (self, error))
    {
      bm_store_transaction_rollback (self);
      return 0;
    }
  return log_id;
}

gboolean
bm_store_print_intent_set_job (BmStore     *self,
                               gint64       log_id,
                               int          job_id,
                               const char  *printer,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = bm_store_prepare (self, "UPDATE print_log SET job_id = ?2, printer = coalesce (?3, printer)"
                                 " WHERE id = ?1 AND outcome = 'submitting'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log_id);
  sqlite3_bind_int (stmt, 2, job_id);
  sqlite3_bind_text (stmt, 3, printer, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

gboolean
bm_store_print_intent_settle (BmStore     *self,
                              gint64       log_id,
                              int          job_id,
                              const char  *printer,
                              const char  *outcome,
                              const char  *detail,
                              gboolean     at_start,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) row = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(sqlite3_stmt) records = NULL;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *document = NULL;
  g_autofree char *operator_name = NULL;
  g_autofree char *reason = NULL;
  BmRecordState printed_state = BM_N_RECORD_STATES;
  int rc;

  g_return_val_if_fail (g_strcmp0 (outcome, "submitting") != 0, FALSE);
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  row = bm_store_prepare (self, "SELECT document, operator, reason, printed_state, job_id FROM print_log"
                                " WHERE id = ?1 AND outcome = 'submitting'", error);
  if (row == NULL)
    goto fail;
  sqlite3_bind_int64 (row, 1, log_id);
  rc = sqlite3_step (row);
  if (rc == SQLITE_DONE)
    return bm_store_transaction_commit (self, error);   /* settled already */
  if (rc != SQLITE_ROW)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  document = g_strdup ((const char *) sqlite3_column_text (row, 0));
  operator_name = g_strdup ((const char *) sqlite3_column_text (row, 1));
  reason = g_strdup ((const char *) sqlite3_column_text (row, 2));
  if (sqlite3_column_type (row, 3) != SQLITE_NULL)
    bm_record_state_from_string ((const char *) sqlite3_column_text (row, 3), &printed_state);
  if (job_id <= 0)
    job_id = sqlite3_column_int (row, 4);

  records = bm_store_prepare (self, "SELECT number FROM print_log_records WHERE log_id = ?1 ORDER BY number", error);
  if (records == NULL)
    goto fail;
  sqlite3_bind_int64 (records, 1, log_id);
  while ((rc = sqlite3_step (records)) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup ((const char *) sqlite3_column_text (records, 0)));
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }

  update = bm_store_prepare (self, "UPDATE print_log SET outcome = ?2, detail = ?3, job_id = ?4,"
                                   " printer = coalesce (?5, printer) WHERE id = ?1", error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int64 (update, 1, log_id);
  sqlite3_bind_text (update, 2, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 3, detail, -1, SQLITE_STATIC);
  if (job_id > 0)
    sqlite3_bind_int (update, 4, job_id);
  sqlite3_bind_text (update, 5, printer, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (update)) != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  /* Settling at start is the program's own work; the operator who printed
   * stays in print_log. */
  if (!apply_outcome (self, log_id, document, numbers, job_id, at_start ? BM_ACTOR_SYSTEM : operator_name, outcome,
                      reason, printed_state, at_start, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

void
bm_print_intent_free (BmPrintIntent *intent)
{
  if (intent == NULL)
    return;
  g_free (intent->intent);
  g_free (intent->printer);
  g_free (intent->owner);
  g_free (intent->document);
  g_free (intent);
}

GPtrArray *
bm_store_print_intents_unsettled (BmStore  *self,
                                  GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) intents = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_print_intent_free);
  int rc;

  stmt = bm_store_prepare (self, "SELECT id, intent, job_id, printer, owner, document FROM print_log"
                                 " WHERE outcome = 'submitting' ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BmPrintIntent *intent = g_new0 (BmPrintIntent, 1);

      intent->log_id = sqlite3_column_int64 (stmt, 0);
      intent->intent = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      intent->job_id = sqlite3_column_int (stmt, 2);
      intent->printer = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      intent->owner = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      intent->document = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (intents, intent);
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&intents);
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
