/* Export package format, writer and reader (bm-package.h, docs/package.md).
 *
 *   "BMPKG\0\1\n"                      8 bytes
 *   u32 n, manifest JSON               n ≤ 1 MiB, readable without a key
 *   u32 80, sealed key                 crypto_box_seal of the stream key
 *   secretstream header                24 bytes
 *   { u32 n, ciphertext }*             one item per chunk, n ≥ 17; an item
 *                                      with "bytes": N is followed by a
 *                                      chunk of N raw bytes (photos)
 *   u32 0                              end of chunks
 *   "BMSIG\0\1\n", signature           Ed25519ph over every byte before
 *
 * Integers are little-endian. Whatever is read is bounded before anything
 * is allocated for it; the reader is fuzzed (tests/fuzz/fuzz-package.c). */
#include "bm-config.h"

#include "bm-package.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-station-keys.h"

static const guint8 MAGIC[8] = { 'B', 'M', 'P', 'K', 'G', 0, 1, '\n' };
static const guint8 SIG_MAGIC[8] = { 'B', 'M', 'S', 'I', 'G', 0, 1, '\n' };
#define SEALED_BYTES (crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES)

G_DEFINE_QUARK (bm-package-error-quark, bm_package_error)

const char *
bm_package_error_code (const GError *error)
{
  static const char *const codes[] = { "format", "truncated", "altered", "resigned", "replayed",
                                       "wrong_point", "training", "key", "receipt" };

  if (error == NULL || error->domain != BM_PACKAGE_ERROR || error->code < 0
      || (gsize) error->code >= G_N_ELEMENTS (codes))
    return NULL;
  return codes[error->code];
}

static void
put_u32 (guint8 *b, guint32 v)
{
  b[0] = v & 0xff;
  b[1] = (v >> 8) & 0xff;
  b[2] = (v >> 16) & 0xff;
  b[3] = (v >> 24) & 0xff;
}

static guint32
get_u32 (const guint8 *b)
{
  return (guint32) b[0] | ((guint32) b[1] << 8) | ((guint32) b[2] << 16) | ((guint32) b[3] << 24);
}

void
bm_package_training_county_keys (guint8 *public_key, guint8 *secret_key)
{
  guint8 seed[crypto_box_SEEDBYTES] = "baoming training county key....";
  guint8 sk[crypto_box_SECRETKEYBYTES];

  crypto_box_seed_keypair (public_key, sk, seed);
  if (secret_key != NULL)
    memcpy (secret_key, sk, sizeof sk);
  sodium_memzero (sk, sizeof sk);
}

/* ---- writer ---- */

struct _BmPackageWriter
{
  FILE *out;
  crypto_sign_state sign;
  crypto_secretstream_xchacha20poly1305_state stream;
  guint8 station_sk[crypto_sign_SECRETKEYBYTES];
  gboolean finished_items;
  gboolean failed;
  GByteArray *cipher;    /* reused: one allocation per package, not per item */
};

static gboolean
w_write (BmPackageWriter *w, const void *data, gsize len, GError **error)
{
  if (len > 0 && fwrite (data, 1, len, w->out) != len)
    {
      int e = errno;
      w->failed = TRUE;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package could not be written: %s"), g_strerror (e));
      return FALSE;
    }
  crypto_sign_update (&w->sign, data, len);
  return TRUE;
}

BmPackageWriter *
bm_package_writer_new (FILE *out, const char *manifest_json, const guint8 *county_public_key,
                       const guint8 *station_secret_key, GError **error)
{
  g_autoptr(BmPackageWriter) w = g_new0 (BmPackageWriter, 1);
  guint8 key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  guint8 sealed[SEALED_BYTES];
  guint8 header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  guint8 len[4];
  gsize mlen = strlen (manifest_json);

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return NULL;
    }
  g_return_val_if_fail (mlen <= BM_PACKAGE_MAX_MANIFEST, NULL);
  w->out = out;
  memcpy (w->station_sk, station_secret_key, sizeof w->station_sk);
  crypto_sign_init (&w->sign);
  crypto_secretstream_xchacha20poly1305_keygen (key);
  crypto_box_seal (sealed, key, sizeof key, county_public_key);
  crypto_secretstream_xchacha20poly1305_init_push (&w->stream, header, key);
  sodium_memzero (key, sizeof key);
  put_u32 (len, (guint32) mlen);
  if (!w_write (w, MAGIC, sizeof MAGIC, error) || !w_write (w, len, 4, error)
      || !w_write (w, manifest_json, mlen, error))
    return NULL;
  put_u32 (len, SEALED_BYTES);
  if (!w_write (w, len, 4, error) || !w_write (w, sealed, sizeof sealed, error)
      || !w_write (w, header, sizeof header, error))
    return NULL;
  return g_steal_pointer (&w);
}

