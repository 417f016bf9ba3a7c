/* bm-printer.c: a CUPS destination as the app sees it */
#include "bm-config.h"

#include "bm-printer.h"
#include "bm-print-error.h"

#include <cups/cups.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

struct _BmPrinter
{
  GObject         parent_instance;

  char           *name;
  char           *info;
  char           *location;
  char           *make_model;
  gboolean        is_default;
  BmPrinterState  state;
  gboolean        accepting;
  GStrv           reasons;
};

G_DEFINE_FINAL_TYPE (BmPrinter, bm_printer, G_TYPE_OBJECT)

static void
bm_printer_finalize (GObject *object)
{
  BmPrinter *self = BM_PRINTER (object);

  g_free (self->name);
  g_free (self->info);
  g_free (self->location);
  g_free (self->make_model);
  g_strfreev (self->reasons);
  G_OBJECT_CLASS (bm_printer_parent_class)->finalize (object);
}

static void
bm_printer_class_init (BmPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_printer_finalize;
}

static void
bm_printer_init (BmPrinter *self G_GNUC_UNUSED)
{
}

static BmPrinter *
printer_from_dest (cups_dest_t *dest)
{
  BmPrinter *self = g_object_new (BM_TYPE_PRINTER, NULL);
  const char *v;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  self->name = g_strdup (dest->name);
  self->is_default = dest->is_default;
  self->info = g_strdup (cupsGetOption ("printer-info", dest->num_options, dest->options));
  self->location = g_strdup (cupsGetOption ("printer-location", dest->num_options, dest->options));
  self->make_model = g_strdup (cupsGetOption ("printer-make-and-model", dest->num_options, dest->options));
  v = cupsGetOption ("printer-state", dest->num_options, dest->options);
  self->state = v != NULL ? (BmPrinterState) atoi (v) : BM_PRINTER_STATE_UNKNOWN;
  v = cupsGetOption ("printer-is-accepting-jobs", dest->num_options, dest->options);
  self->accepting = v == NULL || g_strcmp0 (v, "true") == 0;
  v = cupsGetOption ("printer-state-reasons", dest->num_options, dest->options);
  if (v != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (v, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] && g_strcmp0 (parts[i], "none") != 0)
          g_strv_builder_add (b, parts[i]);
    }
  self->reasons = g_strv_builder_end (b);
  return self;
}

/* libcups reports "no such printer" or an empty list also when cupsd is
 * down; a clerk needs to know which it is. */
static gboolean
set_error_if_unreachable (GError **error)
{
  const char *server = cupsServer ();
  http_t *http = httpConnect2 (server, ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1, 5000, NULL);
  g_autofree char *where = NULL;

  if (http != NULL)
    {
      httpClose (http);
      return FALSE;
    }
  where = server[0] == '/' ? g_strdup (server) : g_strdup_printf ("%s:%d", server, ippPort ());
  g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_NO_PRINTER,
               _("The printing service (CUPS) at %s does not answer."), where);
  return TRUE;
}

GPtrArray *
bm_printer_list (GError **error)
{
  cups_dest_t *dests = NULL;
  int n;
  GPtrArray *list;

  n = cupsGetDests2 (CUPS_HTTP_DEFAULT, &dests);
  if (n == 0 && set_error_if_unreachable (error))
    return NULL;
  list = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < n; i++)
    if (dests[i].instance == NULL)
      g_ptr_array_add (list, printer_from_dest (&dests[i]));
  cupsFreeDests (n, dests);
  return list;
}

BmPrinter *
bm_printer_lookup (const char  *name,
                   GError     **error)
{
  cups_dest_t *dest;
  BmPrinter *printer;

  dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, name, NULL);
  if (dest == NULL)
    {
      if (set_error_if_unreachable (error))
        return NULL;
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_NO_PRINTER,
                   _("There is no printer named “%s”"), name != NULL ? name : _("(default)"));
      return NULL;
    }
  printer = printer_from_dest (dest);
  cupsFreeDests (1, dest);
  return printer;
}

const char *
bm_printer_get_name (BmPrinter *printer)
{
  return printer->name;
}

const char *
bm_printer_get_info (BmPrinter *printer)
{
  return printer->info;
}

const char *
bm_printer_get_location (BmPrinter *printer)
{
  return printer->location;
}

const char *
bm_printer_get_make_model (BmPrinter *printer)
{
  return printer->make_model;
}

gboolean
bm_printer_is_default (BmPrinter *printer)
{
  return printer->is_default;
}

BmPrinterState
bm_printer_get_state (BmPrinter *printer)
{
  return printer->state;
}

gboolean
bm_printer_is_accepting_jobs (BmPrinter *printer)
{
  return printer->accepting;
}

const char * const *
bm_printer_get_reasons (BmPrinter *printer)
{
  return (const char * const *) printer->reasons;
}

gboolean
bm_printer_is_ready (BmPrinter *printer)
{
  return printer->accepting && printer->state != BM_PRINTER_STATE_STOPPED;
}

