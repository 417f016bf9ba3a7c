#pragma once

#include <json-glib/json-glib.h>

#include "bm-store.h"

G_BEGIN_DECLS

JsonObject *bm_store_get_progress (BmStore  *self,
                                   GError  **error);

G_END_DECLS
