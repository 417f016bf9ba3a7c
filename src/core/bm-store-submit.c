/* The final submission on the store's side (docs/sync-protocol.md §11):
 * which records may go, the request stored before its first send, and the
 * province's answer applied in one transaction. `submitted` is set here
 * only, for the records the province accepted, audited as "province". */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-operator.h"
#include "bm-record-lifecycle.h"
#include "bm-record-complete.h"
#include "bm-store-deadline.h"
#include "bm-store-private.h"
#include "bm-store-submit.h"

void
bm_submit_result_free (BmSubmitResult *r)
{
  if (r == NULL)
    return;
  g_free (r->uuid);
  g_free (r->number);
  g_free (r->status);
  g_free (r->code);
  g_free (r->reason);
  g_strfreev (r->missing);
  g_free (r);
}

void
bm_submission_free (BmSubmission *s)
{
  if (s == NULL)
    return;
  g_free (s->submission_id);
  g_clear_pointer (&s->body, g_bytes_unref);
  g_free (s);
}

gboolean
bm_store_has_photo (BmStore *self, const char *uuid)
{
  g_autoptr(BmCachedStmt) st = bm_store_statement (self,
      "SELECT 1 FROM photos WHERE candidate_uuid = ? AND kind = 'processed' LIMIT 1", NULL);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  return sqlite3_step (st) == SQLITE_ROW;
}

/* The batch upload (§7) never carries `submitted`: that state is the
 * province's answer to §11, not something the point says about itself. */
void
bm_submit_scrub_batch_record (JsonObject *record)
{
  if (g_strcmp0 (json_object_get_string_member_with_default (record, "state", NULL), "submitted") == 0)
    json_object_set_string_member (record, "state", "signed");
}

static BmSubmitResult *
result_new (BmCandidate *c, const char *status, const char *code, char *reason, guint missing)
{
  BmSubmitResult *r = g_new0 (BmSubmitResult, 1);

  r->uuid = g_strdup (bm_candidate_get (c, "uuid"));
  r->number = g_strdup (bm_candidate_get (c, "number"));
  r->version = bm_candidate_get_version (c);
  r->status = g_strdup (status);
  r->code = g_strdup (code);
  r->reason = reason;
  r->missing = missing ? bm_complete_items_codes (missing) : NULL;
  return r;
}

/* Why the client keeps a record back (code and sentence), or NULL when it
 * may go. With force, only what can never be meant (already submitted) is
 * kept back: the rest goes so that the province's refusal can be seen. */
static BmSubmitResult *
check_local (BmStore *self, BmCandidate *c, gboolean force)
{
  const char *number = bm_candidate_get (c, "number");
  g_autoptr(GError) incomplete = NULL;
  guint missing = 0;

  if (bm_candidate_get_state (c) == BM_RECORD_STATE_SUBMITTED)
    return result_new (c, "refused", "already_submitted",
                       g_strdup_printf (_("Record %s has already been submitted."), number), 0);
  if (force)
    return NULL;
  if (bm_candidate_get_flag (c, "voided"))
    return result_new (c, "refused", "voided", g_strdup_printf (_("Record %s is voided."), number), 0);
  if (!bm_candidate_check_complete (c, bm_store_has_photo (self, bm_candidate_get (c, "uuid")), &missing, &incomplete))
    return result_new (c, "refused", "incomplete", g_strdup (incomplete->message), missing);
  if (bm_candidate_get_synced_version (c) <= 0 || bm_candidate_get_version (c) != bm_candidate_get_synced_version (c))
    return result_new (c, "refused", "not_uploaded",
                       g_strdup_printf (_("The provincial server has not accepted the latest changes of record %s yet; sync first."),
                                        number), 0);
  return NULL;
}

static gboolean
step_done (BmStore *self, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);

  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static gboolean
