/* baoming-cli: the scriptable face of the core, for county IT staff and for
 * acceptance tests. Output keys and exit codes are documented in
 * docs/cli.md and must stay stable. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <stdio.h>

#include "bm-cli.h"
#include "bm-sync-transport.h"
#include "bm-error.h"
#include "bm-package.h"
#include "bm-paths.h"
#include "bm-version.h"

static const struct {
  const char *name;
  BmCliCommand run;
  const char *summary;
} commands[] = {
  { "init", bm_cli_init, N_("Set up this workstation (training, or from a set-up file)") },
  { "candidate", bm_cli_candidate, N_("Add, list, show, change and void candidate records") },
  { "audit", bm_cli_audit, N_("Verify the audit log") },
  { "db", bm_cli_db, N_("Check the database file") },
  { "progress", bm_cli_progress, N_("Show registration progress by state, 科类 and day") },
  { "card", bm_cli_card, N_("List card readers, read an ID card, watch a reader") },
  { "printers", bm_cli_printers, N_("List the printers and their state") },
  { "print", bm_cli_print, N_("Print login cards, the login table, proof sheets and forms, or save them as PDF") },
  { "setup", bm_cli_setup, N_("Set this workstation up from the provincial server") },
  { "sync", bm_cli_sync, N_("Send records to the provincial server and pull changes; sync status") },
  { "camera", bm_cli_camera, N_("List cameras and take a picture") },
  { "photo", bm_cli_photo, N_("Check, import and export registration photos") },
  { "submit", bm_cli_submit, N_("Final submission of complete records to the province") },
  { "profile", bm_cli_profile, N_("Show the point profile in force; apply a new profile version") },
  { "operator", bm_cli_operator, N_("Add, list and disable operator accounts; set passwords; unlock") },
  { "backup", bm_cli_backup, N_("Back up the database encrypted, list backups, restore one; the recovery code") },
  { "numbering", bm_cli_numbering, N_("After a restore: continue numbering after the last number printed on paper") },
  { "export", bm_cli_export, N_("Write a signed, encrypted export package for the county") },
  { "package", bm_cli_package, N_("Verify an export package; apply the province's receipt for one") },
  { "verify-qr", bm_cli_verify_qr, N_("Check that a login card's QR code text is genuine and which station issued it") },
};

int
bm_cli_exit_code (const GError *error)
{
  if (error == NULL)
    return BM_CLI_EXIT_OK;
  if (error->domain == BM_ERROR)
    switch ((BmError) error->code)
      {
      case BM_ERROR_INVALID: return BM_CLI_EXIT_INVALID;
      case BM_ERROR_NOT_FOUND: return BM_CLI_EXIT_NOT_FOUND;
      case BM_ERROR_DUPLICATE:
      case BM_ERROR_ILLEGAL_TRANSITION: return BM_CLI_EXIT_CONFLICT;
      case BM_ERROR_INCOMPLETE:
      case BM_ERROR_DEADLINE_PASSED: return BM_CLI_EXIT_CONFLICT;
      case BM_ERROR_RANGE_EXHAUSTED: return BM_CLI_EXIT_RANGE_EXHAUSTED;
      case BM_ERROR_STORE_DAMAGED:
      case BM_ERROR_STORE_IO:
      case BM_ERROR_MODE_MISMATCH: return BM_CLI_EXIT_STORE;
      case BM_ERROR_PERMISSION: return BM_CLI_EXIT_PERMISSION;
      case BM_ERROR_NUMBERING_HELD: return BM_CLI_EXIT_NUMBERING_HELD;
      case BM_ERROR_FAILED: return BM_CLI_EXIT_FAILURE;
      }
  if (error->domain == BM_SYNC_ERROR)
    switch ((BmSyncError) error->code)
      {
      case BM_SYNC_ERROR_NETWORK:
      case BM_SYNC_ERROR_BUSY: return BM_CLI_EXIT_UNAVAILABLE;
      case BM_SYNC_ERROR_CANCELLED: return BM_CLI_EXIT_CANCELLED;
      case BM_SYNC_ERROR_NOT_SET_UP: return BM_CLI_EXIT_NOT_FOUND;
      default: return BM_CLI_EXIT_FAILURE;
      }
  if (error->domain == BM_PACKAGE_ERROR)
    return BM_CLI_EXIT_PACKAGE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return BM_CLI_EXIT_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return BM_CLI_EXIT_CANCELLED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return BM_CLI_EXIT_NOT_FOUND;
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return BM_CLI_EXIT_NOT_FOUND;
  return BM_CLI_EXIT_FAILURE;
}

int
bm_cli_fail (GError *error)
{
  int code = bm_cli_exit_code (error);

  g_printerr ("baoming-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

int
bm_cli_usage (GOptionContext *options, const char *message)
{
  g_autofree char *help = options ? g_option_context_get_help (options, TRUE, NULL) : NULL;

  g_printerr ("baoming-cli: %s\n", message);
  if (help != NULL)
    g_printerr ("%s", help);
  return BM_CLI_EXIT_USAGE;
}

gboolean
bm_cli_parse (GOptionContext *options, int *argc, char ***argv, int *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (options, argc, argv, &error))
    {
      *exit_code = bm_cli_usage (NULL, error->message);
      return FALSE;
    }
  return TRUE;
}

/* The option set-up every command shares: its summary (may be NULL) and
 * entries table, our translation domain, and the parse, with the usage
 * error (exit 2) in *exit_code. */
