#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean bm_test_cardemu (const char *command);

G_END_DECLS
