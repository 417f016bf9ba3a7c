#pragma once

#include "bm-store.h"

G_BEGIN_DECLS

/* Deadlines of the point profile (docs/sync-protocol.md §4), enforced by
 * the store so that the GUI and the CLI both hold them. */
char      *bm_deadline_format_local          (GDateTime   *when);
GDateTime *bm_store_dup_deadline             (BmStore     *self,
                                              const char  *key,
                                              const char  *category);
gboolean   bm_store_check_registration_open  (BmStore     *self,
                                              const char  *category,
                                              GError     **error);

G_END_DECLS
