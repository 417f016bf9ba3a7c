#pragma once

#include <gio/gio.h>
#include <winscard.h>

#include "bm-identity.h"

G_BEGIN_DECLS

/**
 * BmCardScheme:
 * @BM_CARD_SCHEME_AUTO: choose by the ATR, else probe (docs/card-reader.md)
 * @BM_CARD_SCHEME_PAGE: the reader does the SAM work; pages read with FF B0
 * @BM_CARD_SCHEME_TUNNEL: each SCardTransmit carries one whole SAM frame
 */
typedef enum {
  BM_CARD_SCHEME_AUTO,
  BM_CARD_SCHEME_PAGE,
  BM_CARD_SCHEME_TUNNEL,
} BmCardScheme;

gboolean     bm_card_scheme_from_string (const char    *s,
                                         BmCardScheme  *scheme);
void         bm_card_pcsc_set_error     (GError       **error,
                                         LONG           rv);
char       **bm_card_pcsc_list_readers  (SCARDCONTEXT   ctx,
                                         GError       **error);
BmIdentity  *bm_card_pcsc_read          (SCARDCONTEXT   ctx,
                                         const char    *reader,
                                         BmCardScheme   scheme,
                                         gint64        *transport_us,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
