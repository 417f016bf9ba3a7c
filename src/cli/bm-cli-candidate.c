/* candidate add|list|show|update|review|void; the lifecycle events are in
 * bm-cli-lifecycle.c. There is no free state setter. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-id-number.h"
#include "bm-store-submit.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"

static int
candidate_add (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(JsonObject) output = NULL;
  g_autofree char *json_path = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, N_("Read the record from this JSON file (- for standard input)"), N_("FILE") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Register a candidate typed in by hand. The record is validated as the entry form validates it, gets the next 报名顺序号 of its 科类, and is printed as JSON."), entries, &argc, &argv, &code))
    return code;
  if (json_path == NULL || argc != 1)
    return bm_cli_usage (options, _("candidate add needs --json FILE."));

  input = bm_cli_read_json_object (json_path, BM_JSON_INPUT_RECORD, &error);
  if (input == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  /* Identity typed by hand, whatever the file claims: only a reader can say "card". */
  json_object_set_string_member (input, "source", "manual");
  candidate = bm_candidate_new_from_json (input, &error);
  store = candidate ? bm_cli_open_store_as (ctx, &error) : NULL;
  if (store == NULL || !bm_store_add_candidate (store, candidate, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));

  output = bm_candidate_to_json (candidate);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

static int
candidate_list (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autofree char *query = NULL;
  gboolean as_json = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print a JSON array of records"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &query, N_("Only records whose 报名顺序号, ID number or name starts with TEXT"), N_("TEXT") },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("List the candidate records, newest first."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("candidate list takes no arguments."));

  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || (rows = bm_store_search_rows (store, query, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));

  array = json_array_new ();
  /* The 考生 page's queries: the ids, then BM_STORE_ROWS_PER_QUERY records
   * per query (issue 17). */
  for (guint i = 0; i < rows->len; i++)
    {
      BmCandidate *candidate;

      if (i % BM_STORE_ROWS_PER_QUERY == 0)
        {
          g_clear_pointer (&page, g_ptr_array_unref);
          page = bm_store_find_by_rows (store, &g_array_index (rows, gint64, i),
                                        MIN (BM_STORE_ROWS_PER_QUERY, rows->len - i), &error);
          if (page == NULL)
            return bm_cli_fail (g_steal_pointer (&error));
        }
      candidate = g_ptr_array_index (page, i % BM_STORE_ROWS_PER_QUERY);
      if (as_json)
        json_array_add_object_element (array, bm_candidate_to_json (candidate));
      else
        {
          BmIdentity *identity = bm_candidate_get_identity (candidate);
          g_autofree char *masked = bm_id_number_mask (bm_identity_get (identity, "id_number"));
          /* Records stored before the field limits may hold escapes: shown, not obeyed. */
          g_autofree char *name = bm_field_for_terminal (bm_identity_get (identity, "name")
                                                         ? bm_identity_get (identity, "name")
                                                         : bm_identity_get (identity, "name_en"));

          g_print ("%s  %-12s  %s  %s  %s%s\n",
                   bm_candidate_get (candidate, "number"),
                   name,
                   masked,
                   bm_candidate_get (candidate, "category"),
                   bm_record_state_get_label (bm_candidate_get_state (candidate)),
                   bm_candidate_get_flag (candidate, "voided") ? _(" (voided)") : "");
        }
    }
  if (as_json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (node, array);
      bm_cli_print_json (node);
    }
  return BM_CLI_EXIT_OK;
}

