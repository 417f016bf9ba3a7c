/* Randomness from the kernel's CSPRNG. GLib's g_random is a seeded PRNG:
 * forked writers would share its sequence and mint the same UUIDs, and its
 * output must never become a password. */

#include "bm-config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/random.h>

#include "bm-error.h"
#include "bm-random.h"

gboolean
bm_random_bytes (guint8 *buffer, gsize length, GError **error)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t got = getrandom (buffer + filled, length - filled, 0);

      if (got < 0)
        {
          int saved = errno;
          if (saved == EINTR)
            continue;
          g_set_error (error, BM_ERROR, BM_ERROR_FAILED,
                       _("The system random number generator failed: %s"), g_strerror (saved));
          return FALSE;
        }
      filled += got;
    }
  return TRUE;
}

/* RFC 4122 version 4. getrandom() on Linux ≥ 3.17 does not fail once the
 * pool is initialised, which it is long before a desktop session starts. */
char *
bm_random_uuid (void)
{
  guint8 b[16];

  if (!bm_random_bytes (b, sizeof b, NULL))
    g_error ("getrandom() failed");
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
