#pragma once

#include "bm-operator.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Operator accounts (bm-store-operators.c). An account is created without a
 * password; the password API sets one. */
gboolean bm_store_add_operator (BmStore        *self,
                                const char     *user,
                                const char     *real_name,
                                const char     *id_number,
                                BmOperatorRole  role,
                                const char     *created_by,
                                GError        **error);

/* A supervisor adds a clerk on the station and gives them a one-time
 * password, in one transaction (no account is left without a password
 * when the second step fails). Returns the password, shown once; NULL on
 * error. */
char       *bm_store_add_clerk   (BmStore        *self,
                                  const char     *user,
                                  const char     *real_name,
                                  const char     *supervisor,
                                  GError        **error);

/* TRUE when @operator_name is an enabled account that may act as @role:
 * any enabled account acts as a clerk; the supervisor and the officer roles
 * need exactly that role. Otherwise BM_ERROR_PERMISSION (or
 * BM_ERROR_NOT_FOUND for an unknown or disabled account) with a sentence
 * naming the role needed. */
gboolean bm_store_check_role   (BmStore        *self,
                                const char     *operator_name,
                                BmOperatorRole  role,
                                GError        **error);

/* No write without an operator (issue 12): TRUE for an enabled account or
 * a reserved actor ("province", "system"), else BM_ERROR_PERMISSION. */
gboolean    bm_store_check_operator      (BmStore    *self,
                                          const char *operator_name,
                                          GError    **error);

/* TRUE when @user is an enabled account (no error: a plain question). */
gboolean    bm_store_operator_is_enabled (BmStore    *self,
                                          const char *user);

/* The accounts as a JSON array of objects with the keys user, real_name,
 * role, enabled, has_password, must_change_password, locked_until (never
 * the hash; the ID number only as has_id_number). */
JsonArray  *bm_store_list_operators      (BmStore    *self,
                                          GError    **error);

/* A supervisor disables (or enables again) an account. A supervisor cannot
 * disable themself. Audited as "operator_disable" / "operator_enable". */
gboolean    bm_store_set_operator_enabled (BmStore    *self,
                                           const char *user,
                                           gboolean    enabled,
                                           const char *supervisor,
                                           GError    **error);

/* A supervisor records (or corrects) @user's ID number, which 实名认证
 * log-in compares with the card; validated as a resident ID number and
 * kept in upper case. Audited as "operator_id_number" with the masked
 * number only. */
gboolean    bm_store_set_operator_id_number (BmStore    *self,
                                             const char *user,
                                             const char *id_number,
                                             const char *supervisor,
                                             GError    **error);

/* Creates or refreshes accounts from a point profile's or set-up file's
 * operators[] ({ user, name, role, id_number?, enabled? }): a missing
 * account is created without a password; an existing one takes the real
 * name, role and enabled flag given. Accounts not in the list (created on
 * the station) are left alone; an entry whose role is not one of ours (the
 * protocol's "viewer") is skipped. Role names go through
 * bm_operator_role_from_string ("admin" is the supervisor). Audited as
 * @actor ("province" for the server, "system" for the set-up file).
 * Joins an open transaction. */
gboolean    bm_store_refresh_operators   (BmStore    *self,
                                          JsonArray  *operators,
                                          const char *actor,
                                          GError    **error);

/* For a pulled point profile: refreshes the accounts from its operators[]
 * (if any) as "province". H5's profile application calls this. An account
 * the county brought (by a profile or the set-up) that this operators[]
 * no longer lists is disabled, not deleted (audited as "operator_disable"
 * by "province", reason "not_in_profile"); accounts the supervisor created
 * on the station are left alone; a profile without operators[] changes
 * nothing. A listed account takes the profile's enabled flag only when
 * the county's flag changed since the last profile (or the account comes
 * back): a supervisor's own disable or enable stands otherwise. */
gboolean    bm_store_apply_profile_operators (BmStore    *self,
                                              JsonObject *profile,
                                              GError    **error);

G_END_DECLS
