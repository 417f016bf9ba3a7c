/* Development provincial server, issue 14: the province's and the county's
 * keys (kept in the state database), the stations' registered public keys,
 * and `import PACKAGE` as the county would do it: verify, apply with the
 * very rules of a network batch (province-batch.c, batch id = package id),
 * and write a receipt signed by the province key (docs/package.md). */
#include "province.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "bm-package.h"
#include "bm-station-keys.h"

static gboolean
make_key (Province *p, const char *name, gboolean signing)
{
  sqlite3_stmt *st;
  gboolean have;
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  g_autofree char *pkh = NULL, *skh = NULL;

  sqlite3_prepare_v2 (p->db, "SELECT 1 FROM server_keys WHERE name = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  have = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  if (have)
    return TRUE;
  if (signing)
    {
      crypto_sign_keypair (pk, sk);
      pkh = bm_key_to_hex (pk, crypto_sign_PUBLICKEYBYTES);
      skh = bm_key_to_hex (sk, crypto_sign_SECRETKEYBYTES);
    }
  else
    {
      crypto_box_keypair (pk, sk);
      pkh = bm_key_to_hex (pk, crypto_box_PUBLICKEYBYTES);
      skh = bm_key_to_hex (sk, crypto_box_SECRETKEYBYTES);
    }
  sqlite3_prepare_v2 (p->db, "INSERT OR IGNORE INTO server_keys VALUES (?1, ?2, ?3)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, pkh, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, skh, -1, SQLITE_STATIC);
  have = sqlite3_step (st) == SQLITE_DONE;
  sqlite3_finalize (st);
  return have;
}

gboolean
province_import_init (Province *p, GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libsodium did not start");
      return FALSE;
    }
  if (!province_exec (p,
        "CREATE TABLE IF NOT EXISTS server_keys (name TEXT PRIMARY KEY, public TEXT, secret TEXT);"
        "CREATE TABLE IF NOT EXISTS station_keys (workstation_id TEXT PRIMARY KEY, public_key TEXT);"
        "CREATE TABLE IF NOT EXISTS packages (package_id TEXT PRIMARY KEY, workstation_id TEXT,"
        "  sequence INTEGER, body_sha TEXT, receipt TEXT, audit_entries INTEGER, created INTEGER);", error))
    return FALSE;
  if (!make_key (p, "province", TRUE) || !make_key (p, "county", FALSE))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot store the server keys: %s",
                   sqlite3_errmsg (p->db));
      return FALSE;
    }
  return TRUE;
}

char *
province_key (Province *p, const char *name, gboolean secret)
{
  sqlite3_stmt *st;
  char *out = NULL;

  sqlite3_prepare_v2 (p->db, secret ? "SELECT secret FROM server_keys WHERE name = ?1"
                                    : "SELECT public FROM server_keys WHERE name = ?1", -1, &st, NULL);
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW)
    out = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return out;
}

void
province_profile_add_keys (Province *p, JsonObject *profile)
{
  JsonObject *k = json_object_new ();
  g_autofree char *prov = province_key (p, "province", FALSE);
  g_autofree char *county = province_key (p, "county", FALSE);

  json_object_set_string_member (k, "province", prov);
  json_object_set_string_member (k, "county", county);
  json_object_set_object_member (profile, "keys", k);
}

/* The first key registered for a workstation stays: a later registration
 * with another key (someone else using the id) does not replace it. */
void
province_station_key_note (Province *p, const char *ws, JsonObject *body)
{
  const char *pk = json_object_get_string_member_with_default (body, "public_key", NULL);
  guint8 raw[32];
  sqlite3_stmt *st;

  if (pk == NULL || !bm_key_from_hex (pk, raw, sizeof raw))
    return;
  sqlite3_prepare_v2 (p->db, "INSERT OR IGNORE INTO station_keys VALUES (?1, ?2)", -1, &st, NULL);
  sqlite3_bind_text (st, 1, ws, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, pk, -1, SQLITE_TRANSIENT);
  sqlite3_step (st);
  sqlite3_finalize (st);
}

typedef struct
{
  Province *p;
  GString *body;
  guint records, photos, audit;
  gboolean ended;
  char *audit_hash;
} Import;