gboolean
bm_package_writer_add_text (BmPackageWriter *w, const char *text, gsize n, gboolean final, GError **error)
{
  unsigned long long clen = 0;
  guint8 len[4];

  g_return_val_if_fail (!w->finished_items, FALSE);
  if (n > BM_PACKAGE_MAX_ITEM)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("An item of the package is larger than a package may hold."));
      return FALSE;
    }
  if (w->cipher == NULL)
    w->cipher = g_byte_array_new ();
  g_byte_array_set_size (w->cipher, n + crypto_secretstream_xchacha20poly1305_ABYTES);
  crypto_secretstream_xchacha20poly1305_push (&w->stream, w->cipher->data, &clen, (const guint8 *) text, n, NULL, 0,
                                              final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  put_u32 (len, (guint32) clen);
  w->finished_items = final;
  return w_write (w, len, 4, error) && w_write (w, w->cipher->data, clen, error);
}

gboolean
bm_package_writer_add (BmPackageWriter *w, JsonNode *item, gboolean final, GError **error)
{
  g_autofree char *text = json_to_string (item, FALSE);
  gsize n = strlen (text);
  gboolean ok = bm_package_writer_add_text (w, text, n, final, error);

  sodium_memzero (text, n);
  return ok;
}

gboolean
bm_package_writer_finish (BmPackageWriter *w, GError **error)
{
  guint8 zero[4] = { 0 };
  guint8 sig[crypto_sign_BYTES];

  g_return_val_if_fail (w->finished_items, FALSE);
  if (!w_write (w, zero, 4, error))
    return FALSE;
  crypto_sign_final_create (&w->sign, sig, NULL, w->station_sk);
  if (fwrite (SIG_MAGIC, 1, sizeof SIG_MAGIC, w->out) != sizeof SIG_MAGIC
      || fwrite (sig, 1, sizeof sig, w->out) != sizeof sig
      || fflush (w->out) != 0 || fsync (fileno (w->out)) != 0)
    {
      int e = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO, _("The package could not be written: %s"), g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

void
bm_package_writer_free (BmPackageWriter *w)
{
  if (w == NULL)
    return;
  if (w->cipher != NULL)
    {
      sodium_memzero (w->cipher->data, w->cipher->len);
      g_byte_array_unref (w->cipher);
    }
  sodium_memzero (w, sizeof *w);
  g_free (w);
}

/* ---- reader ---- */

static gboolean
truncated (GError **error)
{
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_TRUNCATED,
               _("The package is truncated: the file ends before the package does (an interrupted copy or a damaged disc). Ask the point for a new copy."));
  return FALSE;
}

static gboolean
altered (GError **error, const char *what)
{
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED,
               _("The package was altered after the station signed it (%s); it must not be imported. Ask the point for a new copy."),
               what);
  return FALSE;
}

typedef struct
{
  FILE *in;
  crypto_sign_state sign;
} Reader;

static gboolean
r_read (Reader *r, void *buf, gsize len, GError **error)
{
  if (len > 0 && fread (buf, 1, len, r->in) != len)
    return truncated (error);
  crypto_sign_update (&r->sign, buf, len);
  return TRUE;
}

