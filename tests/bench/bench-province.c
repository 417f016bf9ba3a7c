/* bench-province.c: see bench-province.h */
#include "bm-config.h"

#include <signal.h>
#include <stdlib.h>

#include "bench-province.h"
#include "bm-sync-client.h"

static char *build, *tmp;
static GPid server_pid;
static int port;

static void
run_or_die (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[0], error->message);
}

void
bench_province (const char *first, ...)
{
  g_autofree char *bin = g_build_filename (build, "tests/province/bm-province", NULL);
  g_autofree char *db = g_build_filename (tmp, "p.db", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (argv, bin);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  run_or_die ((const char * const *) argv->pdata);
}

static void
start_server (void)
{
  g_autofree char *bin = g_build_filename (build, "tests/province/bm-province", NULL);
  g_autofree char *db = g_build_filename (tmp, "p.db", NULL);
  g_autofree char *cert = g_build_filename (tmp, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (tmp, "key.pem", NULL);
  g_autofree char *pf = g_build_filename (tmp, "port", NULL);
  g_autofree char *log = g_build_filename (tmp, "server.log", NULL);
  g_autofree char *cmd = g_strdup_printf ("exec '%s' --db '%s' serve --cert '%s' --key '%s' --port-file '%s' 2>'%s'",
                                          bin, db, cert, key, pf, log);
  const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &server_pid, &error))
    g_error ("server: %s", error->message);
  for (int i = 0; i < 2000 && !g_file_get_contents (pf, &text, NULL, NULL); i++)
    g_usleep (5000);
  if (text == NULL)
    g_error ("server did not start");
  port = atoi (text);
  g_free (text);
}

void
bench_province_start (const char *build_dir, const char *source_dir, const char * const *specs)
{
  g_autofree char *mkcert = g_build_filename (source_dir, "tests/province/mkcert.sh", NULL);

  build = g_strdup (build_dir);
  tmp = g_dir_make_tmp ("bench-province-XXXXXX", NULL);
  {
    const char *mk[] = { mkcert, tmp, NULL };
    run_or_die (mk);
  }
  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("point-%u.json", i);
      g_autofree char *path = g_build_filename (tmp, name, NULL);

      if (!g_file_set_contents (path, specs[i], -1, NULL))
        g_error ("cannot write %s", path);
      bench_province ("provision", path, NULL);
    }
  start_server ();
}

BmStore *
bench_province_workstation (const char *name, const char *point_code, int records, int photo_bytes, int id_offset)
{
  g_autofree char *db = g_build_filename (tmp, name, NULL);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%d", port);
  g_autofree char *ca = g_build_filename (tmp, "cert.pem", NULL);
  g_autofree char *fill = g_build_filename (build, "tests/sync/sync-fill", NULL);
  g_autofree char *n = g_strdup_printf ("%d", records);
  g_autofree char *pb = g_strdup_printf ("%d", photo_bytes);
  g_autofree char *offset = g_strdup_printf ("%d", id_offset);
  g_autoptr(GError) error = NULL;
  BmSyncSetupOptions o = { url, point_code, "clerk", "clerk-pass", ca, NULL, FALSE, name, 5000 };
  BmStore *store = bm_store_open (db, FALSE, &error);

  if (store == NULL || !bm_sync_setup (store, &o, NULL, &error))
    g_error ("setup: %s", error->message);
  {
    const char *argv[] = { fill, "add", db, n, pb, offset, NULL };
    run_or_die (argv);
  }
  return store;
}

int bench_province_port (void) { return port; }
const char *bench_province_tmp (void) { return tmp; }
const char *bench_province_build (void) { return build; }

void
bench_province_stop (void)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);

  kill (server_pid, SIGTERM);
  g_spawn_close_pid (server_pid);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
}