record_outcome (BmStore *self, const BmSubmitResult *r, const char *submission_id, GError **error)
{
  g_autoptr(BmCachedStmt) st = bm_store_statement (self,
      "INSERT OR REPLACE INTO submission_results (candidate_uuid, status, version, code, reason, missing,"
      " submission_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autofree char *missing = r->missing ? g_strjoinv (" ", r->missing) : NULL;
  g_autofree char *now = bm_store_now_iso8601 ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, r->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, r->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, r->version);
  sqlite3_bind_text (st, 4, r->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, r->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 6, missing, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 7, submission_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, now, -1, SQLITE_STATIC);
  return step_done (self, st, error);
}

/* 报名顺序号 of the records that may go now: live, signed, complete, and
 * accepted by the server at their current version. (element-type utf8) */
GPtrArray *
bm_store_submit_list_ready (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT uuid FROM candidates WHERE voided = 0 AND state = 'signed'"
      " AND synced_version > 0 AND version = synced_version ORDER BY id", error);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  for (guint i = 0; i < uuids->len && numbers->len < BM_SUBMIT_MAX_RECORDS; i++)
    {
      g_autoptr(BmCandidate) c = bm_store_find_by_uuid (self, uuids->pdata[i], error);
      g_autoptr(BmSubmitResult) kept = NULL;

      if (c == NULL)
        return NULL;
      if ((kept = check_local (self, c, FALSE)) == NULL)
        g_ptr_array_add (numbers, g_strdup (bm_candidate_get (c, "number")));
    }
  return g_steal_pointer (&numbers);
}

/* Builds the request for these records, stores it (id, body, records)
 * before anything is sent, and marks them pending. Records the client keeps
 * back go to @refused (BmSubmitResult), their outcome recorded. Returns
 * NULL with no error when nothing is left to send. An unknown 报名顺序号
 * fails the whole call before anything is written. */