/* The head: magic, manifest, sealed key, stream header. */
static JsonObject *
read_head (Reader *r, guint8 *sealed, guint8 *header, GError **error)
{
  guint8 magic[8], len[4];
  g_autofree char *manifest = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  guint32 n;

  if (fread (magic, 1, sizeof magic, r->in) != sizeof magic || memcmp (magic, MAGIC, 5) != 0)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_FORMAT,
                   _("This file is not a Baoming export package."));
      return NULL;
    }
  if (memcmp (magic, MAGIC, sizeof magic) != 0)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_FORMAT,
                   _("This package was made by a newer version of Baoming; update this program to read it."));
      return NULL;
    }
  crypto_sign_update (&r->sign, magic, sizeof magic);
  if (!r_read (r, len, 4, error))
    return NULL;
  if ((n = get_u32 (len)) == 0 || n > BM_PACKAGE_MAX_MANIFEST)
    {
      altered (error, _("manifest length"));
      return NULL;
    }
  manifest = g_malloc (n + 1);
  if (!r_read (r, manifest, n, error))
    return NULL;
  manifest[n] = '\0';
  if (!g_utf8_validate (manifest, n, NULL) || !json_parser_load_from_data (parser, manifest, n, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      altered (error, _("manifest"));
      return NULL;
    }
  if (!r_read (r, len, 4, error))
    return NULL;
  if (get_u32 (len) != SEALED_BYTES)
    {
      altered (error, _("key block"));
      return NULL;
    }
  if (!r_read (r, sealed, SEALED_BYTES, error)
      || !r_read (r, header, crypto_secretstream_xchacha20poly1305_HEADERBYTES, error))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/* One chunk's length: 0 ends the chunks. */
static gboolean
read_chunk_len (Reader *r, guint32 *n, GError **error)
{
  guint8 len[4];

  if (!r_read (r, len, 4, error))
    return FALSE;
  *n = get_u32 (len);
  if (*n != 0 && (*n < crypto_secretstream_xchacha20poly1305_ABYTES
                  || *n > BM_PACKAGE_MAX_ITEM + crypto_secretstream_xchacha20poly1305_ABYTES))
    return altered (error, _("chunk length"));
  return TRUE;
}

static const char *
manifest_string (JsonObject *m, const char *key)
{
  JsonNode *n = json_object_get_member (m, key);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

JsonObject *
bm_package_verify (FILE *in, GError **error)
{
  Reader r = { .in = in };
  guint8 sealed[SEALED_BYTES], header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  guint8 sig[crypto_sign_BYTES], magic[8], pk[crypto_sign_PUBLICKEYBYTES];
  g_autofree guint8 *buf = g_malloc (64 * 1024);
  g_autoptr(JsonObject) manifest = NULL;
  guint32 n;
  int extra;

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return NULL;
    }
  crypto_sign_init (&r.sign);
  if ((manifest = read_head (&r, sealed, header, error)) == NULL)
    return NULL;
  for (;;)
    {
      if (!read_chunk_len (&r, &n, error))
        return NULL;
      if (n == 0)
        break;
      while (n > 0)
        {
          guint32 step = MIN (n, 64 * 1024);
          if (!r_read (&r, buf, step, error))
            return NULL;
          n -= step;
        }
    }
  if (fread (magic, 1, sizeof magic, in) != sizeof magic)
    {
      truncated (error);
      return NULL;
    }
  if (memcmp (magic, SIG_MAGIC, sizeof magic) != 0)
    {
      altered (error, _("signature block"));
      return NULL;
    }
  if (fread (sig, 1, sizeof sig, in) != sizeof sig)
    {
      truncated (error);
      return NULL;
    }
  if ((extra = fgetc (in)) != EOF)
    {
      altered (error, _("data after the signature"));
      return NULL;
    }
  if (!bm_key_from_hex (manifest_string (manifest, "station_public_key"), pk, sizeof pk))
    {
      altered (error, _("station key in the manifest"));
      return NULL;
    }
  if (crypto_sign_final_verify (&r.sign, sig, pk) != 0)
    {
      altered (error, _("signature does not match"));
      return NULL;
    }
  return g_steal_pointer (&manifest);
}

gboolean
bm_package_decrypt (FILE *in, const guint8 *county_secret_key, BmPackageItemFunc func, gpointer user_data,
                    GError **error)
{
  Reader r = { .in = in };
  guint8 sealed[SEALED_BYTES], header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  guint8 key[crypto_secretstream_xchacha20poly1305_KEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
  crypto_secretstream_xchacha20poly1305_state st;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GByteArray) cipher = g_byte_array_new ();
  g_autoptr(GByteArray) plain = g_byte_array_new ();
  gboolean final = FALSE, ok = FALSE;
  JsonParser *pending = NULL;   /* an item whose raw bytes come next */
  gint64 pending_len = 0;

  if (sodium_init () < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The cryptography library could not start."));
      return FALSE;
    }
  crypto_sign_init (&r.sign);
  if ((manifest = read_head (&r, sealed, header, error)) == NULL)
    return FALSE;
  crypto_scalarmult_base (pk, county_secret_key);
  if (crypto_box_seal_open (key, sealed, sizeof sealed, pk, county_secret_key) != 0)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_KEY,
                   _("The package is not encrypted to this county key; it cannot be opened with it."));
      return FALSE;
    }
  if (crypto_secretstream_xchacha20poly1305_init_pull (&st, header, key) != 0)
    {
      sodium_memzero (key, sizeof key);
      return altered (error, _("stream header"));
    }
  sodium_memzero (key, sizeof key);
  for (;;)
    {
      g_autoptr(JsonParser) parser = NULL;
      unsigned long long plen = 0;
      unsigned char tag = 0;
      const char *text;
      JsonNode *root, *bytes;
      guint32 n;

      if (!read_chunk_len (&r, &n, error))
        goto out;
      if (n == 0)
        break;
      if (final)
        {
          altered (error, _("data after the last item"));
          goto out;
        }
      /* Buffers reused from item to item: no allocation per chunk. */
      g_byte_array_set_size (cipher, n);
      g_byte_array_set_size (plain, n + 1);
      if (!r_read (&r, cipher->data, n, error))
        goto out;
      if (crypto_secretstream_xchacha20poly1305_pull (&st, plain->data, &plen, &tag, cipher->data, n, NULL, 0) != 0)
        {
          altered (error, _("encrypted item"));
          goto out;
        }
      final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (pending != NULL)
        {
          /* The raw bytes an item announced ("bytes"): exactly that many. */
          g_autoptr(GBytes) data = g_bytes_new_static (plain->data, plen);
          gboolean ok_item;

          if ((gint64) plen != pending_len)
            {
              altered (error, _("item"));
              goto out;
            }
          ok_item = func (json_node_get_object (json_parser_get_root (pending)), data, user_data, error);
          g_clear_object (&pending);
          if (!ok_item)
            goto out;
          continue;
        }
      plain->data[plen] = '\0';
      text = (const char *) plain->data;
      parser = json_parser_new ();
      if (!g_utf8_validate (text, plen, NULL) || !json_parser_load_from_data (parser, text, plen, NULL)
          || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          altered (error, _("item"));
          goto out;
        }
      if ((bytes = json_object_get_member (json_node_get_object (root), "bytes")) != NULL)
        {
          if (final || !JSON_NODE_HOLDS_VALUE (bytes) || json_node_get_value_type (bytes) != G_TYPE_INT64
              || json_node_get_int (bytes) < 0 || json_node_get_int (bytes) > BM_PACKAGE_MAX_ITEM)
            {
              altered (error, _("item"));
              goto out;
            }
          pending_len = json_node_get_int (bytes);
          pending = g_steal_pointer (&parser);
          continue;
        }
      if (!func (json_node_get_object (root), NULL, user_data, error))
        goto out;
    }
  if (!final || pending != NULL)
    truncated (error);
  else
    ok = TRUE;
