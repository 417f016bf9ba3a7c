/* Development provincial server: the /api/v1 endpoints of docs/sync-protocol.md. */
#include "province.h"

#include <gnutls/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "bm-id-number.h"

void
province_reply_clear (ProvinceReply *r)
{
  g_clear_pointer (&r->body, g_free);
  g_clear_pointer (&r->content_type, g_free);
}

static void
reply_node (ProvinceReply *r, int status, JsonNode *node)
{
  province_reply_clear (r);
  r->status = status;
  r->body = json_to_string (node, FALSE);
  r->content_type = g_strdup ("application/json");
}

static void
reply_builder (ProvinceReply *r, int status, JsonBuilder *b)
{
  g_autoptr(JsonNode) n = json_builder_get_root (b);
  reply_node (r, status, n);
  g_object_unref (b);
}

static void
reply_error (ProvinceReply *r, int status, const char *code, const char *message,
             int retry_after, JsonObject *details)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  if (retry_after > 0)
    {
      json_builder_set_member_name (b, "retry_after");
      json_builder_add_int_value (b, retry_after);
    }
  if (details != NULL)
    {
      JsonNode *d = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (d, details);
      json_builder_set_member_name (b, "details");
      json_builder_add_value (b, d);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  reply_builder (r, status, b);
  r->retry_after = retry_after;
}

static char *
new_token (void)
{
  guint8 raw[24];

  if (gnutls_rnd (GNUTLS_RND_KEY, raw, sizeof raw) != 0)
    g_error ("no random bytes");
  return g_base64_encode (raw, sizeof raw);
}

static char *
iso_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (unix_time);
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
text_col (sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text (st, i);
  return g_strdup (t ? (const char *) t : "");
}

static JsonObject *
parse_object (GBytes *body, JsonParser **keep)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  JsonParser *parser = json_parser_new ();
  JsonNode *root;

  if (data == NULL || !json_parser_load_from_data (parser, data, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_object_unref (parser);
      return NULL;
    }
  *keep = parser;
  return json_node_get_object (root);
}

static void
token_answer (Province *p, ProvinceReply *r, const char *point, const char *user, const char *refresh)
{
  g_autofree char *access = new_token ();
  g_autofree char *new_refresh = refresh ? g_strdup (refresh) : new_token ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 refresh_exp = now + 30 * 24 * 3600;
  JsonBuilder *b;
  sqlite3_stmt *st;
  g_autofree char *exp = NULL, *rexp = NULL, *srv = NULL;

  sqlite3_prepare_v2 (p->db, "INSERT INTO tokens VALUES (?1, 'access', ?2, ?3, ?4)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, access, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, now + p->token_ttl);
  sqlite3_step (st);
  sqlite3_finalize (st);
  if (refresh == NULL)
    {
      sqlite3_prepare_v2 (p->db, "INSERT INTO tokens VALUES (?1, 'refresh', ?2, ?3, ?4)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, new_refresh, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 3, user, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 4, refresh_exp);
      sqlite3_step (st);
      sqlite3_finalize (st);
    }
  exp = iso_time (now + p->token_ttl);
  rexp = iso_time (refresh_exp);
  srv = iso_time (now);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_string_value (b, exp);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, p->token_ttl);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, new_refresh);
  json_builder_set_member_name (b, "refresh_expires_at");
  json_builder_add_string_value (b, rexp);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_string_value (b, srv);
  json_builder_end_object (b);
  reply_builder (r, 200, b);
}

