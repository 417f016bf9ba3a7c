/* Test helper: make libv4l2 load the fake camera plugin for this process
 * only. libv4l2 loads plugins from a compiled-in directory, so we bind-mount
 * a directory holding just our plugin over it in a private mount namespace
 * (needs root, as CI has; nothing on the machine changes). */
#pragma once

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <glib.h>
#include <glib/gstdio.h>

static inline void
bm_fakecam_install (void)
{
  const char *plugin = g_getenv ("FAKECAM_PLUGIN");
  const char *plugdir = g_getenv ("FAKECAM_PLUGIN_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (plugin == NULL || plugdir == NULL)
    g_error ("FAKECAM_PLUGIN and FAKECAM_PLUGIN_DIR must be set (run through meson test)");
  if (unshare (CLONE_NEWNS) != 0)
    g_error ("unshare(CLONE_NEWNS) failed: %s. The v4l2 suite must run as root (as in CI).", g_strerror (errno));
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("making / private failed: %s", g_strerror (errno));
  dir = g_dir_make_tmp ("bm-fakecam-plugins-XXXXXX", NULL);
  g_assert_nonnull (dir);
  dest = g_build_filename (dir, "libv4l-bm-fakecam.so", NULL);
  if (!g_file_get_contents (plugin, &contents, &len, NULL) || !g_file_set_contents (dest, contents, (gssize) len, NULL))
    g_error ("cannot copy %s", plugin);
  if (!g_file_test (plugdir, G_FILE_TEST_IS_DIR) && g_mkdir_with_parents (plugdir, 0755) != 0)
    g_error ("cannot create %s", plugdir);
  if (mount (dir, plugdir, NULL, MS_BIND, NULL) != 0)
    g_error ("bind mount over %s failed: %s", plugdir, g_strerror (errno));
}
