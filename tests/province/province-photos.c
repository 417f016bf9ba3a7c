/* Development provincial server: photos (docs/sync-protocol.md §6): single
 * PUT/HEAD by sha256, and protocol 1.1 bundles. */
#include "province.h"

#include <string.h>

static gboolean
is_sha256_hex (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

/* serve --refuse-photo SHA (issue 17): the server refuses this one photo
 * with 422 photo_refused, and a bundle that holds it as a whole (nothing
 * stored), as a server whose scanner rejects one file in a transaction
 * would. Each bundle request is logged, so tests count them. */
static gboolean
refused_photo (Province *p, const char *data, gsize len, ProvinceReply *r)
{
  gsize nphotos = 0;
  gboolean refuse = FALSE;

  for (gsize pos = 0; p->refuse_photo && data && pos + 65 <= len;)
    {
      const char *nl = memchr (data + pos, '\n', MIN (len - pos, 90));
      gint64 n = g_ascii_strtoll (data + pos + 65, NULL, 10);

      if (nl == NULL || n < 0 || (gsize) n > len)
        break;
      nphotos++;
      refuse = refuse || strncmp (data + pos, p->refuse_photo, 64) == 0;
      pos = (nl + 1 - data) + n + 1;
    }
  if (p->refuse_photo)
    g_printerr ("bm-province: bundle of %" G_GSIZE_FORMAT " photos%s\n", nphotos, refuse ? ": refused" : "");
  if (refuse)
    province_reply_error (r, 422, "photo_refused", "the bundle holds a refused photo", 0, NULL);
  return refuse;
}

void
province_do_photo (Province *p, const char *method, const char *sha, GBytes *body, ProvinceReply *r)
{
  sqlite3_stmt *st;
  gboolean have;
  gsize len = 0;
  const void *data;
  g_autofree char *actual = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) n = NULL;

  if (!is_sha256_hex (sha))
    {
      province_reply_error (r, 400, "bad_request", "photo address is not a sha256", 0, NULL);
      return;
    }
  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM photos WHERE sha256 = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, sha, -1, SQLITE_TRANSIENT);
  have = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  if (g_strcmp0 (method, "HEAD") == 0)
    {
      if (have)
        {
          province_reply_clear (r);
          r->status = 200;
        }
      else
        province_reply_error (r, 404, "not_found", "photo not held", 0, NULL);
      return;
    }
  data = body ? g_bytes_get_data (body, &len) : "";
  if (g_strcmp0 (p->refuse_photo, sha) == 0)
    {
      g_printerr ("bm-province: photo refused\n");
      province_reply_error (r, 422, "photo_refused", "this photo is refused", 0, NULL);
      return;
    }
  if (len > 2 * 1024 * 1024)
    {
      province_reply_error (r, 413, "too_large", "photo too large", 0, NULL);
      return;
    }
  actual = province_sha256_hex (data, len);
  if (g_strcmp0 (actual, sha) != 0)
    {
      province_reply_error (r, 422, "hash_mismatch", "body does not match its sha256 address", 0, NULL);
      return;
    }
  if (!have)
    {
      sqlite3_prepare_v2 (p->db, "INSERT OR IGNORE INTO photos VALUES (?1, ?2, ?3)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, sha, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 2, len);
      sqlite3_bind_blob (st, 3, data, len, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, len);
  json_builder_set_member_name (b, "stored");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  n = json_builder_get_root (b);
  province_reply_node (r, have ? 200 : 201, n);
}

/* POST /api/v1/photos/bundle (protocol 1.1): many photos in one request,
 * stored in one transaction. Body: for each photo "SHA256:LENGTH\n", the
 * bytes, "\n". */
void
province_do_photo_bundle (Province *p, const char *point, GBytes *body, ProvinceReply *r)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autoptr(JsonNode) profile = province_load_profile (p, point);
  gint64 max_bytes = province_profile_limit (profile, "max_bundle_bytes", 16 * 1024 * 1024);
  gint64 max_photo = province_profile_limit (profile, "max_photo_bytes", 2 * 1024 * 1024);
  JsonBuilder *b;
  gsize pos = 0;

  if (data == NULL || len == 0)
    {
      province_reply_error (r, 400, "bad_request", "empty bundle", 0, NULL);
      return;
    }
  if ((gint64) len > max_bytes)
    {
      JsonObject *d = json_object_new ();
      json_object_set_int_member (d, "max_bytes", max_bytes);
      province_reply_error (r, 413, "too_large", "bundle too large", 0, d);
      return;
    }
  if (refused_photo (p, data, len, r))
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  province_begin (p);
  while (pos < len)
    {
      char sha[65];
      const char *colon, *nl;
      gsize rest;
      gint64 n;
      g_autofree char *actual = NULL;
      const char *status;
      sqlite3_stmt *st;

      if (len - pos < 67 || data[pos + 64] != ':' || (nl = memchr (data + pos, '\n', MIN (len - pos, 90))) == NULL)
        goto bad;
      memcpy (sha, data + pos, 64);
      sha[64] = '\0';
      colon = data + pos + 64;
      n = g_ascii_strtoll (colon + 1, NULL, 10);
      rest = len - (gsize) (nl + 1 - data);
      if (!is_sha256_hex (sha) || n < 0 || rest < 1 || (gsize) n > rest - 1 || nl[1 + n] != '\n')
        goto bad;
      actual = province_sha256_hex (nl + 1, n);
      if (n > max_photo)
        status = "too_large";
      else if (g_strcmp0 (actual, sha) != 0)
        status = "hash_mismatch";
      else
        {
          sqlite3_prepare_v2 (p->db, "INSERT OR IGNORE INTO photos VALUES (?1, ?2, ?3)", -1, &st, NULL);
          sqlite3_bind_text (st, 1, sha, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (st, 2, n);
          sqlite3_bind_blob (st, 3, nl + 1, n, SQLITE_STATIC);
          sqlite3_step (st);
          status = sqlite3_changes (p->db) > 0 ? "stored" : "held";
          sqlite3_finalize (st);
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, status);
      json_builder_end_object (b);
      pos = (nl + 1 - data) + n + 1;
    }
  province_commit (p);
  json_builder_end_array (b);
  json_builder_end_object (b);
  {
    g_autoptr(JsonNode) root = json_builder_get_root (b);
    province_reply_node (r, 200, root);
  }
  g_object_unref (b);
  return;

bad:
  province_rollback (p);
  g_object_unref (b);
  province_reply_error (r, 400, "bad_request", "malformed photo bundle", 0, NULL);
}

