/* Initial passwords for the 网报登录卡. They are read off paper and typed in,
 * so the alphabet leaves out characters that look alike (0 O o, 1 l I). */

#include "bm-config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/random.h>

#include "bm-error.h"
#include "bm-password.h"

static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

char *
bm_password_new_initial (GError **error)
{
  char *password = g_malloc0 (BM_INITIAL_PASSWORD_LENGTH + 1);
  const guint n = sizeof alphabet - 1;
  /* Reject bytes past the largest multiple of n so every character is equally likely. */
  const guint limit = 256 - (256 % n);
  guint filled = 0;

  while (filled < BM_INITIAL_PASSWORD_LENGTH)
    {
      guint8 buffer[32];
      ssize_t got = getrandom (buffer, sizeof buffer, 0);

      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          g_free (password);
          g_set_error (error, BM_ERROR, BM_ERROR_FAILED,
                       _("The system random number generator failed: %s"), g_strerror (errno));
          return NULL;
        }
      for (ssize_t i = 0; i < got && filled < BM_INITIAL_PASSWORD_LENGTH; i++)
        if (buffer[i] < limit)
          password[filled++] = alphabet[buffer[i] % n];
    }
  return password;
}
