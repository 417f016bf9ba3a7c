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

/* "Photo later" (issue 13): the photo of a numbered record is taken later,
 * for @reason (audited). */
gboolean    bm_store_defer_photo        (BmStore     *self,
                                         const char  *number,
                                         const char  *reason,
                                         const char  *operator_name,
                                         GError     **error);
GPtrArray  *bm_store_list_photo_missing (BmStore     *self,
                                         GError     **error);
char       *bm_store_dup_photo_later_reason (BmStore    *self,
                                         const char  *number);

G_END_DECLS