static void
do_login (Province *p, GBytes *body, ProvinceReply *r)
{
  JsonParser *parser = NULL;
  JsonObject *o = parse_object (body, &parser);
  const char *point, *user, *pw;
  sqlite3_stmt *st;
  gboolean ok = FALSE;

  if (o == NULL)
    {
      reply_error (r, 400, "bad_json", "body is not a JSON object", 0, NULL);
      return;
    }
  point = json_object_get_string_member_with_default (o, "point_code", "");
  user = json_object_get_string_member_with_default (o, "user", "");
  pw = json_object_get_string_member_with_default (o, "password", "");
  sqlite3_prepare_v2 (p->db, "SELECT salt, hash FROM operators WHERE point_code = ?1 AND user = ?2", -1, &st, NULL);
  sqlite3_bind_text (st, 1, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *salted = g_strconcat ((const char *) sqlite3_column_text (st, 0), pw, NULL);
      g_autofree char *hash = province_sha256_hex (salted, strlen (salted));
      ok = g_strcmp0 (hash, (const char *) sqlite3_column_text (st, 1)) == 0;
    }
  sqlite3_finalize (st);
  if (!ok)
    reply_error (r, 401, "bad_credentials", "unknown point, user or password", 0, NULL);
  else
    token_answer (p, r, point, user, NULL);
  g_object_unref (parser);
}

static void
do_refresh (Province *p, GBytes *body, ProvinceReply *r)
{
  JsonParser *parser = NULL;
  JsonObject *o = parse_object (body, &parser);
  sqlite3_stmt *st;
  g_autofree char *point = NULL, *user = NULL;
  gint64 expires = 0;

  if (o == NULL)
    {
      reply_error (r, 400, "bad_json", "body is not a JSON object", 0, NULL);
      return;
    }
  sqlite3_prepare_v2 (p->db, "SELECT point_code, user, expires FROM tokens WHERE token = ?1 AND kind = 'refresh'",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, json_object_get_string_member_with_default (o, "refresh_token", ""), -1,
                     SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      point = text_col (st, 0);
      user = text_col (st, 1);
      expires = sqlite3_column_int64 (st, 2);
    }
  sqlite3_finalize (st);
  if (point == NULL)
    reply_error (r, 401, "token_invalid", "unknown refresh token", 0, NULL);
  else if (expires < g_get_real_time () / G_USEC_PER_SEC)
    reply_error (r, 401, "refresh_expired", "refresh token expired", 0, NULL);
  else
    token_answer (p, r, point, user, json_object_get_string_member_with_default (o, "refresh_token", ""));
  g_object_unref (parser);
}

/* The point of a valid access token, or NULL with the 401 already set. */
static char *
authenticate (Province *p, const char *authorization, ProvinceReply *r)
{
  sqlite3_stmt *st;
  char *point = NULL;
  gint64 expires = 0;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer "))
    {
      reply_error (r, 401, "token_invalid", "missing bearer token", 0, NULL);
      return NULL;
    }
  sqlite3_prepare_v2 (p->db, "SELECT point_code, expires FROM tokens WHERE token = ?1 AND kind = 'access'",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, authorization + 7, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      point = text_col (st, 0);
      expires = sqlite3_column_int64 (st, 1);
    }
  sqlite3_finalize (st);
  if (point == NULL)
    reply_error (r, 401, "token_invalid", "unknown token", 0, NULL);
  else if (expires < g_get_real_time () / G_USEC_PER_SEC)
    {
      reply_error (r, 401, "token_expired", "access token expired", 0, NULL);
      g_clear_pointer (&point, g_free);
    }
  return point;
}

static JsonNode *
load_profile (Province *p, const char *point)
{
  sqlite3_stmt *st;
  JsonNode *node = NULL;

  sqlite3_prepare_v2 (p->db, "SELECT profile, profile_version FROM points WHERE code = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, point, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      node = json_from_string ((const char *) sqlite3_column_text (st, 0), NULL);
      if (node && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *o = json_node_get_object (node);
          json_object_set_int_member (o, "profile_version", sqlite3_column_int64 (st, 1));
          if (!json_object_has_member (o, "limits"))
            {
              JsonObject *l = json_object_new ();
              json_object_set_int_member (l, "max_batch_records", 200);
              json_object_set_int_member (l, "max_batch_bytes", 4 * 1024 * 1024);
              json_object_set_int_member (l, "max_photo_bytes", 2 * 1024 * 1024);
              json_object_set_object_member (o, "limits", l);
            }
        }
    }
  sqlite3_finalize (st);
  return node;
}

static gint64
profile_limit (JsonNode *profile, const char *key, gint64 fallback)
{
  JsonObject *l;

  if (profile == NULL || (l = json_object_get_object_member (json_node_get_object (profile), "limits")) == NULL)
    return fallback;
  return json_object_get_int_member_with_default (l, key, fallback);
}

