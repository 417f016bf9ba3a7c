/* libFuzzer target: the export package reader and the receipt reader
 * (src/core/bm-package.c), which take files off any disc or stick. The
 * first byte picks the path: 0 verify (framing and signature), 1 decrypt
 * with the training county key (the seed corpus is a training package, so
 * the fuzzer gets past the sealed key), 2 the receipt reader. */

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "bm-package.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet_log (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
}

static gboolean
count_item (JsonObject *item, GBytes *bytes, gpointer data, GError **error)
{
  (*(guint *) data)++;
  (void) json_object_get_string_member_with_default (item, "t", "");
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FILE *f;

  if (size < 2)
    return 0;
  g_log_set_default_handler (quiet_log, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR);
  switch (data[0] % 3)
    {
    case 0:
      if ((f = fmemopen ((void *) (data + 1), size - 1, "rb")) != NULL)
        {
          g_autoptr(JsonObject) m = bm_package_verify (f, NULL);
          fclose (f);
        }
      break;
    case 1:
      if ((f = fmemopen ((void *) (data + 1), size - 1, "rb")) != NULL)
        {
          guint8 pk[BM_PACKAGE_KEY_BYTES], sk[BM_PACKAGE_KEY_BYTES];
          guint n = 0;
          bm_package_training_county_keys (pk, sk);
          (void) bm_package_decrypt (f, sk, count_item, &n, NULL);
          fclose (f);
        }
      break;
    default:
      {
        g_autofree char *text = NULL;
        g_autoptr(JsonObject) r = bm_receipt_open ((const char *) data + 1, size - 1,
            "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29", &text, NULL);
        break;
      }
    }
  return 0;
}
