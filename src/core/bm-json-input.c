/* Limits on outside JSON, checked before json-glib parses (docs/limits.md).
 *
 * json-glib's parser recurses once per nesting level and has no depth
 * limit: some 85,000 levels overflow the main thread's stack, far fewer a
 * worker thread's. So the bytes get one cheap, non-recursive pass first: size,
 * UTF-8, nesting depth, and the two \u escapes json-glib cannot represent in
 * a C string (U+0000 cuts the value; a lone surrogate becomes invalid UTF-8). */

#include "bm-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-json-input.h"

gsize
bm_json_input_max_bytes (BmJsonInputKind kind)
{
  switch (kind)
    {
    case BM_JSON_INPUT_RECORD:
      return BM_JSON_MAX_RECORD_BYTES;
    case BM_JSON_INPUT_SETUP:
      return BM_JSON_MAX_SETUP_BYTES;
    case BM_JSON_INPUT_SERVER:
      return BM_JSON_MAX_SERVER_BYTES;
    case BM_JSON_INPUT_STORED:
    default:
      return BM_JSON_MAX_STORED_BYTES;
    }
}

static gboolean
too_large (gsize max, GError **error)
{
  g_autofree char *size = g_format_size_full (max, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("The JSON input is larger than %s, the limit for this kind of input."), size);
  return FALSE;
}

static int
hex4 (const char *p, const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* The \u escape at p (just after the backslash and 'u'); advances *pp past
 * what it consumed. Malformed hex is left for json-glib to report. */
static gboolean
check_escape (const char **pp, const char *end, GError **error)
{
  const char *p = *pp;
  int v = hex4 (p, end), low;

  if (v < 0)
    return TRUE;
  p += 4;
  if (v == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The JSON input contains a NUL character (\\u0000), which no field may hold."));
      return FALSE;
    }
  if (v >= 0xDC00 && v <= 0xDFFF)
    goto lone;
  if (v >= 0xD800 && v <= 0xDBFF)
    {
      if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || (low = hex4 (p + 2, end)) < 0xDC00 || low > 0xDFFF)
        goto lone;
      p += 6;
    }
  *pp = p;
  return TRUE;

lone:
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("The JSON input contains a lone UTF-16 surrogate escape, which is not text."));
  return FALSE;
}

gboolean
bm_json_input_check (const char *data, gsize len, BmJsonInputKind kind, GError **error)
{
  const char *p = data, *end = data + len;
  gsize max = bm_json_input_max_bytes (kind);
  int depth = 0;
  gboolean in_string = FALSE;

  if (len > max)
    return too_large (max, error);
  /* Also refuses a raw NUL byte anywhere. */
  if (!g_utf8_validate (data, len, NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The JSON input is not valid UTF-8 text."));
      return FALSE;
    }
  while (p < end)
    {
      char c = *p++;

      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c == '\\' && p < end)
            {
              if (*p++ == 'u' && !check_escape (&p, end, error))
                return FALSE;
            }
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > BM_JSON_MAX_DEPTH)
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                           _("The JSON input is nested deeper than %d levels."), BM_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
bm_json_input_parse (const char *data, gssize len, BmJsonInputKind kind, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  gsize n;
  JsonNode *root;

  if (data == NULL)
    data = "";
  /* strlen of a huge string costs nothing next to parsing it. */
  n = len < 0 ? strlen (data) : (gsize) len;
  if (!bm_json_input_check (data, n, kind, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, n, &local))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The input is not valid JSON: %s"), local->message);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The input is empty; JSON was expected."));
  return root;
}

JsonObject *
bm_json_input_parse_object (const char *data, gssize len, BmJsonInputKind kind, GError **error)
{
  g_autoptr(JsonNode) root = bm_json_input_parse (data, len, kind, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The input must be one JSON object."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* Reads at most max_bytes from fd and stops there: /dev/zero or a runaway
 * pipe never gets further than the limit. The result is NUL-terminated. */
char *
bm_json_input_read_fd (int fd, gsize max_bytes, gsize *len, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];

  for (;;)
    {
      gsize want = MIN (sizeof chunk, max_bytes + 1 - buf->len);
      gssize got = read (fd, chunk, want);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Could not read the input: %s"), g_strerror (saved));
          return NULL;
        }
      if (got == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) got);
      if (buf->len > max_bytes)
        {
          too_large (max_bytes, error);
          return NULL;
        }
    }
  if (len != NULL)
    *len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
}

/* path "-" is standard input. Errors name the file. */
JsonObject *
bm_json_input_read_object (const char *path, BmJsonInputKind kind, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *object;
  gboolean is_stdin = g_str_equal (path, "-");
  const char *shown = is_stdin ? _("standard input") : path;
  gsize len = 0;
  int fd = is_stdin ? 0 : g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  data = bm_json_input_read_fd (fd, bm_json_input_max_bytes (kind), &len, &local);
  if (!is_stdin)
    close (fd);
  if (data != NULL)
    object = bm_json_input_parse_object (data, len, kind, &local);
  else
    object = NULL;
  if (object == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", shown);
      return NULL;
    }
  return object;
}
