#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *bm_paths_default_store   (gboolean   training,
                                    GError   **error);
void      bm_i18n_init             (void);
gboolean  bm_paths_write_private   (const char  *path,
                                    const void  *data,
                                    gsize        len,
                                    GError     **error);

G_END_DECLS
