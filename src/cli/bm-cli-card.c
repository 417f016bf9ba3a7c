/* card: list readers, read one card, watch a reader (docs/cli.md). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <unistd.h>

#include "bm-card-error.h"
#include "bm-card-reader.h"
#include "bm-card-text.h"
#include "bm-cli.h"
#include "bm-field-limits.h"
#include "bm-wlt-decoder.h"

static int
card_exit_code (const GError *error)
{
  if (error->domain != BM_CARD_ERROR)
    return bm_cli_exit_code (error);
  switch ((BmCardError) error->code)
    {
    case BM_CARD_ERROR_NO_SERVICE:
    case BM_CARD_ERROR_NO_READER:
    case BM_CARD_ERROR_NO_SAM:
    case BM_CARD_ERROR_UNSUPPORTED:
    case BM_CARD_ERROR_NO_DECODER:
      return BM_CLI_EXIT_UNAVAILABLE;
    case BM_CARD_ERROR_TIMEOUT:
      return BM_CLI_EXIT_TIMEOUT;
    case BM_CARD_ERROR_FRAME:
    case BM_CARD_ERROR_SAM:
    case BM_CARD_ERROR_BAD_DATA:
    case BM_CARD_ERROR_REMOVED:
    case BM_CARD_ERROR_IO:
    case BM_CARD_ERROR_BUSY:
    default:
      return BM_CLI_EXIT_FAILURE;
    }
}

static const char *
card_error_name (const GError *error)
{
  static const char *const names[] = {
    "frame", "sam", "bad_data", "no_service", "no_reader", "removed", "timeout",
    "no_sam", "unsupported", "io", "busy", "no_decoder",
  };

  if (error->domain == BM_CARD_ERROR && (guint) error->code < G_N_ELEMENTS (names))
    return names[error->code];
  return "failed";
}

static int
card_fail (const GError *error)
{
  g_printerr ("baoming-cli: %s\n", error->message);
  return card_exit_code (error);
}

static int
card_readers (int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new ("readers");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) readers = NULL;
  g_autofree gboolean *present = NULL;
  gboolean as_json = FALSE;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the readers as a JSON array"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("List the PC/SC card readers."), entries, &argc, &argv, &code))
    return code;
  readers = bm_card_reader_list (&present, &error);
  if (readers == NULL)
    return card_fail (error);
  if (as_json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; readers[i] != NULL; i++)
        {
          JsonObject *o = json_object_new ();
          json_object_set_string_member (o, "name", readers[i]);
          json_object_set_boolean_member (o, "card_present", present[i]);
          json_array_add_object_element (array, o);
        }
      json_node_take_array (node, array);
      bm_cli_print_json (node);
    }
  else
    for (guint i = 0; readers[i] != NULL; i++)
      g_print ("%s\n", readers[i]);
  return BM_CLI_EXIT_OK;
}

typedef struct {
  GMainLoop    *loop;
  BmCardReader *reader;
  gboolean      as_json;
  gboolean      watch;
  char         *photo_path;
  char         *decoded_path;
  int           count;      /* watch: stop after this many cards; 0 = never */
  int           exit_code;
  guint         timeout_id;
  gboolean      done;       /* the outcome is decided; later events are ignored */
} CardRun;

/* Several sources can be ready in one main loop iteration (a late report
 * and the timeout): the first to decide wins. */
static void
finish (CardRun *run, int exit_code)
{
  if (run->done)
    return;
  run->done = TRUE;
  run->exit_code = exit_code;
  g_main_loop_quit (run->loop);
}

static void
print_line (JsonObject *o)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_node_set_object (node, o);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  /* One event per line, flushed: watch output is read while it runs. */
  fprintf (stdout, "%s\n", text);
  fflush (stdout);
}