BmSubmission *
bm_store_submit_prepare (BmStore *self, const char * const *numbers, gboolean force, GPtrArray *refused,
                         GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) going = g_ptr_array_new ();
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = NULL, *now = NULL;
  BmSubmission *out;
  char *text;

  g_return_val_if_fail (numbers != NULL, NULL);
  if (g_strv_length ((GStrv) numbers) > BM_SUBMIT_MAX_RECORDS)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("At most %d records go in one submission."),
                   BM_SUBMIT_MAX_RECORDS);
      return NULL;
    }
  if ((profile = bm_store_dup_point_profile (self, error)) == NULL)
    return NULL;
  for (guint i = 0; numbers[i] != NULL; i++)
    {
      BmCandidate *c = bm_store_find_by_number (self, numbers[i], error);
      if (c == NULL)
        {
          g_prefix_error (error, "%s: ", numbers[i]);
          return NULL;
        }
      g_ptr_array_add (records, c);
    }

  id = g_uuid_string_random ();
  now = bm_store_now_iso8601 ();
  if (!bm_store_transaction_begin (self, error))
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "submission_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "workstation_id");
  json_builder_add_string_value (b, profile->workstation_id);
  json_builder_set_member_name (b, "records");
  json_builder_begin_array (b);
  for (guint i = 0; i < records->len; i++)
    {
      BmCandidate *c = records->pdata[i];
      BmSubmitResult *kept = check_local (self, c, force);
      gboolean seen = FALSE;

      for (guint k = 0; k < going->len; k++)
        seen |= going->pdata[k] == c || g_strcmp0 (bm_candidate_get (going->pdata[k], "uuid"),
                                                   bm_candidate_get (c, "uuid")) == 0;
      if (seen)
        {
          bm_submit_result_free (kept);
          continue;
        }
      if (kept != NULL)
        {
          /* An already submitted record keeps its accepted outcome. */
          if (g_strcmp0 (kept->code, "already_submitted") != 0 && !record_outcome (self, kept, NULL, error))
            {
              bm_submit_result_free (kept);
              goto fail;
            }
          if (refused != NULL)
            g_ptr_array_add (refused, kept);
          else
            bm_submit_result_free (kept);
          continue;
        }
      g_ptr_array_add (going, c);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uuid");
      json_builder_add_string_value (b, bm_candidate_get (c, "uuid"));
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, bm_candidate_get_version (c));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (going->len == 0)
    {
      if (!bm_store_transaction_commit (self, error))
        return NULL;
      return NULL;
    }
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  out = g_new0 (BmSubmission, 1);
  out->submission_id = g_strdup (id);
  out->body = g_bytes_new_take (text, strlen (text));
  out->n_records = going->len;
  {
    g_autoptr(BmCachedStmt) st = bm_store_statement (self,
        "INSERT INTO submissions (submission_id, body, created_at) VALUES (?, ?, ?)", error);
    if (st == NULL)
      goto fail_out;
    sqlite3_bind_text (st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob (st, 2, text, strlen (text), SQLITE_STATIC);
    sqlite3_bind_text (st, 3, now, -1, SQLITE_STATIC);
    if (!step_done (self, st, error))
      goto fail_out;
  }
  for (guint i = 0; i < going->len; i++)
    {
      BmCandidate *c = going->pdata[i];
      g_autoptr(BmCachedStmt) st = bm_store_statement (self,
          "INSERT INTO submission_records (submission_id, position, candidate_uuid, version) VALUES (?, ?, ?, ?)", error);
      BmSubmitResult pending = { .uuid = (char *) bm_candidate_get (c, "uuid"), .version = bm_candidate_get_version (c),
                                 .status = (char *) "pending" };

      if (st == NULL)
        goto fail_out;
      sqlite3_bind_text (st, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 2, (int) i);
      sqlite3_bind_text (st, 3, bm_candidate_get (c, "uuid"), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 4, bm_candidate_get_version (c));
      if (!step_done (self, st, error) || !record_outcome (self, &pending, id, error))
        goto fail_out;
    }
  if (!bm_store_transaction_commit (self, error))
    {
      bm_submission_free (out);
      return NULL;
    }
  return out;

fail_out:
  bm_submission_free (out);
fail:
  bm_store_transaction_rollback (self);
  return NULL;
}

/* The submission that went out and has no applied answer yet (at most one:
 * the client resends it before it makes another). NULL without error when
 * there is none. */
BmSubmission *
bm_store_submit_stored (BmStore *self, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT s.submission_id, s.body, (SELECT COUNT(*) FROM submission_records r"
      " WHERE r.submission_id = s.submission_id) FROM submissions s ORDER BY s.rowid LIMIT 1", error);
  BmSubmission *out;
  int rc;

  if (st == NULL)
    return NULL;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  out = g_new0 (BmSubmission, 1);
  out->submission_id = g_strdup ((const char *) sqlite3_column_text (st, 0));
  out->body = g_bytes_new (sqlite3_column_blob (st, 1), sqlite3_column_bytes (st, 1));
  out->n_records = sqlite3_column_int (st, 2);
  return out;
}

/* The clerk's sentence for the province's refusal: built from the code,
 * never the server's English text. */
