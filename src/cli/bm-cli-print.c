/* baoming-cli printers / print: the print page of the app, for scripts.
 *
 * With --printer the command waits for the CUPS job's final state and only
 * a "completed" job marks records printed and exits 0. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-cli.h"
#include "bm-print-batch.h"
#include "bm-print-error.h"
#include "bm-print-job.h"
#include "bm-print-settle.h"
#include "bm-printer.h"
#include "bm-store-print.h"

static int
print_exit_code (const GError *error)
{
  if (error != NULL && error->domain == BM_PRINT_ERROR)
    switch ((BmPrintError) error->code)
      {
      case BM_PRINT_ERROR_NO_PRINTER:
      case BM_PRINT_ERROR_PRINTER_STOPPED:
      case BM_PRINT_ERROR_SUBMIT:
        return BM_CLI_EXIT_UNAVAILABLE;
      case BM_PRINT_ERROR_TIMEOUT:
        return BM_CLI_EXIT_TIMEOUT;
      case BM_PRINT_ERROR_JOB_ABORTED:
      case BM_PRINT_ERROR_JOB_CANCELED:
        return BM_CLI_EXIT_CANCELLED;
      case BM_PRINT_ERROR_REASON_REQUIRED:
        return BM_CLI_EXIT_CONFLICT;
      case BM_PRINT_ERROR_FAILED:
        return BM_CLI_EXIT_FAILURE;
      }
  return bm_cli_exit_code (error);
}

static int
print_fail (GError *error)
{
  int code = print_exit_code (error);

  g_printerr ("baoming-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

int
bm_cli_printers (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GPtrArray) printers = NULL;
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  GError *error = NULL;
  gboolean as_json = FALSE;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print a JSON array of printers"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("List the printers (CUPS queues) and their state."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("printers takes no arguments."));

  printers = bm_printer_list (&error);
  if (printers == NULL)
    return print_fail (error);
  for (guint i = 0; i < printers->len; i++)
    {
      BmPrinter *p = printers->pdata[i];
      g_autofree char *state = bm_printer_describe_state (p);
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonArray) reasons = json_array_new ();

      for (const char * const *r = bm_printer_get_reasons (p); r && *r; r++)
        json_array_add_string_element (reasons, *r);
      json_object_set_string_member (o, "name", bm_printer_get_name (p));
      json_object_set_string_member (o, "info", bm_printer_get_info (p));
      json_object_set_string_member (o, "location", bm_printer_get_location (p));
      json_object_set_string_member (o, "make_and_model", bm_printer_get_make_model (p));
      json_object_set_boolean_member (o, "is_default", bm_printer_is_default (p));
      json_object_set_boolean_member (o, "accepting_jobs", bm_printer_is_accepting_jobs (p));
      json_object_set_boolean_member (o, "ready", bm_printer_is_ready (p));
      json_object_set_int_member (o, "state", bm_printer_get_state (p));
      json_object_set_array_member (o, "state_reasons", g_steal_pointer (&reasons));
      json_object_set_string_member (o, "state_text", state);
      if (!as_json)
        g_print ("%s%s\t%s\n", bm_printer_get_name (p), bm_printer_is_default (p) ? " *" : "", state);
      json_array_add_object_element (list, g_steal_pointer (&o));
    }
  if (as_json)
    {
      json_node_set_array (node, list);
      bm_cli_print_json (node);
    }
  return BM_CLI_EXIT_OK;
}

static void
on_status (BmPrintBatch *batch,
           const char *text,
           gpointer    user_data)
{
  g_printerr ("%s\n", text);
}

static gboolean
parse_range (const char  *text,
             char       **first,
             char       **last)
{
  g_auto(GStrv) parts = g_strsplit (text, "-", 2);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (strlen (parts[i]) != 8 || strspn (parts[i], "0123456789") != 8)
        return FALSE;
    }
  *first = g_strdup (parts[0]);
  *last = g_strdup (parts[1] != NULL ? parts[1] : parts[0]);
  return strcmp (*first, *last) <= 0;
}

static int
print_log (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autofree char *number = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *rows;
  GError *error = NULL;
  BmStore *store;
  int limit = 50, code;
  const GOptionEntry entries[] = {
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Only rows covering this 报名顺序号"), N_("NUMBER") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many rows (0: all)"), N_("N") },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Show the print log as JSON, newest first."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1 || limit < 0)
    return bm_cli_usage (options, _("print log takes no arguments."));
  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || (rows = bm_store_print_log_list (store, number, limit, &error)) == NULL)
    return bm_cli_fail (error);
  json_node_take_array (node, rows);
  bm_cli_print_json (node);
  return BM_CLI_EXIT_OK;
}

/* Settles the print intents of processes that died (bm-print-settle.c). */
static int
print_settle (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(JsonObject) out = json_object_new ();
  GError *error = NULL;
  BmStore *store;
  guint settled = 0, waiting = 0;
  int code;

  g_option_context_set_summary (options, _("Ask CUPS what became of the prints of a program that stopped, and log them. "
                                           "Prints JSON; run it when the print service starts."));
  if (!bm_cli_parse (options, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("print settle takes no arguments."));
  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || !bm_print_settle (store, &settled, &waiting, &error))
    return bm_cli_fail (error);
  json_object_set_int_member (out, "settled", settled);
  json_object_set_int_member (out, "waiting", waiting);
  bm_cli_print_json_object (out);
  return BM_CLI_EXIT_OK;
}

