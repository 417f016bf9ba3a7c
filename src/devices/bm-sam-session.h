#pragma once

#include <gio/gio.h>

#include "bm-identity.h"
#include "bm-sam-frame.h"

G_BEGIN_DECLS

/* Sends one SAM request frame and returns the whole response frame (any
 * transport: PC/SC tunnel, serial). @timeout_ms bounds the wait where the
 * transport can bound it. */
typedef GBytes *(*BmSamTransceiveFunc) (gpointer       user_data,
                                        GBytes        *request,
                                        guint          timeout_ms,
                                        GCancellable  *cancellable,
                                        GError       **error);

typedef struct {
  BmSamTransceiveFunc transceive;
  gpointer            user_data;
  gint64              transport_us;  /* time spent inside transceive */
} BmSamSession;

gboolean    bm_sam_session_command (BmSamSession  *session,
                                    BmSamCommand   command,
                                    guint          timeout_ms,
                                    BmSamResponse *response,
                                    GCancellable  *cancellable,
                                    GError       **error);
gboolean    bm_sam_session_expect  (BmSamResponse *response,
                                    guint8         sw3,
                                    GError       **error);
char       *bm_sam_session_sam_id  (BmSamSession  *session,
                                    GCancellable  *cancellable,
                                    GError       **error);
gboolean    bm_sam_session_find    (BmSamSession  *session,
                                    gboolean      *found,
                                    GCancellable  *cancellable,
                                    GError       **error);
BmIdentity *bm_sam_session_read    (BmSamSession  *session,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_END_DECLS
