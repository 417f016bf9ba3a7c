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
void         bm_test_remove_dir        (const char  *dir);

G_END_DECLS
