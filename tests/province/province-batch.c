/* Development provincial server: POST /api/v1/batches (sync-protocol.md §7).
 * One transaction per batch; the answer is stored with it so a resend gets
 * the same bytes back and nothing is applied twice. */
#include "province.h"

#include <stdlib.h>
#include <string.h>

#include "bm-id-number.h"


typedef struct
{
  char *uuid, *number, *point, *ws;
} Other;

static void
other_clear (Other *o)
{
  g_free (o->uuid);
  g_free (o->number);
  g_free (o->point);
  g_free (o->ws);
  memset (o, 0, sizeof *o);
}

static gboolean
find_other (Province *p, const char *sql, const char *key, const char *uuid, Other *o)
{
  sqlite3_stmt *st;
  gboolean found = FALSE;

  sqlite3_prepare_v2 (p->db, sql, -1, &st, NULL);
  sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      o->uuid = g_strdup ((const char *) sqlite3_column_text (st, 0));
      o->number = g_strdup ((const char *) sqlite3_column_text (st, 1));
      o->point = g_strdup ((const char *) sqlite3_column_text (st, 2));
      o->ws = g_strdup ((const char *) sqlite3_column_text (st, 3));
      found = TRUE;
    }
  sqlite3_finalize (st);
  return found;
}

static void
result_base (JsonBuilder *b, const char *uuid, gint64 version, const char *status)
{
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, uuid);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
}

static void
reject (JsonBuilder *b, const char *uuid, gint64 version, const char *code, const char *reason, Other *o)
{
  result_base (b, uuid, version, "rejected");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  if (o != NULL && o->uuid != NULL)
    {
      json_builder_set_member_name (b, "other");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uuid");
      json_builder_add_string_value (b, o->uuid);
      json_builder_set_member_name (b, "number");
      json_builder_add_string_value (b, o->number);
      json_builder_set_member_name (b, "point_code");
      json_builder_add_string_value (b, o->point);
      json_builder_set_member_name (b, "workstation_id");
      json_builder_add_string_value (b, o->ws);
      json_builder_end_object (b);
    }
}

