/* Development provincial server: SQLite state, admin operations, faults. */
#include "province.h"

#include <string.h>

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  /* NORMAL in WAL survives a killed process (what the tests do); only a
   * power cut could lose the last commits, which a development server may. */
  "PRAGMA synchronous=NORMAL;"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
  "INSERT OR IGNORE INTO meta VALUES ('rev', '0');"
  "CREATE TABLE IF NOT EXISTS points (code TEXT PRIMARY KEY, county_code TEXT, profile TEXT,"
  "  profile_version INTEGER);"
  "CREATE TABLE IF NOT EXISTS operators (point_code TEXT, user TEXT, salt TEXT, hash TEXT,"
  "  PRIMARY KEY (point_code, user));"
  "CREATE TABLE IF NOT EXISTS ranges (point_code TEXT, category TEXT, first INTEGER,"
  "  last INTEGER, next INTEGER);"
  "CREATE TABLE IF NOT EXISTS workstations (id TEXT PRIMARY KEY, point_code TEXT, name TEXT);"
  "CREATE TABLE IF NOT EXISTS slices (slice_id INTEGER PRIMARY KEY, workstation_id TEXT,"
  "  category TEXT, first INTEGER, last INTEGER);"
  "CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, body_sha TEXT, response TEXT);"
  "CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, kind TEXT, point_code TEXT,"
  "  user TEXT, expires INTEGER);"
  "CREATE TABLE IF NOT EXISTS photos (sha256 TEXT PRIMARY KEY, size INTEGER, bytes BLOB);"
  "CREATE TABLE IF NOT EXISTS records (uuid TEXT PRIMARY KEY, point_code TEXT,"
  "  workstation_id TEXT, number TEXT, id_number TEXT, voided INTEGER, version INTEGER,"
  "  content_sha TEXT, server_rev INTEGER, county_rev INTEGER DEFAULT 0,"
  "  review_state TEXT DEFAULT '', online TEXT, record TEXT, accepted_count INTEGER DEFAULT 1);"
  "CREATE INDEX IF NOT EXISTS records_id ON records (id_number);"
  "CREATE INDEX IF NOT EXISTS records_number ON records (number);"
  "CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, body_sha TEXT, response TEXT,"
  "  created INTEGER);"
  "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY, point_code TEXT, kind TEXT,"
  "  body TEXT);"
  "CREATE TABLE IF NOT EXISTS faults (id INTEGER PRIMARY KEY, endpoint TEXT, kind TEXT,"
  "  remaining INTEGER, p1 INTEGER, p2 INTEGER);"
  /* The final submission (province-submit.c). */
  "CREATE TABLE IF NOT EXISTS record_photos (uuid TEXT, sha256 TEXT, PRIMARY KEY (uuid, sha256));"
  "CREATE TABLE IF NOT EXISTS submissions (submission_id TEXT PRIMARY KEY, body_sha TEXT,"
  "  response TEXT, created INTEGER);"
  "CREATE TABLE IF NOT EXISTS submitted (uuid TEXT PRIMARY KEY, version INTEGER,"
  "  submission_id TEXT, at INTEGER);";

Province *
province_open (const char *path, GError **error)
{
  Province *p = g_new0 (Province, 1);

  p->token_ttl = 3600;
  if (sqlite3_open (path, &p->db) != SQLITE_OK)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot open %s: %s",
                   path, sqlite3_errmsg (p->db));
      province_close (p);
      return NULL;
    }
  sqlite3_busy_timeout (p->db, 10000);
  if (!province_exec (p, schema, error) || !province_policy_init (p, error) || !province_import_init (p, error))
    {
      province_close (p);
      return NULL;
    }
  return p;
}

void
province_close (Province *p)
{
  if (p == NULL)
    return;
  sqlite3_close (p->db);
  g_free (p->refuse_photo);
  g_free (p);
}

