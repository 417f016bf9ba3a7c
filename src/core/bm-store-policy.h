#pragma once

/* Applying a new point profile version (issue 12, "policy changes without
 * reinstalling"): 科类, ranges, deadlines, code tables and the online-field
 * allow-list change in one transaction, or not at all when the change would
 * strand existing records or numbers. docs/setup-file.md ("Applying a new
 * profile version") and docs/sync-protocol.md §4.1. */

#include "bm-store.h"

G_BEGIN_DECLS

typedef enum {
  BM_POLICY_FAILED,     /* @error set: the store could not be read or written */
  BM_POLICY_APPLIED,    /* the new version is in force */
  BM_POLICY_UNCHANGED,  /* this version is already in force: nothing was done */
  BM_POLICY_REFUSED,    /* @error set (BM_ERROR_INVALID): nothing applied, the old profile stays */
} BmPolicyOutcome;

/* The actor recorded for a profile that came from the provincial server. */
#define BM_POLICY_ACTOR_PROVINCE "province"

/* @policy is in set-up file form (docs/setup-file.md: serials 1–9999, plus
 * profile_version, deadlines, code_tables, online_fields_allowed).
 * @profile (nullable) is the profile as the server sent it, kept as the
 * applied profile; without it the applied profile is made from @policy.
 * @source is "province" or "file". On refusal, *@reasons (nullable) gets
 * the machine reasons ({code, …}, docs/sync-protocol.md §4.1). */
BmPolicyOutcome bm_store_policy_apply (BmStore     *self,
                                       JsonObject  *policy,
                                       JsonObject  *profile,
                                       const char  *source,
                                       const char  *actor,
                                       JsonArray  **reasons,
                                       GError     **error);

/* A server profile (§4: 8-digit numbers) in set-up file form, or %NULL
 * with @error when it is malformed. */
JsonObject *bm_policy_from_profile     (JsonObject  *profile,
                                        GError     **error);

/* The applied version, 0 when none was recorded. */
gint64      bm_store_policy_version    (BmStore     *self);

/* The online-field allow-list of the applied profile, as it came
 * (`online_fields_allowed`: an array of field names, or of objects with a
 * `field` member), or %NULL when the profile carries none. H4's allow-list
 * table decides what to do with it. */
JsonArray  *bm_store_policy_dup_online_fields_allowed (BmStore *self);
/* Field names of the above (strings, or objects' `field`), %NULL when none. */
GStrv       bm_store_policy_online_field_names        (BmStore *self);
/* Code tables of the applied profile (table name → [{code, name}]), or %NULL. */
JsonObject *bm_store_policy_dup_code_tables           (BmStore *self);

/* The view of `baoming-cli profile show --json` (docs/cli.md). */
JsonObject *bm_store_policy_show      (BmStore     *self,
                                       GError     **error);

/* The refusal not yet reported to the server ({profile_version, reasons,
 * refused_at}, the body of POST …/profile-refusals), or %NULL. */
JsonObject *bm_store_policy_unreported_refusal (BmStore *self);
gboolean    bm_store_policy_mark_reported      (BmStore     *self,
                                                gint64       version,
                                                GError     **error);

G_END_DECLS
