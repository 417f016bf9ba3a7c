/* libFuzzer target: the gate for outside JSON (src/core/bm-json-input.c)
 * and what follows it for a candidate record (bm_candidate_new_from_json,
 * bm_candidate_validate with the field limits of bm-field-limits.c). The
 * first byte picks the kind of input; the rest is the bytes. Run with a
 * max_len big enough for deep nesting (run-fuzz-json.sh: 1 MiB). */

#include <glib.h>
#include <stdint.h>

#include "bm-candidate.h"
#include "bm-field-limits.h"
#include "bm-json-input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet_log (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *body = (const char *) data + 1;
  g_autoptr(JsonNode) node = NULL;
  BmJsonInputKind kind;

  if (size < 1)
    return 0;
  g_log_set_default_handler (quiet_log, NULL);
  /* A critical would mean trusting a type that was not checked. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR);
  kind = (BmJsonInputKind) (data[0] % 4);
  node = bm_json_input_parse (body, size - 1, kind, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  if (data[0] & 0x80)
    {
      /* The online fields path of the change feed. */
      g_autoptr(GStrvBuilder) refused = g_strv_builder_new ();
      g_autoptr(JsonObject) kept = bm_field_filter_online (json_node_get_object (node), refused);
      g_auto(GStrv) names = g_strv_builder_end (refused);
    }
  else
    {
      g_autoptr(BmCandidate) c = bm_candidate_new_from_json (json_node_get_object (node), NULL);
      if (c != NULL && bm_candidate_validate (c, NULL))
        {
          /* What validation keeps must be text the store can hold. */
          g_autoptr(JsonObject) o = bm_candidate_to_json (c);
          g_autoptr(GList) members = json_object_get_members (o);
          for (GList *l = members; l; l = l->next)
            {
              JsonNode *m = json_object_get_member (o, l->data);
              if (JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING)
                g_assert (g_utf8_validate (json_node_get_string (m), -1, NULL));
            }
        }
    }
  return 0;
}