out:
  g_clear_object (&pending);
  sodium_memzero (plain->data, plain->len);
  return ok;
}

/* ---- checks that know the reader ---- */

gboolean
bm_package_check_signer (JsonObject *manifest, const char *registered_public_hex, GError **error)
{
  const char *pk = manifest_string (manifest, "station_public_key");

  if (registered_public_hex != NULL && g_strcmp0 (pk, registered_public_hex) == 0)
    return TRUE;
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RESIGNED,
               _("The package is signed by a key that is not the one registered for workstation %s; someone re-signed it. It must not be imported."),
               manifest_string (manifest, "workstation_id") ? manifest_string (manifest, "workstation_id") : "?");
  return FALSE;
}

gboolean
bm_package_check_point (JsonObject *manifest, const char *point_code, GError **error)
{
  const char *point = manifest_string (manifest, "point_code");

  if (point != NULL && g_strcmp0 (point, point_code) == 0)
    return TRUE;
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_WRONG_POINT,
               _("The package is from point %s, not from point %s; it was not imported."),
               point ? point : "?", point_code ? point_code : "?");
  return FALSE;
}

gboolean
bm_package_check_real (JsonObject *manifest, GError **error)
{
  JsonNode *t = json_object_get_member (manifest, "training");

  if (t != NULL && JSON_NODE_HOLDS_VALUE (t) && json_node_get_value_type (t) == G_TYPE_BOOLEAN
      && !json_node_get_boolean (t))
    return TRUE;
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_TRAINING,
               _("This is a training package; training data is never imported as real registrations."));
  return FALSE;
}

