/* Operator accounts (seed 步骤1-3): who may work at this point, in which
 * role. Log-in, passwords and lockout build on this table. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-id-number.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

/* User names are typed at the log-in prompt and passed on command lines:
 * short, lower-case ASCII. */
static const BmFieldLimit user_limit = { "user", N_("User name"), 32, BM_FIELD_CLASS_CODE };
static const BmFieldLimit real_name_limit = { "real_name", N_("Real name"), 30, BM_FIELD_CLASS_NAME };

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