static gboolean
import_item (JsonObject *item, GBytes *bytes, gpointer data, GError **error)
{
  Import *im = data;
  const char *t = json_object_get_string_member_with_default (item, "t", "");

  if (g_str_equal (t, "record") && json_object_has_member (item, "item"))
    {
      g_autofree char *text = json_to_string (json_object_get_member (item, "item"), FALSE);
      if (im->records++ > 0)
        g_string_append_c (im->body, ',');
      g_string_append (im->body, text);
    }
  else if (g_str_equal (t, "photo") && bytes != NULL)
    {
      const char *sha = json_object_get_string_member_with_default (item, "sha256", "");
      gsize n = 0;
      const guchar *raw = g_bytes_get_data (bytes, &n);
      g_autofree char *got = province_sha256_hex (raw, n);
      sqlite3_stmt *st;

      if (g_strcmp0 (got, sha) != 0)
        {
          g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED, "photo %s does not match its hash", sha);
          return FALSE;
        }
      sqlite3_prepare_v2 (im->p->db, "INSERT OR IGNORE INTO photos VALUES (?1, ?2, ?3)", -1, &st, NULL);
      sqlite3_bind_text (st, 1, sha, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 2, n);
      sqlite3_bind_blob (st, 3, raw, n, SQLITE_TRANSIENT);
      sqlite3_step (st);
      sqlite3_finalize (st);
      im->photos++;
    }
  else if (g_str_equal (t, "audit"))
    {
      JsonNode *e = json_object_get_member (item, "entry");
      im->audit++;
      return bm_package_audit_step (&im->audit_hash, e && JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL,
                                    error);
    }
  else if (g_str_equal (t, "end"))
    im->ended = TRUE;
  return TRUE;
}

static char *
lookup (Province *p, const char *sql, const char *key)
{
  sqlite3_stmt *st;
  char *out = NULL;

  sqlite3_prepare_v2 (p->db, sql, -1, &st, NULL);
  sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    out = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return out;
}

/* import PACKAGE --receipt OUT [--point CODE]: 0 imported (or the same
 * package again: the stored receipt, nothing applied), 1 refused (the
 * reason on stderr, "bm-province: CODE: message"). */
