/* Station keys and the export package reader/writer (bm-station-keys.c,
 * bm-package.c) on real files, without a store: the key file's mode and
 * stability, the training mark, a damaged key file; a package read back
 * item by item; every truncation and every single-bit change of a package
 * refused, each with the right code; a wrong county key; a forged receipt.
 * The whole hand-over over HTTPS: tests/sync/test-package.sh. */
#include "bm-config.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "bm-error.h"
#include "bm-package.h"
#include "bm-station-keys.h"
#include "bm-test-util.h"

static void
test_keys (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *store = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *path = bm_station_keys_path (store);
  g_autoptr(BmStationKeys) a = NULL;
  g_autoptr(BmStationKeys) b = NULL;
  g_autoptr(BmStationKeys) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;

  a = bm_station_keys_load_or_create (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  b = bm_station_keys_load_or_create (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->public_key, 32, b->public_key, 32);
  g_assert_cmpmem (a->secret_key, 64, b->secret_key, 64);
  g_assert_false (b->training);

  /* A real key is never a training key, nor the other way round. */
  c = bm_station_keys_load_or_create (store, TRUE, &error);
  g_assert_null (c);
  g_assert_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH);
  g_clear_error (&error);

  /* Copied with a loose mode: tightened again on load. */
  g_chmod (path, 0644);
  g_clear_pointer (&b, bm_station_keys_free);
  b = bm_station_keys_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A file whose halves disagree is damaged, not silently used. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  {
    char *p = strstr (text, "public ");
    g_assert_nonnull (p);
    p[7] = p[7] == '0' ? '1' : '0';
  }
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_clear_pointer (&b, bm_station_keys_free);
  b = bm_station_keys_load_or_create (store, FALSE, &error);
  g_assert_null (b);
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);

  g_clear_pointer (&store, g_free);
  store = g_build_filename (dir, "training.db", NULL);
  c = bm_station_keys_load_or_create (store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (c->training);
  g_assert_cmpint (memcmp (c->public_key, a->public_key, 32), !=, 0);
}

typedef struct
{
  guint n;
  gboolean end;
  gsize raw;
} Count;

static gboolean
count_item (JsonObject *item, GBytes *bytes, gpointer data, GError **error)
{
  Count *c = data;
  c->n++;
  if (bytes != NULL)
    {
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\xff\0\xd9", 3);
      c->raw += g_bytes_get_size (bytes);
    }
  c->end = g_str_equal (json_object_get_string_member_with_default (item, "t", ""), "end");
  return TRUE;
}

static GBytes *
make_package (const char *dir, const BmStationKeys *keys, const guint8 *county_pk)
{
  g_autofree char *pk = bm_station_keys_public_hex (keys);
  g_autofree char *manifest = g_strdup_printf ("{\"package_id\":\"p1\",\"workstation_id\":\"ws\","
                                               "\"point_code\":\"010201\",\"training\":false,"
                                               "\"station_public_key\":\"%s\"}", pk);
  g_autofree char *path = g_build_filename (dir, "p.bmpkg", NULL);
  g_autofree char *buf = NULL;
  gsize len = 0;
  FILE *f = g_fopen (path, "wb");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmPackageWriter) w = bm_package_writer_new (f, manifest, county_pk, keys->secret_key, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) n = json_from_string (i == 0 ? "{\"t\":\"record\",\"x\":\"一二三\"}"
                                                : i == 1 ? "{\"t\":\"photo\",\"bytes\":3}" : "{\"t\":\"end\"}", NULL);
      g_assert_true (bm_package_writer_add (w, n, i == 2, &error));
      /* A photo's bytes follow its item as one raw chunk. */
      if (i == 1)
        g_assert_true (bm_package_writer_add_text (w, "\xff\0\xd9", 3, FALSE, &error));
    }
  g_assert_true (bm_package_writer_finish (w, &error));
  g_assert_no_error (error);
  fclose (f);
  g_assert_true (g_file_get_contents (path, &buf, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&buf), len);
}

static JsonObject *
verify_bytes (const guint8 *data, gsize len, GError **error)
{
  FILE *f = fmemopen ((void *) data, len, "rb");
  JsonObject *m;

  if (len == 0)
    f = fopen ("/dev/null", "rb");
  m = bm_package_verify (f, error);
  fclose (f);
  return m;
}

