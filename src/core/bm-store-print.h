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
GBytes    *bm_store_dup_photo_jpeg      (BmStore       *self,
                                         const char    *candidate_uuid,
                                         GError       **error);
/* One print log row with its records, in one transaction. A non-NULL
 * @reason (a reprint) is also written to the audit log. When @outcome is
 * "completed" and @printed_state is not BM_N_RECORD_STATES, every record
 * the print event (CARD_PRINTED or PROOF_PRINTED) moves is moved, audited
 * by bm_store_record_event; a record the event refuses stays as it is.
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
/* Print intents (docs/printing.md). A row with outcome "submitting" is
 * committed before the job is handed to CUPS; @intent is a random tag the
 * job title carries; @owner names the printing process. Returns the log
 * row id, or 0 on error. */
gint64     bm_store_print_intent_begin  (BmStore       *self,
                                         const char    *document,
                                         GPtrArray     *numbers,
                                         const char    *printer,
                                         const char    *operator_name,
                                         const char    *reason,
                                         BmRecordState  printed_state,
                                         const char    *intent,
                                         const char    *owner,
                                         GError       **error);
gboolean   bm_store_print_intent_set_job (BmStore      *self,
                                         gint64         log_id,
                                         int            job_id,
                                         const char    *printer,
                                         GError       **error);
/* Gives the intent its final @outcome, in one transaction with what the
 * outcome means (as bm_store_print_log_add). @at_start: settled by a later
 * process, so every record also gets a "print_settled" audit entry. An
 * intent settled already is left as it is. */
gboolean   bm_store_print_intent_settle (BmStore       *self,
                                         gint64         log_id,
                                         int            job_id,
                                         const char    *printer,
                                         const char    *outcome,
                                         const char    *detail,
                                         gboolean       at_start,
                                         GError       **error);

typedef struct {
  gint64 log_id;
  char  *intent;
  int    job_id;     /* 0 when the process died before it was known */
  char  *printer;
  char  *owner;
  char  *document;
} BmPrintIntent;

void       bm_print_intent_free         (BmPrintIntent *intent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmPrintIntent, bm_print_intent_free)
/* Intents not settled yet, oldest first. */
GPtrArray *bm_store_print_intents_unsettled (BmStore   *self,
                                         GError       **error);
/* Newest first; objects with id, document, records (array), job_id,
 * printer, operator, at, outcome, reason, detail. @number filters when not NULL. */
JsonArray *bm_store_print_log_list      (BmStore       *self,
                                         const char    *number,
                                         guint          limit,
                                         GError       **error);

G_END_DECLS
