/* Initial passwords for the 网报登录卡. They are read off paper and typed in,
 * so the alphabet leaves out characters that look alike (0 O o, 1 l I). */

#include "bm-config.h"

#include "bm-password.h"
#include "bm-random.h"

static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

char *
bm_password_new_initial (GError **error)
{
  g_autofree char *password = g_malloc0 (BM_INITIAL_PASSWORD_LENGTH + 1);
  const guint n = sizeof alphabet - 1;
  /* Reject bytes past the largest multiple of n so every character is equally likely. */
  const guint limit = 256 - (256 % n);
  guint filled = 0;

  while (filled < BM_INITIAL_PASSWORD_LENGTH)
    {
      guint8 buffer[32];

      if (!bm_random_bytes (buffer, sizeof buffer, error))
        return NULL;
      for (gsize i = 0; i < sizeof buffer && filled < BM_INITIAL_PASSWORD_LENGTH; i++)
        if (buffer[i] < limit)
          password[filled++] = alphabet[buffer[i] % n];
    }
  return g_steal_pointer (&password);
}
