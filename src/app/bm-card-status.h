#pragma once

#include <gtk/gtk.h>

#include "bm-card-reader.h"

G_BEGIN_DECLS

#define BM_TYPE_CARD_STATUS (bm_card_status_get_type ())
G_DECLARE_FINAL_TYPE (BmCardStatus, bm_card_status, BM, CARD_STATUS, GtkWidget)

GtkWidget    *bm_card_status_new          (BmCardReader *reader);
BmCardReader *bm_card_status_get_reader   (BmCardStatus *self);
const char   *bm_card_status_get_text     (BmCardStatus *self);
GdkTexture   *bm_card_status_decode_photo (BmIdentity   *identity,
                                           GError      **error);

G_END_DECLS