static gboolean
save_file (const char *path, const guint8 *data, gsize len, GError **error)
{
  /* Card data is personal: 0600 like every file we write. */
  return g_file_set_contents_full (path, (const char *) data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* Writes the decoded photo as a binary PPM (P6), which every image tool reads. */
static gboolean
save_decoded (const char *path, GBytes *wlt, GError **error)
{
  g_autoptr(BmWltDecoder) dec = bm_wlt_decoder_open (NULL, error);
  g_autoptr(GBytes) rgb = NULL;
  g_autoptr(GByteArray) ppm = NULL;
  g_autofree char *head = NULL;

  if (dec == NULL)
    return FALSE;
  rgb = bm_wlt_decoder_decode (dec, wlt, error);
  if (rgb == NULL)
    return FALSE;
  head = g_strdup_printf ("P6\n%d %d\n255\n", BM_WLT_WIDTH, BM_WLT_HEIGHT);
  ppm = g_byte_array_new ();
  g_byte_array_append (ppm, (const guint8 *) head, strlen (head));
  g_byte_array_append (ppm, g_bytes_get_data (rgb, NULL), g_bytes_get_size (rgb));
  return save_file (path, ppm->data, ppm->len, error);
}

static void
print_identity_text (JsonObject *o)
{
  g_autoptr(GList) members = json_object_get_members (o);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *n = json_object_get_member (o, l->data);

      if (json_node_get_value_type (n) == G_TYPE_BOOLEAN)
        g_print ("%s: %s\n", (char *) l->data, json_node_get_boolean (n) ? "true" : "false");
      else
        {
          /* Card text straight to a terminal: escapes and bidi shown, not obeyed. */
          g_autofree char *shown = bm_field_for_terminal (json_node_get_string (n));
          g_print ("%s: %s\n", (char *) l->data, shown);
        }
    }
}

static void
on_card_read (BmCardReader *reader, BmIdentity *identity, CardRun *run)
{
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *wlt = bm_identity_get_photo_wlt (identity);
  int code = BM_CLI_EXIT_OK;

  if (run->done)
    return;
  o = bm_card_identity_to_json (identity, bm_card_reader_get_reader_name (reader));
  if (run->photo_path != NULL && wlt != NULL
      && !save_file (run->photo_path, g_bytes_get_data (wlt, NULL), g_bytes_get_size (wlt), &error))
    {
      finish (run, card_fail (error));
      return;
    }
  if (run->decoded_path != NULL && wlt != NULL && !save_decoded (run->decoded_path, wlt, &error))
    {
      /* The identity is still good: print it, and say why there is no photo. */
      g_printerr ("baoming-cli: %s\n", error->message);
      code = card_exit_code (error);
      g_clear_error (&error);
    }

  if (run->watch)
    {
      g_autoptr(JsonObject) ev = json_object_new ();

      json_object_set_string_member (ev, "event", "card");
      json_object_set_object_member (ev, "card", g_steal_pointer (&o));
      print_line (ev);
      if (run->count > 0 && --run->count == 0)
        finish (run, code);
      return;
    }
  if (run->as_json)
    bm_cli_print_json_object (o);
  else
    print_identity_text (o);
  finish (run, code);
}

static void
on_read_failed (BmCardReader *reader, GError *error, CardRun *run)
{
  if (run->done)
    return;
  if (run->watch)
    {
      g_autoptr(JsonObject) ev = json_object_new ();

      json_object_set_string_member (ev, "event", "error");
      json_object_set_string_member (ev, "error", card_error_name (error));
      json_object_set_string_member (ev, "message", error->message);
      print_line (ev);
      return;
    }
  finish (run, card_fail (error));
}

static void
on_state_changed (BmCardReader *reader, CardRun *run)
{
  BmCardReaderState state = bm_card_reader_get_state (reader);

  if (run->done)
    return;
  if (run->watch)
    {
      g_autoptr(JsonObject) ev = json_object_new ();
      const char *name = bm_card_reader_get_reader_name (reader);

      json_object_set_string_member (ev, "event", "state");
      json_object_set_string_member (ev, "state", bm_card_reader_state_to_string (state));
      json_object_set_string_member (ev, "message", bm_card_reader_get_message (reader));
      if (name != NULL)
        json_object_set_string_member (ev, "reader", name);
      print_line (ev);
      return;
    }
  /* A one-shot read does not wait for a service or a reader to appear. */
  if (state == BM_CARD_READER_STATE_NO_SERVICE || state == BM_CARD_READER_STATE_NO_READER)
    {
      const GError *error = bm_card_reader_get_error (reader);
      int code = BM_CLI_EXIT_UNAVAILABLE;

      /* A serial reader that stays silent is a timeout, not an absence. */
      if (error != NULL && card_exit_code (error) == BM_CLI_EXIT_TIMEOUT)
        code = BM_CLI_EXIT_TIMEOUT;
      g_printerr ("baoming-cli: %s\n", bm_card_reader_get_message (reader));
      finish (run, code);
    }
}

static gboolean
on_timeout (gpointer data)
{
  CardRun *run = data;

  run->timeout_id = 0;
  if (run->done)
    return G_SOURCE_REMOVE;
  if (bm_card_reader_get_state (run->reader) == BM_CARD_READER_STATE_READING)
    g_printerr ("baoming-cli: %s\n", _("The card reader did not answer in time."));
  else
    g_printerr ("baoming-cli: %s\n", _("No card was placed on the reader in time."));
  finish (run, BM_CLI_EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer data)
{
  CardRun *run = data;

  finish (run, run->watch ? BM_CLI_EXIT_OK : BM_CLI_EXIT_CANCELLED);
  return G_SOURCE_CONTINUE;   /* removed by card_run() */
}

static int
card_run (int argc, char **argv, gboolean watch)
{
  g_autoptr(GOptionContext) options = g_option_context_new (watch ? "watch" : "read");
  g_autoptr(BmCardReader) reader = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *reader_name = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *scheme_name = NULL;
  g_autofree char *photo_path = NULL;
  g_autofree char *decoded_path = NULL;
  BmCardScheme scheme = BM_CARD_SCHEME_AUTO;
  gboolean as_json = FALSE;
  int timeout_s = watch ? 0 : 30, baud = 115200, count = 0, code;
  guint sig1, sig2;
  CardRun run = { 0 };
  const GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name, N_("Use this PC/SC reader (default: the first)"), N_("NAME") },
    { "serial", 0, 0, G_OPTION_ARG_FILENAME, &serial, N_("Use the serial reader on this device instead of PC/SC"), N_("DEVICE") },
    { "baud", 0, 0, G_OPTION_ARG_INT, &baud, N_("Serial speed (default 115200)"), N_("BAUD") },
    { "scheme", 0, 0, G_OPTION_ARG_STRING, &scheme_name, N_("PC/SC scheme: auto, page or tunnel (default auto)"), N_("SCHEME") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up after this many seconds (0: never); with watch, on each read"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the identity as JSON"), NULL },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME, &photo_path, N_("Save the raw chip photo (WLT) to this file"), N_("FILE") },
    { "decode-photo", 0, 0, G_OPTION_ARG_FILENAME, &decoded_path, N_("Decode the chip photo with the vendor decoder and save it as PPM"), N_("FILE") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("watch: stop after this many cards"), N_("N") },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, watch
    ? _("Follow the reader and print one JSON line per event (state, card, error) until interrupted.")
    : _("Wait for a card on the reader and print the identity read from it."), entries, &argc, &argv, &code))
    return code;
  if (reader_name != NULL && serial != NULL)
    return bm_cli_usage (options, _("Give either --reader or --serial, not both."));
  if (scheme_name != NULL && !bm_card_scheme_from_string (scheme_name, &scheme))
    return bm_cli_usage (options, _("The scheme must be auto, page or tunnel."));
  if (timeout_s < 0 || baud <= 0 || count < 0)
    return bm_cli_usage (options, _("Numbers must not be negative."));

  loop = g_main_loop_new (NULL, FALSE);
  reader = bm_card_reader_new ();
  bm_card_reader_set_reader (reader, reader_name);
  if (serial != NULL)
    bm_card_reader_set_serial (reader, serial, (guint) baud);
  bm_card_reader_set_scheme (reader, scheme);
  run.loop = loop;
  run.reader = reader;
  run.as_json = as_json;
  run.watch = watch;
  run.photo_path = photo_path;
  run.decoded_path = decoded_path;
  run.count = count;
  run.exit_code = BM_CLI_EXIT_OK;
  g_signal_connect (reader, "card-read", G_CALLBACK (on_card_read), &run);
  g_signal_connect (reader, "read-failed", G_CALLBACK (on_read_failed), &run);
  g_signal_connect (reader, "state-changed", G_CALLBACK (on_state_changed), &run);
  /* read: the whole wait; watch: each read (a watch runs until stopped). */
  if (timeout_s > 0)
    {
      if (!watch)
        run.timeout_id = g_timeout_add_seconds ((guint) timeout_s, on_timeout, &run);
      bm_card_reader_set_read_timeout (reader, (guint) timeout_s * 1000);
    }
  sig1 = g_unix_signal_add (SIGINT, on_signal, &run);
  sig2 = g_unix_signal_add (SIGTERM, on_signal, &run);

  bm_card_reader_start (reader);
  g_main_loop_run (loop);
  if (!bm_card_reader_stop_and_wait (reader, 1000))
    {
      /* The worker is stuck in a reader that does not answer; exiting
       * normally would run libpcsclite's destructor under it. */
      fflush (stdout);
      fflush (stderr);
      _exit (run.exit_code);
    }

  g_clear_handle_id (&run.timeout_id, g_source_remove);
  g_source_remove (sig1);
  g_source_remove (sig2);
  g_signal_handlers_disconnect_by_data (reader, &run);
  return run.exit_code;
}

int
bm_cli_card (BmCliContext *ctx, int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;

      fprintf (out, "%s\n", _("Usage: baoming-cli card readers|read|watch [OPTIONS…]"));
      fprintf (out, "  readers  %s\n", _("List the PC/SC card readers"));
      fprintf (out, "  read     %s\n", _("Read one ID card and print the identity"));
      fprintf (out, "  watch    %s\n", _("Follow the reader and print events as JSON lines"));
      return argc < 2 ? BM_CLI_EXIT_USAGE : BM_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "readers"))
    return card_readers (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "read"))
    return card_run (argc - 1, argv + 1, FALSE);
  if (g_str_equal (argv[1], "watch"))
    return card_run (argc - 1, argv + 1, TRUE);
  g_printerr ("baoming-cli: %s\n", _("Unknown card command. Use readers, read or watch."));
  return BM_CLI_EXIT_USAGE;
}
