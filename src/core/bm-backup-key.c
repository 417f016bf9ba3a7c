/* The backup key (docs/backup.md). A recovery code, shown once to the
 * supervisor, derives (Argon2id) a seed, and the seed an X25519 key pair.
 * The store keeps only the public key: each backup's stream key is sealed
 * to it (crypto_box_seal), so whoever steals the station, or copies the
 * database, can make backups but cannot open any, old or new. Opening one
 * takes the code, typed in on the replacement station. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "bm-backup-private.h"
#include "bm-error.h"
#include "bm-random.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

static const char code_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
bm_backup_key_free (BmBackupKey *key)
{
  if (key == NULL)
    return;
  g_free (key->id);
  g_free (key);
}

BmBackupKey *
bm_backup_key_copy (const BmBackupKey *key)
{
  BmBackupKey *copy = g_memdup2 (key, sizeof *key);

  copy->id = g_strdup (key->id);
  return copy;
}

const char *
bm_backup_key_get_id (const BmBackupKey *key)
{
  return key->id;
}

char *
bm_backup_key_id_for (const guint8 public_key[crypto_box_PUBLICKEYBYTES])
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, public_key, crypto_box_PUBLICKEYBYTES);
  return g_strndup (g_checksum_get_string (sum), 16);
}

char *
bm_backup_code_normalize (const char *text)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GString) grouped = g_string_new (NULL);

  if (text == NULL)
    return NULL;
  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r')
        continue;
      if (c == '0')
        c = 'O';
      else if (c == '1')
        c = 'I';
      else if (c == '8')
        c = 'B';
      if (strchr (code_alphabet, c) == NULL || c == '\0')
        return NULL;
      g_string_append_c (plain, c);
    }
  if (plain->len != BM_BACKUP_CODE_CHARS)
    return NULL;
  for (gsize i = 0; i < plain->len; i += 5)
    {
      if (i > 0)
        g_string_append_c (grouped, '-');
      g_string_append_len (grouped, plain->str + i, 5);
    }
  return g_string_free (g_steal_pointer (&grouped), FALSE);
}

/* The key pair from a (normalized) code. */
gboolean
bm_backup_derive_keypair (const char *code, const guint8 *salt, guint64 opslimit, gsize memlimit,
                          guint8 public_key[crypto_box_PUBLICKEYBYTES],
                          guint8 secret_key[crypto_box_SECRETKEYBYTES], GError **error)
{
  guint8 seed[crypto_box_SEEDBYTES];
  gboolean ok;

  if (sodium_init () < 0
      || crypto_pwhash (seed, sizeof seed, code, strlen (code), salt, opslimit, memlimit,
                        crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED,
                   _("The backup key could not be derived (not enough memory?)."));
      return FALSE;
    }
  ok = crypto_box_seed_keypair (public_key, secret_key, seed) == 0;
  sodium_memzero (seed, sizeof seed);
  if (!ok)
    g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The backup key could not be derived."));
  return ok;
}

static gboolean
decode_b64 (const char *text, guint8 *out, gsize len)
{
  g_autofree guchar *raw = NULL;
  gsize n = 0;

  if (text == NULL)
    return FALSE;
  raw = g_base64_decode (text, &n);
  if (n != len)
    return FALSE;
  memcpy (out, raw, len);
  return TRUE;
}

BmBackupKey *
bm_backup_key_load (BmStore *store, GError **error)
{
  g_autofree char *pk = bm_store_dup_meta (store, "backup_public_key");
  g_autofree char *salt = bm_store_dup_meta (store, "backup_salt");
  g_autofree char *ops = bm_store_dup_meta (store, "backup_opslimit");
  g_autofree char *mem = bm_store_dup_meta (store, "backup_memlimit");
  g_autoptr(BmBackupKey) key = g_new0 (BmBackupKey, 1);

  if (pk == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("This workstation has no backup recovery code yet. A supervisor makes one with “baoming-cli backup code” (or the first “backup now”) and keeps it on paper."));
      return NULL;
    }
  if (!decode_b64 (pk, key->public_key, sizeof key->public_key)
      || !decode_b64 (salt, key->salt, sizeof key->salt)
      || ops == NULL || mem == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   _("The backup key kept in the database is damaged. A supervisor makes a new recovery code with “baoming-cli backup code --renew”."));
      return NULL;
    }
  key->opslimit = g_ascii_strtoull (ops, NULL, 10);
  key->memlimit = g_ascii_strtoull (mem, NULL, 10);
  key->id = bm_backup_key_id_for (key->public_key);
  return g_steal_pointer (&key);
}

