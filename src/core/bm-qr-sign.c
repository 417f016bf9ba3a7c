/* Signed QR text of the login card (bm-qr-sign.h, docs/qr.md). */
#include "bm-config.h"

#include "bm-qr-sign.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "bm-error.h"

#define DIGEST_BYTES 8

void
bm_qr_info_free (BmQrInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->number);
  g_free (info->name_digest);
  g_free (info->workstation_id);
  g_free (info);
}

static char *
to_b64url (const guint8 *bin, gsize len)
{
  gsize size = sodium_base64_ENCODED_LEN (len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = g_malloc (size);

  sodium_bin2base64 (out, size, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

/* NFC first: the same name typed on another input method, or read from the
 * ID card, gives the same digest. */
char *
bm_qr_name_digest (const char *name)
{
  g_autofree char *nfc = g_utf8_normalize (name != NULL ? name : "", -1, G_NORMALIZE_NFC);
  guint8 hash[crypto_hash_sha256_BYTES];

  if (sodium_init () < 0)
    return NULL;
  if (nfc == NULL)
    nfc = g_strdup (name);
  crypto_hash_sha256 (hash, (const guint8 *) nfc, strlen (nfc));
  return to_b64url (hash, DIGEST_BYTES);
}

/* Fields are separated by '.', which neither a number nor base64url uses;
 * a workstation id holding one (or nothing) cannot be signed unambiguously. */
static gboolean
field_ok (const char *s)
{
  return s != NULL && *s != '\0' && strchr (s, '.') == NULL && g_utf8_validate (s, -1, NULL);
}

char *
bm_qr_sign (const BmStationKeys *keys,
            const char          *workstation_id,
            const char          *number,
            const char          *name)
{
  g_autofree char *digest = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sig_text = NULL;
  guint8 sig[crypto_sign_BYTES];

  g_return_val_if_fail (keys != NULL, NULL);
  if (!field_ok (workstation_id) || !field_ok (number) || (digest = bm_qr_name_digest (name)) == NULL)
    return NULL;
  body = g_strdup_printf (BM_QR_PREFIX ".%s.%s.%s", number, digest, workstation_id);
  crypto_sign_detached (sig, NULL, (const guint8 *) body, strlen (body), keys->secret_key);
  sig_text = to_b64url (sig, sizeof sig);
  return g_strconcat (body, ".", sig_text, NULL);
}

BmQrInfo *
bm_qr_parse (const char *text, GError **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(BmQrInfo) info = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || !g_str_has_prefix (text, BM_QR_PREFIX "."))
    goto bad;
  parts = g_strsplit (text, ".", -1);
  if (g_strv_length (parts) != 5)
    goto bad;
  for (guint i = 1; i < 5; i++)
    if (*parts[i] == '\0')
      goto bad;
  info = g_new0 (BmQrInfo, 1);
  info->number = g_strdup (parts[1]);
  info->name_digest = g_strdup (parts[2]);
  info->workstation_id = g_strdup (parts[3]);
  return g_steal_pointer (&info);

bad:
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("This is not a signed login card code (it should start with %s and have five parts)."), BM_QR_PREFIX);
  return NULL;
}

gboolean
bm_qr_verify (const char   *text,
              const guint8 *public_key,
              const char   *name,
              GError      **error)
{
  g_autoptr(BmQrInfo) info = bm_qr_parse (text, error);
  const char *dot;
  guint8 sig[crypto_sign_BYTES];
  size_t sig_len = 0;
  const char *end = NULL;

  if (info == NULL)
    return FALSE;
  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return FALSE;
    }
  dot = strrchr (text, '.');
  /* Strict decoding: a changed character in the signature is refused
   * rather than decoded to the same bytes (no padding, no spaces). */
  if (sodium_base642bin (sig, sizeof sig, dot + 1, strlen (dot + 1), NULL, &sig_len, &end,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0
      || sig_len != sizeof sig || end == NULL || *end != '\0'
      || crypto_sign_verify_detached (sig, (const guint8 *) text, dot - text, public_key) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The login card code is not genuine: its signature does not match the station key."));
      return FALSE;
    }
  if (name != NULL)
    {
      g_autofree char *digest = bm_qr_name_digest (name);

      if (g_strcmp0 (digest, info->name_digest) != 0)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The login card code is signed, but for another name."));
          return FALSE;
        }
    }
  return TRUE;
}