static char *
explain_refusal (BmStore *self, const char *code, const char *number, GStrv missing)
{
  if (g_strcmp0 (code, "incomplete") == 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; missing && missing[i]; i++)
        for (guint item = BM_COMPLETE_PHOTO; item <= BM_COMPLETE_SIGNATURE; item <<= 1)
          if (g_strcmp0 (bm_complete_item_code (item), missing[i]) == 0)
            {
              if (list->len > 0)
                g_string_append (list, _("; "));
              g_string_append (list, bm_complete_item_sentence (item));
            }
      if (list->len == 0)
        g_string_append (list, _("items the province did not name"));
      return g_strdup_printf (_("The province refused record %s: it is not complete (%s)."), number, list->str);
    }
  if (g_strcmp0 (code, "deadline_passed") == 0)
    {
      g_autoptr(GDateTime) closes = bm_store_dup_deadline (self, "submission_closes", NULL);
      g_autofree char *shown = closes ? bm_deadline_format_local (closes) : NULL;

      if (shown != NULL)
        return g_strdup_printf (_("The province refused record %s: submissions closed at %s (Beijing time)."),
                                number, shown);
      return g_strdup_printf (_("The province refused record %s: the city's submission deadline has passed."), number);
    }
  if (g_strcmp0 (code, "not_uploaded") == 0 || g_strcmp0 (code, "version_mismatch") == 0)
    return g_strdup_printf (_("The province does not hold this version of record %s; sync, then submit again."), number);
  if (g_strcmp0 (code, "voided") == 0)
    return g_strdup_printf (_("The province holds record %s as voided; it cannot be submitted."), number);
  return g_strdup_printf (_("The province refused record %s (%s); ask the county office."), number, code);
}

static GStrv
string_array (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  g_autoptr(GStrvBuilder) b = NULL;
  JsonArray *a;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  a = json_node_get_array (n);
  b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        g_strv_builder_add (b, json_node_get_string (e));
    }
  return g_strv_builder_end (b);
}

static gboolean
answer_invalid (GError **error, const char *submission_id, const char *what)
{
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("The provincial server's answer to submission %s is not valid (%s); it is sent again."),
               submission_id, what);
  return FALSE;
}

/* Parses the answer and checks it against the stored request: the
 * submission id echoed, one result per record, result i naming the uuid
 * and version of record i, status accepted or refused (with a code).
 * Otherwise BM_ERROR_INVALID and nothing is applied: the caller resends
 * the same bytes. */
static GPtrArray *
parse_answer (BmStore *self, const char *submission_id, const char *data, gsize len, GError **error)
{
  g_autoptr(JsonNode) root = bm_json_input_parse (data, len, BM_JSON_INPUT_SERVER, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_submit_result_free);
  g_autoptr(sqlite3_stmt) st = NULL;
  JsonObject *o;
  JsonArray *a;
  JsonNode *n;
  guint i = 0;
  int rc;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return answer_invalid (error, submission_id, "not a JSON object"), NULL;
  o = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "submission_id", NULL), submission_id) != 0)
    return answer_invalid (error, submission_id, "another submission_id"), NULL;
  n = json_object_get_member (o, "results");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return answer_invalid (error, submission_id, "no results"), NULL;
  a = json_node_get_array (n);
  st = bm_store_prepare (self, "SELECT r.candidate_uuid, r.version, c.number FROM submission_records r"
                               " LEFT JOIN candidates c ON c.uuid = r.candidate_uuid"
                               " WHERE r.submission_id = ? ORDER BY r.position", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, submission_id, -1, SQLITE_STATIC);
  for (; (rc = sqlite3_step (st)) == SQLITE_ROW; i++)
    {
      JsonNode *en = i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;
      JsonObject *e = en && JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
      const char *status = e ? json_object_get_string_member_with_default (e, "status", "") : "";
      const char *code = e ? json_object_get_string_member_with_default (e, "code", "") : "";
      BmSubmitResult *r;

      if (e == NULL
          || g_strcmp0 (json_object_get_string_member_with_default (e, "uuid", NULL),
                        (const char *) sqlite3_column_text (st, 0)) != 0
          || !json_object_has_member (e, "version")
          || json_object_get_int_member_with_default (e, "version", -1) != sqlite3_column_int64 (st, 1))
        return answer_invalid (error, submission_id, "a result names another record or version"), NULL;
      if (!g_str_equal (status, "accepted") && !(g_str_equal (status, "refused") && *code != '\0'))
        return answer_invalid (error, submission_id, "a result without a known status"), NULL;
      r = g_new0 (BmSubmitResult, 1);
      r->uuid = g_strdup ((const char *) sqlite3_column_text (st, 0));
      r->version = sqlite3_column_int64 (st, 1);
      r->number = g_strdup ((const char *) sqlite3_column_text (st, 2));
      r->status = g_strdup (status);
      r->by_server = TRUE;
      if (g_str_equal (status, "refused"))
        {
          r->code = g_strdup (code);
          r->missing = string_array (e, "missing");
          r->reason = explain_refusal (self, code, r->number ? r->number : "?", r->missing);
        }
      g_ptr_array_add (results, r);
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  if (i == 0 || i != json_array_get_length (a))
    return answer_invalid (error, submission_id, "the count of results differs"), NULL;
  return g_steal_pointer (&results);
}