gboolean
bm_cli_parse_entries (GOptionContext *options, const char *summary, const GOptionEntry *entries,
                      int *argc, char ***argv, int *exit_code)
{
  if (summary != NULL)
    g_option_context_set_summary (options, summary);
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  return bm_cli_parse (options, argc, argv, exit_code);
}

BmStore *
bm_cli_open_store (BmCliContext *ctx, GError **error)
{
  if (ctx->store != NULL)
    return ctx->store;
  if (ctx->db_path == NULL)
    {
      ctx->db_path = bm_paths_default_store (ctx->training, error);
      if (ctx->db_path == NULL)
        return NULL;
    }
  ctx->store = bm_store_open (ctx->db_path, ctx->training, error);
  return ctx->store;
}

void
bm_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  /* JSON is UTF-8 whatever the locale: g_print would convert it to the
   * locale's charset and mangle it under LANG=C. */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
bm_cli_print_json_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  bm_cli_print_json (node);
}

/* Through bm-json-input: size and nesting are capped before parsing, and
 * standard input is read only up to the cap (docs/limits.md). */
JsonObject *
bm_cli_read_json_object (const char *path, BmJsonInputKind kind, GError **error)
{
  return bm_json_input_read_object (path, kind, error);
}

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: baoming-cli [--db PATH] [--training] COMMAND [ARGS…]"));
  fprintf (out, "%s\n", _("Options:"));
  fprintf (out, "  --db PATH     %s\n", _("Use this database file instead of the default one"));
  fprintf (out, "  --training    %s\n", _("Use the training database (made-up point, never real data)"));
  fprintf (out, "  --version     %s\n\n", _("Print the version"));
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “baoming-cli COMMAND --help” for the options of a command."));
}

int
main (int argc, char **argv)
{
  BmCliContext ctx = { 0 };
  int i = 1, status;

  bm_i18n_init ();

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--training"))
        ctx.training = TRUE;
      else if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        ctx.db_path = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--db="))
        ctx.db_path = g_strdup (argv[i] + 5);
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (stdout);
          return BM_CLI_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("baoming-cli %s\n", bm_version_string ());
          return BM_CLI_EXIT_OK;
        }
      else
        {
          g_printerr ("baoming-cli: %s\n", _("Unknown option"));
          print_help (stderr);
          return BM_CLI_EXIT_USAGE;
        }
    }
  if (i >= argc)
    {
      print_help (stderr);
      return BM_CLI_EXIT_USAGE;
    }

  status = -1;
  for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[i], commands[c].name))
      {
        status = commands[c].run (&ctx, argc - i, argv + i);
        break;
      }
  if (status < 0)
    {
      g_printerr ("baoming-cli: %s\n", _("Unknown command"));
      print_help (stderr);
      status = BM_CLI_EXIT_USAGE;
    }

  g_clear_object (&ctx.store);
  g_free (ctx.db_path);
  g_free (ctx.auth_operator);
  g_free (ctx.auth_password_file);
  g_free (ctx.operator_name);
  return status;
}
