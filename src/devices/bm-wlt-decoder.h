#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BM_WLT_WIDTH   102
#define BM_WLT_HEIGHT  126

typedef struct _BmWltDecoder BmWltDecoder;

BmWltDecoder *bm_wlt_decoder_open   (const char    *path,
                                     GError       **error);
void          bm_wlt_decoder_free   (BmWltDecoder  *self);
const char   *bm_wlt_decoder_get_path (BmWltDecoder *self);
GBytes       *bm_wlt_decoder_decode (BmWltDecoder  *self,
                                     GBytes        *wlt,
                                     GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmWltDecoder, bm_wlt_decoder_free)

G_END_DECLS
