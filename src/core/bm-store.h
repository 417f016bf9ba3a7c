#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bm-candidate.h"

G_BEGIN_DECLS

#define BM_TYPE_STORE (bm_store_get_type ())
G_DECLARE_FINAL_TYPE (BmStore, bm_store, BM, STORE, GObject)

typedef struct {
  char *code;
  char *name;
  char *county_code;        /* 4-digit 市县码, the first half of every 报名顺序号 */
  char *site_url;           /* printed on login cards */
  char *server_url;
  char *workstation_id;
  gboolean training;
} BmPointProfile;

typedef struct {
  char *code;
  char *name;
  guint first_serial;       /* of this workstation's slices, for display */
  guint last_serial;
  guint remaining;          /* numbers this workstation can still hand out */
} BmCategory;

void bm_point_profile_free (BmPointProfile *profile);
void bm_category_free      (BmCategory     *category);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmPointProfile, bm_point_profile_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmCategory, bm_category_free)

BmStore        *bm_store_open               (const char    *path,
                                             gboolean       training,
                                             GError       **error);
const char     *bm_store_get_path           (BmStore       *self);
gboolean        bm_store_is_set_up          (BmStore       *self);
gboolean        bm_store_is_training        (BmStore       *self);
gboolean        bm_store_init_training      (BmStore       *self,
                                             GError       **error);
/* The 市县码 of the made-up training point. The 4-digit code is the 市(州)
 * code and the county's number within it, both counted from 01, so 0000
 * names no real county (the development data's 0102 does). Real set-up
 * (a set-up file, the provincial server) refuses it. */
#define BM_TRAINING_COUNTY_CODE "0000"

gboolean        bm_store_init_from_setup    (BmStore       *self,
                                             JsonObject    *setup,
                                             GError       **error);
BmPointProfile *bm_store_dup_point_profile  (BmStore       *self,
                                             GError       **error);
GPtrArray      *bm_store_list_categories    (BmStore       *self,
                                             GError       **error);
gboolean        bm_store_check              (BmStore       *self,
                                             GError       **error);
/* The daily full check, off the start path (bm-store.c) */
gboolean        bm_store_integrity_check_due (BmStore      *self);
gboolean        bm_store_run_integrity_check (const char   *path,
                                              GError      **error);
gboolean        bm_store_record_integrity_check (BmStore   *self,
                                                 gboolean   ok,
                                                 GError   **error);
char           *bm_store_dup_integrity_status (BmStore     *self);

/* Candidates (bm-store-candidates.c) */
gboolean        bm_store_add_candidate      (BmStore       *self,
                                             BmCandidate   *candidate,
                                             const char    *operator_name,
                                             GError       **error);
gboolean        bm_store_add_candidates     (BmStore       *self,
                                             GPtrArray     *candidates,
                                             const char    *operator_name,
                                             GError       **error);
BmCandidate    *bm_store_find_by_number     (BmStore       *self,
                                             const char    *number,
                                             GError       **error);
BmCandidate    *bm_store_find_by_id_number  (BmStore       *self,
                                             const char    *id_number,
                                             GError       **error);
BmCandidate    *bm_store_find_by_uuid       (BmStore       *self,
                                             const char    *uuid,
                                             GError       **error);
BmCandidate    *bm_store_find_by_row        (BmStore       *self,
                                             gint64         row_id,
                                             GError       **error);
gboolean        bm_store_void_candidate     (BmStore       *self,
                                             const char    *number,
                                             const char    *reason,
                                             const char    *operator_name,
                                             GError       **error);
gboolean        bm_store_update_candidate   (BmStore       *self,
                                             const char    *number,
                                             JsonObject    *changes,
                                             const char    *reason,
                                             const char    *operator_name,
                                             GError       **error);
#define BM_STORE_ROWS_PER_QUERY 64
GPtrArray      *bm_store_find_by_rows       (BmStore       *self,
                                             const gint64  *ids,
                                             guint          n_ids,
                                             GError       **error);
GArray         *bm_store_search_rows        (BmStore       *self,
                                             const char    *query,
                                             GError       **error);
gint64          bm_store_count_candidates   (BmStore       *self,
                                             gboolean       include_voided);

/* Audit (bm-store-audit.c). bm_store_audit_verify: the chain is intact and
 * no record differs from its last entry (BM_ERROR_STORE_DAMAGED naming
 * them by 报名顺序号 otherwise). The full form reports instead of failing
 * on records; it fails only on a broken chain. */
typedef struct {
  gint64     entries;       /* audit entries */
  gint64     records;       /* records checked, voided ones included */
  gint64     not_covered;   /* records whose last entry predates the digests */
  GPtrArray *altered;       /* 报名顺序号 (record id without one) of records that differ */
} BmAuditReport;

gboolean        bm_store_audit_verify       (BmStore       *self,
                                             gint64        *n_rows,
                                             GError       **error);
gboolean        bm_store_audit_verify_full  (BmStore       *self,
                                             BmAuditReport *report,
                                             GError       **error);
void            bm_audit_report_clear       (BmAuditReport *report);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BmAuditReport, bm_audit_report_clear)

G_END_DECLS
