/* Station signing keys (bm-station-keys.h). The key file sits next to the
 * store ("<store>.station-key") so that each store, training or real, has
 * its own; it is written atomically and durably with mode 0600. */
#include "bm-config.h"

#include "bm-station-keys.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "bm-error.h"

#define KEY_FILE_MAGIC "baoming-station-key 1"

gboolean
bm_key_from_hex (const char *hex, guint8 *out, gsize len)
{
  size_t got = 0;

  if (hex == NULL || strlen (hex) != 2 * len)
    return FALSE;
  return sodium_hex2bin (out, len, hex, 2 * len, NULL, &got, NULL) == 0 && got == len;
}

char *
bm_key_to_hex (const guint8 *key, gsize len)
{
  char *hex = g_malloc (2 * len + 1);

  sodium_bin2hex (hex, 2 * len + 1, key, len);
  return hex;
}

char *
bm_station_keys_path (const char *store_path)
{
  return g_strconcat (store_path, ".station-key", NULL);
}

void
bm_station_keys_free (BmStationKeys *keys)
{
  if (keys == NULL)
    return;
  sodium_memzero (keys, sizeof *keys);
  g_free (keys);
}

char *
bm_station_keys_public_hex (const BmStationKeys *keys)
{
  return bm_key_to_hex (keys->public_key, sizeof keys->public_key);
}

static BmStationKeys *
parse_key_file (const char *path, const char *text, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(BmStationKeys) keys = g_new0 (BmStationKeys, 1);
  guint8 check[BM_STATION_PUBLIC_KEY_BYTES];
  gboolean have_pk = FALSE, have_sk = FALSE, have_mode = FALSE;

  if (lines[0] == NULL || g_strcmp0 (lines[0], KEY_FILE_MAGIC) != 0)
    goto bad;
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "training "))
        {
          keys->training = g_str_equal (lines[i] + 9, "1");
          have_mode = TRUE;
        }
      else if (g_str_has_prefix (lines[i], "public "))
        have_pk = bm_key_from_hex (lines[i] + 7, keys->public_key, sizeof keys->public_key);
      else if (g_str_has_prefix (lines[i], "secret "))
        have_sk = bm_key_from_hex (lines[i] + 7, keys->secret_key, sizeof keys->secret_key);
    }
  /* The secret key holds its public half: a file whose two halves disagree
   * was damaged or edited, and would sign packages nobody can check. */
  if (!have_pk || !have_sk || !have_mode
      || crypto_sign_ed25519_sk_to_pk (check, keys->secret_key) != 0
      || sodium_memcmp (check, keys->public_key, sizeof check) != 0)
    goto bad;
  return g_steal_pointer (&keys);

bad:
  g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
               _("The station key file %s is damaged; packages cannot be signed. Ask the county office to register a new key."),
               path);
  return NULL;
}

BmStationKeys *
bm_station_keys_load (const char *store_path, GError **error)
{
  g_autofree char *path = bm_station_keys_path (store_path);
  g_autofree char *text = NULL;
  gsize len = 0;
  BmStationKeys *keys;

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  keys = parse_key_file (path, text, error);
  sodium_memzero (text, len);
  /* A file someone copied with a looser mode is tightened again. */
  if (keys != NULL)
    {
      GStatBuf st;
      if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
        g_chmod (path, 0600);
    }
  return keys;
}

BmStationKeys *
bm_station_keys_load_or_create (const char *store_path, gboolean training, GError **error)
{
  g_autofree char *path = bm_station_keys_path (store_path);
  g_autoptr(BmStationKeys) keys = NULL;
  g_autofree char *pk = NULL, *sk = NULL, *text = NULL;
  g_autoptr(GError) local = NULL;
  gboolean ok;

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return NULL;
    }
  keys = bm_station_keys_load (store_path, &local);
  if (keys != NULL)
    {
      if (keys->training != training)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                       training ? _("The station key beside this training database is a real station's key; training never signs with it.")
                                : _("The station key beside this database is a training key; real packages are never signed with it."));
          return NULL;
        }
      return g_steal_pointer (&keys);
    }
  if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  keys = g_new0 (BmStationKeys, 1);
  keys->training = training;
  crypto_sign_keypair (keys->public_key, keys->secret_key);
  pk = bm_key_to_hex (keys->public_key, sizeof keys->public_key);
  sk = bm_key_to_hex (keys->secret_key, sizeof keys->secret_key);
  text = g_strdup_printf (KEY_FILE_MAGIC "\ntraining %d\npublic %s\nsecret %s\n", training ? 1 : 0, pk, sk);
  ok = g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
  sodium_memzero (sk, strlen (sk));
  sodium_memzero (text, strlen (text));
  if (!ok)
    return NULL;
  return g_steal_pointer (&keys);
}