static void
add_slices (Province *p, JsonBuilder *b, const char *ws)
{
  sqlite3_stmt *st;

  json_builder_set_member_name (b, "slices");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT slice_id, category, first, last FROM slices WHERE workstation_id = ?1"
                             " ORDER BY slice_id", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      char buf[16];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "slice_id");
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 0));
      json_builder_set_member_name (b, "category");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
      g_snprintf (buf, sizeof buf, "%08lld", (long long) sqlite3_column_int64 (st, 2));
      json_builder_set_member_name (b, "first");
      json_builder_add_string_value (b, buf);
      g_snprintf (buf, sizeof buf, "%08lld", (long long) sqlite3_column_int64 (st, 3));
      json_builder_set_member_name (b, "last");
      json_builder_add_string_value (b, buf);
      json_builder_end_object (b);
    }
  sqlite3_finalize (st);
  json_builder_end_array (b);
}

/* Cut a slice of up to @count numbers for @category from the point's ranges. */
static gboolean
allocate_slice (Province *p, const char *point, const char *ws, const char *category, gint64 count)
{
  sqlite3_stmt *st;
  gint64 rowid = 0, next = 0, last = 0;

  sqlite3_prepare_v2 (p->db, "SELECT rowid, next, last FROM ranges WHERE point_code = ?1 AND category = ?2"
                             " AND next <= last ORDER BY first LIMIT 1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, category, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      rowid = sqlite3_column_int64 (st, 0);
      next = sqlite3_column_int64 (st, 1);
      last = sqlite3_column_int64 (st, 2);
    }
  sqlite3_finalize (st);
  if (rowid == 0)
    return FALSE;
  last = MIN (last, next + count - 1);
  sqlite3_prepare_v2 (p->db, "UPDATE ranges SET next = ?2 WHERE rowid = ?1", -1, &st, NULL);
  sqlite3_bind_int64 (st, 1, rowid);
  sqlite3_bind_int64 (st, 2, last + 1);
  sqlite3_step (st);
  sqlite3_finalize (st);
  sqlite3_prepare_v2 (p->db, "INSERT INTO slices (workstation_id, category, first, last) VALUES (?1, ?2, ?3, ?4)",
                      -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, category, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, next);
  sqlite3_bind_int64 (st, 4, last);
  sqlite3_step (st);
  sqlite3_finalize (st);
  return TRUE;
}

static ProvinceFault *
find_fault (GList *faults, const char *kind)
{
  for (GList *l = faults; l; l = l->next)
    if (g_strcmp0 (((ProvinceFault *) l->data)->kind, kind) == 0)
      return l->data;
  return NULL;
}

/* Slice faults rewrite the answer as sent (what the server stored stays
 * right): slices_other_workstation names another workstation; slices_empty
 * lists none; slice_cross adds a slice of @category
 * (or the first slice's) over another 科类's serials; slice_county moves the
 * last slice under the 市县码 p1 (default: the point's + 1). */