void
bm_package_set_replayed (GError **error, const char *package_id, gint64 sequence, gint64 newest_sequence)
{
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_REPLAYED,
               _("Package %s (number %lld of its station) is older than package %lld already imported from that station; an old package offered again is not imported."),
               package_id ? package_id : "?", (long long) sequence, (long long) newest_sequence);
}

/* ---- the audit chain inside a package ---- */

gboolean
bm_package_audit_step (char **last_hash, JsonObject *entry, GError **error)
{
  const char *prev = entry ? manifest_string (entry, "prev_hash") : NULL;
  const char *hash = entry ? manifest_string (entry, "hash") : NULL;

  if (hash == NULL || prev == NULL || (*last_hash != NULL && g_strcmp0 (prev, *last_hash) != 0))
    return altered (error, _("audit chain"));
  g_free (*last_hash);
  *last_hash = g_strdup (hash);
  return TRUE;
}

gboolean
bm_package_audit_end (const char *last_hash, JsonObject *manifest, GError **error)
{
  if (last_hash == NULL || g_strcmp0 (last_hash, manifest_string (manifest, "audit_head")) == 0)
    return TRUE;
  return altered (error, _("audit chain"));
}

/* ---- receipts ---- */

char *
bm_receipt_sign (const char *receipt_text, const guint8 *province_secret_key)
{
  guint8 sig[crypto_sign_BYTES];
  g_autofree char *hex = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_alloc ();

  crypto_sign_detached (sig, NULL, (const guint8 *) receipt_text, strlen (receipt_text), province_secret_key);
  hex = bm_key_to_hex (sig, sizeof sig);
  json_object_set_string_member (o, "format", "baoming-receipt/1");
  json_object_set_string_member (o, "receipt", receipt_text);
  json_object_set_string_member (o, "signature", hex);
  json_node_init_object (node, o);
  return json_to_string (node, TRUE);
}

JsonObject *
bm_receipt_open (const char *file_text, gsize len, const char *province_public_hex, char **receipt_text,
                 GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) inner = json_parser_new ();
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  JsonObject *o;
  const char *text, *hex;
  JsonNode *root;

  if (sodium_init () < 0 || !json_parser_load_from_data (parser, file_text, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (text = manifest_string (o = json_node_get_object (root), "receipt")) == NULL
      || (hex = manifest_string (o, "signature")) == NULL || !bm_key_from_hex (hex, sig, sizeof sig))
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT, _("This file is not a Baoming receipt."));
      return NULL;
    }
  if (!bm_key_from_hex (province_public_hex, pk, sizeof pk))
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT,
                   _("This workstation has no province key to check a receipt with; set it up from the provincial server first."));
      return NULL;
    }
  if (crypto_sign_verify_detached (sig, (const guint8 *) text, strlen (text), pk) != 0)
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT,
                   _("The receipt is not signed by the province key; it was altered or is not genuine. Nothing was marked."));
      return NULL;
    }
  if (!json_parser_load_from_data (inner, text, -1, NULL) || (root = json_parser_get_root (inner)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_RECEIPT, _("This file is not a Baoming receipt."));
      return NULL;
    }
  if (receipt_text != NULL)
    *receipt_text = g_strdup (text);
  return json_object_ref (json_node_get_object (root));
}
