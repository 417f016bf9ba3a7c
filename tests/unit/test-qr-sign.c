/* Signed login card QR text (bm-qr-sign.c, docs/qr.md, issue 14). */
#include "bm-config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bm-error.h"
#include "bm-qr-sign.h"
#include "bm-station-keys.h"

#define WS "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

typedef struct {
  char *dir;
  BmStationKeys *a;
  BmStationKeys *b;
} Fixture;

static BmStationKeys *
make_keys (const char *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store = g_build_filename (dir, name, NULL);
  g_autofree char *path = bm_station_keys_path (store);
  BmStationKeys *keys = bm_station_keys_load_or_create (store, FALSE, &error);

  g_assert_no_error (error);
  g_unlink (path);
  return keys;
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("bm-qr-XXXXXX", NULL);
  f->a = make_keys (f->dir, "a.db");
  f->b = make_keys (f->dir, "b.db");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  bm_station_keys_free (f->a);
  bm_station_keys_free (f->b);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = bm_qr_sign (f->a, WS, "0102000123", "欧阳娜娜");
  g_autofree char *digest = bm_qr_name_digest ("欧阳娜娜");
  g_autoptr(BmQrInfo) info = NULL;
  g_auto(GStrv) parts = NULL;

  g_assert_nonnull (text);
  parts = g_strsplit (text, ".", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 5);
  g_assert_cmpstr (parts[0], ==, "BM1");
  g_assert_cmpstr (parts[1], ==, "0102000123");
  g_assert_cmpuint (strlen (parts[2]), ==, 11);   /* 8 bytes, base64url */
  g_assert_cmpstr (parts[2], ==, digest);
  g_assert_cmpstr (parts[3], ==, WS);
  g_assert_cmpuint (strlen (parts[4]), ==, 86);   /* the whole 64-byte signature */
  g_assert_cmpuint (strspn (parts[4], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), ==, 86);

  g_assert_true (bm_qr_verify (text, f->a->public_key, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bm_qr_verify (text, f->a->public_key, "欧阳娜娜", &error));
  g_assert_no_error (error);
  info = bm_qr_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->number, ==, "0102000123");
  g_assert_cmpstr (info->workstation_id, ==, WS);

  /* A '.' in a field would make the text ambiguous: nothing is signed. */
  g_assert_null (bm_qr_sign (f->a, "ws.1", "0102000123", "x"));
  g_assert_null (bm_qr_sign (f->a, "", "0102000123", "x"));
}

/* Every single character changed, anywhere in the text, is refused. */
static void
test_one_changed_character (Fixture *f, gconstpointer data)
{
  g_autofree char *text = bm_qr_sign (f->a, WS, "0102000123", "李四");
  gsize len = strlen (text);

  for (gsize i = 0; i < len; i++)
    {
      g_autofree char *bad = g_strdup (text);
      g_autoptr(GError) error = NULL;

      bad[i] = bad[i] == 'A' ? 'B' : 'A';
      g_assert_false (bm_qr_verify (bad, f->a->public_key, NULL, &error));
      g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
    }
  /* Truncated or extended: refused too. */
  text[len - 1] = '\0';
  g_assert_false (bm_qr_verify (text, f->a->public_key, NULL, NULL));
  g_assert_false (bm_qr_verify ("https://www.hneao.cn/ks?bmxh=0102000123", f->a->public_key, NULL, NULL));
  g_assert_false (bm_qr_verify ("", f->a->public_key, NULL, NULL));
}

static void
test_other_station (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = bm_qr_sign (f->a, WS, "0102000123", "李四");
  g_autofree char *forged = bm_qr_sign (f->b, WS, "0102000123", "李四");

  g_assert_false (bm_qr_verify (text, f->b->public_key, NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  /* Station B claiming station A's workstation id does not pass for A. */
  g_assert_false (bm_qr_verify (forged, f->a->public_key, NULL, NULL));
}

static void
test_name_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = bm_qr_sign (f->a, WS, "0102000123", "李四");
  /* NFC: é composed and decomposed are the same name. */
  g_autofree char *accented = bm_qr_sign (f->a, WS, "0102000124", "Ren\xc3\xa9");

  g_assert_false (bm_qr_verify (text, f->a->public_key, "李三", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_true (bm_qr_verify (accented, f->a->public_key, "Rene\xcc\x81", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/qr-sign/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/qr-sign/one-changed-character", Fixture, NULL, setup, test_one_changed_character, teardown);
  g_test_add ("/qr-sign/other-station", Fixture, NULL, setup, test_other_station, teardown);
  g_test_add ("/qr-sign/name-mismatch", Fixture, NULL, setup, test_name_mismatch, teardown);
  return g_test_run ();
}
