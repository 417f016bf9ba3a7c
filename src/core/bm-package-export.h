#pragma once

/* The store's side of export packages (issue 14, docs/package.md): write
 * one package of this station's records, and apply the province's signed
 * receipt for it exactly as a network answer is applied. */

#include "bm-package.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Supervisor only. @since_id: only records not already in that package at
 * their current version, and audit entries after it. On success the file
 * is in @dir under its final name, read back and verified; @path_out gets
 * it and the return value is the manifest. */
JsonObject *bm_package_export        (BmStore     *store,
                                      const char  *operator_name,
                                      const char  *dir,
                                      const char  *since_id,
                                      char       **path_out,
                                      GError     **error);
/* Checks @path against this station's own key and point (a supervisor
 * checking a package before it leaves the room); NULL station checks when
 * the package is another station's. Returns the manifest. */
JsonObject *bm_package_verify_file   (BmStore     *store,
                                      const char  *path,
                                      GError     **error);
/* Returns {package_id, accepted, rejected, conflict, already_applied}. */
JsonObject *bm_package_apply_receipt (BmStore     *store,
                                      const char  *operator_name,
                                      const char  *path,
                                      GError     **error);

G_END_DECLS
