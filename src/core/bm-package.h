#pragma once

/* Export packages (issue 14, docs/package.md): one file a registration point
 * hands the county on a disc or a stick when the network is gone. A readable
 * manifest, a payload encrypted to the county's public key (sealed random
 * key + crypto_secretstream_xchacha20poly1305, one chunk per item, so that
 * neither side ever holds the whole payload), and the station's Ed25519
 * signature over every byte before it.
 *
 * The reader here needs no store: `package verify`, the development
 * server's import and the fuzz target all use it. */

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BM_PACKAGE_ERROR (bm_package_error_quark ())

/**
 * BmPackageError:
 * @BM_PACKAGE_ERROR_FORMAT: not a Baoming package at all
 * @BM_PACKAGE_ERROR_TRUNCATED: the file ends before the package does
 * @BM_PACKAGE_ERROR_ALTERED: a byte differs from what the station signed
 * @BM_PACKAGE_ERROR_RESIGNED: validly signed, but not by the key registered
 *   for the station the manifest names
 * @BM_PACKAGE_ERROR_REPLAYED: older than a package of that station already imported
 * @BM_PACKAGE_ERROR_WRONG_POINT: the package is from another point
 * @BM_PACKAGE_ERROR_TRAINING: a training package offered to a real import
 * @BM_PACKAGE_ERROR_KEY: the secret key given is not the one the payload is encrypted to
 * @BM_PACKAGE_ERROR_RECEIPT: a receipt that is not genuine or not for this station's package
 *
 * Codes are the `error_code` strings of docs/cli.md (bm_package_error_code()).
 */
typedef enum {
  BM_PACKAGE_ERROR_FORMAT,
  BM_PACKAGE_ERROR_TRUNCATED,
  BM_PACKAGE_ERROR_ALTERED,
  BM_PACKAGE_ERROR_RESIGNED,
  BM_PACKAGE_ERROR_REPLAYED,
  BM_PACKAGE_ERROR_WRONG_POINT,
  BM_PACKAGE_ERROR_TRAINING,
  BM_PACKAGE_ERROR_KEY,
  BM_PACKAGE_ERROR_RECEIPT,
} BmPackageError;

GQuark      bm_package_error_quark (void);
const char *bm_package_error_code  (const GError *error);

#define BM_PACKAGE_KEY_BYTES 32            /* X25519 county keys */
#define BM_PACKAGE_MAX_MANIFEST (1024 * 1024)
#define BM_PACKAGE_MAX_ITEM (8 * 1024 * 1024)

/* Writing. Items are JSON objects; the last one must be written with
 * @final. bm_package_writer_finish() signs and flushes (fsync). */
typedef struct _BmPackageWriter BmPackageWriter;
BmPackageWriter *bm_package_writer_new    (FILE          *out,
                                           const char    *manifest_json,
                                           const guint8  *county_public_key,
                                           const guint8  *station_secret_key,
                                           GError       **error);
gboolean         bm_package_writer_add    (BmPackageWriter *w,
                                           JsonNode      *item,
                                           gboolean       final,
                                           GError       **error);
/* The same for an item already serialised (JSON object text, no NUL). */
gboolean         bm_package_writer_add_text (BmPackageWriter *w,
                                           const char    *text,
                                           gsize          len,
                                           gboolean       final,
                                           GError       **error);
gboolean         bm_package_writer_finish (BmPackageWriter *w,
                                           GError       **error);
void             bm_package_writer_free   (BmPackageWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmPackageWriter, bm_package_writer_free)

/* Reading. bm_package_verify(): the whole file against the signature of
 * the key the manifest names, and every chunk's framing; returns the
 * manifest. Without the county's secret key this is all anyone can check. */
JsonObject *bm_package_verify          (FILE          *in,
                                        GError       **error);
/* Second pass with the county's secret key: each item in order. The final
 * item must carry the final tag and be the last chunk. An item with a
 * "bytes" member comes with @data, the raw chunk that follows it (valid
 * only during the call); other items with NULL. */
typedef gboolean (*BmPackageItemFunc) (JsonObject *item, GBytes *data, gpointer user_data, GError **error);
gboolean    bm_package_decrypt         (FILE          *in,
                                        const guint8  *county_secret_key,
                                        BmPackageItemFunc func,
                                        gpointer       user_data,
                                        GError       **error);

/* The checks that need to know who the reader is (the county's import,
 * a station checking its own package). */
gboolean    bm_package_check_signer    (JsonObject   *manifest,
                                        const char   *registered_public_hex,
                                        GError      **error);
gboolean    bm_package_check_point     (JsonObject   *manifest,
                                        const char   *point_code,
                                        GError      **error);
gboolean    bm_package_check_real      (JsonObject   *manifest,
                                        GError      **error);
void        bm_package_set_replayed    (GError      **error,
                                        const char   *package_id,
                                        gint64        sequence,
                                        gint64        newest_sequence);

/* The audit entries of a package must form one chain: each entry's
 * prev_hash is the hash of the one before it (@last_hash, updated; NULL
 * before the first), and the last one is the manifest's audit_head. */
gboolean    bm_package_audit_step      (char        **last_hash,
                                        JsonObject   *entry,
                                        GError      **error);
gboolean    bm_package_audit_end       (const char   *last_hash,
                                        JsonObject   *manifest,
                                        GError      **error);

/* Receipts: a JSON object {"receipt": TEXT, "signature": HEX} where TEXT is
 * the receipt object signed by the province key (docs/package.md). */
char       *bm_receipt_sign            (const char   *receipt_text,
                                        const guint8 *province_secret_key);
JsonObject *bm_receipt_open            (const char   *file_text,
                                        gsize         len,
                                        const char   *province_public_hex,
                                        char        **receipt_text,
                                        GError      **error);

/* The county key of a training store: fixed and published, since training
 * packages are for practice only and a real import refuses them. */
void        bm_package_training_county_keys (guint8 *public_key,
                                             guint8 *secret_key);

G_END_DECLS
