#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *bm_version_string (void);
const char *bm_build_id       (void);

G_END_DECLS
