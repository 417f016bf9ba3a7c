#pragma once

#include "bm-identity.h"
#include "bm-operator.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Passwords, log-in and lockout (bm-store-login.c). Log-in works offline
 * against the operators table; passwords are kept only as Argon2id hashes
 * (libsodium crypto_pwhash_str, interactive limits). */

/* Wrong passwords before the account locks, and the growing lock times in
 * minutes: the first lock lasts 1 minute, the next 5, then 15, then 60 for
 * every further lock. A successful log-in or a supervisor's unlock starts
 * the count again (docs/cli.md, “Operators”). */
#define BM_LOGIN_MAX_FAILURES 5
#define BM_PASSWORD_MIN_LENGTH 8
guint bm_login_lock_minutes (guint lock_number);

/* The store's clock, for lockout times and deadlines: tests pass a fake one instead of
 * sleeping. NULL restores the real clock. The function returns a new
 * reference. */
typedef GDateTime *(*BmStoreClock) (gpointer user_data);
void       bm_store_set_clock (BmStore      *self,
                               BmStoreClock  clock,
                               gpointer      user_data);
GDateTime *bm_store_clock_now (BmStore      *self);

/* Sets @user's password. @one_time: the password was given to the operator
 * (by the county, the set-up file or a supervisor) and must be replaced by
 * their own at the next log-in. @actor is @user themself, a supervisor, or
 * a reserved actor; anyone else gets BM_ERROR_PERMISSION. Clears a lock and
 * the failure count. Audited as "operator_password" without the password. */
gboolean bm_store_set_password     (BmStore     *self,
                                    const char  *user,
                                    const char  *password,
                                    gboolean     one_time,
                                    const char  *actor,
                                    GError     **error);

/* Log-in. TRUE when @user is an enabled, unlocked account and @password is
 * its password; @must_change is then set when the password was a one-time
 * one. On a training store an account without a password logs in without
 * one. Every failure is BM_ERROR_PERMISSION with a sentence, is audited as
 * "login_failed" (never with the password), and the fifth wrong password
 * in a row locks the account (audited as "operator_locked"). */
gboolean bm_store_verify_password  (BmStore     *self,
                                    const char  *user,
                                    const char  *password,
                                    gboolean    *must_change,
                                    GError     **error);

/* 实名认证: the second step of a log-in when the workstation asks for
 * the operator's own ID card. TRUE when @card's ID number equals the one
 * recorded for @user (compared in upper case). An account without a
 * recorded number cannot pass (the sentence says to ask the supervisor);
 * a refusal is BM_ERROR_PERMISSION, audited as "login_failed" with the
 * reason "id_card_mismatch" or "no_id_number" and at most the card's
 * masked number. Does not check the password: call it after
 * bm_store_verify_password(). */
gboolean bm_store_verify_id_card   (BmStore     *self,
                                    const char  *user,
                                    BmIdentity  *card,
                                    GError     **error);

gboolean bm_store_operator_awaits_password (BmStore    *self,
                                            const char *user);

/* A supervisor ends a lock early. Audited as "operator_unlock". */
gboolean bm_store_unlock_operator  (BmStore     *self,
                                    const char  *user,
                                    const char  *supervisor,
                                    GError     **error);

/* A new random one-time password for @user, set by @supervisor and
 * returned once (NULL on error). */
char    *bm_store_reset_password   (BmStore     *self,
                                    const char  *user,
                                    const char  *supervisor,
                                    GError     **error);

/* Successful session events, audited (issue 12): who, when (the entry's
 * time), where (the workstation id and host name); never a password.
 * @event is one of BM_SESSION_LOG_IN, _LOG_OUT, _LOCK, _UNLOCK; @via says
 * what was logged into ("cli", "station"); @previous (log-in only) names
 * the operator this log-in replaced at the station (switching operator);
 * @reason (lock only) is "idle" or "manual". Written as @user when the
 * account is enabled, else as "system" with the user in the detail (a
 * log-out after the account was disabled must still be recorded). */
#define BM_SESSION_LOG_IN  "login"
#define BM_SESSION_LOG_OUT "logout"
#define BM_SESSION_LOCK    "session_lock"
#define BM_SESSION_UNLOCK  "session_unlock"
gboolean bm_store_audit_session    (BmStore     *self,
                                    const char  *user,
                                    const char  *event,
                                    const char  *via,
                                    const char  *previous,
                                    const char  *reason,
                                    GError     **error);

G_END_DECLS
