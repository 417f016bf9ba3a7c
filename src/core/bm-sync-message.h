#pragma once

/* Messages of the sync protocol (docs/sync-protocol.md): building requests
 * and parsing the server's answers. Pure data, no transport: src/sync moves
 * the bytes. Every parser accepts arbitrary bytes (it is fuzzed). */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BM_SYNC_PROTOCOL_PREFIX "/api/v1/"

typedef struct {
  char   *token;
  gint64  expires_in;          /* seconds */
  char   *refresh_token;
  char   *expires_at;
  char   *server_time;
} BmSyncToken;

typedef struct {
  char   *code;
  char   *message;
  int     retry_after;         /* seconds, 0 if none */
  gint64  max_records;         /* 413 details, 0 if none */
  gint64  max_bytes;
} BmSyncServerError;

typedef enum {
  BM_SYNC_RESULT_ACCEPTED,
  BM_SYNC_RESULT_REJECTED,
  BM_SYNC_RESULT_CONFLICT,
} BmSyncResultStatus;

typedef struct {
  char               *uuid;
  gint64              version;
  BmSyncResultStatus  status;
  char               *code;
  char               *reason;
  gint64              server_rev;
  gint64              server_version;
  char               *other_uuid;
  char               *other_number;
  char               *other_point;
} BmSyncResult;

typedef enum {
  BM_SYNC_CHANGE_UNKNOWN,
  BM_SYNC_CHANGE_ONLINE_FIELDS,
  BM_SYNC_CHANGE_REVIEW,
  BM_SYNC_CHANGE_RETURNED,
  BM_SYNC_CHANGE_PROFILE,
} BmSyncChangeKind;

typedef struct {
  gint64            seq;
  BmSyncChangeKind  kind;
  char             *uuid;
  char             *number;
  gint64            server_rev;
  JsonObject       *fields;          /* online_fields: string → string */
  char             *review_state;
  char             *reason;
  gint64            profile_version;
  char             *json;            /* the change as received, for conflicts */
} BmSyncChange;

typedef struct {
  char   *category;
  gint64  first;                     /* 8-digit 报名顺序号 as a number */
  gint64  last;
} BmSyncSlice;

/* One 科类 of the server's ledger of a workstation (protocol 1.2). */
typedef struct {
  char       *category;
  gint64      count;
  char       *digest;                /* hex SHA-256 over "uuid:version\n", sorted by uuid */
  GHashTable *versions;              /* uuid → gint64*, only in a per-category answer */
  char       *last_number;           /* protocol 1.5: highest 报名顺序号 held, or NULL */
} BmSyncLedger;

void bm_sync_ledger_free       (BmSyncLedger      *ledger);
void bm_sync_token_free        (BmSyncToken       *token);
void bm_sync_server_error_free (BmSyncServerError *error);
void bm_sync_result_free       (BmSyncResult      *result);
void bm_sync_change_free       (BmSyncChange      *change);
void bm_sync_slice_free        (BmSyncSlice       *slice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncToken, bm_sync_token_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncServerError, bm_sync_server_error_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncResult, bm_sync_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSyncChange, bm_sync_change_free)

char       *bm_sync_build_login         (const char   *point_code,
                                         const char   *user,
                                         const char   *password,
                                         const char   *workstation_id);
char       *bm_sync_build_refresh       (const char   *refresh_token);
char       *bm_sync_build_workstation   (const char   *workstation_id,
                                         const char   *name,
                                         gint64        slice_size);
char       *bm_sync_build_slice_request (const char   *request_id,
                                         const char   *category,
                                         gint64        count);
JsonNode   *bm_sync_build_record_item   (JsonObject   *candidate_json,
                                         gint64        base_server_rev,
                                         const char * const *photo_sha256s);

#define BM_SYNC_PHOTO_BUNDLE_TYPE "application/vnd.baoming.photos"

GBytes            *bm_sync_build_photo_bundle  (const char * const *sha256s,
                                                GBytes * const *photos,
                                                guint n);
GStrv              bm_sync_parse_bundle_answer (const char *data, gsize len,
                                                const char * const *sha256s, guint n,
                                                GError **error);
BmSyncToken       *bm_sync_parse_token        (const char *data, gsize len, GError **error);
BmSyncServerError *bm_sync_parse_error        (const char *data, gsize len);
JsonObject        *bm_sync_parse_profile      (const char *data, gsize len, GError **error);
GPtrArray         *bm_sync_parse_slices       (const char *data, gsize len, GError **error);
GPtrArray         *bm_sync_parse_batch_answer (const char *data, gsize len,
                                               const char *batch_id, guint n_records,
                                               GError **error);
GPtrArray         *bm_sync_parse_ledger       (const char *data, gsize len, GError **error);
GPtrArray         *bm_sync_parse_changes      (const char *data, gsize len,
                                               char **next_cursor, gboolean *more,
                                               GError **error);

JsonObject *bm_sync_setup_from_profile  (JsonObject   *profile,
                                         GPtrArray    *slices,
                                         const char   *server_url,
                                         const char   *workstation_id,
                                         GError      **error);

gboolean    bm_sync_slice_serials       (const BmSyncSlice *slice,
                                         const char   *county_code,
                                         gint64       *first,
                                         gint64       *last,
                                         GError      **error);

char       *bm_sync_explain             (const char   *code,
                                         const char   *detail);

G_END_DECLS
