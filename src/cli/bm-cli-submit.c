/* submit: the final submission of complete records to the province
 * (docs/cli.md, docs/sync-protocol.md §11). Kept apart from `sync`, which
 * uploads registration data automatically and never submits. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-submit.h"
#include "bm-sync-client.h"
#include "bm-sync-message.h"

static int
report_error (GError *error, gboolean as_json)
{
  int code = bm_cli_exit_code (error);

  if (as_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      json_object_set_boolean_member (o, "ok", FALSE);
      json_object_set_string_member (o, "error_code", error->domain == BM_SYNC_ERROR ? bm_sync_error_code (error)
                                                                                   : "store");
      json_object_set_string_member (o, "error", error->message);
      bm_cli_print_json_object (o);
    }
  g_printerr ("baoming-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

static void
add_results (JsonArray *array, GPtrArray *results, guint *accepted, guint *refused)
{
  for (guint i = 0; results && i < results->len; i++)
    {
      BmSubmitResult *r = results->pdata[i];

      if (g_str_equal (r->status, "accepted"))
        (*accepted)++;
      else
        (*refused)++;
      json_array_add_object_element (array, bm_submit_result_to_json (r));
    }
}

static void
print_text (GPtrArray *results)
{
  for (guint i = 0; results && i < results->len; i++)
    {
      BmSubmitResult *r = results->pdata[i];

      if (g_str_equal (r->status, "accepted"))
        g_print (_("%s submitted: accepted by the province.\n"), r->number);
      else
        g_print (_("%s not submitted: %s\n"), r->number, r->reason ? r->reason : r->code);
    }
}

int
bm_cli_submit (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_submit_result_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(BmSyncClient) client = NULL;
  g_auto(GStrv) numbers = NULL;
  g_autofree char *list = NULL;
  gboolean all = FALSE, as_json = FALSE, force = FALSE, no_sync = FALSE;
  guint n_accepted = 0, n_refused = 0;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "numbers", 0, 0, G_OPTION_ARG_STRING, &list, N_("Submit these records (报名顺序号, comma-separated)"), N_("N,N…") },
    { "all-complete", 0, 0, G_OPTION_ARG_NONE, &all, N_("Submit every complete record the province holds and that is not submitted yet"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Send incomplete or not yet uploaded records too; the province refuses them with its reasons"), NULL },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync, N_("Do not upload waiting records first"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the outcome as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Final submission (第九步) of complete records to the province. Runs a sync first so that the province holds the latest version of each record; `submitted` is set only for the records the province accepts, the others keep their state and show the reason."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1 || (list == NULL) == !all)
    return bm_cli_usage (options, _("submit needs either --numbers N,N… or --all-complete."));
  if (list != NULL)
    {
      numbers = g_strsplit (list, ",", -1);
      for (guint i = 0; numbers[i]; i++)
        g_strstrip (numbers[i]);
    }

  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL)
    return report_error (g_steal_pointer (&error), as_json);
  client = bm_sync_client_new (store);
  /* Registration data first (§7): what the province must hold to judge. */
  if (!no_sync && !bm_sync_client_run (client, NULL, &error))
    return report_error (g_steal_pointer (&error), as_json);
  results = bm_sync_client_submit (client, all ? NULL : (const char * const *) numbers, force, refused, NULL, &error);
  if (results == NULL)
    return report_error (g_steal_pointer (&error), as_json);

  if (as_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      JsonArray *array = json_array_new ();

      add_results (array, refused, &n_accepted, &n_refused);
      add_results (array, results, &n_accepted, &n_refused);
      json_object_set_boolean_member (o, "ok", TRUE);
      json_object_set_int_member (o, "sent", results->len);
      json_object_set_int_member (o, "accepted", n_accepted);
      json_object_set_int_member (o, "refused", n_refused);
      json_object_set_array_member (o, "results", array);
      bm_cli_print_json_object (o);
    }
  else
    {
      g_autoptr(JsonArray) scratch = json_array_new ();

      add_results (scratch, refused, &n_accepted, &n_refused);
      add_results (scratch, results, &n_accepted, &n_refused);
      print_text (refused);
      print_text (results);
      g_print (_("Submission finished: %u accepted, %u not submitted.\n"), n_accepted, n_refused);
    }
  return n_refused > 0 ? BM_CLI_EXIT_CONFLICT : BM_CLI_EXIT_OK;
}
