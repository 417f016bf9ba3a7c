#pragma once

#include <gio/gio.h>

#include "bm-store.h"

G_BEGIN_DECLS

#define BM_TYPE_CANDIDATE_MODEL (bm_candidate_model_get_type ())
G_DECLARE_FINAL_TYPE (BmCandidateModel, bm_candidate_model, BM, CANDIDATE_MODEL, GObject)

BmCandidateModel *bm_candidate_model_new       (BmStore          *store);
void              bm_candidate_model_set_query (BmCandidateModel *self,
                                                const char       *query);
const char       *bm_candidate_model_get_query (BmCandidateModel *self);
void              bm_candidate_model_reload    (BmCandidateModel *self);
guint             bm_candidate_model_get_pages_read (BmCandidateModel *self);

G_END_DECLS