int
bm_cli_print (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("login-cards|login-table|proof-sheets|draft-forms|review-form|log"));
  g_autofree char *printer = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *numbers = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  gboolean all = FALSE, unprinted = FALSE, single = FALSE, as_json = FALSE;
  int copies = 1, timeout = 120, code;
  BmDocumentKind kind;
  BmStore *store;
  GError *error = NULL;
  g_autoptr(BmPrintBatch) batch = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonArray) out_records = json_array_new ();
  GPtrArray *record_numbers;
  BmPrintJob *job;
  guint n_pages;
  const GOptionEntry entries[] = {
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer, N_("Print on this CUPS queue and wait for the job to end"), N_("NAME") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Save as a PDF file instead of printing"), N_("FILE") },
    { "numbers", 0, 0, G_OPTION_ARG_STRING, &numbers, N_("Records with 报名顺序号 from A to B (or just A)"), N_("A-B") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("All live records"), NULL },
    { "unprinted", 0, 0, G_OPTION_ARG_NONE, &unprinted, N_("Records this document was never printed for"), NULL },
    { "copies", 0, 0, G_OPTION_ARG_INT, &copies, N_("Copies (for blank forms: how many forms)"), N_("N") },
    { "single", 0, 0, G_OPTION_ARG_NONE, &single, N_("Login cards: one card per sheet"), NULL },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why a login card or proof sheet is printed again (audited)"), N_("TEXT") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &deadline, N_("Deadline for filling in online, printed on login cards"), N_("TEXT") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds to wait for the job to end (default 120)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    { NULL },
  };

  if (argc >= 2 && g_str_equal (argv[1], "log"))
    return print_log (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "settle"))
    return print_settle (ctx, argc - 1, argv + 1);

  if (!bm_cli_parse_entries (options, _("Print login cards, the login table, proof sheets, blank draft forms or "
                                           "随迁子女 review forms, or save them as PDF. Without --printer or --pdf the "
                                           "default printer is used. “print log” shows the print log."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || !bm_document_kind_from_string (argv[1], &kind))
    return bm_cli_usage (options, _("Name one document: login-cards, login-table, proof-sheets, draft-forms or review-form."));
  if (printer != NULL && pdf != NULL)
    return bm_cli_usage (options, _("Use either --printer or --pdf, not both."));
  if ((numbers != NULL) + all + unprinted > 1)
    return bm_cli_usage (options, _("Use only one of --numbers, --all and --unprinted."));
  if (copies < 1 || copies > 999 || timeout < 1)
    return bm_cli_usage (options, _("--copies must be 1 to 999 and --timeout positive."));
  if (numbers != NULL && !parse_range (numbers, &first, &last))
    return bm_cli_usage (options, _("--numbers takes an 8-digit 报名顺序号 or a range A-B."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL)
    return bm_cli_fail (error);
  /* Before selecting: a print of a killed process may have reached paper,
   * and "--unprinted" must know it. Only prints go through CUPS. */
  if (pdf == NULL && !bm_print_settle (store, NULL, NULL, &error))
    return print_fail (error);

  batch = bm_print_batch_new (store, kind);
  if (numbers != NULL)
    bm_print_batch_set_selection (batch, BM_PRINT_SELECT_RANGE, first, last);
  else if (all)
    bm_print_batch_set_selection (batch, BM_PRINT_SELECT_ALL, NULL, NULL);
  else if (unprinted)
    bm_print_batch_set_selection (batch, BM_PRINT_SELECT_UNPRINTED, NULL, NULL);
  bm_print_batch_set_copies (batch, copies);
  bm_print_batch_set_single_card (batch, single);
  bm_print_batch_set_reason (batch, reason);
  bm_print_batch_set_operator (batch, ctx->operator_name);
  bm_print_batch_set_timeout (batch, timeout);
  bm_print_batch_set_deadline (batch, deadline);
  if (!bm_print_batch_prepare (batch, &error))
    return print_fail (error);

  record_numbers = bm_print_batch_get_numbers (batch);
  n_pages = bm_document_get_n_pages (bm_print_batch_get_document (batch));
  for (guint i = 0; i < record_numbers->len; i++)
    json_array_add_string_element (out_records, record_numbers->pdata[i]);
  json_object_set_string_member (out, "document", bm_document_kind_to_string (kind));
  json_object_set_array_member (out, "records", json_array_ref (out_records));

  if (record_numbers->len == 0 && (kind == BM_DOCUMENT_LOGIN_CARDS || kind == BM_DOCUMENT_PROOF_SHEETS))
    {
      json_object_set_int_member (out, "pages", 0);
      json_object_set_string_member (out, "outcome", "nothing");
      if (as_json)
        bm_cli_print_json_object (out);
      else
        g_print ("%s\n", _("Nothing to print."));
      return BM_CLI_EXIT_OK;
    }
  json_object_set_int_member (out, "pages", n_pages);

  if (pdf != NULL)
    {
      if (!bm_print_batch_save_pdf (batch, pdf, NULL, &error))
        return print_fail (error);
      json_object_set_string_member (out, "pdf", pdf);
      json_object_set_string_member (out, "outcome", "saved_pdf");
      if (as_json)
        bm_cli_print_json_object (out);
      else
        g_print (_("Saved %u pages to %s.\n"), n_pages, pdf);
      return BM_CLI_EXIT_OK;
    }

  g_signal_connect (batch, "status", G_CALLBACK (on_status), NULL);
  bm_print_batch_print (batch, printer, NULL, &error);
  job = bm_print_batch_get_job (batch);
  if (error != NULL && bm_print_job_get_outcome (job) == BM_PRINT_OUTCOME_NONE)
    return print_fail (error);   /* the log could not be written */
  json_object_set_string_member (out, "printer", bm_print_job_get_printer_name (job));
  json_object_set_int_member (out, "job_id", bm_print_job_get_job_id (job));
  json_object_set_int_member (out, "copies", copies);
  json_object_set_string_member (out, "outcome", bm_print_outcome_to_string (bm_print_job_get_outcome (job)));
  if (bm_print_job_get_detail (job) != NULL)
    json_object_set_string_member (out, "detail", bm_print_job_get_detail (job));
  if (as_json)
    bm_cli_print_json_object (out);
  else if (error == NULL)
    g_print (_("Printed %u pages on %s (job %d).\n"), n_pages, bm_print_job_get_printer_name (job),
             bm_print_job_get_job_id (job));
  if (error != NULL)
    return print_fail (error);
  return BM_CLI_EXIT_OK;
}
