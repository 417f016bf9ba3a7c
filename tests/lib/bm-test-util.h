#pragma once

#include "bm-store.h"

G_BEGIN_DECLS

char        *bm_test_make_id_number    (guint        i);
BmCandidate *bm_test_make_candidate    (guint        i,
                                        const char  *category);
BmStore     *bm_test_open_training     (const char  *dir,
                                        const char  *name);
BmStore     *bm_test_open_with_setup   (const char  *dir,
                                        const char  *name,
                                        const char  *setup_json);
char        *bm_test_make_dir          (void);
/* The provincial server's changes feed, as the sync run applies it: the
 * online fields of record @number (one "remark" field) or the county's
 * decision ("approved", "rejected" or "returned"). */
void         bm_test_pull_online_fields (BmStore    *store,
                                         const char *number);
void         bm_test_pull_decision     (BmStore    *store,
                                         const char *number,
                                         const char *decision);
void         bm_test_remove_dir        (const char  *dir);

int          bm_test_run               (char      **out,
                                        const char *first,
                                        ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
