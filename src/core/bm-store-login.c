/* Log-in against the operators table (seed 步骤1-3): Argon2id password
 * hashes, one-time passwords that must be replaced, and a growing lock
 * after repeated wrong passwords. Works offline: nothing here talks to the
 * provincial server. No password text ever reaches the audit log or the
 * debug log. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"
#include "bm-password.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

static const guint lock_minutes[] = { 1, 5, 15, 60 };

guint
bm_login_lock_minutes (guint lock_number)
{
  if (lock_number == 0)
    return 0;
  return lock_minutes[MIN (lock_number, G_N_ELEMENTS (lock_minutes)) - 1];
}

typedef struct {
  BmStoreClock clock;
  gpointer user_data;
} ClockData;

void
bm_store_set_clock (BmStore *self, BmStoreClock clock, gpointer user_data)
{
  ClockData *data = NULL;

  g_return_if_fail (BM_IS_STORE (self));
  if (clock != NULL)
    {
      data = g_new0 (ClockData, 1);
      data->clock = clock;
      data->user_data = user_data;
    }
  g_object_set_data_full (G_OBJECT (self), "bm-store-clock", data, g_free);
}

GDateTime *
bm_store_clock_now (BmStore *self)
{
  ClockData *data = g_object_get_data (G_OBJECT (self), "bm-store-clock");

  const char *fake = g_getenv ("BAOMING_NOW");

  if (data != NULL)
    return data->clock (data->user_data);
  /* BAOMING_NOW (RFC 3339) stands in for the wall clock in the CLI's
   * tests: past a deadline without sleeping or changing the system time. */
  if (fake != NULL && *fake != '\0')
    {
      GDateTime *t = g_date_time_new_from_iso8601 (fake, NULL);
      if (t != NULL)
        return t;
    }
  return g_date_time_new_now_utc ();
}

static gboolean
sodium_ready (GError **error)
{
  static gsize done = 0;
  static int rc = 0;

  if (g_once_init_enter (&done))
    {
      rc = sodium_init ();
      g_once_init_leave (&done, 1);
    }
  if (rc < 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("The password library could not be started."));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gboolean found;
  gboolean enabled;
  char *hash;
  gboolean must_change;
  gint64 failed;
  char *locked_until;
} Account;

static void
account_clear (Account *a)
{
  g_clear_pointer (&a->hash, g_free);
  g_clear_pointer (&a->locked_until, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Account, account_clear)

static gboolean
load_account (BmStore *self, const char *user, Account *a, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT enabled, password_hash, must_change_password, "
                                                           "failed_attempts, locked_until FROM operators WHERE user = ?",
                                                     error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user ? user : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, rc, error);
  a->found = TRUE;
  a->enabled = sqlite3_column_int (stmt, 0) != 0;
  a->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  a->must_change = sqlite3_column_int (stmt, 2) != 0;
  a->failed = sqlite3_column_int64 (stmt, 3);
  a->locked_until = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return TRUE;
}

static gboolean
update_account (BmStore *self, const char *sql, const char *user, const char *text, gint64 number,
                GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, number);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* The minutes left of a lock (rounded up), 0 when there is none. */
