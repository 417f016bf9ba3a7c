/* bm-store-print.h: what printing needs from the store (bm-store-print.c) */
#pragma once

#include "bm-store.h"

G_BEGIN_DECLS

typedef enum {
  BM_PRINT_SELECT_ALL,        /* every live numbered record */
  BM_PRINT_SELECT_UNPRINTED,  /* ... without a completed print of this document */
  BM_PRINT_SELECT_RANGE,      /* ... with first <= number <= last */
} BmPrintSelect;

/* Live (not voided) candidates with a number, sorted by number.
 * @document is the document id ("login-cards", ...) for UNPRINTED. */
GPtrArray *bm_store_print_select        (BmStore       *self,
                                         const char    *document,
                                         BmPrintSelect  select,
                                         const char    *first,
                                         const char    *last,
                                         gboolean       migrant_only,
                                         GError       **error);
/* Whether @number already had a completed print of @document. */
gboolean   bm_store_print_was_completed (BmStore       *self,
                                         const char    *document,
                                         const char    *number,
                                         gboolean      *completed,
                                         GError       **error);
/* The newest processed photo (JPEG) of a candidate, or NULL without error
 * when there is none. */
GBytes    *bm_store_get_photo_jpeg      (BmStore       *self,
                                         const char    *candidate_uuid,
                                         GError       **error);
/* One print log row with its records, in one transaction. A non-NULL
 * @reason (a reprint) is also written to the audit log. When @outcome is
 * "completed" and @printed_state is not BM_N_RECORD_STATES, every record
 * whose state may move there is moved (audited by bm_store_set_state).
 * Returns the log row id, or 0 on error. */
gint64     bm_store_print_log_add       (BmStore       *self,
                                         const char    *document,
                                         GPtrArray     *numbers,
                                         int            job_id,
                                         const char    *printer,
                                         const char    *operator_name,
                                         const char    *outcome,
                                         const char    *reason,
                                         const char    *detail,
                                         BmRecordState  printed_state,
                                         GError       **error);
/* Newest first; objects with id, document, records (array), job_id,
 * printer, operator, at, outcome, reason, detail. @number filters when not NULL. */
JsonArray *bm_store_print_log_list      (BmStore       *self,
                                         const char    *number,
                                         guint          limit,
                                         GError       **error);

G_END_DECLS