gboolean
province_import (Province *p, const char *path, const char *point_arg, const char *receipt_path,
                 GError **error)
{
  g_autoptr(JsonObject) manifest = NULL;
  g_autofree char *registered = NULL, *ws_point = NULL, *stored = NULL, *newest = NULL, *csk_hex = NULL;
  g_autofree char *psk_hex = NULL, *receipt = NULL, *signed_receipt = NULL;
  guint8 csk[crypto_box_SECRETKEYBYTES], psk[crypto_sign_SECRETKEYBYTES];
  const char *package_id, *ws, *point;
  gint64 sequence;
  Import im = { .p = p };
  ProvinceReply reply = { 0 };
  FILE *f;
  gboolean ok;

  if ((f = fopen (path, "rb")) == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "cannot open %s", path);
      return FALSE;
    }
  manifest = bm_package_verify (f, error);
  fclose (f);
  if (manifest == NULL)
    return FALSE;
  package_id = json_object_get_string_member_with_default (manifest, "package_id", "");
  ws = json_object_get_string_member_with_default (manifest, "workstation_id", "");
  point = json_object_get_string_member_with_default (manifest, "point_code", "");
  sequence = json_object_get_int_member_with_default (manifest, "sequence", 0);
  if (!bm_package_check_real (manifest, error))
    return FALSE;
  /* The point: the one the import is for, and the one the station is
   * registered at, whatever the manifest claims. */
  ws_point = lookup (p, "SELECT point_code FROM workstations WHERE id = ?1", ws);
  if (!bm_package_check_point (manifest, point_arg ? point_arg : ws_point, error)
      || (ws_point != NULL && !bm_package_check_point (manifest, ws_point, error)))
    return FALSE;
  registered = lookup (p, "SELECT public_key FROM station_keys WHERE workstation_id = ?1", ws);
  if (!bm_package_check_signer (manifest, registered, error))
    return FALSE;
  /* The same package again: its receipt again, nothing applied. */
  if ((stored = lookup (p, "SELECT receipt FROM packages WHERE package_id = ?1", package_id)) != NULL)
    return g_file_set_contents (receipt_path, stored, -1, error);
  newest = lookup (p, "SELECT MAX (sequence) FROM packages WHERE workstation_id = ?1", ws);
  if (newest != NULL && sequence <= g_ascii_strtoll (newest, NULL, 10))
    {
      bm_package_set_replayed (error, package_id, sequence, g_ascii_strtoll (newest, NULL, 10));
      return FALSE;
    }

  csk_hex = province_key (p, "county", TRUE);
  psk_hex = province_key (p, "province", TRUE);
  if (!bm_key_from_hex (csk_hex, csk, sizeof csk) || !bm_key_from_hex (psk_hex, psk, sizeof psk))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "server keys missing");
      return FALSE;
    }
  im.body = g_string_new (NULL);
  g_string_append_printf (im.body, "{\"batch_id\":\"%s\",\"workstation_id\":\"%s\",\"records\":[", package_id, ws);
  province_begin (p);
  f = fopen (path, "rb");
  ok = f != NULL && bm_package_decrypt (f, csk, import_item, &im, error)
       && bm_package_audit_end (im.audit_hash, manifest, error);
  g_free (im.audit_hash);
  if (f != NULL)
    fclose (f);
  sodium_memzero (csk, sizeof csk);
  /* The payload holds what the manifest counts, no more, no less. */
  if (ok && im.ended
      && (im.records != json_object_get_int_member_with_default (manifest, "records", -1)
          || im.photos != json_object_get_int_member_with_default (manifest, "photos", -1)
          || im.audit != json_object_get_int_member_with_default (manifest, "audit_entries", -1)))
    {
      ok = FALSE;
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED, "the payload does not hold what the manifest counts");
    }
  if (!ok || !im.ended)
    {
      province_rollback (p);
      g_string_free (im.body, TRUE);
      if (ok)
        g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_TRUNCATED, "no end item");
      return FALSE;
    }
  province_commit (p);
  g_string_append (im.body, "]}");
  {
    g_autoptr(GBytes) body = g_bytes_new_take (im.body->str, im.body->len);
    g_string_free (im.body, FALSE);
    /* The network batch rules, without the per-request size limits: a
     * package is one "batch" of any size. */
    p->importing = TRUE;
    province_do_batch (p, ws_point, body, NULL, &reply);
    p->importing = FALSE;
  }
  if (reply.status != 200 || reply.body == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "import refused: %d %s", reply.status,
                   reply.body ? reply.body : "");
      province_reply_clear (&reply);
      return FALSE;
    }
  {
    g_autoptr(JsonNode) answer = json_from_string (reply.body, NULL);
    g_autoptr(JsonObject) r = json_object_new ();
    g_autoptr(JsonNode) rn = json_node_alloc ();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

    json_object_set_string_member (r, "package_id", package_id);
    json_object_set_string_member (r, "workstation_id", ws);
    json_object_set_string_member (r, "point_code", point);
    json_object_set_int_member (r, "sequence", sequence);
    json_object_set_string_member (r, "imported_at", at);
    json_object_set_int_member (r, "records", im.records);
    json_object_set_int_member (r, "photos", im.photos);
    json_object_set_int_member (r, "audit_entries", im.audit);
    json_object_set_member (r, "answer", g_steal_pointer (&answer));
    json_node_init_object (rn, r);
    receipt = json_to_string (rn, FALSE);
  }
  province_reply_clear (&reply);
  signed_receipt = bm_receipt_sign (receipt, psk);
  sodium_memzero (psk, sizeof psk);
  {
    sqlite3_stmt *st;
    sqlite3_prepare_v2 (p->db, "INSERT INTO packages VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)", -1, &st, NULL);
    sqlite3_bind_text (st, 1, package_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (st, 2, ws, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (st, 3, sequence);
    sqlite3_bind_text (st, 4, signed_receipt, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (st, 5, im.audit);
    sqlite3_bind_int64 (st, 6, g_get_real_time ());
    sqlite3_step (st);
    sqlite3_finalize (st);
  }
  return g_file_set_contents (receipt_path, signed_receipt, -1, error);
}
