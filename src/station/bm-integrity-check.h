#pragma once

#include "bm-store-writer.h"

G_BEGIN_DECLS

guint bm_integrity_check_schedule (BmStore       *store,
                                   BmStoreWriter *writer,
                                   guint          delay_seconds);

G_END_DECLS
