/* Operator accounts (seed 步骤1-3): who may work at this point, in which
 * role. Log-in, passwords and lockout build on this table. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-id-number.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

/* User names are typed at the log-in prompt and passed on command lines:
 * short, lower-case ASCII. */
static const BmFieldLimit user_limit = { "user", N_("User name"), 32, BM_FIELD_CLASS_CODE };
static const BmFieldLimit real_name_limit = { "real_name", N_("Real name"), 30, BM_FIELD_CLASS_NAME };

static gboolean
bm_store_operator_exists (BmStore *self, const char *user)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT 1 FROM operators WHERE user = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
bm_store_add_operator (BmStore *self, const char *user, const char *real_name, const char *id_number,
                       BmOperatorRole role, const char *created_by, GError **error)
{
  g_autofree char *checked_user = NULL;
  g_autofree char *checked_name = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  int rc;

  g_return_val_if_fail (role < BM_N_OPERATOR_ROLES, FALSE);

  if ((checked_user = bm_field_check_with (&user_limit, user, error)) == NULL
      || (checked_name = bm_field_check_with (&real_name_limit, real_name, error)) == NULL)
    return FALSE;
  if (*checked_user == '\0' || bm_operator_is_reserved_actor (checked_user))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("“%s” cannot be used as a user name."), checked_user);
      return FALSE;
    }
  if (id_number != NULL && *id_number != '\0' && !bm_id_number_check_resident (id_number, NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The operator’s ID number is not valid."));
      return FALSE;
    }

  /* Accounts come from the province, the set-up file or the point's
   * supervisor (seed 步骤1-3), never from a clerk. */
  if (!bm_operator_is_reserved_actor (created_by)
      && !bm_store_check_role (self, created_by, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  stmt = bm_store_prepare (self, "INSERT INTO operators (user, real_name, id_number, role, enabled, created_at) "
                                 "VALUES (?, ?, ?, ?, 1, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, checked_user, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, checked_name, -1, SQLITE_STATIC);
  if (id_number != NULL && *id_number != '\0')
    sqlite3_bind_text (stmt, 3, id_number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, bm_operator_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE, _("There is already an operator called “%s”."), checked_user);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  json_object_set_string_member (detail, "user", checked_user);
  json_object_set_string_member (detail, "role", bm_operator_role_to_string (role));
  if (!bm_store_audit_append (self, created_by, NULL, "operator_add", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

char *
bm_store_add_clerk (BmStore *self, const char *user, const char *real_name, const char *supervisor, GError **error)
{
  char *password = NULL;

  if (!bm_store_check_role (self, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error)
      || !bm_store_transaction_begin (self, error))
    return NULL;
  if (!bm_store_add_operator (self, user, real_name, NULL, BM_OPERATOR_ROLE_CLERK, supervisor, error)
      || (password = bm_store_reset_password (self, user, supervisor, error)) == NULL
      || !bm_store_transaction_commit (self, error))
    {
      if (password != NULL)
        memset (password, 0, strlen (password));
      g_clear_pointer (&password, g_free);
      bm_store_transaction_rollback (self);
      return NULL;
    }
  return password;
}

gboolean
bm_store_check_role (BmStore *self, const char *operator_name, BmOperatorRole role, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  BmOperatorRole held;
  int rc;

  g_return_val_if_fail (role < BM_N_OPERATOR_ROLES, FALSE);

  stmt = bm_store_prepare (self, "SELECT role FROM operators WHERE user = ? AND enabled = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, operator_name ? operator_name : "", -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND,
                   _("“%s” is not an operator of this point, or the account is disabled."),
                   operator_name ? operator_name : "");
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, rc, error);
  if (!bm_operator_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &held))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED, _("The operator “%s” has an unknown role."), operator_name);
      return FALSE;
    }
  if (role == BM_OPERATOR_ROLE_CLERK || held == role)
    return TRUE;
  g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION, _("Only the %s may do this."), bm_operator_role_get_label (role));
  return FALSE;
}

gboolean
bm_store_check_operator (BmStore *self, const char *operator_name, GError **error)
{
  if (bm_operator_is_reserved_actor (operator_name) || bm_store_operator_is_enabled (self, operator_name))
    return TRUE;
  g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
               _("Nothing is changed without a logged-in operator; “%s” is not an enabled account of this point."),
               operator_name ? operator_name : "");
  return FALSE;
}

