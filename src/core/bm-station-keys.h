#pragma once

/* The station's Ed25519 signing key (issue 14, docs/package.md): made once
 * at set-up, kept beside the store in a mode 0600 file, never logged and
 * never exported. A training store has its own key, marked as training, so
 * that nothing it signs can pass for real data. */

#include <glib.h>

G_BEGIN_DECLS

#define BM_STATION_PUBLIC_KEY_BYTES 32
#define BM_STATION_SECRET_KEY_BYTES 64

typedef struct {
  guint8   public_key[BM_STATION_PUBLIC_KEY_BYTES];
  guint8   secret_key[BM_STATION_SECRET_KEY_BYTES];
  gboolean training;
} BmStationKeys;

char          *bm_station_keys_path           (const char     *store_path);
BmStationKeys *bm_station_keys_load_or_create (const char     *store_path,
                                               gboolean        training,
                                               GError        **error);
BmStationKeys *bm_station_keys_load           (const char     *store_path,
                                               GError        **error);
char          *bm_station_keys_public_hex     (const BmStationKeys *keys);
void           bm_station_keys_free           (BmStationKeys  *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmStationKeys, bm_station_keys_free)

/* Hex helpers shared with the package code: FALSE unless @hex is exactly
 * 2 * @len hex digits. */
gboolean       bm_key_from_hex                (const char     *hex,
                                               guint8         *out,
                                               gsize           len);
char          *bm_key_to_hex                  (const guint8   *key,
                                               gsize           len);

G_END_DECLS
