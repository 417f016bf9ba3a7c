#pragma once

#include <sqlite3.h>

#include "bm-record-lifecycle.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* For store modules in src/core only (bm-store-*.c). */
sqlite3  *bm_store_get_sqlite           (BmStore      *self);
gboolean  bm_store_transaction_begin    (BmStore      *self,
                                         GError      **error);
gboolean  bm_store_transaction_commit   (BmStore      *self,
                                         GError      **error);
void      bm_store_transaction_rollback (BmStore      *self);
gboolean  bm_store_set_sqlite_error     (BmStore      *self,
                                         int           rc,
                                         GError      **error);
sqlite3_stmt *bm_store_prepare          (BmStore      *self,
                                         const char   *sql,
                                         GError      **error);

/* A prepared statement kept by the store for reuse. Hold it with
 * g_autoptr(BmCachedStmt): leaving scope resets it, which also ends the
 * read snapshot a stepped SELECT holds. Never finalize it. */
typedef sqlite3_stmt BmCachedStmt;
BmCachedStmt *bm_store_statement        (BmStore      *self,
                                         const char   *sql,
                                         GError      **error);
void          bm_cached_stmt_release    (BmCachedStmt *stmt);
gboolean  bm_store_exec                 (BmStore      *self,
                                         const char   *sql,
                                         GError      **error);
gboolean  bm_store_audit_append         (BmStore      *self,
                                         const char   *operator_name,
                                         const char   *entity_uuid,
                                         const char   *action,
                                         JsonObject   *detail,
                                         GError      **error);
void      bm_store_note_change          (BmStore      *self,
                                         const char   *kind,
                                         const char   *uuid);
gboolean  bm_store_migrate              (BmStore      *self,
                                         GError      **error);
gboolean  bm_store_check_schema_version (BmStore      *self,
                                         GError      **error);
char     *bm_store_dup_meta             (BmStore      *self,
                                         const char   *key);
gboolean  bm_store_set_meta             (BmStore      *self,
                                         const char   *key,
                                         const char   *value,
                                         GError      **error);
char     *bm_store_now_iso8601          (void);

/* Candidate writes (bm-store-candidates.c). A mutation changes the loaded
 * record and fills the audit detail; bm_store_mutate_candidate loads the
 * live record, runs it, bumps the version, writes and audits in one
 * transaction (a nested call joins the caller's transaction). */
typedef gboolean (*BmStoreMutation) (BmStore *self, BmCandidate *candidate, gpointer data,
                                     JsonObject *detail, GError **error);
gboolean  bm_store_write_candidate      (BmStore      *self,
                                         BmCandidate  *candidate,
                                         gboolean      insert,
                                         GError      **error);
gboolean  bm_store_mutate_candidate     (BmStore      *self,
                                         const char   *number,
                                         const char   *action,
                                         const char   *operator_name,
                                         BmStoreMutation mutation,
                                         gpointer      data,
                                         GError      **error);
/* Applies a lifecycle event to the record @uuid inside the caller's
 * transaction and writes it, without a version bump (bm-store-lifecycle.c). */
gboolean  bm_store_apply_event_uuid     (BmStore      *self,
                                         const char   *uuid,
                                         BmRecordEvent event,
                                         const char   *actor,
                                         JsonObject   *detail,
                                         GError      **error);

/* Serials first..last (1–9999) of one 科类 (bm-store-setup.c). */
typedef struct {
  char   *category;
  gint64  first;
  gint64  last;
} BmSerialSpan;
void      bm_serial_span_clear          (gpointer      span);
GArray   *bm_serial_spans_new           (void);
gboolean  bm_store_load_spans           (BmStore      *self,
                                         const char   *table,
                                         GArray       *spans,
                                         GError      **error);
/* SQL condition on a number_slices row aliased "s": the slice keeps the rule
 * of bm_store_check_slices (inside a range of its 科类, clear of every slice
 * taken before it). Numbering and the counts of numbers left both use it, so
 * a bad slice from before that rule is neither used nor counted. */
#define BM_SLICE_USABLE_SQL \
  "EXISTS (SELECT 1 FROM number_ranges r WHERE r.category = s.category " \
  "        AND s.first_serial >= r.first_serial AND s.last_serial <= r.last_serial) " \
  "AND NOT EXISTS (SELECT 1 FROM number_slices o WHERE o.id < s.id " \
  "        AND o.first_serial <= s.last_serial AND s.first_serial <= o.last_serial)"

gboolean  bm_store_check_slices         (GArray       *ranges,
                                         GArray       *held,
                                         GArray       *fresh,
                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmCachedStmt, bm_cached_stmt_release)

typedef struct {
  const char *table;
  const char *sql;
} BmStoreProbe;

/* bm-store.c: the cheap check's fixed probes, ended by { NULL, NULL }. */
extern const BmStoreProbe bm_store_probes[];

G_END_DECLS