static gint64
lock_minutes_left (BmStore *self, const char *locked_until)
{
  g_autoptr(GDateTime) until = NULL;
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan left;

  if (locked_until == NULL || (until = g_date_time_new_from_iso8601 (locked_until, NULL)) == NULL)
    return 0;
  now = bm_store_clock_now (self);
  left = g_date_time_difference (until, now);
  if (left <= 0)
    return 0;
  return (left + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE;
}

/* A wrong password (or an attempt on a locked account): counted and
 * audited in its own transaction, so the refusal itself is kept. */
static gboolean
record_failure (BmStore *self, const char *user, const Account *a, const char *reason, const char *card_masked,
                GError **error)
{
  g_autoptr(JsonObject) detail = json_object_new ();
  gint64 failed = a->failed;
  guint lock = 0;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  /* The name typed is recorded only when it is an account: an unknown one
   * may be a password typed into the wrong box. */
  if (a->found)
    json_object_set_string_member (detail, "user", user);
  else
    json_object_set_null_member (detail, "user");
  json_object_set_string_member (detail, "reason", reason);
  /* Only ever the masked number of a card (实名认证): which card was
   * tried, without the number itself. */
  if (card_masked != NULL)
    json_object_set_string_member (detail, "card", card_masked);
  if (g_str_equal (reason, "wrong_password"))
    {
      failed++;
      json_object_set_int_member (detail, "attempt", failed);
      if (!update_account (self, "UPDATE operators SET failed_attempts = ?3 WHERE user = ?1", user,
                           NULL, failed, error))
        goto fail;
      if (failed % BM_LOGIN_MAX_FAILURES == 0)
        lock = (guint) (failed / BM_LOGIN_MAX_FAILURES);
    }
  if (!bm_store_audit_append (self, BM_ACTOR_SYSTEM, NULL, "login_failed", detail, error))
    goto fail;
  if (lock > 0)
    {
      g_autoptr(JsonObject) lock_detail = json_object_new ();
      g_autoptr(GDateTime) now = bm_store_clock_now (self);
      g_autoptr(GDateTime) until = g_date_time_add_minutes (now, (int) bm_login_lock_minutes (lock));
      g_autofree char *until_text = g_date_time_format_iso8601 (until);

      if (!update_account (self, "UPDATE operators SET locked_until = ?2 WHERE user = ?1", user, until_text, 0, error))
        goto fail;
      json_object_set_string_member (lock_detail, "user", user);
      json_object_set_string_member (lock_detail, "until", until_text);
      json_object_set_int_member (lock_detail, "minutes", bm_login_lock_minutes (lock));
      if (!bm_store_audit_append (self, BM_ACTOR_SYSTEM, NULL, "operator_locked", lock_detail, error))
        goto fail;
    }
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

static gboolean
refuse (BmStore *self, const char *user, const Account *a, const char *reason, GError **error,
        const char *format, ...) G_GNUC_PRINTF (6, 7);

static gboolean
refuse (BmStore *self, const char *user, const Account *a, const char *reason, GError **error,
        const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* If even the failure cannot be recorded, say that instead: a refusal
   * that leaves no trace must not look like an ordinary one. */
  if (!record_failure (self, user, a, reason, NULL, error))
    return FALSE;
  g_set_error_literal (error, BM_ERROR, BM_ERROR_PERMISSION, message);
  return FALSE;
}

gboolean
bm_store_verify_password (BmStore *self, const char *user, const char *password, gboolean *must_change,
                          GError **error)
{
  g_auto(Account) a = { 0 };
  gint64 minutes;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);

  if (must_change != NULL)
    *must_change = FALSE;
  if (!sodium_ready (error) || !load_account (self, user, &a, error))
    return FALSE;
  if (!a.found)
    return refuse (self, user, &a, "unknown_user", error,
                   _("There is no operator “%s” at this point, or the password is wrong."), user ? user : "");
  if (!a.enabled)
    return refuse (self, user, &a, "disabled", error,
                   _("The account “%s” is disabled; the point supervisor can tell you why."), user);
  if ((minutes = lock_minutes_left (self, a.locked_until)) > 0)
    return refuse (self, user, &a, "locked", error,
                   g_dngettext (GETTEXT_PACKAGE, "The account “%s” is locked after too many wrong passwords; try again in %d minute or ask the point supervisor to unlock it.",
                                "The account “%s” is locked after too many wrong passwords; try again in %d minutes or ask the point supervisor to unlock it.",
                                (gulong) minutes),
                   user, (int) minutes);
  if (a.hash == NULL)
    {
      /* Training accounts have no password: training must stay one
       * command to try. A real account without one cannot log in. */
      if (bm_store_is_training (self))
        return TRUE;
      return refuse (self, user, &a, "no_password", error,
                     _("The account “%s” has no password yet; ask the point supervisor for a one-time password."),
                     user);
    }
  if (password == NULL
      || crypto_pwhash_str_verify (a.hash, password, strlen (password)) != 0)
    return refuse (self, user, &a, "wrong_password", error,
                   _("There is no operator “%s” at this point, or the password is wrong."), user);
  if ((a.failed > 0 || a.locked_until != NULL)
      && !update_account (self, "UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE user = ?1", user,
                          NULL, 0, error))
    return FALSE;
  if (must_change != NULL)
    *must_change = a.must_change;
  return TRUE;
}

static gboolean
may_manage (BmStore *self, const char *user, const char *actor, GError **error)
{
  if (bm_operator_is_reserved_actor (actor))
    return TRUE;
  if (g_strcmp0 (actor, user) == 0)
    return bm_store_check_role (self, actor, BM_OPERATOR_ROLE_CLERK, error);
  return bm_store_check_role (self, actor, BM_OPERATOR_ROLE_SUPERVISOR, error);
}

gboolean
bm_store_set_password (BmStore *self, const char *user, const char *password, gboolean one_time, const char *actor,
                       GError **error)
{
  g_auto(Account) a = { 0 };
  g_autoptr(JsonObject) detail = json_object_new ();
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!sodium_ready (error) || !load_account (self, user, &a, error))
    return FALSE;
  if (!a.found || !a.enabled)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("“%s” is not an operator of this point, or the account is disabled."), user ? user : "");
      return FALSE;
    }
  if (!may_manage (self, user, actor, error))
    return FALSE;
  if (g_utf8_strlen (password, -1) < BM_PASSWORD_MIN_LENGTH || !g_utf8_validate (password, -1, NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "A password needs at least %d character.",
                                "A password needs at least %d characters.", BM_PASSWORD_MIN_LENGTH),
                   BM_PASSWORD_MIN_LENGTH);
      return FALSE;
    }
  if (crypto_pwhash_str_alg (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_FAILED, _("There was not enough memory to hash the password."));
      return FALSE;
    }

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if (!update_account (self, "UPDATE operators SET password_hash = ?2, must_change_password = ?3, "
                             "failed_attempts = 0, locked_until = NULL WHERE user = ?1",
                       user, hash, one_time ? 1 : 0, error))
    goto fail;
  json_object_set_string_member (detail, "user", user);
  json_object_set_boolean_member (detail, "one_time", one_time);
  if (!bm_store_audit_append (self, actor, NULL, "operator_password", detail, error))
    goto fail;
  sodium_memzero (hash, sizeof hash);
  return bm_store_transaction_commit (self, error);

