#pragma once

/* The final submission (seed 第九步, docs/sync-protocol.md §11): the
 * point's explicit act on complete records, kept apart from the automatic
 * upload of registration data (§7). `submitted` is set here and nowhere
 * else, and only for records the province accepted. Tables: migration 44. */

#include "bm-store.h"

G_BEGIN_DECLS

/**
 * BmSubmitResult:
 * @uuid: the record
 * @number: its 报名顺序号
 * @version: the version submitted (or that would have been)
 * @status: `accepted` or `refused`
 * @code: (nullable): machine code of a refusal (docs/sync-protocol.md §11)
 * @reason: (nullable): translated sentence saying why
 * @missing: (nullable): for `incomplete`: the missing items' codes
 * @by_server: whether the province answered this (FALSE: the client refused
 *   it before sending)
 */
typedef struct {
  char     *uuid;
  char     *number;
  gint64    version;
  char     *status;
  char     *code;
  char     *reason;
  GStrv     missing;
  gboolean  by_server;
} BmSubmitResult;

typedef struct {
  char   *submission_id;
  GBytes *body;
  guint   n_records;
} BmSubmission;

#define BM_SUBMIT_MAX_RECORDS 1000

void bm_submit_result_free (BmSubmitResult *result);
void bm_submission_free    (BmSubmission   *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSubmitResult, bm_submit_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSubmission, bm_submission_free)

gboolean      bm_store_has_photo             (BmStore     *self,
                                              const char  *uuid);
GPtrArray    *bm_store_submit_list_ready     (BmStore     *self,
                                              GError     **error);
BmSubmission *bm_store_submit_prepare        (BmStore     *self,
                                              const char * const *numbers,
                                              gboolean     force,
                                              GPtrArray   *refused,
                                              GError     **error);
BmSubmission *bm_store_submit_stored         (BmStore     *self,
                                              GError     **error);
GPtrArray    *bm_store_submit_apply_answer   (BmStore     *self,
                                              const char  *submission_id,
                                              const char  *data,
                                              gsize        len,
                                              GError     **error);
gboolean      bm_store_submit_drop           (BmStore     *self,
                                              const char  *submission_id,
                                              const char  *code,
                                              GError     **error);
JsonObject   *bm_store_submit_dup_outcome    (BmStore     *self,
                                              const char  *uuid);
JsonObject   *bm_submit_result_to_json       (const BmSubmitResult *result);
void          bm_submit_scrub_batch_record   (JsonObject  *record);

G_END_DECLS