static void
fault_slices (ProvinceReply *r, GList *faults, const char *category)
{
  g_autoptr(JsonNode) root = r->body ? json_from_string (r->body, NULL) : NULL;
  JsonArray *slices;
  ProvinceFault *f;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (slices = json_object_get_array_member (json_node_get_object (root), "slices")) == NULL)
    return;
  n = json_array_get_length (slices);
  if (find_fault (faults, "slices_other_workstation"))
    {
      g_autofree char *other = g_uuid_string_random ();
      json_object_set_string_member (json_node_get_object (root), "workstation_id", other);
    }
  else if (find_fault (faults, "slices_empty"))
    json_object_set_array_member (json_node_get_object (root), "slices", json_array_new ());
  else if (find_fault (faults, "slice_cross") && n > 0)
    {
      const char *cat = category ? category
                                 : json_object_get_string_member (json_array_get_object_element (slices, 0), "category");
      for (guint i = 0; i < n; i++)
        {
          JsonObject *other = json_array_get_object_element (slices, i);
          if (g_strcmp0 (json_object_get_string_member (other, "category"), cat) != 0)
            {
              JsonObject *bad = json_object_new ();
              json_object_set_int_member (bad, "slice_id", 999999);
              json_object_set_string_member (bad, "category", cat);
              json_object_set_string_member (bad, "first", json_object_get_string_member (other, "first"));
              json_object_set_string_member (bad, "last", json_object_get_string_member (other, "last"));
              json_array_add_object_element (slices, bad);
              break;
            }
        }
    }
  else if ((f = find_fault (faults, "slice_county")) != NULL && n > 0)
    {
      JsonObject *last = json_array_get_object_element (slices, n - 1);
      const char *first_s = json_object_get_string_member (last, "first");
      const char *last_s = json_object_get_string_member (last, "last");
      int county = f->p1 > 0 ? f->p1 : (int) (g_ascii_strtoll (first_s, NULL, 10) / 10000 + 1) % 10000;
      char buf[16];

      g_snprintf (buf, sizeof buf, "%04d%s", county, first_s + 4);
      json_object_set_string_member (last, "first", buf);
      g_snprintf (buf, sizeof buf, "%04d%s", county, last_s + 4);
      json_object_set_string_member (last, "last", buf);
    }
  else
    return;
  g_free (r->body);
  r->body = json_to_string (root, FALSE);
}

