#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BM_TYPE_IDENTITY (bm_identity_get_type ())
G_DECLARE_FINAL_TYPE (BmIdentity, bm_identity, BM, IDENTITY, GObject)

BmIdentity         *bm_identity_new               (void);
BmIdentity         *bm_identity_new_from_json     (JsonObject   *object,
                                                   GError      **error);
const char         *bm_identity_get               (BmIdentity   *self,
                                                   const char   *key);
void                bm_identity_set               (BmIdentity   *self,
                                                   const char   *key,
                                                   const char   *value);
GBytes             *bm_identity_get_photo_wlt     (BmIdentity   *self);
void                bm_identity_set_photo_wlt     (BmIdentity   *self,
                                                   GBytes       *wlt);
JsonObject         *bm_identity_to_json           (BmIdentity   *self);
gboolean            bm_identity_validate          (BmIdentity   *self,
                                                   GError      **error);
gboolean            bm_identity_validate_with_override (BmIdentity *self,
                                                   gboolean      accept_bad_check,
                                                   GError      **error);
gboolean            bm_identity_check_limits      (BmIdentity   *self,
                                                   GError      **error);
BmIdentity         *bm_identity_copy              (BmIdentity   *self);
const char * const *bm_identity_keys              (void);

G_END_DECLS