char *
bm_backup_key_create (BmStore *store, const char *supervisor, GError **error)
{
  guint8 random[BM_BACKUP_CODE_CHARS];
  guint8 salt[crypto_pwhash_SALTBYTES];
  guint8 pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  char plain[BM_BACKUP_CODE_CHARS + 1];
  g_autofree char *code = NULL;
  g_autofree char *pk_text = NULL;
  g_autofree char *salt_text = NULL;
  g_autofree char *ops = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) BM_BACKUP_OPSLIMIT);
  g_autofree char *mem = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) BM_BACKUP_MEMLIMIT);
  g_autofree char *id = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *previous = NULL;

  if (!bm_store_check_role (store, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error)
      || !bm_random_bytes (random, sizeof random, error)
      || !bm_random_bytes (salt, sizeof salt, error))
    return NULL;
  for (gsize i = 0; i < sizeof random; i++)
    plain[i] = code_alphabet[random[i] & 31];
  plain[BM_BACKUP_CODE_CHARS] = '\0';
  sodium_memzero (random, sizeof random);
  code = bm_backup_code_normalize (plain);
  sodium_memzero (plain, sizeof plain);
  if (!bm_backup_derive_keypair (code, salt, BM_BACKUP_OPSLIMIT, BM_BACKUP_MEMLIMIT, pk, sk, error))
    return NULL;
  sodium_memzero (sk, sizeof sk);
  pk_text = g_base64_encode (pk, sizeof pk);
  salt_text = g_base64_encode (salt, sizeof salt);
  id = bm_backup_key_id_for (pk);
  previous = bm_store_dup_meta (store, "backup_key_id");

  json_object_set_string_member (detail, "key_id", id);
  if (previous != NULL)
    json_object_set_string_member (detail, "previous_key_id", previous);
  if (!bm_store_transaction_begin (store, error))
    return NULL;
  if (!bm_store_set_meta (store, "backup_public_key", pk_text, error)
      || !bm_store_set_meta (store, "backup_salt", salt_text, error)
      || !bm_store_set_meta (store, "backup_opslimit", ops, error)
      || !bm_store_set_meta (store, "backup_memlimit", mem, error)
      || !bm_store_set_meta (store, "backup_key_id", id, error)
      || !bm_store_set_meta (store, "backup_key_created", now, error)
      || !bm_store_audit_append (store, supervisor, NULL, "backup_code", detail, error)
      || !bm_store_transaction_commit (store, error))
    {
      bm_store_transaction_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&code);
}

char *
bm_backup_dup_dir (BmStore *store)
{
  g_autofree char *dir = bm_store_dup_meta (store, "backup_dir");

  if (dir == NULL || *dir == '\0')
    return NULL;
  return g_steal_pointer (&dir);
}

gboolean
bm_backup_set_dir (BmStore *store, const char *dir, const char *supervisor, GError **error)
{
  g_autoptr(JsonObject) detail = json_object_new ();

  if (!bm_store_check_role (store, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  if (dir != NULL && *dir != '\0' && !g_path_is_absolute (dir))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The backup folder must be given as an absolute path (%s is not)."), dir);
      return FALSE;
    }
  json_object_set_string_member (detail, "dir", dir ? dir : "");
  if (!bm_store_transaction_begin (store, error))
    return FALSE;
  if (!bm_store_set_meta (store, "backup_dir", dir ? dir : "", error)
      || !bm_store_audit_append (store, supervisor, NULL, "backup_dir", detail, error)
      || !bm_store_transaction_commit (store, error))
    {
      bm_store_transaction_rollback (store);
      return FALSE;
    }
  return TRUE;
}