static gboolean
category_offered (JsonNode *profile, const char *category)
{
  JsonArray *cats;

  if (profile == NULL || (cats = json_object_get_array_member (json_node_get_object (profile), "categories")) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (cats); i++)
    {
      JsonObject *c = json_array_get_object_element (cats, i);
      if (c && g_strcmp0 (json_object_get_string_member_with_default (c, "code", ""), category) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
one_record (Province *p, const char *point, const char *ws, JsonNode *profile, JsonObject *item,
            JsonBuilder *b)
{
  const char *uuid = json_object_get_string_member_with_default (item, "uuid", "");
  gint64 version = json_object_get_int_member_with_default (item, "version", 0);
  gint64 base_rev = json_object_get_int_member_with_default (item, "base_server_rev", 0);
  JsonNode *recn = json_object_get_member (item, "record");
  JsonObject *rec = recn && JSON_NODE_HOLDS_OBJECT (recn) ? json_node_get_object (recn) : NULL;
  /* bm_candidate_to_json is flat; an "identity" member is accepted too. */
  JsonObject *ident = rec && json_object_has_member (rec, "identity")
                      ? json_object_get_object_member (rec, "identity") : rec;
  JsonArray *photos = json_object_get_array_member (item, "photos");
  const char *number, *category, *id_type, *id_number;
  gboolean voided, have = FALSE;
  gint64 held_version = 0, held_rev = 0, county_rev = 0;
  g_autofree char *held_sha = NULL, *text = NULL, *sha = NULL;
  g_autoptr(GError) err = NULL;
  Other o = { 0 };
  sqlite3_stmt *st;
  gint64 rev, n;

  json_builder_begin_object (b);
  if (*uuid == '\0' || version < 1 || rec == NULL || ident == NULL)
    {
      reject (b, uuid, version, "invalid", "uuid, version and record are required", NULL);
      goto out;
    }
  text = json_to_string (recn, FALSE);
  sha = province_sha256_hex (text, strlen (text));

  sqlite3_prepare_v2 (p->db, "SELECT version, content_sha, server_rev, county_rev FROM records WHERE uuid = ?1",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      have = TRUE;
      held_version = sqlite3_column_int64 (st, 0);
      held_sha = g_strdup ((const char *) sqlite3_column_text (st, 1));
      held_rev = sqlite3_column_int64 (st, 2);
      county_rev = sqlite3_column_int64 (st, 3);
    }
  sqlite3_finalize (st);
  if (have && version == held_version)
    {
      if (g_strcmp0 (held_sha, sha) == 0)
        {
          result_base (b, uuid, version, "accepted");
          json_builder_set_member_name (b, "server_rev");
          json_builder_add_int_value (b, held_rev);
        }
      else
        {
          result_base (b, uuid, version, "conflict");
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, "version_reused");
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, "the server holds other content under this version");
          json_builder_set_member_name (b, "server_version");
          json_builder_add_int_value (b, held_version);
          json_builder_set_member_name (b, "server_rev");
          json_builder_add_int_value (b, held_rev);
        }
      goto out;
    }
  if (have && (version < held_version || county_rev > base_rev))
    {
      gboolean stale = version < held_version;
      result_base (b, uuid, version, "conflict");
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, stale ? "stale_version" : "server_changed");
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, stale ? "the server holds a newer version"
                                              : "the county changed the record; pull the changes first");
      json_builder_set_member_name (b, "server_version");
      json_builder_add_int_value (b, held_version);
      json_builder_set_member_name (b, "server_rev");
      json_builder_add_int_value (b, held_rev);
      goto out;
    }

  number = json_object_get_string_member_with_default (rec, "number", "");
  category = json_object_get_string_member_with_default (rec, "category", "");
  id_type = json_object_get_string_member_with_default (ident, "id_type", "resident_card");
  id_number = json_object_get_string_member_with_default (ident, "id_number", "");
  voided = json_object_get_boolean_member_with_default (rec, "voided", FALSE);
  n = strlen (number) == 8 ? g_ascii_strtoll (number, NULL, 10) : -1;
  if (g_strcmp0 (json_object_get_string_member_with_default (rec, "uuid", uuid), uuid) != 0
      || n <= 0 || *id_number == '\0')
    {
      reject (b, uuid, version, "invalid", "record.uuid, record.number (8 digits) and identity.id_number are required",
              NULL);
      goto out;
    }
  if (!category_offered (profile, category))
    {
      reject (b, uuid, version, "category_unknown", "the point does not offer this category", NULL);
      goto out;
    }
  if (!bm_id_number_validate (id_type, id_number, &err))
    {
      reject (b, uuid, version, "id_number_invalid", "the ID number fails its check", NULL);
      goto out;
    }
  if (find_other (p, "SELECT uuid, number, point_code, workstation_id FROM records WHERE number = ?1"
                     " AND uuid != ?2", number, uuid, &o))
    {
      g_autofree char *why = g_strdup_printf ("number %s is already used by record %s (point %s, workstation %s)",
                                              number, o.uuid, o.point, o.ws);
      reject (b, uuid, version, "duplicate_number", why, &o);
      goto out;
    }
  if (!voided
      && find_other (p, "SELECT uuid, number, point_code, workstation_id FROM records WHERE id_number = ?1"
                        " AND uuid != ?2 AND voided = 0", id_number, uuid, &o))
    {
      g_autofree char *why = g_strdup_printf ("ID number already registered as %s (record %s, point %s, workstation %s)",
                                              o.number, o.uuid, o.point, o.ws);
      reject (b, uuid, version, "duplicate_id_number", why, &o);
      goto out;
    }
  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM slices WHERE workstation_id = ?1 AND category = ?2"
                             " AND first <= ?3 AND last >= ?3", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, category, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, n);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_finalize (st);
      reject (b, uuid, version, "number_outside_slice",
              "the number is not inside a slice given to the sending workstation", NULL);
      goto out;
    }
  sqlite3_finalize (st);
  for (guint i = 0; photos && i < json_array_get_length (photos); i++)
    {
      gboolean held;
      sqlite3_prepare_v2 (p->db, "SELECT 1 FROM photos WHERE sha256 = ?1", -1, &st, NULL);
      sqlite3_bind_text (st, 1, json_array_get_string_element (photos, i), -1, SQLITE_TRANSIENT);
      held = sqlite3_step (st) == SQLITE_ROW;
      sqlite3_finalize (st);
      if (!held)
        {
          reject (b, uuid, version, "photo_missing", "a referenced photo was not uploaded", NULL);
          goto out;
        }
    }

  rev = province_next_rev (p);
  sqlite3_prepare_v2 (p->db,
                      "INSERT INTO records (uuid, point_code, workstation_id, number, id_number, voided, version,"
                      " content_sha, server_rev, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                      " ON CONFLICT (uuid) DO UPDATE SET number = ?4, id_number = ?5, voided = ?6, version = ?7,"
                      " content_sha = ?8, server_rev = ?9, record = ?10, accepted_count = accepted_count + 1",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, id_number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 6, voided);
  sqlite3_bind_int64 (st, 7, version);
  sqlite3_bind_text (st, 8, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 9, rev);
  sqlite3_bind_text (st, 10, text, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);
  province_submit_note_photos (p, uuid, photos);
  result_base (b, uuid, version, "accepted");
  json_builder_set_member_name (b, "server_rev");
  json_builder_add_int_value (b, rev);
