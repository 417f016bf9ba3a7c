/* profile: the point profile in force, and applying a new version from a
 * file (docs/cli.md "profile"; the rules are bm-store-policy.c). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-store-operators.h"
#include "bm-store-policy.h"

static int
profile_show (BmStore *store, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) view = bm_store_policy_show (store, &error);
  JsonObject *refusal;
  JsonArray *categories;

  if (view == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    {
      bm_cli_print_json_object (view);
      return BM_CLI_EXIT_OK;
    }
  if (json_object_get_null_member (view, "profile_version"))
    g_print (_("No profile version has been applied on this workstation.\n"));
  else
    g_print (_("Profile version %lld is in force.\n"), (long long) json_object_get_int_member (view, "profile_version"));
  categories = json_object_get_array_member (view, "categories");
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *c = json_array_get_object_element (categories, i);
      g_print (_("  category %s %s: %lld numbers left\n"), json_object_get_string_member (c, "code"),
               json_object_get_string_member (c, "name"), (long long) json_object_get_int_member (c, "remaining"));
    }
  refusal = json_object_get_null_member (view, "refusal") ? NULL : json_object_get_object_member (view, "refusal");
  if (refusal != NULL)
    g_print (_("Refused: %s\n"), json_object_get_string_member_with_default (refusal, "message", ""));
  return BM_CLI_EXIT_OK;
}

static int
profile_apply (BmStore *store, const char *path, const char *operator_name, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) policy = bm_cli_read_json_object (path, BM_JSON_INPUT_SETUP, &error);
  BmPolicyOutcome outcome;

  if (policy == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  outcome = bm_store_policy_apply (store, policy, NULL, "file", operator_name, NULL, &error);
  if (outcome == BM_POLICY_FAILED || outcome == BM_POLICY_REFUSED)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    return profile_show (store, TRUE);
  if (outcome == BM_POLICY_UNCHANGED)
    g_print (_("Profile version %lld is already in force; nothing changed.\n"),
             (long long) bm_store_policy_version (store));
  else
    g_print (_("Profile version %lld applied.\n"), (long long) bm_store_policy_version (store));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_profile (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (N_("show | apply FILE"));
  g_autoptr(GError) error = NULL;
  gboolean as_json = FALSE;
  int code;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the profile in force as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Show the point profile in force (version, 科类, ranges, deadlines, the last change and any refusal), or apply a new profile version from a file (docs/setup-file.md)."), entries, &argc, &argv, &code))
    return code;
  if (argc == 2 && g_str_equal (argv[1], "show"))
    ;
  else if (argc == 3 && g_str_equal (argv[1], "apply"))
    ;
  else
    return bm_cli_usage (options, _("Use “profile show” or “profile apply FILE”."));

  if (g_str_equal (argv[1], "show"))
    {
      if ((store = bm_cli_open_store (ctx, &error)) == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      return profile_show (store, as_json);
    }
  /* Policy is the point supervisor's to apply (seed 四). */
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || !bm_store_check_role (store, ctx->operator_name, BM_OPERATOR_ROLE_SUPERVISOR, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return profile_apply (store, argv[2], ctx->operator_name, as_json);
}