gboolean
province_exec (Province *p, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (p->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "sqlite: %s", msg);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
province_begin (Province *p)
{
  return sqlite3_exec (p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
}

void
province_commit (Province *p)
{
  if (sqlite3_exec (p->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("commit failed: %s", sqlite3_errmsg (p->db));
}

void
province_rollback (Province *p)
{
  sqlite3_exec (p->db, "ROLLBACK", NULL, NULL, NULL);
}

gint64
province_next_rev (Province *p)
{
  sqlite3_stmt *st;
  gint64 rev = 0;

  sqlite3_exec (p->db, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rev'",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (p->db, "SELECT value FROM meta WHERE key = 'rev'", -1, &st, NULL);
  if (sqlite3_step (st) == SQLITE_ROW)
    rev = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return rev;
}

char *
province_sha256_hex (const void *data, gsize len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

static long
number_value (const char *s)
{
  if (s == NULL || strlen (s) != 8)
    return -1;
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (s[i]))
      return -1;
  return strtol (s, NULL, 10);
}

gboolean
province_provision (Province *p, JsonObject *spec, GError **error)
{
  JsonObject *point = json_object_get_object_member (spec, "point");
  const char *code = point ? json_object_get_string_member_with_default (point, "code", NULL) : NULL;
  const char *county = point ? json_object_get_string_member_with_default (point, "county_code", NULL) : NULL;
  JsonArray *ranges = json_object_get_array_member (spec, "ranges");
  JsonArray *ops = json_object_get_array_member (spec, "operators");
  g_autoptr(JsonNode) prof = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autofree char *text = NULL;
  sqlite3_stmt *st;
  GList *members;

  if (code == NULL || county == NULL || ranges == NULL || ops == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "spec needs point.code, point.county_code, ranges, operators");
      return FALSE;
    }
  /* The stored profile is the spec without the operators' passwords. */
  members = json_object_get_members (spec);
  for (GList *l = members; l; l = l->next)
    if (g_strcmp0 (l->data, "operators") != 0)
      json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (spec, l->data)));
  g_list_free (members);
  {
    JsonArray *pub = json_array_new ();
    for (guint i = 0; i < json_array_get_length (ops); i++)
      {
        JsonObject *o = json_array_get_object_element (ops, i);
        JsonObject *q = json_object_new ();
        json_object_set_string_member (q, "user", json_object_get_string_member_with_default (o, "user", ""));
        json_object_set_string_member (q, "name", json_object_get_string_member_with_default (o, "name", ""));
        json_object_set_string_member (q, "role", json_object_get_string_member_with_default (o, "role", "clerk"));
        json_array_add_object_element (pub, q);
      }
    json_object_set_array_member (copy, "operators", pub);
  }
  json_node_set_object (prof, copy);
  text = json_to_string (prof, FALSE);

  province_begin (p);
  sqlite3_prepare_v2 (p->db,
                      "INSERT INTO points VALUES (?1, ?2, ?3, 1) ON CONFLICT (code) DO UPDATE"
                      " SET county_code = ?2, profile = ?3, profile_version = profile_version + 1",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, county, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);

  sqlite3_prepare_v2 (p->db, "DELETE FROM ranges WHERE point_code = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);
  for (guint i = 0; i < json_array_get_length (ranges); i++)
    {
      JsonObject *r = json_array_get_object_element (ranges, i);
      long first = number_value (json_object_get_string_member_with_default (r, "first", NULL));
      long last = number_value (json_object_get_string_member_with_default (r, "last", NULL));
      sqlite3_int64 used = 0;
      sqlite3_stmt *u;

      if (first < 0 || last < first)
        continue;
      /* Re-provisioning must not hand out numbers already sliced. */
      sqlite3_prepare_v2 (p->db,
                          "SELECT COALESCE(MAX(s.last), 0) FROM slices s JOIN workstations w"
                          " ON w.id = s.workstation_id WHERE w.point_code = ?1 AND s.category = ?2",
                          -1, &u, NULL);
      sqlite3_bind_text (u, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (u, 2, json_object_get_string_member_with_default (r, "category", ""), -1,
                         SQLITE_TRANSIENT);
      if (sqlite3_step (u) == SQLITE_ROW)
        used = sqlite3_column_int64 (u, 0);
      sqlite3_finalize (u);
      sqlite3_prepare_v2 (p->db, "INSERT INTO ranges VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, json_object_get_string_member_with_default (r, "category", ""), -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 3, first);
      sqlite3_bind_int64 (st, 4, last);
      sqlite3_bind_int64 (st, 5, MAX (first, used + 1));
      sqlite3_step (st);
      sqlite3_finalize (st);
    }

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *o = json_array_get_object_element (ops, i);
      const char *pw = json_object_get_string_member_with_default (o, "password", "");
      g_autofree char *salt = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
      g_autofree char *salted = g_strconcat (salt, pw, NULL);
      g_autofree char *hash = province_sha256_hex (salted, strlen (salted));

      sqlite3_prepare_v2 (p->db, "INSERT OR REPLACE INTO operators VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, json_object_get_string_member_with_default (o, "user", ""), -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 3, salt, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 4, hash, -1, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
    }
  {
    /* Clients learn about profile changes from the feed. */
    gint64 rev = province_next_rev (p);
    g_autofree char *body = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"kind\":\"profile\"}", rev);
    sqlite3_prepare_v2 (p->db, "INSERT INTO changes VALUES (?1, ?2, 'profile', ?3)", -1, &st, NULL);
    sqlite3_bind_int64 (st, 1, rev);
    sqlite3_bind_text (st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (st, 3, body, -1, SQLITE_TRANSIENT);
    sqlite3_step (st);
    sqlite3_finalize (st);
  }
  province_commit (p);
  return TRUE;
}

/* Records chosen by uuid or 报名顺序号, or all of them. */
static GPtrArray *
select_records (Province *p, const char *key, gboolean all)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *st;

  if (all)
    sqlite3_prepare_v2 (p->db, "SELECT uuid FROM records WHERE voided = 0 ORDER BY number", -1, &st, NULL);
  else
    {
      sqlite3_prepare_v2 (p->db, "SELECT uuid FROM records WHERE uuid = ?1 OR number = ?1", -1, &st, NULL);
      sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
    }
  while (sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  sqlite3_finalize (st);
  return out;
}

static void
add_change (Province *p, const char *uuid, const char *kind, JsonObject *extra, gboolean county)
{
  gint64 rev = province_next_rev (p);
  sqlite3_stmt *st;
  g_autofree char *point = NULL, *number = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  GList *members;

  sqlite3_prepare_v2 (p->db, "SELECT point_code, number FROM records WHERE uuid = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      point = g_strdup ((const char *) sqlite3_column_text (st, 0));
      number = g_strdup ((const char *) sqlite3_column_text (st, 1));
    }
  sqlite3_finalize (st);

  json_object_set_int_member (o, "seq", rev);
  json_object_set_string_member (o, "kind", kind);
  json_object_set_string_member (o, "uuid", uuid);
  json_object_set_string_member (o, "number", number ? number : "");
  json_object_set_int_member (o, "server_rev", rev);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    json_object_set_string_member (o, "at", at);
  }
  members = json_object_get_members (extra);
  for (GList *l = members; l; l = l->next)
    json_object_set_member (o, l->data, json_node_copy (json_object_get_member (extra, l->data)));
  g_list_free (members);
  json_node_set_object (n, o);
  text = json_to_string (n, FALSE);

  sqlite3_prepare_v2 (p->db, "INSERT INTO changes VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
  sqlite3_bind_int64 (st, 1, rev);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, text, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);

  sqlite3_prepare_v2 (p->db,
                      county ? "UPDATE records SET server_rev = ?2, county_rev = ?2 WHERE uuid = ?1"
                             : "UPDATE records SET server_rev = ?2 WHERE uuid = ?1",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, rev);
  sqlite3_step (st);
  sqlite3_finalize (st);
}

gboolean
province_fill (Province *p, const char *key, JsonObject *fields, gboolean all, GError **error)
{
  g_autoptr(GPtrArray) uuids = select_records (p, key, all);

  if (uuids->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no such record");
      return FALSE;
    }
  province_begin (p);
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(JsonObject) extra = json_object_new ();
      JsonObject *f = json_object_new ();
      GList *members = json_object_get_members (fields);
      JsonNode *fn = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;
      sqlite3_stmt *st;

      for (GList *l = members; l; l = l->next)
        json_object_set_member (f, l->data, json_node_copy (json_object_get_member (fields, l->data)));
      g_list_free (members);
      json_node_set_object (fn, f);
      text = json_to_string (fn, FALSE);
      json_object_set_member (extra, "fields", fn);
      sqlite3_prepare_v2 (p->db, "UPDATE records SET online = ?2 WHERE uuid = ?1", -1, &st, NULL);
      sqlite3_bind_text (st, 1, uuids->pdata[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, text, -1, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
      add_change (p, uuids->pdata[i], "online_fields", extra, FALSE);
      json_object_unref (f);
    }
  province_commit (p);
  return TRUE;
}

gboolean
province_review (Province *p, const char *key, const char *decision, const char *reason,
                 gboolean all, GError **error)
{
  g_autoptr(GPtrArray) uuids = select_records (p, key, all);
  gboolean returned = g_strcmp0 (decision, "returned") == 0;

  if (!returned && g_strcmp0 (decision, "approved") != 0 && g_strcmp0 (decision, "rejected") != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "decision is approved, rejected or returned");
      return FALSE;
    }
  if (uuids->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no such record");
      return FALSE;
    }
  province_begin (p);
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(JsonObject) extra = json_object_new ();
      sqlite3_stmt *st;

      if (!returned)
        json_object_set_string_member (extra, "review_state", decision);
      json_object_set_string_member (extra, "reason", reason ? reason : "");
      sqlite3_prepare_v2 (p->db, "UPDATE records SET review_state = ?2 WHERE uuid = ?1", -1, &st, NULL);
      sqlite3_bind_text (st, 1, uuids->pdata[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, decision, -1, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
      add_change (p, uuids->pdata[i], returned ? "returned" : "review", extra, TRUE);
    }
  province_commit (p);
  return TRUE;
}

static gint64
count_of (Province *p, const char *sql)
{
  sqlite3_stmt *st;
  gint64 n = 0;

  sqlite3_prepare_v2 (p->db, sql, -1, &st, NULL);
  if (sqlite3_step (st) == SQLITE_ROW)
    n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return n;
}

JsonNode *
province_dump (Province *p, gboolean with_records)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *out;
  sqlite3_stmt *st;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM records"));
  json_builder_set_member_name (b, "photos");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM photos"));
  json_builder_set_member_name (b, "batches");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM batches"));
  json_builder_set_member_name (b, "changes");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM changes"));
  json_builder_set_member_name (b, "submissions");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM submissions"));
  json_builder_set_member_name (b, "submitted");
  json_builder_add_int_value (b, count_of (p, "SELECT COUNT(*) FROM submitted"));
  json_builder_set_member_name (b, "workstations");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT id, point_code, name FROM workstations ORDER BY id", -1, &st, NULL);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "workstation_id");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 0));
      json_builder_set_member_name (b, "point_code");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 2));
      json_builder_end_object (b);
    }
  sqlite3_finalize (st);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "slices");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT slice_id, workstation_id, category, first, last FROM slices"
                             " ORDER BY slice_id", -1, &st, NULL);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      char buf[16];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "slice_id");
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 0));
      json_builder_set_member_name (b, "workstation_id");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
      json_builder_set_member_name (b, "category");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 2));
      g_snprintf (buf, sizeof buf, "%08lld", (long long) sqlite3_column_int64 (st, 3));
      json_builder_set_member_name (b, "first");
      json_builder_add_string_value (b, buf);
      g_snprintf (buf, sizeof buf, "%08lld", (long long) sqlite3_column_int64 (st, 4));
      json_builder_set_member_name (b, "last");
      json_builder_add_string_value (b, buf);
      json_builder_end_object (b);
    }
  sqlite3_finalize (st);
  json_builder_end_array (b);
  province_dump_refusals (p, b);
  if (with_records)
    {
      json_builder_set_member_name (b, "record_list");
      json_builder_begin_array (b);
      sqlite3_prepare_v2 (p->db, "SELECT uuid, number, version, server_rev, voided, review_state,"
                                 " accepted_count, workstation_id, record,"
                                 " EXISTS (SELECT 1 FROM submitted s WHERE s.uuid = records.uuid"
                                 "         AND s.version = records.version)"
                                 " FROM records ORDER BY number",
                          -1, &st, NULL);
      while (sqlite3_step (st) == SQLITE_ROW)
        {
          JsonNode *rec = json_from_string ((const char *) sqlite3_column_text (st, 8), NULL);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "uuid");
          json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 0));
          json_builder_set_member_name (b, "number");
          json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
          json_builder_set_member_name (b, "version");
          json_builder_add_int_value (b, sqlite3_column_int64 (st, 2));
          json_builder_set_member_name (b, "server_rev");
          json_builder_add_int_value (b, sqlite3_column_int64 (st, 3));
          json_builder_set_member_name (b, "voided");
          json_builder_add_boolean_value (b, sqlite3_column_int (st, 4));
          json_builder_set_member_name (b, "review_state");
          json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 5));
          json_builder_set_member_name (b, "accepted_count");
          json_builder_add_int_value (b, sqlite3_column_int64 (st, 6));
          json_builder_set_member_name (b, "workstation_id");
          json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 7));
          json_builder_set_member_name (b, "submitted");
          json_builder_add_boolean_value (b, sqlite3_column_int (st, 9));
          json_builder_set_member_name (b, "record");
          json_builder_add_value (b, rec ? rec : json_node_new (JSON_NODE_NULL));
          json_builder_end_object (b);
        }
      sqlite3_finalize (st);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  out = json_builder_get_root (b);
  g_object_unref (b);
  return out;
}