static char *
workstation_point (Province *p, const char *ws)
{
  sqlite3_stmt *st;
  char *point = NULL;

  sqlite3_prepare_v2 (p->db, "SELECT point_code FROM workstations WHERE id = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    point = text_col (st, 0);
  sqlite3_finalize (st);
  return point;
}

static void
do_workstation (Province *p, const char *point, GBytes *body, GList *faults, ProvinceReply *r)
{
  JsonParser *parser = NULL;
  JsonObject *o = parse_object (body, &parser);
  const char *ws, *name;
  g_autofree char *owner = NULL;
  gint64 size;
  JsonBuilder *b;

  if (o == NULL || (ws = json_object_get_string_member_with_default (o, "workstation_id", NULL)) == NULL
      || strlen (ws) < 8)
    {
      reply_error (r, 400, "bad_request", "workstation_id missing", 0, NULL);
      g_clear_object (&parser);
      return;
    }
  name = json_object_get_string_member_with_default (o, "name", "");
  size = CLAMP (json_object_get_int_member_with_default (o, "slice_size", 200), 1, 5000);
  province_begin (p);
  owner = workstation_point (p, ws);
  if (owner != NULL && g_strcmp0 (owner, point) != 0)
    {
      province_rollback (p);
      reply_error (r, 403, "workstation_unknown", "workstation belongs to another point", 0, NULL);
      g_object_unref (parser);
      return;
    }
  if (owner == NULL)
    {
      sqlite3_stmt *st;
      g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func (g_free);

      sqlite3_prepare_v2 (p->db, "INSERT INTO workstations VALUES (?1, ?2, ?3)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, point, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 3, name, -1, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
      sqlite3_prepare_v2 (p->db, "SELECT DISTINCT category FROM ranges WHERE point_code = ?1 ORDER BY category",
                          -1, &st, NULL);
      sqlite3_bind_text (st, 1, point, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (st) == SQLITE_ROW)
        g_ptr_array_add (cats, text_col (st, 0));
      sqlite3_finalize (st);
      for (guint i = 0; i < cats->len; i++)
        allocate_slice (p, point, ws, cats->pdata[i], size);
    }
  province_station_key_note (p, ws, o);
  province_commit (p);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "workstation_id");
  json_builder_add_string_value (b, ws);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  add_slices (p, b, ws);
  json_builder_end_object (b);
  reply_builder (r, 200, b);
  fault_slices (r, faults, NULL);
  g_object_unref (parser);
}

static void
do_more_slices (Province *p, const char *point, const char *ws, GBytes *body, GList *faults, ProvinceReply *r)
{
  JsonParser *parser = NULL;
  JsonObject *o = parse_object (body, &parser);
  const char *req, *cat;
  g_autofree char *owner = NULL, *sha = NULL;
  sqlite3_stmt *st;
  JsonBuilder *b;
  gsize len;
  const void *data;

  if (o == NULL || (req = json_object_get_string_member_with_default (o, "request_id", NULL)) == NULL
      || (cat = json_object_get_string_member_with_default (o, "category", NULL)) == NULL)
    {
      reply_error (r, 400, "bad_request", "request_id and category are required", 0, NULL);
      g_clear_object (&parser);
      return;
    }
  data = g_bytes_get_data (body, &len);
  sha = province_sha256_hex (data, len);
  province_begin (p);
  owner = workstation_point (p, ws);
  if (g_strcmp0 (owner, point) != 0)
    {
      province_rollback (p);
      reply_error (r, 403, "workstation_unknown", "unknown workstation", 0, NULL);
      g_object_unref (parser);
      return;
    }
  sqlite3_prepare_v2 (p->db, "SELECT body_sha, response FROM requests WHERE request_id = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, req, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      if (g_strcmp0 (sha, (const char *) sqlite3_column_text (st, 0)) == 0)
        {
          province_reply_clear (r);
          r->status = 200;
          r->body = text_col (st, 1);
          r->content_type = g_strdup ("application/json");
        }
      else
        reply_error (r, 409, "request_id_reused", "request id used with another body", 0, NULL);
      sqlite3_finalize (st);
      province_rollback (p);
      g_object_unref (parser);
      return;
    }
  sqlite3_finalize (st);
  if (!allocate_slice (p, point, ws, cat, CLAMP (json_object_get_int_member_with_default (o, "count", 200), 1, 5000)))
    {
      province_rollback (p);
      reply_error (r, 409, "range_exhausted", "no numbers left in the point's range", 0, NULL);
      g_object_unref (parser);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_slices (p, b, ws);
  json_builder_end_object (b);
  reply_builder (r, 200, b);
  sqlite3_prepare_v2 (p->db, "INSERT INTO requests VALUES (?1, ?2, ?3)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, req, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, r->body, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);
  province_commit (p);
  fault_slices (r, faults, cat);
  g_object_unref (parser);
}

static void
do_changes (Province *p, const char *point, const char *cursor, const char *limit_s, ProvinceReply *r)
{
  gint64 after = cursor && *cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
  gint64 limit = limit_s ? CLAMP (g_ascii_strtoll (limit_s, NULL, 10), 1, 500) : 200;
  gint64 last = after, n = 0;
  gboolean more = FALSE;
  sqlite3_stmt *st;
  JsonBuilder *b = json_builder_new ();
  char buf[32];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT seq, body FROM changes WHERE point_code = ?1 AND seq > ?2 ORDER BY seq"
                             " LIMIT ?3", -1, &st, NULL);
  sqlite3_bind_text (st, 1, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, after);
  sqlite3_bind_int64 (st, 3, limit + 1);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      JsonNode *c;
      if (n == limit)
        {
          more = TRUE;
          break;
        }
      c = json_from_string ((const char *) sqlite3_column_text (st, 1), NULL);
      if (c != NULL)
        {
          JsonObject *co = json_node_get_object (c);
          if (g_strcmp0 (json_object_get_string_member_with_default (co, "kind", ""), "profile") == 0)
            {
              g_autoptr(JsonNode) prof = load_profile (p, point);
              json_object_set_int_member (co, "profile_version",
                                          prof ? json_object_get_int_member_with_default (
                                                   json_node_get_object (prof), "profile_version", 0) : 0);
            }
          json_builder_add_value (b, c);
        }
      last = sqlite3_column_int64 (st, 0);
      n++;
    }
  sqlite3_finalize (st);
  json_builder_end_array (b);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, last);
  json_builder_set_member_name (b, "next_cursor");
  json_builder_add_string_value (b, buf);
  json_builder_set_member_name (b, "more");
  json_builder_add_boolean_value (b, more);
  json_builder_end_object (b);
  reply_builder (r, 200, b);
}


/* GET /workstations/{ws}/ledger[/{category}] (protocol 1.2): per 科类 the
 * count of records of this workstation and SHA-256 over "uuid:version\n"
 * sorted by uuid; with a category, also the records themselves. */
