#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  bm_random_bytes (guint8   *buffer,
                           gsize     length,
                           GError  **error);
char     *bm_random_uuid  (void);

G_END_DECLS
