/* Development provincial server: POST /api/v1/submissions, the final
 * submission (docs/sync-protocol.md §11, protocol 1.3). The server holds
 * the same completeness rule as the client (src/core/bm-record-complete.c)
 * on the record it took from the batches, so a forced submission of an
 * incomplete record is refused here too, with the missing items named; after
 * the profile's deadlines.submission_closes every record is refused with
 * deadline_passed. One transaction per submission; the answer is stored
 * with it, so a resend gets the same bytes and nothing is applied twice. */
#include "province.h"

#include <string.h>

/* Photos each held record refers to (from its accepted batch item). */
void
province_submit_note_photos (Province *p, const char *uuid, JsonArray *photos)
{
  sqlite3_stmt *st;

  sqlite3_prepare_v2 (p->db, "DELETE FROM record_photos WHERE uuid = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);
  for (guint i = 0; photos && i < json_array_get_length (photos); i++)
    {
      sqlite3_prepare_v2 (p->db, "INSERT OR IGNORE INTO record_photos VALUES (?1, ?2)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, json_array_get_string_element (photos, i), -1, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
    }
}

static gboolean
has_photo (Province *p, const char *uuid)
{
  sqlite3_stmt *st;
  gboolean found;

  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM record_photos r JOIN photos f ON f.sha256 = r.sha256"
                             " WHERE r.uuid = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return found;
}

/* The missing items' codes, in the order of bm-record-complete.c. */
static GPtrArray *
missing_items (Province *p, const char *uuid, JsonObject *rec, const char *county_review)
{
  GPtrArray *missing = g_ptr_array_new ();
  const char *review = json_object_get_string_member_with_default (rec, "review_state", "");

  if (!has_photo (p, uuid))
    g_ptr_array_add (missing, "photo");
  if (!json_object_get_boolean_member_with_default (rec, "fee_paid", FALSE))
    g_ptr_array_add (missing, "fee");
  if (!json_object_get_boolean_member_with_default (rec, "eligibility_checked", FALSE))
    g_ptr_array_add (missing, "eligibility");
  if (g_strcmp0 (county_review, "approved") != 0 && g_strcmp0 (review, "approved") != 0
      && g_strcmp0 (review, "not_required") != 0)
    g_ptr_array_add (missing, "review");
  if (g_strcmp0 (json_object_get_string_member_with_default (rec, "state", ""), "signed") != 0
      || !json_object_get_boolean_member_with_default (rec, "signature_confirmed", FALSE))
    g_ptr_array_add (missing, "signature");
  return missing;
}

static void
result (JsonBuilder *b, const char *uuid, gint64 version, const char *code, const char *reason,
        GPtrArray *missing)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, uuid);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, code ? "refused" : "accepted");
  if (code != NULL)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, code);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason);
    }
  if (missing != NULL)
    {
      json_builder_set_member_name (b, "missing");
      json_builder_begin_array (b);
      for (guint i = 0; i < missing->len; i++)
        json_builder_add_string_value (b, missing->pdata[i]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static gboolean
deadline_passed (JsonNode *profile)
{
  JsonObject *o = profile && JSON_NODE_HOLDS_OBJECT (profile) ? json_node_get_object (profile) : NULL;
  JsonObject *d = o && json_object_has_member (o, "deadlines")
                  && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "deadlines"))
                  ? json_object_get_object_member (o, "deadlines") : NULL;
  const char *closes = d ? json_object_get_string_member_with_default (d, "submission_closes", NULL) : NULL;
  g_autoptr(GDateTime) when = closes ? g_date_time_new_from_iso8601 (closes, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return when != NULL && g_date_time_compare (now, when) >= 0;
}

static void
one (Province *p, const char *point, gboolean closed, JsonObject *item, const char *submission_id, JsonBuilder *b)
{
  const char *uuid = json_object_get_string_member_with_default (item, "uuid", "");
  gint64 version = json_object_get_int_member_with_default (item, "version", 0);
  g_autoptr(JsonNode) rec = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *county_review = NULL;
  gint64 held_version = -1, done_version = -1;
  gboolean voided = FALSE;
  sqlite3_stmt *st;

  sqlite3_prepare_v2 (p->db, "SELECT r.version, r.voided, r.review_state, r.record,"
                             " (SELECT s.version FROM submitted s WHERE s.uuid = r.uuid)"
                             " FROM records r WHERE r.uuid = ?1 AND r.point_code = ?2", -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      held_version = sqlite3_column_int64 (st, 0);
      voided = sqlite3_column_int (st, 1);
      county_review = g_strdup ((const char *) sqlite3_column_text (st, 2));
      rec = json_from_string ((const char *) sqlite3_column_text (st, 3), NULL);
      done_version = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 4);
    }
  sqlite3_finalize (st);

  if (held_version < 0 || rec == NULL || !JSON_NODE_HOLDS_OBJECT (rec))
    return result (b, uuid, version, "not_uploaded", "the server holds no record with this uuid for the point", NULL);
  if (held_version != version)
    return result (b, uuid, version, "version_mismatch", "the server holds another version of this record", NULL);
  if (done_version == version)
    return result (b, uuid, version, NULL, NULL, NULL);   /* already submitted: the same answer */
  if (voided)
    return result (b, uuid, version, "voided", "the record is voided", NULL);
  if (closed)
    return result (b, uuid, version, "deadline_passed", "the city's submission deadline has passed", NULL);
  missing = missing_items (p, uuid, json_node_get_object (rec), county_review);
  if (missing->len > 0)
    return result (b, uuid, version, "incomplete", "the record is not complete", missing);

  sqlite3_prepare_v2 (p->db, "INSERT OR REPLACE INTO submitted VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, version);
  sqlite3_bind_text (st, 3, submission_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, g_get_real_time ());
  sqlite3_step (st);
  sqlite3_finalize (st);
  result (b, uuid, version, NULL, NULL, NULL);
}

/* answer_other_record / answer_other_version, as for batches: the answer
 * as sent is wrong, what is stored is right. */
static void
fault_answer (ProvinceReply *r, GList *faults)
{
  gboolean other_record = FALSE, other_version = FALSE;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *results;
  JsonObject *first;

  for (GList *l = faults; l; l = l->next)
    {
      other_record |= g_strcmp0 (((ProvinceFault *) l->data)->kind, "answer_other_record") == 0;
      other_version |= g_strcmp0 (((ProvinceFault *) l->data)->kind, "answer_other_version") == 0;
    }
  if ((!other_record && !other_version) || r->body == NULL
      || (root = json_from_string (r->body, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (results = json_object_get_array_member (json_node_get_object (root), "results")) == NULL
      || json_array_get_length (results) == 0)
    return;
  first = json_array_get_object_element (results, 0);
  if (other_record)
    {
      g_autofree char *other = g_uuid_string_random ();
      json_object_set_string_member (first, "uuid", other);
    }
  else
    json_object_set_int_member (first, "version", json_object_get_int_member_with_default (first, "version", 0) + 1);
  g_free (r->body);
  r->body = json_to_string (root, FALSE);
}

void
province_do_submission (Province *p, const char *point, GBytes *body, GList *faults, ProvinceReply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) profile = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *sha = NULL;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  const char *submission_id;
  JsonArray *records;
  JsonObject *o;
  sqlite3_stmt *st;
  gboolean closed;

  if (data == NULL || !json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return province_reply_error (r, 400, "bad_json", "body is not a JSON object", 0, NULL);
  o = json_node_get_object (json_parser_get_root (parser));
  submission_id = json_object_get_string_member_with_default (o, "submission_id", NULL);
  records = json_object_has_member (o, "records") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "records"))
            ? json_object_get_array_member (o, "records") : NULL;
  if (submission_id == NULL || records == NULL || json_array_get_length (records) == 0
      || json_array_get_length (records) > 1000)
    return province_reply_error (r, 400, "bad_request", "submission_id and 1 to 1000 records are required", 0, NULL);
  sha = province_sha256_hex (data, len);

  province_begin (p);
  sqlite3_prepare_v2 (p->db, "SELECT body_sha, response FROM submissions WHERE submission_id = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, submission_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      if (g_strcmp0 (sha, (const char *) sqlite3_column_text (st, 0)) == 0)
        {
          province_reply_clear (r);
          r->status = 200;
          r->body = g_strdup ((const char *) sqlite3_column_text (st, 1));
          r->content_type = g_strdup ("application/json");
        }
      else
        province_reply_error (r, 409, "submission_id_reused", "submission id already used with another body", 0, NULL);
      sqlite3_finalize (st);
      province_rollback (p);
      fault_answer (r, faults);
      return;
    }
  sqlite3_finalize (st);

  profile = province_load_profile (p, point);
  closed = deadline_passed (profile);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "submission_id");
  json_builder_add_string_value (b, submission_id);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    json_builder_set_member_name (b, "received_at");
    json_builder_add_string_value (b, at);
  }
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *item = json_array_get_element (records, i);
      if (JSON_NODE_HOLDS_OBJECT (item))
        one (p, point, closed, json_node_get_object (item), submission_id, b);
      else
        result (b, "", 0, "invalid", "record item is not an object", NULL);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  answer = json_builder_get_root (b);
  province_reply_clear (r);
  r->status = 200;
  r->body = json_to_string (answer, FALSE);
  r->content_type = g_strdup ("application/json");
  sqlite3_prepare_v2 (p->db, "INSERT INTO submissions VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, submission_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, r->body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, g_get_real_time ());
  sqlite3_step (st);
  sqlite3_finalize (st);
  province_commit (p);
  fault_answer (r, faults);
}
