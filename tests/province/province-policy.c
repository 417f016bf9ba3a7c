/* Development provincial server: profile refusals (docs/sync-protocol.md
 * §4.1, protocol 1.4). A workstation that refused a profile version because
 * it would strand its records says so here; the county sees it in `dump`
 * (`profile_refusals`). */
#include "province.h"

#include <string.h>

gboolean
province_policy_init (Province *p, GError **error)
{
  return province_exec (p,
                        "CREATE TABLE IF NOT EXISTS profile_refusals (workstation_id TEXT, point_code TEXT,"
                        "  profile_version INTEGER, applied_version INTEGER, refused_at TEXT, reasons TEXT,"
                        "  received INTEGER, reports INTEGER DEFAULT 1,"
                        "  PRIMARY KEY (workstation_id, profile_version));",
                        error);
}

static char *
workstation_owner (Province *p, const char *ws)
{
  sqlite3_stmt *st;
  char *owner = NULL;

  sqlite3_prepare_v2 (p->db, "SELECT point_code FROM workstations WHERE id = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    owner = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return owner;
}

/* POST /api/v1/workstations/{id}/profile-refusals. Idempotent per
 * (workstation, profile_version): a resend replaces the stored reasons and
 * counts the report. */
void
province_do_profile_refusal (Province *p, const char *point, const char *ws, GBytes *body, ProvinceReply *r)
{
  g_autofree char *owner = workstation_owner (p, ws);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *reasons = NULL;
  g_autofree char *text = NULL;
  JsonObject *o, *answer;
  JsonNode *version, *list;
  sqlite3_stmt *st;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (g_strcmp0 (owner, point) != 0)
    {
      province_reply_error (r, 403, "workstation_unknown", "unknown workstation", 0, NULL);
      return;
    }
  text = data ? g_strndup (data, len) : NULL;
  node = text ? json_from_string (text, NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || (version = json_object_get_member ((o = json_node_get_object (node)), "profile_version")) == NULL
      || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64
      || (list = json_object_get_member (o, "reasons")) == NULL || !JSON_NODE_HOLDS_ARRAY (list)
      || json_array_get_length (json_node_get_array (list)) == 0)
    {
      province_reply_error (r, 400, "bad_request", "needs profile_version and a non-empty reasons list", 0, NULL);
      return;
    }
  reasons = json_to_string (list, FALSE);
  sqlite3_prepare_v2 (p->db,
                      "INSERT INTO profile_refusals (workstation_id, point_code, profile_version, applied_version,"
                      "  refused_at, reasons, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%s', 'now'))"
                      " ON CONFLICT (workstation_id, profile_version) DO UPDATE SET applied_version = ?4,"
                      "  refused_at = ?5, reasons = ?6, received = strftime('%s', 'now'), reports = reports + 1",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, json_node_get_int (version));
  sqlite3_bind_int64 (st, 4, json_object_get_int_member_with_default (o, "applied_version", 0));
  sqlite3_bind_text (st, 5, json_object_get_string_member_with_default (o, "refused_at", ""), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, reasons, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);

  answer = json_object_new ();
  json_object_set_string_member (answer, "workstation_id", ws);
  json_object_set_int_member (answer, "profile_version", json_node_get_int (version));
  json_object_set_boolean_member (answer, "received", TRUE);
  reply = json_node_init_object (json_node_alloc (), answer);
  json_object_unref (answer);
  province_reply_node (r, 200, reply);
}

/* `dump`: every refusal the point's workstations reported. */
void
province_dump_refusals (Province *p, JsonBuilder *b)
{
  sqlite3_stmt *st;

  json_builder_set_member_name (b, "profile_refusals");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT workstation_id, point_code, profile_version, applied_version, refused_at,"
                             " reasons, reports FROM profile_refusals ORDER BY workstation_id, profile_version",
                      -1, &st, NULL);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      JsonNode *reasons = json_from_string ((const char *) sqlite3_column_text (st, 5), NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "workstation_id");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 0));
      json_builder_set_member_name (b, "point_code");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
      json_builder_set_member_name (b, "profile_version");
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 2));
      json_builder_set_member_name (b, "applied_version");
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 3));
      json_builder_set_member_name (b, "refused_at");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 4));
      json_builder_set_member_name (b, "reasons");
      json_builder_add_value (b, reasons ? reasons : json_node_new (JSON_NODE_NULL));
      json_builder_set_member_name (b, "reports");
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 6));
      json_builder_end_object (b);
    }
  sqlite3_finalize (st);
  json_builder_end_array (b);
}