static int
candidate_show (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(JsonObject) object = NULL;
  gboolean as_json = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the record as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Show one record by its 报名顺序号."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one 报名顺序号."));

  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || (candidate = bm_store_find_by_number (store, argv[1], &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  object = bm_candidate_to_json (candidate);
  {
    /* The last final submission's outcome (bm-store-submit.c), with the reason of a refusal. */
    JsonObject *outcome = bm_store_submit_dup_outcome (store, bm_candidate_get (candidate, "uuid"));
    if (outcome != NULL)
      json_object_set_object_member (object, "submission", outcome);
    else
      json_object_set_null_member (object, "submission");
  }
  if (as_json)
    bm_cli_print_json_object (object);
  else
    {
      g_autoptr(GList) members = json_object_get_members (object);
      for (GList *l = members; l; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, l->data);
          g_autofree char *value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                                     ? g_strdup (json_node_get_string (node)) : json_to_string (node, FALSE);
          g_autofree char *shown = bm_field_for_terminal (value);
          g_print ("%-20s %s\n", (const char *) l->data, shown);
        }
    }
  return BM_CLI_EXIT_OK;
}

static int
candidate_update (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(BmCandidate) candidate = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *reason = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, N_("JSON object with the fields to change"), N_("FILE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why fields read from the ID card are changed"), N_("TEXT") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Change fields of a record. A change after the candidate signed returns the record to “proof sheet printed”."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || json_path == NULL)
    return bm_cli_usage (options, _("Give one 报名顺序号 and --json FILE."));

  changes = bm_cli_read_json_object (json_path, BM_JSON_INPUT_RECORD, &error);
  store = changes ? bm_cli_open_store_as (ctx, &error) : NULL;
  if (store == NULL || !bm_store_update_candidate (store, argv[1], changes, reason, ctx->operator_name, &error)
      || (candidate = bm_store_find_by_number (store, argv[1], &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  {
    g_autoptr(JsonObject) object = bm_candidate_to_json (candidate);
    bm_cli_print_json_object (object);
  }
  return BM_CLI_EXIT_OK;
}

static int
candidate_review (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER approve|reject"));
  g_autoptr(GError) error = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Record the review of a manually entered identity by the county or city officer present (an officer account)."), entries, &argc, &argv, &code))
    return code;
  if (argc != 3 || (!g_str_equal (argv[2], "approve") && !g_str_equal (argv[2], "reject")))
    return bm_cli_usage (options, _("Give one 报名顺序号 and “approve” or “reject”."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL || !bm_store_set_review (store, argv[1], g_str_equal (argv[2], "approve"), ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

static int
candidate_void (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the record is voided (required)"), N_("TEXT") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Void a record. Records are never deleted; the number is never given out again."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one 报名顺序号."));

  store = bm_cli_open_store_as (ctx, &error);
  /* The point supervisor voids (seed 步骤1-3), as in the application's
   * void dialog: a clerk gets exit 11. */
  if (store == NULL
      || !bm_store_check_role (store, ctx->operator_name, BM_OPERATOR_ROLE_SUPERVISOR, &error)
      || !bm_store_void_candidate (store, argv[1], reason, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_candidate (BmCliContext *ctx, int argc, char **argv)
{
  static const struct {
    const char *name;
    BmCliCommand run;
  } subcommands[] = {
    { "add", candidate_add }, { "list", candidate_list }, { "show", candidate_show },
    { "update", candidate_update }, { "review", candidate_review }, { "void", candidate_void },
    { "fee", bm_cli_candidate_fee }, { "eligibility", bm_cli_candidate_eligibility },
    { "hand-over", bm_cli_candidate_hand_over }, { "sign", bm_cli_candidate_sign },
    { "confirm-phone", bm_cli_candidate_confirm_phone }, { "correct-state", bm_cli_candidate_correct_state },
  };

  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
      if (g_str_equal (argv[1], subcommands[i].name))
        {
          g_autofree char *name = g_strdup_printf ("candidate %s", argv[1]);
          argv[1] = name;
          return subcommands[i].run (ctx, argc - 1, argv + 1);
        }
  g_printerr ("%s\n", _("Usage: baoming-cli candidate add|list|show|update|review|void|fee|eligibility|hand-over|sign|confirm-phone|correct-state … (--help for each)"));
  return BM_CLI_EXIT_USAGE;
}