static gboolean
apply_one (BmStore *self, const char *submission_id, BmSubmitResult *r, GError **error)
{
  g_autoptr(JsonObject) detail = json_object_new ();

  json_object_set_string_member (detail, "number", r->number);
  json_object_set_string_member (detail, "submission_id", submission_id);
  json_object_set_int_member (detail, "version", r->version);
  if (g_str_equal (r->status, "accepted"))
    {
      /* The province's event, through the lifecycle like a county
       * decision from the feed: no new local version, so nothing is
       * uploaded again because of it. A record changed (or voided) since
       * it was sent keeps its state: what the province accepted is no
       * longer what the point holds. */
      g_autoptr(BmCandidate) held = bm_store_find_by_uuid (self, r->uuid, NULL);

      if (held != NULL && !bm_candidate_get_flag (held, "voided") && bm_candidate_get_version (held) == r->version
          && bm_candidate_get_state (held) == BM_RECORD_STATE_SIGNED)
        {
          if (!bm_store_apply_event_uuid (self, r->uuid, BM_RECORD_EVENT_SUBMISSION_ACCEPTED, BM_ACTOR_PROVINCE,
                                          detail, error))
            return FALSE;
        }
      else
        {
          g_free (r->code);
          r->code = g_strdup ("changed_since");
          json_object_set_string_member (detail, "code", r->code);
        }
      return record_outcome (self, r, submission_id, error)
             && bm_store_audit_append (self, "province", r->uuid, "submitted", detail, error);
    }
  json_object_set_string_member (detail, "code", r->code);
  return record_outcome (self, r, submission_id, error)
         && bm_store_audit_append (self, "province", r->uuid, "submission_refused", detail, error);
}

/* Applies a valid answer in one transaction and forgets the stored
 * request; returns the results (BmSubmitResult). A second answer to the
 * same submission finds nothing stored and applies nothing. */
GPtrArray *
bm_store_submit_apply_answer (BmStore *self, const char *submission_id, const char *data, gsize len,
                              GError **error)
{
  g_autoptr(GPtrArray) results = NULL;

  if (!bm_store_transaction_begin (self, error))
    return NULL;
  if ((results = parse_answer (self, submission_id, data, len, error)) == NULL)
    goto fail;
  for (guint i = 0; i < results->len; i++)
    if (!apply_one (self, submission_id, results->pdata[i], error))
      goto fail;
  {
    g_autoptr(BmCachedStmt) del1 = bm_store_statement (self, "DELETE FROM submission_records WHERE submission_id = ?", error);
    g_autoptr(BmCachedStmt) del2 = NULL;
    if (del1 == NULL)
      goto fail;
    sqlite3_bind_text (del1, 1, submission_id, -1, SQLITE_STATIC);
    if (!step_done (self, del1, error))
      goto fail;
    if ((del2 = bm_store_statement (self, "DELETE FROM submissions WHERE submission_id = ?", error)) == NULL)
      goto fail;
    sqlite3_bind_text (del2, 1, submission_id, -1, SQLITE_STATIC);
    if (!step_done (self, del2, error))
      goto fail;
  }
  if (!bm_store_transaction_commit (self, error))
    return NULL;
  return g_steal_pointer (&results);

fail:
  bm_store_transaction_rollback (self);
  return NULL;
}

