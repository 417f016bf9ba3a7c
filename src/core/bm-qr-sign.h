#pragma once

/* The signed text of the login card's QR code (issue 14, docs/qr.md):
 *
 *   BM1.<报名顺序号>.<name digest>.<workstation id>.<signature>
 *
 * The name digest is the first 8 bytes of SHA-256 of the name (UTF-8, NFC),
 * the signature is Ed25519 by the station key over everything before the
 * last '.', both base64url without padding. No GTK, no print code: the CLI
 * verifies what the print code signs. */

#include <glib.h>

#include "bm-station-keys.h"

G_BEGIN_DECLS

#define BM_QR_PREFIX "BM1"

typedef struct {
  char *number;
  char *name_digest;
  char *workstation_id;
} BmQrInfo;

void      bm_qr_info_free      (BmQrInfo            *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmQrInfo, bm_qr_info_free)

char     *bm_qr_name_digest    (const char          *name);
char     *bm_qr_sign           (const BmStationKeys *keys,
                                const char          *workstation_id,
                                const char          *number,
                                const char          *name);
/* Parses @text without checking the signature (to say which station it
 * claims); NULL with BM_ERROR_INVALID when it is not a signed QR text. */
BmQrInfo *bm_qr_parse          (const char          *text,
                                GError             **error);
/* TRUE if @text is signed by @public_key and, when @name is not NULL, its
 * name digest matches @name. BM_ERROR_INVALID says why not. */
gboolean  bm_qr_verify         (const char          *text,
                                const guint8        *public_key,
                                const char          *name,
                                GError             **error);

G_END_DECLS
