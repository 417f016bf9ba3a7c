/* init, audit and db: setting up and checking the store. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-stats.h"

int
bm_cli_init (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) setup = NULL;
  g_autoptr(BmPointProfile) profile = NULL;
  g_autofree char *setup_path = NULL;
  gboolean as_json = FALSE;
  int code;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "setup", 0, 0, G_OPTION_ARG_FILENAME, &setup_path, N_("Set up from this set-up file (docs/setup-file.md)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the point profile as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Set up this workstation. With --training, creates the training point; otherwise needs --setup FILE."), entries, &argc, &argv, &code))
    return code;
  if (ctx->training == (setup_path != NULL))
    return bm_cli_usage (options, _("Give either --training (before the command) or --setup FILE."));

  if (setup_path != NULL && (setup = bm_cli_read_json_object (setup_path, BM_JSON_INPUT_SETUP, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  store = bm_cli_open_store (ctx, &error);
  if (store == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (ctx->training && bm_store_is_set_up (store))
    ; /* Training set-up is idempotent: scripts and the app may both ask for it. */
  else if (!(ctx->training ? bm_store_init_training (store, &error)
                           : bm_store_init_from_setup (store, setup, &error)))
    return bm_cli_fail (g_steal_pointer (&error));

  profile = bm_store_dup_point_profile (store, &error);
  if (profile == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    {
      JsonObject *object = json_object_new ();
      json_object_set_string_member (object, "point_code", profile->code);
      json_object_set_string_member (object, "point_name", profile->name);
      json_object_set_string_member (object, "county_code", profile->county_code);
      json_object_set_string_member (object, "workstation_id", profile->workstation_id);
      json_object_set_boolean_member (object, "training", profile->training);
      json_object_set_string_member (object, "db", bm_store_get_path (store));
      bm_cli_print_json_object (object);
      json_object_unref (object);
    }
  else
    g_print (_("Workstation %s of point %s (%s) is set up in %s.\n"),
             profile->workstation_id, profile->code, profile->name, bm_store_get_path (store));
  return BM_CLI_EXIT_OK;
}

/* What `audit verify` and `db check` share: run the checks, then answer in
 * JSON ({"ok": false, "error": …} too, so scripts read one shape) or text.
 * Records that differ from their last audit entry are listed by 报名顺序号
 * (records_altered) and fail the check like a broken chain (exit 7). */
static int
report_check (BmStore *store, gboolean integrity, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_auto(BmAuditReport) report = { 0 };
  gint64 rows = 0;
  gboolean ok = (!integrity || bm_store_check (store, &error)) && bm_store_audit_verify_full (store, &report, &error);
  gboolean checked = ok;

  if (ok && report.altered->len > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < report.altered->len; i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", (const char *) report.altered->pdata[i]);
      g_set_error (&error, BM_ERROR, BM_ERROR_STORE_DAMAGED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u record was changed outside the program (it differs from its last audit entry): %s.",
                                "%u records were changed outside the program (they differ from their last audit entries): %s.",
                                report.altered->len),
                   report.altered->len, list->str);
      ok = FALSE;
    }
  rows = report.entries;
  json_object_set_boolean_member (object, "ok", ok);
  if (!ok)
    json_object_set_string_member (object, "error", error->message);
  if (ok && integrity)
    {
      json_object_set_int_member (object, "candidates", bm_store_count_candidates (store, TRUE));
      json_object_set_int_member (object, "audit_entries", rows);
    }
  else if (ok)
    json_object_set_int_member (object, "entries", rows);
  if (checked)
    {
      JsonArray *altered = json_array_new ();

      for (guint i = 0; i < report.altered->len; i++)
        json_array_add_string_element (altered, report.altered->pdata[i]);
      json_object_set_int_member (object, "records", report.records);
      json_object_set_int_member (object, "records_not_covered", report.not_covered);
      json_object_set_array_member (object, "records_altered", altered);
    }
  if (as_json)
    bm_cli_print_json_object (object);
  if (!ok)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    return BM_CLI_EXIT_OK;
  if (integrity)
    g_print (_("The database is intact: %lld records, %lld audit entries.\n"),
             (long long) bm_store_count_candidates (store, TRUE), (long long) rows);
  else
    g_print (_("The audit log is intact (%lld entries).\n"), (long long) rows);
  if (report.not_covered > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%lld record has not changed since its audit entries began to cover records; it is covered from its next change.\n",
                          "%lld records have not changed since their audit entries began to cover records; each is covered from its next change.\n",
                          report.not_covered),
             (long long) report.not_covered);
  return BM_CLI_EXIT_OK;
}

static int
check_command (BmCliContext *ctx, int argc, char **argv, const char *verb, const char *summary,
               const char *usage, gboolean integrity)
{
  g_autoptr(GOptionContext) options = g_option_context_new (verb);
  g_autoptr(GError) error = NULL;
  gboolean as_json = FALSE;
  int code;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, summary, entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || !g_str_equal (argv[1], verb))
    return bm_cli_usage (options, usage);

  store = bm_cli_open_store (ctx, &error);
  if (store == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  return report_check (store, integrity, as_json);
}

int
bm_cli_audit (BmCliContext *ctx, int argc, char **argv)
{
  return check_command (ctx, argc, argv, "verify",
                        _("Check that no audit log entry was edited, removed or reordered."),
                        _("The only audit command is “verify”."), FALSE);
}

int
bm_cli_db (BmCliContext *ctx, int argc, char **argv)
{
  return check_command (ctx, argc, argv, "check",
                        _("Run SQLite's full integrity check and verify the audit log."),
                        _("The only db command is “check”."), TRUE);
}

int
bm_cli_progress (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmProgress) progress = NULL;
  gboolean as_json = FALSE;
  int code;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the figures as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("How far registration has come: records by state, by 科类 and by day."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("progress takes no arguments."));

  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || (progress = bm_store_dup_progress (store, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    {
      g_autoptr(JsonObject) json = bm_progress_to_json (progress);

      bm_cli_print_json_object (json);
      return BM_CLI_EXIT_OK;
    }
  g_print (_("Registered: %lld (voided: %lld, awaiting review: %lld)\n"),
           (long long) progress->registered, (long long) progress->voided, (long long) progress->review_pending);
  for (guint i = 0; i < progress->by_state->len; i++)
    {
      const BmCount *c = &g_array_index (progress->by_state, BmCount, i);
      BmRecordState state;
      const char *label = bm_record_state_from_string (c->key, &state) ? bm_record_state_get_label (state) : c->key;

      g_print ("  %-24s %lld\n", label, (long long) c->count);
    }
  return BM_CLI_EXIT_OK;
}
