#pragma once

/* Maximum length and character class of every record field (docs/limits.md).
 * bm_candidate_validate and bm_identity_validate apply them, so the GUI
 * form, the CLI, card reads, the server's online fields and imports all meet
 * the same rules. */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  BM_FIELD_CLASS_NAME,        /* letters of any script (CJK, PUA rare characters), ·, spaces, digits */
  BM_FIELD_CLASS_NAME_LATIN,  /* letters, spaces and ' - . , */
  BM_FIELD_CLASS_TEXT,        /* one line of printable text */
  BM_FIELD_CLASS_LINES,       /* printable text and line breaks */
  BM_FIELD_CLASS_DIGITS,      /* ASCII digits */
  BM_FIELD_CLASS_CODE,        /* ASCII letters, digits and - _ . */
  BM_FIELD_CLASS_ASCII,       /* printable ASCII, no spaces (timestamps, card ids) */
  BM_FIELD_CLASS_HEX,         /* lower-case hexadecimal digits */
  BM_FIELD_CLASS_JSON,        /* a JSON object of text fields (online_fields) */
} BmFieldClass;

typedef struct {
  const char   *key;
  const char   *label;        /* N_(): translate with _() */
  guint         max_chars;    /* characters, or bytes for BM_FIELD_CLASS_JSON */
  BmFieldClass  klass;
} BmFieldLimit;

/* online_fields: at most this many members, each value text of at most
 * BM_ONLINE_VALUE_MAX_CHARS unless its key has a limit of its own. */
#define BM_ONLINE_MAX_MEMBERS     64
#define BM_ONLINE_KEY_MAX_CHARS   64
#define BM_ONLINE_VALUE_MAX_CHARS 200

const BmFieldLimit *bm_field_limit_lookup (const char          *key);
const BmFieldLimit *bm_field_limits       (guint               *n_limits);
char               *bm_field_check        (const char          *key,
                                           const char          *value,
                                           GError             **error);
gboolean            bm_field_check_values (const char * const *keys,
                                           char               **values,
                                           GError             **error);
char               *bm_field_check_with   (const BmFieldLimit  *limit,
                                           const char          *value,
                                           GError             **error);
JsonObject         *bm_field_filter_online (JsonObject         *fields,
                                           GStrvBuilder        *refused);
char               *bm_field_for_terminal (const char          *value);

G_END_DECLS