gboolean
province_fault_add (Province *p, const char *endpoint, const char *kind, int count, int p1, int p2,
                    GError **error)
{
  static const char *kinds[] = { "close_before", "close_after", "status", "delay", "truncate",
                                 "repeat_old", "expire_token", "limit",
                                 "silent", "slow", "endless", "deep", "record_too_large",
                                 "slices_empty", "slices_other_workstation", "slice_cross",
                                 "slice_county", "answer_other_record", "answer_other_version",
                                 "drop_accepted", "profile_version", NULL };
  sqlite3_stmt *st;

  if (!g_strv_contains (kinds, kind))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "unknown fault kind %s", kind);
      return FALSE;
    }
  sqlite3_prepare_v2 (p->db, "INSERT INTO faults (endpoint, kind, remaining, p1, p2) VALUES (?1, ?2, ?3, ?4, ?5)",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, endpoint, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 3, count);
  sqlite3_bind_int (st, 4, p1);
  sqlite3_bind_int (st, 5, p2);
  sqlite3_step (st);
  sqlite3_finalize (st);
  return TRUE;
}

gboolean
province_fault_clear (Province *p, GError **error)
{
  return province_exec (p, "DELETE FROM faults", error);
}

/* Faults that apply to this request; each use spends one of a counted fault. */
GList *
province_fault_take (Province *p, const char *endpoint)
{
  GList *out = NULL;
  sqlite3_stmt *st;
  gboolean any;

  /* The usual case, no faults at all, without taking the write lock. */
  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM faults WHERE remaining != 0 LIMIT 1", -1, &st, NULL);
  any = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  if (!any)
    return NULL;
  province_begin (p);
  sqlite3_prepare_v2 (p->db, "SELECT id, kind, remaining, p1, p2 FROM faults"
                             " WHERE (endpoint = ?1 OR endpoint = '*') AND remaining != 0 ORDER BY id",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, endpoint, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      ProvinceFault *f = g_new0 (ProvinceFault, 1);
      sqlite3_stmt *u;

      f->kind = g_strdup ((const char *) sqlite3_column_text (st, 1));
      f->p1 = sqlite3_column_int (st, 3);
      f->p2 = sqlite3_column_int (st, 4);
      out = g_list_append (out, f);
      if (sqlite3_column_int (st, 2) > 0)
        {
          sqlite3_prepare_v2 (p->db, "UPDATE faults SET remaining = remaining - 1 WHERE id = ?1", -1, &u, NULL);
          sqlite3_bind_int64 (u, 1, sqlite3_column_int64 (st, 0));
          sqlite3_step (u);
          sqlite3_finalize (u);
        }
    }
  sqlite3_finalize (st);
  province_commit (p);
  return out;
}

void
province_fault_free (ProvinceFault *f)
{
  g_free (f->kind);
  g_free (f);
}