static void
test_package (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *store = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(BmStationKeys) keys = bm_station_keys_load_or_create (store, FALSE, NULL);
  g_autoptr(GBytes) pkg = NULL;
  g_autoptr(JsonObject) m = NULL;
  g_autoptr(GError) error = NULL;
  guint8 cpk[32], csk[32], opk[32], osk[32];
  const guint8 *data;
  gsize len;
  Count count = { 0 };
  FILE *f;

  g_assert_nonnull (keys);
  crypto_box_keypair (cpk, csk);
  crypto_box_keypair (opk, osk);
  pkg = make_package (dir, keys, cpk);
  data = g_bytes_get_data (pkg, &len);

  m = verify_bytes (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (m, "package_id"), ==, "p1");
  f = fmemopen ((void *) data, len, "rb");
  g_assert_true (bm_package_decrypt (f, csk, count_item, &count, &error));
  g_assert_no_error (error);
  fclose (f);
  g_assert_cmpuint (count.n, ==, 3);
  g_assert_cmpuint (count.raw, ==, 3);
  g_assert_true (count.end);

  /* Another county's key opens nothing. */
  f = fmemopen ((void *) data, len, "rb");
  g_assert_false (bm_package_decrypt (f, osk, count_item, &count, &error));
  g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_KEY);
  g_clear_error (&error);
  fclose (f);

  /* Every truncation is refused: not a package (under 8 bytes) or truncated. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(JsonObject) t = verify_bytes (data, cut, &error);
      g_assert_null (t);
      g_assert_true (error->domain == BM_PACKAGE_ERROR);
      g_assert_cmpint (error->code, ==, cut < 8 ? BM_PACKAGE_ERROR_FORMAT : BM_PACKAGE_ERROR_TRUNCATED);
      g_clear_error (&error);
    }
  /* Every single-bit change is refused, and never read as intact. */
  for (gsize i = 0; i < len; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr(JsonObject) t = NULL;

      copy[i] ^= 0x04;
      t = verify_bytes (copy, len, &error);
      g_assert_null (t);
      g_assert_true (error->domain == BM_PACKAGE_ERROR);
      g_clear_error (&error);
    }
  /* Anything after the signature. */
  {
    g_autofree guint8 *longer = g_malloc (len + 1);
    g_autoptr(JsonObject) t = NULL;
    memcpy (longer, data, len);
    longer[len] = '\n';
    t = verify_bytes (longer, len + 1, &error);
    g_assert_null (t);
    g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED);
    g_clear_error (&error);
  }
  g_assert_true (bm_package_check_point (m, "010201", NULL));
  g_assert_false (bm_package_check_point (m, "010202", &error));
  g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_WRONG_POINT);
  g_clear_error (&error);
  g_assert_true (bm_package_check_real (m, NULL));
  g_assert_false (bm_package_check_signer (m, "00", &error));
  g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RESIGNED);
  g_clear_error (&error);
}

static void
test_audit_chain (void)
{
  g_autoptr(JsonObject) m = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  const char *entries[] = { "{\"prev_hash\":\"0\",\"hash\":\"a\"}", "{\"prev_hash\":\"a\",\"hash\":\"b\"}",
                            "{\"prev_hash\":\"x\",\"hash\":\"c\"}" };

  json_object_set_string_member (m, "audit_head", "b");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) n = json_from_string (entries[i], NULL);
      g_assert_true (bm_package_audit_step (&last, json_node_get_object (n), &error));
    }
  g_assert_true (bm_package_audit_end (last, m, &error));
  g_assert_no_error (error);
  json_object_set_string_member (m, "audit_head", "c");
  g_assert_false (bm_package_audit_end (last, m, &error));
  g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED);
  g_clear_error (&error);
  {
    /* An entry left out: the next one does not link to the one before. */
    g_autoptr(JsonNode) n = json_from_string (entries[2], NULL);
    g_assert_false (bm_package_audit_step (&last, json_node_get_object (n), &error));
    g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED);
  }
}

static void
test_receipt (void)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  g_autofree char *pk_hex = NULL, *signed_text = NULL, *forged = NULL, *text = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(GError) error = NULL;
  char *p;

  g_assert_cmpint (sodium_init (), >=, 0);
  crypto_sign_keypair (pk, sk);
  pk_hex = bm_key_to_hex (pk, sizeof pk);
  signed_text = bm_receipt_sign ("{\"package_id\":\"p1\",\"status\":\"accepted\"}", sk);
  r = bm_receipt_open (signed_text, strlen (signed_text), pk_hex, &text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (r, "package_id"), ==, "p1");
  forged = g_strdup (signed_text);
  p = strstr (forged, "accepted");
  g_assert_nonnull (p);
  memcpy (p, "rejected", 8);
  g_clear_pointer (&r, json_object_unref);
  r = bm_receipt_open (forged, strlen (forged), pk_hex, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/package/keys", test_keys);
  g_test_add_func ("/package/reader", test_package);
  g_test_add_func ("/package/audit-chain", test_audit_chain);
  g_test_add_func ("/package/receipt", test_receipt);
  return g_test_run ();
}