static void
do_ledger (Province *p, const char *point, const char *ws, const char *only, ProvinceReply *r)
{
  g_autofree char *owner = workstation_point (p, ws);
  JsonBuilder *b;
  sqlite3_stmt *st;
  GChecksum *sum = NULL;
  g_autofree char *cat = NULL;
  g_autofree char *last_number = NULL;
  gint64 count = 0;
  int rc;

  if (g_strcmp0 (owner, point) != 0)
    {
      reply_error (r, 403, "workstation_unknown", "unknown workstation", 0, NULL);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "workstation_id");
  json_builder_add_string_value (b, ws);
  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  sqlite3_prepare_v2 (p->db, "SELECT COALESCE (json_extract (record, '$.category'), '') AS c, uuid, version, number"
                             " FROM records WHERE workstation_id = ?1 AND (?2 IS NULL OR c = ?2)"
                             " ORDER BY c, uuid", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, only, -1, SQLITE_TRANSIENT);
  do
    {
      const char *c;

      rc = sqlite3_step (st);
      c = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (st, 0) : NULL;
      if (cat != NULL && (c == NULL || g_strcmp0 (c, cat) != 0))
        {
          if (only != NULL)
            json_builder_end_array (b);
          json_builder_set_member_name (b, "count");
          json_builder_add_int_value (b, count);
          json_builder_set_member_name (b, "digest");
          json_builder_add_string_value (b, g_checksum_get_string (sum));
          /* protocol 1.5: where a restored workstation continues numbering */
          if (last_number != NULL)
            {
              json_builder_set_member_name (b, "last_number");
              json_builder_add_string_value (b, last_number);
            }
          json_builder_end_object (b);
          g_clear_pointer (&sum, g_checksum_free);
          g_clear_pointer (&cat, g_free);
          g_clear_pointer (&last_number, g_free);
        }
      if (c == NULL)
        break;
      if (cat == NULL)
        {
          cat = g_strdup (c);
          sum = g_checksum_new (G_CHECKSUM_SHA256);
          count = 0;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "category");
          json_builder_add_string_value (b, cat);
          if (only != NULL)
            {
              json_builder_set_member_name (b, "records");
              json_builder_begin_array (b);
            }
        }
      {
        g_autofree char *line = g_strdup_printf ("%s:%lld\n", (const char *) sqlite3_column_text (st, 1),
                                                 (long long) sqlite3_column_int64 (st, 2));
        g_checksum_update (sum, (const guchar *) line, strlen (line));
      }
      count++;
      if (sqlite3_column_type (st, 3) == SQLITE_TEXT
          && g_strcmp0 ((const char *) sqlite3_column_text (st, 3), last_number) > 0)
        {
          g_free (last_number);
          last_number = g_strdup ((const char *) sqlite3_column_text (st, 3));
        }
      if (only != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "uuid");
          json_builder_add_string_value (b, (const char *) sqlite3_column_text (st, 1));
          json_builder_set_member_name (b, "version");
          json_builder_add_int_value (b, sqlite3_column_int64 (st, 2));
          json_builder_end_object (b);
        }
    }
  while (TRUE);
  sqlite3_finalize (st);
  json_builder_end_array (b);
  json_builder_end_object (b);
  reply_builder (r, 200, b);
}

