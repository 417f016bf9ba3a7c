#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *bm_settings_new (void);

G_END_DECLS
