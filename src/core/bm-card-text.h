#pragma once

#include <json-glib/json-glib.h>

#include "bm-identity.h"

G_BEGIN_DECLS

#define BM_CARD_TEXT_LEN      256
#define BM_CARD_PHOTO_LEN     1024
#define BM_CARD_APPENDED_LEN  70

char       *bm_card_text_field          (const guint8 *ucs2le,
                                         gsize         n_bytes);
BmIdentity *bm_card_text_parse          (const guint8 *text,
                                         gsize         len,
                                         GError      **error);
char       *bm_card_text_parse_appended (const guint8 *data,
                                         gsize         len,
                                         GError      **error);
gboolean    bm_card_identity_number_valid (BmIdentity *identity);
gboolean    bm_card_identity_is_expired (BmIdentity *identity,
                                         GDate      *today);
JsonObject *bm_card_identity_to_json    (BmIdentity *identity,
                                         const char *reader);

G_END_DECLS
