/* libFuzzer target: the text block parsers take any 256 bytes (and any
 * appended-address record) without crashing; what they return is either an
 * identity with valid UTF-8 fields or an error. */
#include <glib.h>
#include <string.h>

#include "bm-card-text.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_utf8 (BmIdentity *id)
{
  for (const char * const *k = bm_identity_keys (); *k != NULL; k++)
    {
      const char *v = bm_identity_get (id, *k);
      g_assert (v == NULL || g_utf8_validate (v, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  guint8 block[256];
  BmIdentity *id;
  GError *error = NULL;
  char *s;

  /* Short inputs are spread over a realistic block so the flag at 248 and
   * the layouts are reached quickly. */
  memset (block, 0, sizeof block);
  for (gsize i = 0; i < sizeof block; i += 2)
    block[i] = ' ';
  memcpy (block, data, MIN (size, sizeof block));
  if (size > 0 && size < sizeof block)
    {
      block[248] = " JIY"[data[0] % 4];
      block[249] = 0;
    }

  id = bm_card_text_parse (block, sizeof block, &error);
  g_assert ((id == NULL) != (error == NULL));
  if (id != NULL)
    {
      JsonObject *o = bm_card_identity_to_json (id, "fuzz");
      check_utf8 (id);
      bm_card_identity_number_valid (id);
      json_object_unref (o);
      g_object_unref (id);
    }
  g_clear_error (&error);

  s = bm_card_text_parse_appended (data, MIN (size, 280), NULL);
  g_assert (s == NULL || g_utf8_validate (s, -1, NULL));
  g_free (s);
  s = bm_card_text_field (data, size);
  g_free (s);
  return 0;
}
