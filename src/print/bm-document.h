/* bm-document.h: one printable document (a batch of pages of one kind) */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "bm-print-record.h"
#include "bm-station-keys.h"

G_BEGIN_DECLS

typedef enum
{
  BM_DOCUMENT_LOGIN_CARDS,
  BM_DOCUMENT_LOGIN_TABLE,
  BM_DOCUMENT_PROOF_SHEETS,
  BM_DOCUMENT_DRAFT_FORMS,
  BM_DOCUMENT_REVIEW_FORMS,
} BmDocumentKind;

/* "login-cards", "login-table", "proof-sheets", "draft-forms", "review-form" */
const char *bm_document_kind_to_string   (BmDocumentKind  kind);
gboolean    bm_document_kind_from_string (const char     *str,
                                          BmDocumentKind *kind);
/* Chinese title of the document kind, e.g. 网报登录卡 */
const char *bm_document_kind_get_title   (BmDocumentKind  kind);

/* Loads the photo of @record lazily (one page at a time). Returns a JPEG or NULL. */
typedef GBytes *(*BmDocumentPhotoFunc) (BmPrintRecord *record,
                                        gpointer       user_data);
/* Called after each finished page, on the rendering thread. */
typedef void    (*BmDocumentProgressFunc) (guint    page,
                                           guint    n_pages,
                                           gpointer user_data);

#define BM_TYPE_DOCUMENT (bm_document_get_type ())
G_DECLARE_FINAL_TYPE (BmDocument, bm_document, BM, DOCUMENT, GObject)

BmDocument     *bm_document_new             (BmDocumentKind          kind);
BmDocumentKind  bm_document_get_kind        (BmDocument             *doc);

/* Point profile values: point_name, point_code, site_url, deadline, print_time */
void            bm_document_set_point       (BmDocument             *doc,
                                             const char             *key,
                                             const char             *value);
const char     *bm_document_get_point       (BmDocument             *doc,
                                             const char             *key);

void            bm_document_add_record      (BmDocument             *doc,
                                             BmPrintRecord          *record);
guint           bm_document_get_n_records   (BmDocument             *doc);
BmPrintRecord  *bm_document_get_record      (BmDocument             *doc,
                                             guint                   index);

/* Login cards: one card per sheet instead of four. */
void            bm_document_set_single_card (BmDocument             *doc,
                                             gboolean                single);
gboolean        bm_document_get_single_card (BmDocument             *doc);
/* Blank forms (draft forms, review forms without records): how many. */
void            bm_document_set_blank_count (BmDocument             *doc,
                                             guint                   count);
guint           bm_document_get_blank_count (BmDocument             *doc);

/* Training mode: every page carries a large diagonal 培训样张. */
void            bm_document_set_training    (BmDocument             *doc,
                                             gboolean                training);
gboolean        bm_document_get_training    (BmDocument             *doc);
/* With a station key the login card's QR carries the signed text of
 * docs/qr.md; without one (a store older than station keys) the login URL. */
void            bm_document_set_qr_signer   (BmDocument             *doc,
                                             const BmStationKeys    *keys,
                                             const char             *workstation_id);

void            bm_document_set_photo_func  (BmDocument             *doc,
                                             BmDocumentPhotoFunc     func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);

guint           bm_document_get_n_pages     (BmDocument             *doc);
gboolean        bm_document_is_landscape    (BmDocument             *doc);
void            bm_document_get_page_size   (BmDocument             *doc,
                                             double                 *width,
                                             double                 *height);

/* Streams the whole document as PDF to @write_func, page by page: only the
 * page being drawn is in memory. Thread-safe w.r.t. other documents. */
gboolean        bm_document_render_pdf      (BmDocument             *doc,
                                             cairo_write_func_t      write_func,
                                             gpointer                closure,
                                             BmDocumentProgressFunc  progress,
                                             gpointer                progress_data,
                                             GCancellable           *cancellable,
                                             GError                **error);
gboolean        bm_document_save_pdf        (BmDocument             *doc,
                                             const char             *path,
                                             GCancellable           *cancellable,
                                             GError                **error);
/* Draws page @page (0-based) onto any cairo context, e.g. a preview. The
 * context must be scaled so one unit is one PDF point. */
void            bm_document_draw_page       (BmDocument             *doc,
                                             cairo_t                *cr,
                                             guint                   page);
/* Characters that no installed font could show in the last render (tofu). */
guint           bm_document_get_unknown_glyphs (BmDocument          *doc);
/* Texts that did not fit their box in the last render (drawn past it). */
guint           bm_document_get_overflows   (BmDocument             *doc);

G_END_DECLS
