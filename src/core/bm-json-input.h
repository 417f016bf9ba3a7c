#pragma once

/* The one way bytes from outside become JSON (docs/limits.md). json-glib
 * parses recursively and reads whatever it is given: a file of nested
 * brackets overflows the stack, /dev/zero fills the memory, "\u0000" cuts a
 * string short. Every caller goes through here, so the limits are checked
 * before json-glib sees a byte. */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays and objects accepted. Our formats need 5. */
#define BM_JSON_MAX_DEPTH 32

/* What the bytes are, which sets the size limit. */
typedef enum {
  BM_JSON_INPUT_RECORD,   /* one candidate record or a change to one (CLI --json) */
  BM_JSON_INPUT_SETUP,    /* a set-up file */
  BM_JSON_INPUT_SERVER,   /* an answer of the provincial server */
  BM_JSON_INPUT_STORED,   /* JSON this program wrote into its own store earlier */
} BmJsonInputKind;

#define BM_JSON_MAX_RECORD_BYTES  (256 * 1024)
#define BM_JSON_MAX_SETUP_BYTES   (1024 * 1024)
#define BM_JSON_MAX_SERVER_BYTES  (8 * 1024 * 1024)
#define BM_JSON_MAX_STORED_BYTES  (8 * 1024 * 1024)

gsize       bm_json_input_max_bytes    (BmJsonInputKind   kind);
gboolean    bm_json_input_check        (const char       *data,
                                        gsize             len,
                                        BmJsonInputKind   kind,
                                        GError          **error);
JsonNode   *bm_json_input_parse        (const char       *data,
                                        gssize            len,
                                        BmJsonInputKind   kind,
                                        GError          **error);
JsonObject *bm_json_input_parse_object (const char       *data,
                                        gssize            len,
                                        BmJsonInputKind   kind,
                                        GError          **error);
char       *bm_json_input_read_fd      (int               fd,
                                        gsize             max_bytes,
                                        gsize            *len,
                                        GError          **error);
JsonObject *bm_json_input_read_object  (const char       *path,
                                        BmJsonInputKind   kind,
                                        GError          **error);

G_END_DECLS
