/* Benchmark (issue 14): export of N records with photos of B bytes from a
 * store, its round trip through `package verify --key`, against
 * `tar | gpg --symmetric` of the store file, each in its own process for
 * its time and peak RSS (wait4).
 *   bench-export BUILD_DIR [N [PHOTO_BYTES]]      (defaults 2000, 30000)
 * At most 9,998 records: a county's 4-digit serials are all one point has.
 * Not a test: run it by hand; docs/package.md keeps the figures. */
#include "bm-config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "bm-id-number.h"
#include "bm-operator.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-sync.h"
#include "bm-test-util.h"
#include "bm-package.h"
#include "bm-station-keys.h"
#include "bm-store-private.h"
#include "bm-store.h"

static const char setup[] =
  "{ \"point\": { \"code\": \"010201\", \"name\": \"一中\", \"county_code\": \"0102\" },"
  " \"workstation_id\": \"ws-bench\","
  " \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" } ],"
  " \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 4999 },"
  " { \"category\": \"5\", \"first\": 5001, \"last\": 9999 } ],"
  " \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 4999 },"
  " { \"category\": \"5\", \"first\": 5001, \"last\": 9999 } ] }";

static void
fill (BmStore *store, int count, int photo_bytes)
{
  sqlite3 *db = bm_store_get_sqlite (store);
  g_autofree guint8 *jpeg = g_malloc (photo_bytes);

  bm_store_transaction_begin (store, NULL);
  for (int i = 0; i < count; i++)
    {
      g_autoptr(BmIdentity) identity = bm_identity_new ();
      g_autoptr(BmCandidate) c = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = NULL, *name = g_strdup_printf ("考生%d", i);
      g_autofree char *sha = NULL;
      char first17[18];
      sqlite3_stmt *st;

      g_snprintf (first17, sizeof first17, "430102%04d%02d%02d%03d", 2000 + i / (900 * 28 * 12),
                  1 + i / (900 * 28) % 12, 1 + i / 900 % 28, i % 900 + 100);
      id = g_strdup_printf ("%s%c", first17, bm_id_number_check_character (first17));
      bm_identity_set (identity, "id_type", "resident_card");
      bm_identity_set (identity, "id_number", id);
      bm_identity_set (identity, "name", name);
      bm_identity_set (identity, "sex", bm_id_number_get_sex (id) == 1 ? "1" : "2");
      bm_identity_set (identity, "nation", "01");
      {
        g_autofree char *birth = g_strdup_printf ("%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
        bm_identity_set (identity, "birth_date", birth);
      }
      bm_identity_set (identity, "address", "湖南省长沙市芙蓉区");
      c = bm_candidate_new (identity);
      bm_candidate_set (c, "category", (i % 2) ? "5" : "1");
      bm_candidate_set (c, "source", "card");
      if (!bm_store_add_candidate (store, c, "bench-admin", &error))
        g_error ("record %d: %s", i, error->message);
      for (int k = 0; k < photo_bytes; k++)
        jpeg[k] = (guint8) g_random_int ();
      jpeg[0] = 0xff, jpeg[1] = 0xd8, jpeg[photo_bytes - 2] = 0xff, jpeg[photo_bytes - 1] = 0xd9;
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, jpeg, photo_bytes);
      sqlite3_prepare_v2 (db, "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, created_at)"
                              " VALUES (?, 'processed', ?, ?, 480, 640, datetime('now'))", -1, &st, NULL);
      sqlite3_bind_text (st, 1, bm_candidate_get (c, "uuid"), -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 2, jpeg, photo_bytes, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, sha, -1, SQLITE_STATIC);
      if (sqlite3_step (st) != SQLITE_DONE)
        g_error ("photo: %s", sqlite3_errmsg (db));
      sqlite3_finalize (st);
    }
  bm_store_transaction_commit (store, NULL);
}

/* Runs ARGV (NULL-terminated) and reports wall time and peak RSS. */
static double cpu_s;   /* user + system time of the last run */

static double
run (const char *label, char **argv, long *rss_kb)
{
  struct rusage ru;
  gint64 t0 = g_get_monotonic_time ();
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    {
      execv (argv[0], argv);
      _exit (127);
    }
  wait4 (pid, &status, 0, &ru);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", label, status);
  *rss_kb = ru.ru_maxrss;
  cpu_s = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  return (g_get_monotonic_time () - t0) / 1e6;
}