char *
bm_printer_describe_state (BmPrinter *printer)
{
  g_autofree char *reasons = bm_printer_reasons_to_string ((const char * const *) printer->reasons);
  const char *state;

  if (!printer->accepting)
    state = _("Not accepting jobs");
  else
    switch (printer->state)
      {
      case BM_PRINTER_STATE_IDLE:
        state = _("Ready");
        break;
      case BM_PRINTER_STATE_PROCESSING:
        state = _("Printing");
        break;
      case BM_PRINTER_STATE_STOPPED:
        state = _("Stopped");
        break;
      case BM_PRINTER_STATE_UNKNOWN:
      default:
        state = _("Unknown");
        break;
      }
  if (reasons == NULL)
    return g_strdup (state);
  /* TRANSLATORS: printer state, then the reasons, e.g. "Stopped: paper out" */
  return g_strdup_printf (_("%s: %s"), state, reasons);
}

static const char *
reason_text (const char *keyword)
{
  static const struct
  {
    const char *keyword;
    const char *text;
  } table[] = {
    { "media-empty", N_("paper out") },
    { "media-needed", N_("load paper") },
    { "media-low", N_("paper low") },
    { "media-jam", N_("paper jam") },
    { "input-tray-missing", N_("paper tray missing") },
    { "output-area-full", N_("output tray full") },
    { "toner-low", N_("toner low") },
    { "toner-empty", N_("toner empty") },
    { "marker-supply-low", N_("ink or toner low") },
    { "marker-supply-empty", N_("ink or toner empty") },
    { "marker-waste-almost-full", N_("waste toner almost full") },
    { "marker-waste-full", N_("waste toner full") },
    { "cover-open", N_("cover open") },
    { "door-open", N_("door open") },
    { "offline", N_("printer offline") },
    { "offline-report", N_("printer offline") },
    { "shutdown", N_("printer switched off") },
    { "connecting-to-device", N_("connecting to the printer") },
    { "timed-out", N_("printer not responding") },
    { "paused", N_("queue paused") },
    { "stopped", N_("stopped") },
    { "moving-to-paused", N_("pausing") },
    { "spool-area-full", N_("print spool full") },
    { "cups-missing-filter", N_("printer driver missing") },
    { "cups-insecure-filter", N_("printer driver not allowed") },
    { "fuser-over-temp", N_("fuser too hot") },
    { "fuser-under-temp", N_("printer warming up") },
    { "developer-low", N_("developer low") },
    { "opc-near-eol", N_("drum nearly worn out") },
    { "other", N_("printer error") },
    /* job-state-reasons */
    { "job-completed-successfully", N_("completed") },
    { "job-completed-with-errors", N_("completed with errors") },
    { "job-canceled-by-user", N_("cancelled by a user") },
    { "job-canceled-by-operator", N_("cancelled by the operator") },
    { "job-canceled-at-device", N_("cancelled at the printer") },
    { "aborted-by-system", N_("aborted by the printing system") },
    { "job-aborted-by-system", N_("aborted by the printing system") },
    { "document-format-error", N_("the printer could not read the document") },
    { "unsupported-document-format", N_("document format not supported") },
    { "printer-stopped", N_("printer stopped") },
    { "printer-stopped-partly", N_("printer partly stopped") },
    { "job-hold-until-specified", N_("held") },
    { "job-incoming", N_("receiving") },
    { "job-printing", N_("printing") },
    { "job-queued", N_("queued") },
    { "processing-to-stop-point", N_("stopping") },
    { "job-stopped", N_("stopped") },
    { "job-data-insufficient", N_("no data received") },
  };
  char base[64];
  const char *dash;

  /* IPP adds a severity suffix: media-empty-error, toner-low-report, ... */
  g_strlcpy (base, keyword, sizeof base);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (table); i++)
        if (strcmp (base, table[i].keyword) == 0)
          return table[i].text;
      dash = strrchr (base, '-');
      if (dash == NULL || !(g_str_equal (dash, "-error") || g_str_equal (dash, "-warning") || g_str_equal (dash, "-report")))
        break;
      base[dash - base] = '\0';
    }
  return NULL;
}

const char *
bm_printer_reason_to_string (const char *keyword)
{
  const char *t = reason_text (keyword);

  return t != NULL ? _(t) : keyword;
}

char *
bm_printer_reasons_to_string (const char * const *reasons)
{
  GString *s;

  if (reasons == NULL || reasons[0] == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = 0; reasons[i] != NULL; i++)
    {
      /* These only repeat the job state that is shown anyway. */
      if (g_str_equal (reasons[i], "none") || g_str_equal (reasons[i], "job-incoming")
          || g_str_equal (reasons[i], "job-printing") || g_str_equal (reasons[i], "job-queued")
          || g_str_equal (reasons[i], "processing-to-stop-point"))
        continue;
      if (s->len > 0)
        /* TRANSLATORS: separator between printer state reasons */
        g_string_append (s, _(", "));
      g_string_append (s, bm_printer_reason_to_string (reasons[i]));
    }
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}