fail:
  sodium_memzero (hash, sizeof hash);
  bm_store_transaction_rollback (self);
  return FALSE;
}

gboolean
bm_store_unlock_operator (BmStore *self, const char *user, const char *supervisor, GError **error)
{
  g_auto(Account) a = { 0 };
  g_autoptr(JsonObject) detail = json_object_new ();

  if (!bm_store_check_role (self, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error)
      || !load_account (self, user, &a, error))
    return FALSE;
  if (!a.found)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("There is no operator “%s” at this point."), user);
      return FALSE;
    }
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  json_object_set_string_member (detail, "user", user);
  if (!update_account (self, "UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE user = ?1", user,
                       NULL, 0, error)
      || !bm_store_audit_append (self, supervisor, NULL, "operator_unlock", detail, error))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  return bm_store_transaction_commit (self, error);
}

char *
bm_store_reset_password (BmStore *self, const char *user, const char *supervisor, GError **error)
{
  g_autofree char *password = NULL;

  if (!bm_store_check_role (self, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return NULL;
  password = bm_password_new_initial (error);
  if (password == NULL || !bm_store_set_password (self, user, password, TRUE, supervisor, error))
    return NULL;
  return g_steal_pointer (&password);
}

/* TRUE for an enabled, unlocked account of a real store that has no
 * password yet: the accounts a point profile brought. Their first log-in
 * may be checked by the provincial server (bm_sync_check_account). */
gboolean
bm_store_operator_awaits_password (BmStore *self, const char *user)
{
  g_auto(Account) a = { 0 };

  if (bm_store_is_training (self) || !load_account (self, user, &a, NULL))
    return FALSE;
  return a.found && a.enabled && a.hash == NULL && lock_minutes_left (self, a.locked_until) <= 0;
}

/* The account's recorded ID number (NULL when none). */
static gboolean
load_id_number (BmStore *self, const char *user, char **id_number, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT id_number FROM operators WHERE user = ?", error);
  int rc;

  *id_number = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user ? user : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *id_number = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Refuses the card step: audited like a wrong password (but not counted
 * towards the lock: the password was right, and a card cannot be
 * guessed), with at most the masked number of the card. */
static gboolean
refuse_card (BmStore *self, const char *user, const Account *a, const char *reason, const char *card_number,
             const char *message, GError **error)
{
  g_autofree char *masked = card_number && *card_number ? bm_id_number_mask (card_number) : NULL;

  if (!record_failure (self, user, a, reason, masked, error))
    return FALSE;
  g_set_error_literal (error, BM_ERROR, BM_ERROR_PERMISSION, message);
  return FALSE;
}

gboolean
bm_store_verify_id_card (BmStore *self, const char *user, BmIdentity *card, GError **error)
{
  g_auto(Account) a = { 0 };
  g_autofree char *recorded = NULL;
  g_autofree char *recorded_up = NULL;
  g_autofree char *read_up = NULL;
  const char *read = card ? bm_identity_get (card, "id_number") : NULL;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);
  g_return_val_if_fail (card == NULL || BM_IS_IDENTITY (card), FALSE);

  if (!load_account (self, user, &a, error) || !load_id_number (self, user, &recorded, error))
    return FALSE;
  if (!a.found || !a.enabled)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an operator of this point, or the account is disabled."),
                                                  user ? user : "");
      return refuse_card (self, user, &a, a.found ? "disabled" : "unknown_user", NULL, message, error);
    }
  if (recorded == NULL || *recorded == '\0')
    {
      g_autofree char *message = g_strdup_printf (_("The account “%s” has no ID number recorded, and this workstation needs the operator’s own ID card to log in: ask the supervisor to record your ID number."),
                                                  user);
      return refuse_card (self, user, &a, "no_id_number", read, message, error);
    }
  recorded_up = g_ascii_strup (recorded, -1);
  read_up = read ? g_ascii_strup (read, -1) : NULL;
  if (read_up == NULL || !g_str_equal (recorded_up, read_up))
    {
      g_autofree char *message = g_strdup_printf (_("This ID card is not the one recorded for “%s”: place your own ID card on the reader."),
                                                  user);
      return refuse_card (self, user, &a, "id_card_mismatch", read, message, error);
    }
  return TRUE;
}

gboolean
bm_store_audit_session (BmStore *self, const char *user, const char *event, const char *via, const char *previous,
                        const char *reason, GError **error)
{
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(BmPointProfile) point = NULL;
  const char *actor;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);
  g_return_val_if_fail (user != NULL && event != NULL, FALSE);

  /* Where: the workstation the province knows (none on a training
   * store, or before set-up) and the machine's name. */
  point = bm_store_dup_point_profile (self, NULL);
  json_object_set_string_member (detail, "user", user);
  if (via != NULL)
    json_object_set_string_member (detail, "via", via);
  if (point != NULL && point->workstation_id != NULL)
    json_object_set_string_member (detail, "workstation", point->workstation_id);
  else
    json_object_set_null_member (detail, "workstation");
  json_object_set_string_member (detail, "host", g_get_host_name ());
  if (previous != NULL)
    json_object_set_string_member (detail, "previous", previous);
  if (reason != NULL)
    json_object_set_string_member (detail, "reason", reason);
  actor = bm_store_operator_is_enabled (self, user) ? user : BM_ACTOR_SYSTEM;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if (!bm_store_audit_append (self, actor, NULL, event, detail, error))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  return bm_store_transaction_commit (self, error);
}