out:
  other_clear (&o);
  json_builder_end_object (b);
}

static ProvinceFault *
find_fault (GList *faults, const char *kind)
{
  for (GList *l = faults; l; l = l->next)
    if (g_strcmp0 (((ProvinceFault *) l->data)->kind, kind) == 0)
      return l->data;
  return NULL;
}

/* answer_other_record / answer_other_version: the answer as sent names a
 * record that was not in the batch, or a version that was never sent, in
 * its first result (what the server stored stays right, so a resend after
 * the fault is spent gets the true answer). */
static void
fault_answer (ProvinceReply *r, GList *faults)
{
  g_autoptr(JsonNode) root = r->body ? json_from_string (r->body, NULL) : NULL;
  JsonArray *results;
  JsonObject *first;

  if ((!find_fault (faults, "answer_other_record") && !find_fault (faults, "answer_other_version"))
      || root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (results = json_object_get_array_member (json_node_get_object (root), "results")) == NULL
      || json_array_get_length (results) == 0)
    return;
  first = json_array_get_object_element (results, 0);
  if (find_fault (faults, "answer_other_record"))
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
province_do_batch (Province *p, const char *point, GBytes *body, GList *faults, ProvinceReply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) profile = NULL;
  g_autofree char *sha = NULL;
  JsonObject *o;
  JsonArray *records;
  const char *batch_id, *ws;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  sqlite3_stmt *st;
  JsonBuilder *b;
  ProvinceFault *f;
  gint64 max_records, max_bytes;

  if (data == NULL || !json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      province_reply_error (r, 400, "bad_json", "body is not a JSON object", 0, NULL);
      return;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  batch_id = json_object_get_string_member_with_default (o, "batch_id", NULL);
  ws = json_object_get_string_member_with_default (o, "workstation_id", NULL);
  records = json_object_get_array_member (o, "records");
  if (batch_id == NULL || ws == NULL || records == NULL)
    {
      province_reply_error (r, 400, "bad_request", "batch_id, workstation_id and records are required", 0, NULL);
      return;
    }
  sha = province_sha256_hex (data, len);

  if ((f = find_fault (faults, "repeat_old")) != NULL)
    {
      sqlite3_prepare_v2 (p->db, "SELECT response FROM batches WHERE batch_id != ?1 ORDER BY created DESC LIMIT 1",
                          -1, &st, NULL);
      sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (st) == SQLITE_ROW)
        {
          province_reply_clear (r);
          r->status = 200;
          r->body = g_strdup ((const char *) sqlite3_column_text (st, 0));
          r->content_type = g_strdup ("application/json");
          sqlite3_finalize (st);
          return;
        }
      sqlite3_finalize (st);
    }

  province_begin (p);
  sqlite3_prepare_v2 (p->db, "SELECT body_sha, response FROM batches WHERE batch_id = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_TRANSIENT);
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
        province_reply_error (r, 409, "batch_id_reused", "batch id already used with another body", 0, NULL);
      sqlite3_finalize (st);
      province_rollback (p);
      fault_answer (r, faults);
      return;
    }
  sqlite3_finalize (st);

  profile = province_load_profile (p, point);
  max_records = province_profile_limit (profile, "max_batch_records", 200);
  max_bytes = province_profile_limit (profile, "max_batch_bytes", 4 * 1024 * 1024);
  if ((f = find_fault (faults, "limit")) != NULL && f->p1 > 0)
    max_records = MIN (max_records, f->p1);
  /* record_too_large: one record (its number ends in p1, p2 digits) is
   * over a per-record limit, so every batch holding it gets 413. */
  if ((f = find_fault (faults, "record_too_large")) != NULL)
    {
      g_autofree char *tail = g_strdup_printf ("%0*d", f->p2 > 0 ? f->p2 : 4, f->p1);
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonNode *in = json_array_get_element (records, i);
          JsonObject *item = JSON_NODE_HOLDS_OBJECT (in) ? json_node_get_object (in) : NULL;
          JsonObject *rec = item && json_object_has_member (item, "record")
                            && JSON_NODE_HOLDS_OBJECT (json_object_get_member (item, "record"))
                            ? json_object_get_object_member (item, "record") : NULL;
          if (rec && g_str_has_suffix (json_object_get_string_member_with_default (rec, "number", ""), tail))
            max_bytes = 0;
        }
    }
  if (!p->importing && ((gint64) json_array_get_length (records) > max_records || (gint64) len > max_bytes))
    {
      JsonObject *d = json_object_new ();
      json_object_set_int_member (d, "max_records", max_records);
      json_object_set_int_member (d, "max_bytes", max_bytes);
      province_rollback (p);
      province_reply_error (r, 413, "too_large", "batch exceeds the server's limits", 0, d);
      return;
    }
  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM workstations WHERE id = ?1 AND point_code = ?2", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_finalize (st);
      province_rollback (p);
      province_reply_error (r, 403, "workstation_unknown", "workstation not registered for this point", 0, NULL);
      return;
    }
  sqlite3_finalize (st);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch_id");
  json_builder_add_string_value (b, batch_id);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    json_builder_set_member_name (b, "received_at");
    json_builder_add_string_value (b, at);
  }
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  /* drop_accepted: answer as usual, then forget the records (the answer is
   * still stored): a server that says "accepted" and keeps nothing. */
  sqlite3_exec (p->db, "SAVEPOINT records", NULL, NULL, NULL);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *item = json_array_get_element (records, i);
      if (JSON_NODE_HOLDS_OBJECT (item))
        one_record (p, point, ws, profile, json_node_get_object (item), b);
      else
        {
          json_builder_begin_object (b);
          reject (b, "", 0, "invalid", "record item is not an object", NULL);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (find_fault (faults, "drop_accepted"))
    sqlite3_exec (p->db, "ROLLBACK TO records", NULL, NULL, NULL);
  sqlite3_exec (p->db, "RELEASE records", NULL, NULL, NULL);
  {
    g_autoptr(JsonNode) root = json_builder_get_root (b);
    province_reply_clear (r);
    r->status = 200;
    r->body = json_to_string (root, FALSE);
    r->content_type = g_strdup ("application/json");
  }
  g_object_unref (b);
  sqlite3_prepare_v2 (p->db, "INSERT INTO batches VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, batch_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, r->body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, g_get_real_time ());
  sqlite3_step (st);
  sqlite3_finalize (st);
  province_commit (p);
  fault_answer (r, faults);
}
