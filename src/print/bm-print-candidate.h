/* bm-print-candidate.h: documents built from store records */
#pragma once

#include "bm-candidate.h"
#include "bm-document.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Flattens a candidate into display strings (codes resolved to their
 * official Chinese names; @category_names maps 科类 code to name). */
BmPrintRecord *bm_print_record_new_from_candidate (BmCandidate  *candidate,
                                                   GHashTable   *category_names);

/* A document of @kind for @candidates (BmCandidate, may be NULL or empty),
 * with the point profile filled in and photos loaded lazily from @store
 * one page at a time. */
BmDocument    *bm_print_document_new_for_store    (BmStore       *store,
                                                   BmDocumentKind kind,
                                                   GPtrArray     *candidates,
                                                   GError       **error);

G_END_DECLS
