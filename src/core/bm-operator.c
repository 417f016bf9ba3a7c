#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-operator.h"

static const struct {
  const char *name;
  const char *label;
} roles[BM_N_OPERATOR_ROLES] = {
  [BM_OPERATOR_ROLE_CLERK] = { "clerk", N_("Registration clerk") },
  [BM_OPERATOR_ROLE_SUPERVISOR] = { "supervisor", N_("Point supervisor") },
  [BM_OPERATOR_ROLE_OFFICER] = { "officer", N_("Admissions office officer") },
};

const char *
bm_operator_role_to_string (BmOperatorRole role)
{
  g_return_val_if_fail (role < BM_N_OPERATOR_ROLES, NULL);
  return roles[role].name;
}

const char *
bm_operator_role_get_label (BmOperatorRole role)
{
  g_return_val_if_fail (role < BM_N_OPERATOR_ROLES, NULL);
  return g_dgettext (GETTEXT_PACKAGE, roles[role].label);
}

gboolean
bm_operator_role_from_string (const char *name, BmOperatorRole *role)
{
  if (name == NULL)
    return FALSE;
  /* Protocol 1.0 profiles call the point supervisor "admin". */
  if (g_str_equal (name, "admin"))
    {
      *role = BM_OPERATOR_ROLE_SUPERVISOR;
      return TRUE;
    }
  for (int i = 0; i < BM_N_OPERATOR_ROLES; i++)
    if (g_str_equal (roles[i].name, name))
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
bm_operator_is_reserved_actor (const char *name)
{
  return g_strcmp0 (name, BM_ACTOR_PROVINCE) == 0 || g_strcmp0 (name, BM_ACTOR_SYSTEM) == 0;
}