/* Forgets a stored submission the server will never answer (it does not
 * take submissions, or refused the id): its records' pending outcome
 * becomes a refusal with @code, and they may be submitted again. */
gboolean
bm_store_submit_drop (BmStore *self, const char *submission_id, const char *code, GError **error)
{
  g_autoptr(BmCachedStmt) mark = NULL;
  g_autoptr(BmCachedStmt) del1 = NULL;
  g_autoptr(BmCachedStmt) del2 = NULL;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if ((mark = bm_store_statement (self, "UPDATE submission_results SET status = 'refused', code = ?2"
                                        " WHERE submission_id = ?1 AND status = 'pending'", error)) == NULL
      || (sqlite3_bind_text (mark, 1, submission_id, -1, SQLITE_STATIC),
          sqlite3_bind_text (mark, 2, code, -1, SQLITE_STATIC), !step_done (self, mark, error))
      || (del1 = bm_store_statement (self, "DELETE FROM submission_records WHERE submission_id = ?", error)) == NULL
      || (sqlite3_bind_text (del1, 1, submission_id, -1, SQLITE_STATIC), !step_done (self, del1, error))
      || (del2 = bm_store_statement (self, "DELETE FROM submissions WHERE submission_id = ?", error)) == NULL
      || (sqlite3_bind_text (del2, 1, submission_id, -1, SQLITE_STATIC), !step_done (self, del2, error)))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  return bm_store_transaction_commit (self, error);
}

JsonObject *
bm_submit_result_to_json (const BmSubmitResult *r)
{
  JsonObject *o = json_object_new ();
  JsonArray *missing = json_array_new ();

  json_object_set_string_member (o, "number", r->number);
  json_object_set_string_member (o, "uuid", r->uuid);
  json_object_set_int_member (o, "version", r->version);
  json_object_set_string_member (o, "status", r->status);
  json_object_set_string_member (o, "code", r->code);
  json_object_set_string_member (o, "reason", r->reason);
  for (guint i = 0; r->missing && r->missing[i]; i++)
    json_array_add_string_element (missing, r->missing[i]);
  json_object_set_array_member (o, "missing", missing);
  json_object_set_string_member (o, "by", r->by_server ? "province" : "client");
  return o;
}

/* The record's last submission outcome for `candidate show`: {status,
 * version, code, reason, missing, submission_id, at}, or NULL if it was
 * never submitted. */
JsonObject *
bm_store_submit_dup_outcome (BmStore *self, const char *uuid)
{
  g_autoptr(BmCachedStmt) st = bm_store_statement (self,
      "SELECT status, version, code, reason, missing, submission_id, at FROM submission_results"
      " WHERE candidate_uuid = ?", NULL);
  g_auto(GStrv) missing = NULL;
  JsonArray *list;
  JsonObject *o;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    return NULL;
  o = json_object_new ();
  json_object_set_string_member (o, "status", (const char *) sqlite3_column_text (st, 0));
  json_object_set_int_member (o, "version", sqlite3_column_int64 (st, 1));
  json_object_set_string_member (o, "code", (const char *) sqlite3_column_text (st, 2));
  json_object_set_string_member (o, "reason", (const char *) sqlite3_column_text (st, 3));
  list = json_array_new ();
  missing = g_strsplit (sqlite3_column_text (st, 4) ? (const char *) sqlite3_column_text (st, 4) : "", " ", -1);
  for (guint i = 0; missing[i]; i++)
    if (*missing[i] != '\0')
      json_array_add_string_element (list, missing[i]);
  json_object_set_array_member (o, "missing", list);
  json_object_set_string_member (o, "submission_id", (const char *) sqlite3_column_text (st, 5));
  json_object_set_string_member (o, "at", (const char *) sqlite3_column_text (st, 6));
  return o;
}
