/* setup and sync: first set-up from the provincial server, and sync runs. */

#include "bm-config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-sync.h"
#include "bm-sync-client.h"
#include "bm-sync-message.h"
#include "bm-sync-worker.h"

static int
sync_fail (GError *error)
{
  int code = bm_cli_exit_code (error);
  g_autofree char *why = error->domain == BM_SYNC_ERROR ? bm_sync_explain (bm_sync_error_code (error), error->message) : NULL;

  g_printerr ("baoming-cli: %s\n", error->message);
  if (why != NULL && g_strcmp0 (why, error->message) != 0)
    g_printerr ("baoming-cli: %s\n", why);
  g_error_free (error);
  return code;
}

int
bm_cli_setup (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL, *point = NULL, *user = NULL, *password_file = NULL;
  g_autofree char *ca_file = NULL, *pin = NULL, *name = NULL, *password = NULL;
  g_autofree char *ca_abs = NULL;
  gboolean plain = FALSE;
  int slice_size = 500;
  BmSyncSetupOptions o = { 0 };
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Provincial server address (https://…)"), N_("URL") },
    { "point", 0, 0, G_OPTION_ARG_STRING, &point, N_("Registration point code"), N_("CODE") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Point account user name"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Read the password from this file (first line)"), N_("FILE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust only the CA certificates in this PEM file"), N_("FILE") },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, N_("Require this server public key (sha256//BASE64)"), N_("PIN") },
    { "allow-plain-http", 0, 0, G_OPTION_ARG_NONE, &plain, N_("Development only: allow http:// to this computer"), NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of this workstation shown to the county"), N_("NAME") },
    { "slice-size", 0, 0, G_OPTION_ARG_INT, &slice_size, N_("Numbers per category to ask for at first (default 500)"), N_("N") },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Set this workstation up from the provincial server. The password is read from the terminal, from BAOMING_PASSWORD, or from --password-file; it is never stored."), entries, &argc, &argv, &code))
    return code;
  if (server == NULL || point == NULL || user == NULL)
    return bm_cli_usage (options, _("setup needs --server, --point and --user."));
  if ((password = bm_cli_read_password (password_file, "BAOMING_PASSWORD", _("Password: "), &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if ((store = bm_cli_open_store (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  /* The worker may run from another directory later. */
  ca_abs = ca_file ? g_canonicalize_filename (ca_file, NULL) : NULL;
  o.server_url = server;
  o.point_code = point;
  o.user = user;
  o.password = password;
  o.ca_file = ca_abs;
  o.pin = pin;
  o.allow_plain_http = plain;
  o.workstation_name = name;
  o.slice_size = (guint) CLAMP (slice_size, 1, 5000);
  if (!bm_sync_setup (store, &o, NULL, &error))
    {
      memset (password, 0, strlen (password));
      return sync_fail (g_steal_pointer (&error));
    }
  memset (password, 0, strlen (password));
  {
    g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (store, NULL);
    g_print (_("Workstation %s of point %s (%s) is set up from %s.\n"), profile ? profile->workstation_id : "?",
             profile ? profile->code : point, profile ? profile->name : "", server);
  }
  return BM_CLI_EXIT_OK;
}

static void
print_stats (const BmSyncStats *s, gboolean ok, const GError *error, gboolean as_json)
{
  if (as_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      json_object_set_boolean_member (o, "ok", ok);
      json_object_set_int_member (o, "records_sent", s->records_sent);
      json_object_set_int_member (o, "batches", s->batches);
      json_object_set_int_member (o, "photos_uploaded", s->photos_uploaded);
      json_object_set_int_member (o, "changes_applied", s->changes_applied);
      json_object_set_int_member (o, "requests", s->requests);
      json_object_set_int_member (o, "bytes_sent", s->bytes_sent);
      json_object_set_int_member (o, "retries", s->retries);
      json_object_set_int_member (o, "set_aside", s->set_aside);
      if (error != NULL)
        {
          g_autofree char *asked = s->retry_after_s > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, s->retry_after_s) : NULL;
          /* A training store is refused before anything is sent. */
          gboolean training = g_error_matches (error, BM_ERROR, BM_ERROR_MODE_MISMATCH);
          g_autofree char *why = training ? g_strdup (error->message)
                                 : s->error_kind ? bm_sync_explain (s->error_kind, asked)
                                 : bm_sync_explain (bm_sync_error_code (error), error->message);
          json_object_set_string_member (o, "error_code", training ? "training" : bm_sync_error_code (error));
          json_object_set_string_member (o, "error", why);
          if (s->error_kind != NULL)
            json_object_set_string_member (o, "error_kind", s->error_kind);
          if (s->retry_after_s > 0)
            json_object_set_int_member (o, "retry_after_s", s->retry_after_s);
        }
      bm_cli_print_json_object (o);
    }
  else if (ok)
    g_print (_("Sync finished: %llu records sent in %llu batches, %llu photos uploaded, %llu changes received.\n"),
             (unsigned long long) s->records_sent, (unsigned long long) s->batches,
             (unsigned long long) s->photos_uploaded, (unsigned long long) s->changes_applied);
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
on_finished (BmSyncWorker *worker, gboolean ok, const char *code, const char *message, gpointer data)
{
  if (ok)
    g_print ("%s\n", _("Sync run finished."));
  else
    g_printerr ("baoming-cli: %s\n", message ? message : code);
}

static int
sync_status (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new ("status");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmSyncStatus) status = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gboolean as_json = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the status as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, NULL, entries, &argc, &argv, &code))
    return code;
  if ((store = bm_cli_open_store (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if ((status = bm_store_sync_dup_status (store, &error)) == NULL
      || (problems = bm_store_sync_dup_problems (store, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (as_json)
    {
      g_autoptr(JsonObject) o = bm_sync_status_to_json (status);

      json_object_set_array_member (o, "problems", bm_sync_problems_to_json (problems));
      bm_cli_print_json_object (o);
      return BM_CLI_EXIT_OK;
    }
  g_print (_("Queue: %lld records (oldest waiting %lld s), being sent: %lld, accepted: %lld, rejected: %lld, conflicts: %lld\n"),
           (long long) status->queue, (long long) status->oldest_unsent_age_s, (long long) status->sending,
           (long long) status->accepted, (long long) status->rejected, (long long) status->conflicts);
  if (status->last_success != NULL)
    g_print (_("Last success: %s\n"), status->last_success);
  if (status->last_error != NULL)
    g_print (_("Last error: %s\n"), status->last_error);
  for (guint i = 0; i < problems->len; i++)
    {
      const BmSyncProblem *p = problems->pdata[i];

      g_print ("%s  %s\n", p->number, p->message);
    }
  return BM_CLI_EXIT_OK;
}

static const char * const settable[] = {
  "ca_file", "pin", "allow_plain_http", "backoff_ms", "max_tries", "batch_records", "batch_bytes", "parallel_uploads", "photo_bundles",
  "reconcile_interval_s", "server_url", "max_wait_s", "run_timeout_s", "connect_timeout_s", "request_timeout_s", "low_speed_bytes", "low_speed_s",
  "max_stalls", "max_change_pages", NULL,
};

static int
sync_set (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  BmStore *store;

  if (argc < 2 || argc > 3 || !g_strv_contains (settable, argv[1]))
    {
      g_autofree char *keys = g_strjoinv (", ", (char **) settable);
      g_printerr (_("Usage: baoming-cli sync set KEY [VALUE]  (KEY: %s; no VALUE removes it)\n"), keys);
      return BM_CLI_EXIT_USAGE;
    }
  if ((store = bm_cli_open_store (ctx, &error)) == NULL
      || !bm_store_sync_set (store, argv[1], argc == 3 ? argv[2] : NULL, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

static int
sync_resolve (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new ("resolve NUMBER");
  g_autoptr(GError) error = NULL;
  gboolean keep_local = FALSE, take_server = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "keep-local", 0, 0, G_OPTION_ARG_NONE, &keep_local, N_("Keep this workstation's record and send it again"), NULL },
    { "take-server", 0, 0, G_OPTION_ARG_NONE, &take_server, N_("Apply the server's change over the local record"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, NULL, entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || keep_local == take_server)
    return bm_cli_usage (options, _("Give one 报名顺序号 and either --keep-local or --take-server."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || !bm_store_sync_resolve (store, argv[1], keep_local, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_sync (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  gboolean once = FALSE, as_json = FALSE;
  int interval = 300, code;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Run once and exit (exit code 8 when the server cannot be reached)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, N_("Seconds between runs without --once"), N_("SECONDS") },
    { NULL },
  };

  if (argc >= 2 && g_str_equal (argv[1], "status"))
    return sync_status (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "set"))
    return sync_set (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "resolve"))
    return sync_resolve (ctx, argc - 1, argv + 1);

  options = g_option_context_new (NULL);
  if (!bm_cli_parse_entries (options, _("Send queued records and photos to the provincial server and pull back changes. "
                                           "Subcommands: status [--json], set KEY [VALUE], resolve NUMBER --keep-local|--take-server."), entries, &argc, &argv, &code))
    return code;
  if ((store = bm_cli_open_store (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));

  if (once)
    {
      g_autoptr(BmSyncClient) client = bm_sync_client_new (store);
      gboolean ok = bm_sync_client_run (client, NULL, &error);

      print_stats (bm_sync_client_get_stats (client), ok, error, as_json);
      return ok ? BM_CLI_EXIT_OK : sync_fail (g_steal_pointer (&error));
    }
  {
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    g_autoptr(BmSyncWorker) worker = bm_sync_worker_new (ctx->db_path, ctx->training, (guint) MAX (interval, 5));

    g_signal_connect (worker, "run-finished", G_CALLBACK (on_finished), NULL);
    g_unix_signal_add (SIGINT, on_signal, loop);
    g_unix_signal_add (SIGTERM, on_signal, loop);
    bm_sync_worker_start (worker);
    g_main_loop_run (loop);
    bm_sync_worker_stop (worker);
  }
  return BM_CLI_EXIT_OK;
}