void
province_handle (Province *p, const char *method, const char *path, const char *cursor,
                 const char *limit, const char *authorization, GBytes *body, GList *faults,
                 ProvinceReply *r)
{
  g_autofree char *point = NULL;
  g_auto(GStrv) parts = NULL;
  ProvinceFault *f;
  guint n;

  r->status = 500;
  if ((f = find_fault (faults, "status")) != NULL)
    {
      const char *code = f->p1 == 429 ? "rate_limited" : f->p1 == 503 ? "unavailable" : "internal";
      reply_error (r, f->p1 ? f->p1 : 500, code, "injected fault", f->p2, NULL);
      return;
    }
  if (find_fault (faults, "expire_token"))
    province_exec (p, "UPDATE tokens SET expires = 0 WHERE kind = 'access'", NULL);

  if (!g_str_has_prefix (path, "/api/v1/"))
    {
      reply_error (r, 404, "not_found", "no such endpoint", 0, NULL);
      return;
    }
  parts = g_strsplit (path + strlen ("/api/v1/"), "/", -1);
  n = g_strv_length (parts);

  if (n == 1 && g_str_equal (parts[0], "login") && g_str_equal (method, "POST"))
    return do_login (p, body, r);
  if (n == 2 && g_str_equal (parts[0], "token") && g_str_equal (parts[1], "refresh")
      && g_str_equal (method, "POST"))
    return do_refresh (p, body, r);

  if ((point = authenticate (p, authorization, r)) == NULL)
    return;

  if (n == 1 && g_str_equal (parts[0], "profile") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) prof = load_profile (p, point);
      if (prof == NULL)
        reply_error (r, 404, "not_found", "point not provisioned", 0, NULL);
      else
        {
          /* A lying server: the profile answers an older version. */
          if ((f = find_fault (faults, "profile_version")) != NULL)
            json_object_set_int_member (json_node_get_object (prof), "profile_version", f->p1);
          province_profile_add_keys (p, json_node_get_object (prof));
          reply_node (r, 200, prof);
        }
      return;
    }
  if (n == 1 && g_str_equal (parts[0], "workstations") && g_str_equal (method, "POST"))
    return do_workstation (p, point, body, faults, r);
  if (n == 3 && g_str_equal (parts[0], "workstations") && g_str_equal (parts[2], "slices")
      && g_str_equal (method, "POST"))
    return do_more_slices (p, point, parts[1], body, faults, r);
  if (n == 3 && g_str_equal (parts[0], "workstations") && g_str_equal (parts[2], "profile-refusals")
      && g_str_equal (method, "POST"))
    return province_do_profile_refusal (p, point, parts[1], body, r);
  if ((n == 3 || n == 4) && g_str_equal (parts[0], "workstations") && g_str_equal (parts[2], "ledger")
      && g_str_equal (method, "GET"))
    return do_ledger (p, point, parts[1], n == 4 ? parts[3] : NULL, r);
  if (n == 2 && g_str_equal (parts[0], "photos") && g_str_equal (parts[1], "bundle")
      && g_str_equal (method, "POST"))
    return province_do_photo_bundle (p, point, body, r);
  if (n == 2 && g_str_equal (parts[0], "photos")
      && (g_str_equal (method, "HEAD") || g_str_equal (method, "PUT")))
    return province_do_photo (p, method, parts[1], body, r);
  if (n == 1 && g_str_equal (parts[0], "batches") && g_str_equal (method, "POST"))
    return province_do_batch (p, point, body, faults, r);
  if (n == 1 && g_str_equal (parts[0], "submissions") && g_str_equal (method, "POST"))
    return province_do_submission (p, point, body, faults, r);
  if (n == 1 && g_str_equal (parts[0], "changes") && g_str_equal (method, "GET"))
    return do_changes (p, point, cursor, limit, r);
  reply_error (r, 404, "not_found", "no such endpoint", 0, NULL);
}

void
province_reply_error (ProvinceReply *r, int status, const char *code, const char *message,
                      int retry_after, JsonObject *details)
{
  reply_error (r, status, code, message, retry_after, details);
}

void
province_reply_node (ProvinceReply *r, int status, JsonNode *node)
{
  reply_node (r, status, node);
}

JsonNode *
province_load_profile (Province *p, const char *point)
{
  return load_profile (p, point);
}

gint64
province_profile_limit (JsonNode *profile, const char *key, gint64 fallback)
{
  return profile_limit (profile, key, fallback);
}

const char *
province_endpoint_name (const char *path)
{
  static const char *names[] = { "login", "token", "profile", "workstations", "photos", "batches",
                                 "changes", "submissions", NULL };

  if (!g_str_has_prefix (path, "/api/v1/"))
    return "other";
  path += strlen ("/api/v1/");
  for (int i = 0; names[i]; i++)
    if (g_str_has_prefix (path, names[i]))
      return names[i];
  return "other";
}
