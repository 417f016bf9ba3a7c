#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *bm_paths_default_store   (gboolean   training,
                                    GError   **error);
void      bm_i18n_init             (void);

G_END_DECLS
