/* bm-document-private.h: what the per-kind layouts see */
#pragma once

#include "bm-document.h"
#include "bm-paint.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean landscape;
  guint  (*count_pages) (BmDocument *doc);
  void   (*draw_page)   (BmDocument *doc,
                         BmPaint    *paint,
                         guint       page,
                         guint       n_pages);
} BmLayout;

extern const BmLayout bm_layout_login_cards;
extern const BmLayout bm_layout_login_table;
extern const BmLayout bm_layout_proof_sheets;
extern const BmLayout bm_layout_draft_forms;
extern const BmLayout bm_layout_review_forms;

/* "" when unset */
const char *bm_document_get_point_str (BmDocument    *doc,
                                       const char    *key);
/* The record's photo (its own, else from the photo func), transfer full. */
GBytes     *bm_document_load_photo    (BmDocument    *doc,
                                       BmPrintRecord *record);
/* What the QR code carries: the signed text of docs/qr.md, or (no station
 * key) the login URL with the 报名顺序号. */
char       *bm_document_login_qr_text (BmDocument    *doc,
                                       BmPrintRecord *record);

G_END_DECLS
