/* libFuzzer target: every parser of the provincial server's answers
 * (src/core/bm-sync-message.c). The first byte picks the parser, so one
 * corpus covers them all; the rest is the answer body. */

#include <glib.h>
#include <stdint.h>

#include "bm-sync-message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet_log (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *body = (const char *) data + 1;
  gsize len;

  if (size < 1)
    return 0;
  g_log_set_default_handler (quiet_log, NULL);
  /* Criticals would mean a parser trusted a type it did not check. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR);
  len = size - 1;
  switch (data[0] % 7)
    {
    case 0:
      {
        g_autoptr(BmSyncToken) t = bm_sync_parse_token (body, len, NULL);
        break;
      }
    case 1:
      {
        g_autoptr(BmSyncServerError) e = bm_sync_parse_error (body, len);
        break;
      }
    case 2:
      {
        g_autoptr(JsonObject) p = bm_sync_parse_profile (body, len, NULL);
        g_autoptr(GPtrArray) none = g_ptr_array_new ();
        if (p != NULL)
          {
            g_autoptr(JsonObject) s = bm_sync_setup_from_profile (p, none, "https://x.test", "ws", NULL);
          }
        break;
      }
    case 3:
      {
        g_autoptr(GPtrArray) s = bm_sync_parse_slices (body, len, NULL);
        g_autoptr(GPtrArray) l = bm_sync_parse_ledger (body, len, NULL);   /* same shape: a list of objects */
        break;
      }
    case 4:
      {
        g_autoptr(GPtrArray) r = bm_sync_parse_batch_answer (body, len, "b1", size % 4, NULL);
        break;
      }
    case 5:
      {
        const char *shas[] = { "aa", "bb" };
        g_auto(GStrv) st = bm_sync_parse_bundle_answer (body, len, shas, size % 3, NULL);
        break;
      }
    default:
      {
        g_autofree char *cursor = NULL;
        gboolean more;
        g_autoptr(GPtrArray) c = bm_sync_parse_changes (body, len, &cursor, &more, NULL);
        break;
      }
    }
  return 0;
}
