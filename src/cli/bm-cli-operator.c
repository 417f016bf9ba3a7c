/* operator add|list|passwd|disable|enable|unlock|set-id: the point's accounts
 * (seed 步骤1-3). Accounts also come from the point profile and the set-up
 * file; here the point supervisor creates clerks and manages passwords. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"

static int
operator_list (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  JsonArray *list;
  BmStore *store;
  int code;

  g_option_context_set_summary (options, _("List the operator accounts of this point as JSON (never passwords)."));
  if (!bm_cli_parse (options, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("operator list takes no arguments."));
  if ((store = bm_cli_open_store (ctx, &error)) == NULL || (list = bm_store_list_operators (store, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_array_member (output, "operators", list);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

static void
print_one_time (const char *user, const char *role, const char *password)
{
  g_autoptr(JsonObject) output = json_object_new ();

  json_object_set_string_member (output, "user", user);
  if (role != NULL)
    json_object_set_string_member (output, "role", role);
  /* Shown this once: only its hash is kept. */
  json_object_set_string_member (output, "one_time_password", password);
  bm_cli_print_json_object (output);
}

static int
operator_add (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("USER"));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *role_name = NULL, *id_number = NULL;
  g_autofree char *password = NULL;
  BmOperatorRole role;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The operator’s real name"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name, N_("clerk, supervisor or officer"), N_("ROLE") },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number, N_("The operator’s ID number (for 实名认证)"), N_("NUMBER") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The point supervisor creates an account. Its one-time password is printed once; the operator sets their own at the first log-in."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || name == NULL || role_name == NULL)
    return bm_cli_usage (options, _("operator add needs USER, --name and --role."));
  if (!bm_operator_role_from_string (role_name, &role))
    return bm_cli_usage (options, _("The role must be clerk, supervisor or officer."));
  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL
      || !bm_store_add_operator (store, argv[1], name, id_number, role, ctx->operator_name, &error)
      || (password = bm_store_reset_password (store, argv[1], ctx->operator_name, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  print_one_time (argv[1], bm_operator_role_to_string (role), password);
  bm_cli_password_free (g_steal_pointer (&password));
  return BM_CLI_EXIT_OK;
}

static char *
read_new_password (const char *file, GError **error)
{
  g_autofree char *first = NULL;
  char *second;

  if (file != NULL || (g_getenv ("BAOMING_NEW_PASSWORD") != NULL && *g_getenv ("BAOMING_NEW_PASSWORD") != '\0'))
    return bm_cli_read_password (file, "BAOMING_NEW_PASSWORD", NULL, error);
  first = bm_cli_read_password (NULL, NULL, _("New password: "), error);
  if (first == NULL)
    return NULL;
  second = bm_cli_read_password (NULL, NULL, _("New password again: "), error);
  if (second == NULL || g_strcmp0 (first, second) != 0)
    {
      bm_cli_password_free (g_steal_pointer (&first));
      bm_cli_password_free (second);
      if (error != NULL && *error == NULL)
        g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The two passwords differ; nothing was changed."));
      return NULL;
    }
  bm_cli_password_free (second);
  return g_steal_pointer (&first);
}

static int
operator_passwd (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("[USER]"));
  g_autoptr(GError) error = NULL;
  g_autofree char *new_file = NULL;
  char *password = NULL;
  BmStore *store;
  gboolean ok;
  int code;
  const GOptionEntry entries[] = {
    { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file, N_("Read the new password from this file (or BAOMING_NEW_PASSWORD, or the terminal twice)"), N_("FILE") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Without USER (or with your own): set your own password, also after a one-time one. With another USER: the point supervisor gives that account a new one-time password, printed once."), entries, &argc, &argv, &code))
    return code;
  if (argc > 2)
    return bm_cli_usage (options, _("operator passwd takes at most one USER."));
  ctx->auth_allow_must_change = argc == 1 || g_strcmp0 (argv[1], ctx->auth_operator ? ctx->auth_operator
                                                                                  : g_getenv ("BAOMING_OPERATOR")) == 0;
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (argc == 2 && !g_str_equal (argv[1], ctx->operator_name))
    {
      g_autofree char *one_time = bm_store_reset_password (store, argv[1], ctx->operator_name, &error);

      if (one_time == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      print_one_time (argv[1], NULL, one_time);
      bm_cli_password_free (g_steal_pointer (&one_time));
      return BM_CLI_EXIT_OK;
    }
  if ((password = read_new_password (new_file, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  ok = bm_store_set_password (store, ctx->operator_name, password, FALSE, ctx->operator_name, &error);
  bm_cli_password_free (password);
  if (!ok)
    return bm_cli_fail (g_steal_pointer (&error));
  {
    g_autoptr(JsonObject) output = json_object_new ();
    json_object_set_string_member (output, "user", ctx->operator_name);
    json_object_set_boolean_member (output, "password_set", TRUE);
    bm_cli_print_json_object (output);
  }
  return BM_CLI_EXIT_OK;
}

/* disable, enable and unlock: a supervisor acts on one account. */
static int
operator_manage (BmCliContext *ctx, int argc, char **argv, const char *what)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("USER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  BmStore *store;
  gboolean ok;
  int code;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The point supervisor disables, enables again or unlocks an account."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Name the account: USER."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (g_str_equal (what, "unlock"))
    ok = bm_store_unlock_operator (store, argv[1], ctx->operator_name, &error);
  else
    ok = bm_store_set_operator_enabled (store, argv[1], g_str_equal (what, "enable"), ctx->operator_name, &error);
  if (!ok)
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_string_member (output, "user", argv[1]);
  json_object_set_string_member (output, "done", what);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

/* set-id: the supervisor records an account's ID number for 实名认证. */
static int
operator_set_id (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("USER ID_NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The point supervisor records an operator’s ID number; with 实名认证 on, the desktop log-in compares it with the operator’s ID card."), entries, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return bm_cli_usage (options, _("operator set-id needs USER and ID_NUMBER."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || !bm_store_set_operator_id_number (store, argv[1], argv[2], ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_string_member (output, "user", argv[1]);
  json_object_set_boolean_member (output, "has_id_number", TRUE);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

int
bm_cli_operator (BmCliContext *ctx, int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("%s\n", _("Usage: baoming-cli operator add|list|passwd|disable|enable|unlock|set-id …"));
      return BM_CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "list"))
    return operator_list (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "add"))
    return operator_add (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "passwd"))
    return operator_passwd (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "disable") || g_str_equal (argv[1], "enable") || g_str_equal (argv[1], "unlock"))
    return operator_manage (ctx, argc - 1, argv + 1, argv[1]);
  if (g_str_equal (argv[1], "set-id"))
    return operator_set_id (ctx, argc - 1, argv + 1);
  g_printerr ("baoming-cli: %s\n", _("Unknown operator command"));
  return BM_CLI_EXIT_USAGE;
}