int
main (int argc, char **argv)
{
  const char *build = argc > 1 ? argv[1] : "_build";
  int n = argc > 2 ? atoi (argv[2]) : 2000;
  int photo = argc > 3 ? atoi (argv[3]) : 30000;
  g_autofree char *dir = g_dir_make_tmp ("bm-bench-export-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *key = g_build_filename (dir, "county.key", NULL);
  g_autofree char *cli = g_build_filename (build, "src/cli/baoming-cli", NULL);
  g_autofree char *pkg = NULL, *shell = NULL, *gpg_home = g_build_filename (dir, "gnupg", NULL);
  g_autoptr(BmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32];
  long rss_export, rss_verify, rss_tar;
  double t_export, t_verify, t_tar, c_export, c_verify, c_tar;
  GStatBuf st;

  /* A real store (a training point has too few numbers): one point with
   * the whole 4-digit serial space of its county, a supervisor with a
   * password for the CLI, and a county key as set-up from a profile. */
  store = bm_test_open_with_setup (dir, "ws.db", setup);
  crypto_box_keypair (pk, sk);
  {
    g_autofree char *hex = bm_key_to_hex (sk, sizeof sk);
    g_autofree char *pub = bm_key_to_hex (pk, sizeof pk);
    g_file_set_contents (key, hex, -1, NULL);
    if (!bm_store_add_operator (store, "bench-admin", "负责人", NULL, BM_OPERATOR_ROLE_SUPERVISOR, BM_ACTOR_SYSTEM, &error)
        || !bm_store_set_password (store, "bench-admin", "bench-pass-1", FALSE, BM_ACTOR_SYSTEM, &error)
        || !bm_store_sync_set (store, "county_public_key", pub, &error))
      g_error ("store: %s", error->message);
  }
  fill (store, n, photo);
  g_clear_object (&store);
  g_mkdir (out, 0700);
  g_mkdir (gpg_home, 0700);
  g_setenv ("BAOMING_OPERATOR", "bench-admin", TRUE);
  g_setenv ("BAOMING_PASSWORD", "bench-pass-1", TRUE);
  {
    char *a[] = { cli, "--db", db, "export", "--to", out, NULL };
    t_export = run ("export", a, &rss_export);
    c_export = cpu_s;
  }
  {
    g_autoptr(GDir) d = g_dir_open (out, 0, NULL);
    pkg = g_build_filename (out, g_dir_read_name (d), NULL);
  }
  {
    char *a[] = { cli, "package", "verify", pkg, "--key", key, "--json", NULL };
    int saved = dup (1);
    int null = open ("/dev/null", 1);
    dup2 (null, 1);
    t_verify = run ("verify", a, &rss_verify);
    c_verify = cpu_s;
    dup2 (saved, 1);
  }
  shell = g_strdup_printf ("tar -cf - -C '%s' ws.db | GNUPGHOME='%s' gpg --batch --yes --quiet --pinentry-mode loopback"
                           " --passphrase bench --symmetric --compress-algo none -o '%s/ws.tar.gpg'", dir, gpg_home, dir);
  {
    char *a[] = { "/bin/sh", "-c", shell, NULL };
    t_tar = run ("tar+gpg", a, &rss_tar);
    c_tar = cpu_s;
  }
  g_stat (pkg, &st);
  printf ("records %d, photos of %d bytes, package %.1f MB\n", n, photo, st.st_size / 1e6);
  printf ("export            %7.2f s (cpu %6.2f s)  peak RSS %6ld KB\n", t_export, c_export, rss_export);
  printf ("verify --key      %7.2f s (cpu %6.2f s)  peak RSS %6ld KB\n", t_verify, c_verify, rss_verify);
  printf ("tar | gpg -c      %7.2f s (cpu %6.2f s)  peak RSS %6ld KB\n", t_tar, c_tar, rss_tar);
  printf ("export / tar+gpg  %7.2f (cpu %.2f)\n", t_export / t_tar, c_export / c_tar);
  if (g_getenv ("KEEP") == NULL)
    {
      g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (rm) != 0)
        return 1;
    }
  return 0;
}
