#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bm-identity.h"
#include "bm-record-state.h"

G_BEGIN_DECLS

#define BM_TYPE_CANDIDATE (bm_candidate_get_type ())
G_DECLARE_FINAL_TYPE (BmCandidate, bm_candidate, BM, CANDIDATE, GObject)

#define BM_COMMENT_MAX_CHARS 254   /* = the comment row of docs/limits.md */

BmCandidate        *bm_candidate_new              (BmIdentity   *identity);
BmCandidate        *bm_candidate_new_from_json    (JsonObject   *object,
                                                   GError      **error);
BmIdentity         *bm_candidate_get_identity     (BmCandidate  *self);
const char         *bm_candidate_get              (BmCandidate  *self,
                                                   const char   *key);
void                bm_candidate_set              (BmCandidate  *self,
                                                   const char   *key,
                                                   const char   *value);
gboolean            bm_candidate_get_flag         (BmCandidate  *self,
                                                   const char   *key);
void                bm_candidate_set_flag         (BmCandidate  *self,
                                                   const char   *key,
                                                   gboolean      value);
gint64              bm_candidate_get_version      (BmCandidate  *self);
void                bm_candidate_set_version      (BmCandidate  *self,
                                                   gint64        version);
gint64              bm_candidate_get_synced_version (BmCandidate *self);
void                bm_candidate_set_synced_version (BmCandidate *self,
                                                   gint64        version);
BmRecordState       bm_candidate_get_state        (BmCandidate  *self);
JsonObject         *bm_candidate_to_json          (BmCandidate  *self);
gboolean      bm_candidate_overrides_check (BmCandidate *self);
gboolean            bm_candidate_validate         (BmCandidate  *self,
                                                   GError      **error);
gboolean            bm_candidate_check_limits     (BmCandidate  *self,
                                                   GError      **error);
const char * const *bm_candidate_keys             (void);
const char * const *bm_candidate_flag_keys        (void);

G_END_DECLS
