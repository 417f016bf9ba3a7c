#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  BM_CODE_TABLE_SEX,
  BM_CODE_TABLE_NATION,
  BM_CODE_TABLE_POLITICAL_STATUS,
  BM_CODE_TABLE_CANDIDATE_CLASS,
  BM_CODE_TABLE_FOREIGN_LANGUAGE,
  BM_CODE_TABLE_ID_TYPE,
  BM_CODE_TABLE_CARD_TYPE,
  BM_CODE_TABLE_GRADUATION_TYPE,
  BM_CODE_TABLE_EXAM_TYPE,
  BM_N_CODE_TABLES,
} BmCodeTable;

typedef struct {
  const char *code;
  const char *name;   /* untranslated source name; pass through bm_code_table_lookup for display */
} BmCodeEntry;

const char        *bm_code_table_lookup  (BmCodeTable  table,
                                          const char  *code);
const BmCodeEntry *bm_code_table_entries (BmCodeTable  table,
                                          gsize       *n_entries);

G_END_DECLS
