#pragma once

#include "bm-photo.h"
#include "bm-store.h"

G_BEGIN_DECLS

gboolean  bm_store_save_photo (BmStore     *self,
                               const char  *number,
                               BmPhoto     *photo,
                               const char  *source,
                               const char  *operator_name,
                               GError     **error);
GBytes   *bm_store_dup_photo  (BmStore     *self,
                               const char  *number,
                               const char  *kind,
                               char       **sha256_out,
                               GError     **error);

G_END_DECLS
