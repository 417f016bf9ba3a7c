/* bm-print-record.h: the flat view of one candidate that page layouts draw
 *
 * Layouts never reach into the store or BmCandidate directly: the adapter in
 * bm-print-candidate.c fills a record, so every document can be rendered (and
 * tested, and benchmarked) from plain key/value data.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BmPrintRecord BmPrintRecord;

BmPrintRecord *bm_print_record_new            (void);
BmPrintRecord *bm_print_record_ref            (BmPrintRecord *record);
void           bm_print_record_unref          (BmPrintRecord *record);

/* Keys are the JSON keys of BmIdentity/BmCandidate (name, id_number, number, ...)
 * plus online_* keys for fields the candidate entered on the website.
 * Values are display strings (codes already resolved to names). */
void           bm_print_record_set            (BmPrintRecord *record,
                                               const char    *key,
                                               const char    *value);
const char    *bm_print_record_get            (BmPrintRecord *record,
                                               const char    *key);
/* "" instead of NULL, so layouts can draw blindly */
const char    *bm_print_record_get_str        (BmPrintRecord *record,
                                               const char    *key);

/* Marks a key as read from the ID card chip (shown with a mark on the proof sheet). */
void           bm_print_record_mark_from_card (BmPrintRecord *record,
                                               const char    *key);
gboolean       bm_print_record_is_from_card   (BmPrintRecord *record,
                                               const char    *key);

/* Fields the candidate filled in online, in display order. */
void           bm_print_record_add_online     (BmPrintRecord *record,
                                               const char    *label,
                                               const char    *value);
guint          bm_print_record_get_n_online   (BmPrintRecord *record);
void           bm_print_record_get_online     (BmPrintRecord *record,
                                               guint          index,
                                               const char   **label,
                                               const char   **value);

/* Processed JPEG photo, or NULL. */
void           bm_print_record_set_photo      (BmPrintRecord *record,
                                               GBytes        *jpeg);
GBytes        *bm_print_record_get_photo      (BmPrintRecord *record);

/* Opaque pointer for whoever built the record (e.g. the candidate uuid). */
void           bm_print_record_set_uuid       (BmPrintRecord *record,
                                               const char    *uuid);
const char    *bm_print_record_get_uuid       (BmPrintRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmPrintRecord, bm_print_record_unref)

G_END_DECLS
