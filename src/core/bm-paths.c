#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <locale.h>

#include "bm-error.h"
#include "bm-paths.h"

/* Training and real data live in different files, so a training session can
 * never write into the real database. */
char *
bm_paths_default_store (gboolean training, GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "baoming", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The data folder %s cannot be created: %s"), dir, g_strerror (saved));
      return NULL;
    }
  return g_build_filename (dir, training ? "training.db" : "baoming.db", NULL);
}

/* Translations come from the install prefix, or from the build tree when
 * the program runs uninstalled (tests, `meson devenv`). */
void
bm_i18n_init (void)
{
  const char *dir = g_getenv ("BAOMING_LOCALEDIR");
  g_autofree char *installed = g_build_filename (LOCALEDIR, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  setlocale (LC_ALL, "");
  if (dir == NULL)
    dir = g_file_test (installed, G_FILE_TEST_EXISTS) ? LOCALEDIR : BUILD_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Writes a file only its owner may read (candidate data), whole or not at
 * all: a new file renamed over @path. Something at @path that is not a
 * regular file (a pipe, a device) is written in place instead, because a
 * rename as root would replace /dev/null itself. */
gboolean
bm_paths_write_private (const char *path, const void *data, gsize len, GError **error)
{
  GStatBuf st;
  const char *p = data;
  int fd;

  if (g_stat (path, &st) != 0 || S_ISREG (st.st_mode))
    return g_file_set_contents_full (path, data, (gssize) len,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);

  fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  while (fd >= 0 && len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      p += n;
      len -= (gsize) n;
    }
  if (fd < 0 || len > 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return close (fd) == 0 || errno == EINTR;
}
