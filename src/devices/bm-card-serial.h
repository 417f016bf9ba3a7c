#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _BmCardSerial BmCardSerial;

BmCardSerial *bm_card_serial_open       (const char    *device,
                                         guint          baud,
                                         GError       **error);
void          bm_card_serial_close      (BmCardSerial  *self);
GBytes       *bm_card_serial_transceive (gpointer       self,
                                         GBytes        *request,
                                         guint          timeout_ms,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmCardSerial, bm_card_serial_close)

G_END_DECLS
