#pragma once

#include <json-glib/json-glib.h>

#include "bm-store.h"

G_BEGIN_DECLS

/* Larger files are refused before decoding (a 50 MP JPEG is ~25 MB). */
#define BM_PHOTO_IMPORT_MAX_FILE (40 * 1024 * 1024)

JsonObject *bm_photo_import_file (BmStore     *store,
                                  const char  *path,
                                  const char  *number,
                                  const char  *operator_name,
                                  GError     **error);
JsonObject *bm_photo_import_dir  (BmStore     *store,
                                  const char  *dir,
                                  const char  *operator_name,
                                  GError     **error);

G_END_DECLS
