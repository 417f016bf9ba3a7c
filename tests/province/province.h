/* Development provincial server: shared declarations.
 * Speaks docs/sync-protocol.md v1; state lives in one SQLite file so the
 * server survives restarts and admin subcommands can run beside it. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define PROVINCE_MAX_BODY (64 * 1024 * 1024)

typedef struct
{
  sqlite3 *db;
  int      token_ttl;      /* seconds */
  gboolean importing;      /* province-import.c: a package is one batch of any size */
  char    *refuse_photo;   /* serve --refuse-photo SHA: a photo it refuses, also inside a bundle (issue 17) */
} Province;

/* A fault taken from the faults table for one request. */
typedef struct
{
  char *kind;      /* close_before close_after status delay truncate repeat_old expire_token limit
                    * silent slow endless deep record_too_large
                    * slices_empty slices_other_workstation slice_cross slice_county answer_other_record answer_other_version
                    * drop_accepted profile_version (README.md) */
  int   p1;
  int   p2;
} ProvinceFault;

/* The answer to one API request. */
typedef struct
{
  int      status;
  char    *body;          /* JSON text, may be NULL */
  char    *content_type;
  int      retry_after;   /* seconds, 0 = none */
  gboolean close_after;   /* applied, then drop the connection */
} ProvinceReply;

Province *province_open          (const char *path, GError **error);
void      province_close         (Province *p);
gboolean  province_exec          (Province *p, const char *sql, GError **error);
gboolean  province_begin         (Province *p);
void      province_commit        (Province *p);
void      province_rollback      (Province *p);
gint64    province_next_rev      (Province *p);
char     *province_sha256_hex    (const void *data, gsize len);

/* admin (province-admin.c) */
gboolean  province_provision     (Province *p, JsonObject *spec, GError **error);
gboolean  province_fill          (Province *p, const char *key, JsonObject *fields, gboolean all, GError **error);
gboolean  province_review        (Province *p, const char *key, const char *decision,
                                  const char *reason, gboolean all, GError **error);
JsonNode *province_dump          (Province *p, gboolean with_records);
gboolean  province_fault_add     (Province *p, const char *endpoint, const char *kind,
                                  int count, int p1, int p2, GError **error);
gboolean  province_fault_clear   (Province *p, GError **error);
GList    *province_fault_take    (Province *p, const char *endpoint);  /* of ProvinceFault* */
void      province_fault_free    (ProvinceFault *f);

/* API (province-api.c) */
void      province_handle        (Province *p, const char *method, const char *path,
                                  const char *query_cursor, const char *query_limit,
                                  const char *authorization, GBytes *body,
                                  GList *faults, ProvinceReply *reply);
void      province_reply_clear   (ProvinceReply *r);
void      province_reply_error   (ProvinceReply *r, int status, const char *code, const char *message,
                                  int retry_after, JsonObject *details);
JsonNode *province_load_profile  (Province *p, const char *point);
gint64    province_profile_limit (JsonNode *profile, const char *key, gint64 fallback);
const char *province_endpoint_name (const char *path);

void      province_reply_node    (ProvinceReply *r, int status, JsonNode *node);

/* province-photos.c */
void      province_do_photo        (Province *p, const char *method, const char *sha, GBytes *body,
                                    ProvinceReply *r);
void      province_do_photo_bundle (Province *p, const char *point, GBytes *body, ProvinceReply *r);

/* province-batch.c */
void      province_do_batch      (Province *p, const char *point, GBytes *body, GList *faults,
                                  ProvinceReply *r);

/* province-submit.c */
void      province_do_submission (Province *p, const char *point, GBytes *body, GList *faults,
                                  ProvinceReply *r);
void      province_submit_note_photos (Province *p, const char *uuid, JsonArray *photos);
/* province-policy.c (protocol 1.4: profile refusals) */
gboolean  province_policy_init        (Province *p, GError **error);
void      province_do_profile_refusal (Province *p, const char *point, const char *ws, GBytes *body,
                                       ProvinceReply *r);
void      province_dump_refusals      (Province *p, JsonBuilder *b);

/* province-import.c (issue 14: keys, export packages, receipts) */
gboolean  province_import_init      (Province *p, GError **error);
char     *province_key              (Province *p, const char *name, gboolean secret);
void      province_profile_add_keys (Province *p, JsonObject *profile);
void      province_station_key_note (Province *p, const char *ws, JsonObject *body);
gboolean  province_import           (Province *p, const char *path, const char *point,
                                     const char *receipt_path, GError **error);

G_END_DECLS