gboolean
bm_store_operator_is_enabled (BmStore *self, const char *user)
{
  g_autoptr(BmCachedStmt) stmt = NULL;

  if (user == NULL)
    return FALSE;
  stmt = bm_store_statement (self, "SELECT 1 FROM operators WHERE user = ? AND enabled = 1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

JsonArray *
bm_store_list_operators (BmStore *self, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  int rc;

  stmt = bm_store_prepare (self, "SELECT user, real_name, role, enabled, password_hash IS NOT NULL, "
                                 "must_change_password, locked_until, id_number IS NOT NULL "
                                 "FROM operators ORDER BY user", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "user", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (o, "real_name", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (o, "role", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_boolean_member (o, "enabled", sqlite3_column_int (stmt, 3) != 0);
      json_object_set_boolean_member (o, "has_password", sqlite3_column_int (stmt, 4) != 0);
      json_object_set_boolean_member (o, "must_change_password", sqlite3_column_int (stmt, 5) != 0);
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        json_object_set_null_member (o, "locked_until");
      else
        json_object_set_string_member (o, "locked_until", (const char *) sqlite3_column_text (stmt, 6));
      json_object_set_boolean_member (o, "has_id_number", sqlite3_column_int (stmt, 7) != 0);
      json_array_add_object_element (array, o);
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&array);
}

gboolean
bm_store_set_operator_enabled (BmStore *self, const char *user, gboolean enabled, const char *supervisor,
                               GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  int rc;

  if (!bm_store_check_role (self, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  if (!enabled && g_strcmp0 (user, supervisor) == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("A supervisor cannot disable their own account."));
      return FALSE;
    }
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  stmt = bm_store_prepare (self, "UPDATE operators SET enabled = ? WHERE user = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_text (stmt, 2, user ? user : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  if (sqlite3_changes (bm_store_get_sqlite (self)) == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("There is no operator “%s” at this point."), user ? user : "");
      goto fail;
    }
  json_object_set_string_member (detail, "user", user);
  if (!bm_store_audit_append (self, supervisor, NULL, enabled ? "operator_enable" : "operator_disable", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

gboolean
bm_store_set_operator_id_number (BmStore *self, const char *user, const char *id_number, const char *supervisor,
                                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *number = id_number ? g_ascii_strup (id_number, -1) : NULL;
  g_autofree char *masked = NULL;
  int rc;

  if (!bm_store_check_role (self, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  if (number == NULL || !bm_id_number_check_resident (g_strstrip (number), NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The operator’s ID number is not valid."));
      return FALSE;
    }
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  stmt = bm_store_prepare (self, "UPDATE operators SET id_number = ? WHERE user = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, user ? user : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  if (sqlite3_changes (bm_store_get_sqlite (self)) == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("There is no operator “%s” at this point."), user ? user : "");
      goto fail;
    }
  /* Which number, for the supervisor reading the log, but masked. */
  masked = bm_id_number_mask (number);
  json_object_set_string_member (detail, "user", user);
  json_object_set_string_member (detail, "id_number", masked);
  if (!bm_store_audit_append (self, supervisor, NULL, "operator_id_number", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

static const char *
entry_string (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
refresh_one (BmStore *self, const char *user, const char *real_name, BmOperatorRole role, gboolean enabled,
             const char *actor, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) detail = NULL;
  g_autofree char *checked_name = bm_field_check_with (&real_name_limit, real_name, error);
  int rc;

  if (checked_name == NULL)
    return FALSE;
  stmt = bm_store_prepare (self, "UPDATE operators SET real_name = ?2, role = ?3, enabled = ?4 WHERE user = ?1 "
                                 "AND (real_name IS NOT ?2 OR role IS NOT ?3 OR enabled IS NOT ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, checked_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, bm_operator_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, enabled ? 1 : 0);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  if (sqlite3_changes (bm_store_get_sqlite (self)) == 0)
    return TRUE;
  detail = json_object_new ();
  json_object_set_string_member (detail, "user", user);
  json_object_set_string_member (detail, "role", bm_operator_role_to_string (role));
  json_object_set_boolean_member (detail, "enabled", enabled);
  return bm_store_audit_append (self, actor, NULL, "operator_refresh", detail, error);
}

/* The county manages @user from now on (migration 50), and last gave it
 * @enabled: a later profile that no longer lists it disables it. */
static gboolean
mark_profile_account (BmStore *self, const char *user, gboolean enabled, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "INSERT INTO profile_accounts (user, listed_enabled) VALUES (?1, ?2) "
                                                           "ON CONFLICT (user) DO UPDATE SET listed_enabled = ?2",
                                                     error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, enabled ? 1 : 0);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Whether a listed account takes the profile's enabled flag: when the
 * county's flag is new or changed (or the account comes back after a
 * profile dropped it). Otherwise the account keeps its local state, so a
 * supervisor's disable or enable is not undone by every pull. */
static gboolean
county_flag_changed (BmStore *self, const char *user, gboolean enabled)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT listed_enabled FROM profile_accounts WHERE user = ?",
                                                     NULL);

  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return TRUE;
  return (sqlite3_column_int (stmt, 0) != 0) != (enabled != FALSE);
}

/* Disables every enabled account the county manages that @listed does
 * not name. Not deleted: the audit log keeps pointing at them, and a later
 * profile may list them again. */
static gboolean
disable_unlisted (BmStore *self, GHashTable *listed, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT user, enabled FROM profile_accounts JOIN operators USING (user) "
                                                           "WHERE listed_enabled IS NOT NULL ORDER BY user", error);
  g_autoptr(GPtrArray) unlisted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *user = (const char *) sqlite3_column_text (stmt, 0);

      if (g_hash_table_contains (listed, user))
        continue;
      g_ptr_array_add (unlisted, g_strdup (user));
      if (sqlite3_column_int (stmt, 1) != 0)
        g_ptr_array_add (dropped, g_strdup (user));
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  g_clear_pointer (&stmt, bm_cached_stmt_release);
  /* Dropped by the county: listed again later, it takes the flag given. */
  for (guint i = 0; i < unlisted->len; i++)
    {
      g_autoptr(BmCachedStmt) forget = bm_store_statement (self, "UPDATE profile_accounts SET listed_enabled = NULL "
                                                                 "WHERE user = ?", error);

      if (forget == NULL)
        return FALSE;
      sqlite3_bind_text (forget, 1, unlisted->pdata[i], -1, SQLITE_TRANSIENT);
      if ((rc = sqlite3_step (forget)) != SQLITE_DONE)
        return bm_store_set_sqlite_error (self, rc, error);
    }
  for (guint i = 0; i < dropped->len; i++)
    {
      g_autoptr(BmCachedStmt) update = bm_store_statement (self, "UPDATE operators SET enabled = 0 WHERE user = ?", error);
      g_autoptr(JsonObject) detail = json_object_new ();
      const char *user = dropped->pdata[i];

      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, user, -1, SQLITE_TRANSIENT);
      if ((rc = sqlite3_step (update)) != SQLITE_DONE)
        return bm_store_set_sqlite_error (self, rc, error);
      json_object_set_string_member (detail, "user", user);
      json_object_set_string_member (detail, "reason", "not_in_profile");
      if (!bm_store_audit_append (self, BM_ACTOR_PROVINCE, NULL, "operator_disable", detail, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
refresh_operators (BmStore *self, JsonArray *operators, const char *actor, gboolean drop_unlisted, GError **error)
{
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (operators == NULL)
    return TRUE;
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (operators); i++)
    {
      JsonNode *n = json_array_get_element (operators, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *user = o ? entry_string (o, "user") : NULL;
      const char *name = o ? entry_string (o, "name") : NULL;
      gboolean enabled = o ? json_object_get_boolean_member_with_default (o, "enabled", TRUE) : FALSE;
      BmOperatorRole role;
      gboolean ok;

      if (o == NULL || !bm_operator_role_from_string (entry_string (o, "role"), &role))
        continue;
      if (user == NULL)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Operator %u of the point has no user name."), i + 1);
          goto fail;
        }
      if (name == NULL || *name == '\0')
        name = user;
      if (bm_store_operator_exists (self, user))
        ok = refresh_one (self, user, name, role,
                          county_flag_changed (self, user, enabled) ? enabled : bm_store_operator_is_enabled (self, user),
                          actor, error);
      else
        ok = bm_store_add_operator (self, user, name, entry_string (o, "id_number"), role, actor, error)
             && (enabled || refresh_one (self, user, name, role, FALSE, actor, error));
      if (!ok || !mark_profile_account (self, user, enabled, error))
        goto fail;
      g_hash_table_add (listed, g_strdup (user));
    }
  if (drop_unlisted && !disable_unlisted (self, listed, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

gboolean
bm_store_apply_profile_operators (BmStore *self, JsonObject *profile, GError **error)
{
  JsonNode *node = profile ? json_object_get_member (profile, "operators") : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;
  return refresh_operators (self, json_node_get_array (node), BM_ACTOR_PROVINCE, TRUE, error);
}

gboolean
bm_store_refresh_operators (BmStore *self, JsonArray *operators, const char *actor, GError **error)
{
  return refresh_operators (self, operators, actor, FALSE, error);
}
