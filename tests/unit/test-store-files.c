/* The store file in a hostile world (issue 10, finding 7): what lies at the
 * store path is never followed, initialised or modified unless it is our
 * own database, and damage quick_check cannot see is found on the day's
 * first open. Every test uses real SQLite files. */

#include "bm-config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-store-photo.h"
#include "bm-store-private.h"
#include "bm-record-lifecycle.h"
#include "bm-test-util.h"

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_symlink_refused (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *target = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "store.db", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.db", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "nowhere.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "not a database\n", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0644), ==, 0);
  before = file_sha256 (target);
  g_assert_cmpint (symlink (target, link), ==, 0);

  g_assert_null (bm_store_open (link, TRUE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_IO);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0644);
  after = file_sha256 (target);
  g_assert_cmpstr (before, ==, after);

  /* A link to nowhere is not a missing store: nothing is created through it. */
  g_assert_cmpint (symlink (nowhere, dangling), ==, 0);
  g_assert_null (bm_store_open (dangling, TRUE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_IO);
  g_clear_error (&error);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  bm_test_remove_dir (dir);
}

static void
test_empty_file_refused (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "empty.db-wal", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_null (bm_store_open (path, TRUE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  bm_test_remove_dir (dir);
}

static gint64
count_candidates (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (path, TRUE, &error);

  g_assert_no_error (error);
  return bm_store_count_candidates (store, TRUE);
}

/* An index that no longer matches its table: built by rewriting the index's
 * definition with writable_schema, so its entries (by name) no longer match
 * what the table's rows say (by name_en). Only the full integrity_check
 * sees it; it runs once a day in the background (issue 17), not on open. */
static void
test_index_mismatch_found_by_daily_check (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "ix.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_test_open_training (dir, "ix.db");

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", &error));
      g_assert_no_error (error);
    }
  /* Opening ran no full check: today's is still due. */
  g_assert_true (bm_store_integrity_check_due (store));
  g_assert_true (bm_store_run_integrity_check (path, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_record_integrity_check (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (bm_store_integrity_check_due (store));
  g_clear_object (&store);

  raw_exec (path, "PRAGMA writable_schema = ON;"
                  "UPDATE sqlite_schema SET sql = 'CREATE INDEX candidates_by_name ON candidates (name_en)'"
                  " WHERE name = 'candidates_by_name';");

  /* The check on open is cheap and cannot see it. */
  g_assert_cmpint (count_candidates (path), ==, 30);
  store = bm_store_open (path, TRUE, &error);
  g_assert_no_error (error);

  /* The next day's full check, on its own connection, finds it ... */
  g_assert_false (bm_store_run_integrity_check (path, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  g_assert_true (bm_store_record_integrity_check (store, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  /* ... and from then on the store is refused on open, every time. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_null (bm_store_open (path, TRUE, &error));
      g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
      g_assert_nonnull (strstr (error->message, "untouched"));
      g_clear_error (&error);
    }
  bm_test_remove_dir (dir);
}

/* A store cut short (a copy that stopped half-way) is refused on open from
 * its header's page count, without reading the file. */
static void
test_truncated_refused (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "cut.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_test_open_training (dir, "cut.db");
  g_autofree char *before = NULL, *after = NULL;
  GStatBuf st;

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (store, candidate, "training", &error));
      g_assert_no_error (error);
    }
  g_clear_object (&store);   /* the last connection: the WAL is merged into the file */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (truncate (path, st.st_size / 2), ==, 0);
  before = file_sha256 (path);
  g_assert_null (bm_store_open (path, TRUE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, "untouched"));
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
  bm_test_remove_dir (dir);
}

static void
test_newer_schema_untouched (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "newer.db-wal", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (bm_test_open_training (dir, "newer.db"));
  /* Rollback journal, as a newer program might leave it: switching to WAL
   * (or any other write) would change the file's bytes. */
  raw_exec (path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 9999;"
                  "UPDATE meta SET value = '2000-01-01' WHERE key = 'integrity_checked_on'");
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  before = file_sha256 (path);

  g_assert_null (bm_store_open (path, TRUE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_IO);
  g_assert_nonnull (strstr (error->message, "newer version"));
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  bm_test_remove_dir (dir);
}

static gint64
query_int (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Finding 9: a store from before migration 41, whose photo rows each hold
 * their own copy of the same bytes, opens with one blob per SHA-256; a row
 * whose stored hash is not its bytes' keeps its bytes. */
static void
test_photo_blobs_migration (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_test_open_training (dir, "old.db");
  g_autoptr(BmCandidate) a = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) b = bm_test_make_candidate (2, "1");
  static const char jpeg[] = "\xff\xd8 pretend this is a 30 KB photo \xff\xd9";
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) jpeg, sizeof jpeg);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *got_sha = NULL;

  g_assert_true (bm_store_add_candidate (store, a, "training", &error));
  g_assert_true (bm_store_add_candidate (store, b, "training", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Back to schema 40, with photo rows the way they were written then. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    const char *uuids[] = { bm_candidate_get (a, "uuid"), bm_candidate_get (a, "uuid"),
                            bm_candidate_get (b, "uuid"), bm_candidate_get (b, "uuid") };

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DROP TABLE photo_blobs; DROP INDEX audit_log_by_entity;"
                                         " ALTER TABLE audit_log DROP COLUMN record_digest; PRAGMA user_version = 40;", NULL, NULL, NULL), ==, SQLITE_OK);
    /* and without the columns of migration 43 (the lifecycle), which runs again */
    for (const char * const *k = bm_record_lifecycle_keys (); *k; k++)
      {
        g_autofree char *drop = g_strdup_printf ("ALTER TABLE candidates DROP COLUMN %s", *k);
        g_assert_cmpint (sqlite3_exec (db, drop, NULL, NULL, NULL), ==, SQLITE_OK);
      }
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, created_at, current)"
                                             " VALUES (?, 'processed', ?, ?, '2019-11-01T10:00:00', ?)", -1, &stmt, NULL), ==, SQLITE_OK);
    for (guint i = 0; i < G_N_ELEMENTS (uuids); i++)
      {
        sqlite3_reset (stmt);
        sqlite3_bind_text (stmt, 1, uuids[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob (stmt, 2, jpeg, sizeof jpeg, SQLITE_STATIC);
        /* The last row's hash is not its bytes': it must keep them. */
        sqlite3_bind_text (stmt, 3, i == 3 ? "0000" : sha, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 4, i == 1 || i == 3);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      }
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  }

  store = bm_store_open (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), >=, 41);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM photo_blobs"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM photos WHERE length (jpeg) > 0"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM photos"), ==, 4);

  got = bm_store_dup_photo (store, bm_candidate_get (a, "number"), "processed", &got_sha, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), jpeg, sizeof jpeg);
  g_assert_cmpstr (got_sha, ==, sha);
  g_clear_pointer (&got, g_bytes_unref);
  got = bm_store_dup_photo (store, bm_candidate_get (b, "number"), "processed", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), jpeg, sizeof jpeg);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* The cheap check at open reads the first page of every table of a new
 * store: a migration that adds a table must add its probe. */
static void
test_probes_cover_every_table (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "probes.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) tables = bm_store_prepare (store, "SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0", &error);
  guint n_tables = 0, n_probes = 0;

  g_assert_no_error (error);
  for (const BmStoreProbe *p = bm_store_probes; p->table != NULL; p++)
    n_probes++;
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      gboolean found = FALSE;

      for (const BmStoreProbe *p = bm_store_probes; p->table != NULL && !found; p++)
        found = g_str_equal (p->table, name);
      if (!found)
        g_test_message ("table %s has no probe", name);
      g_assert_true (found);
      n_tables++;
    }
  g_assert_cmpuint (n_tables, ==, n_probes);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-files/symlink-refused", test_symlink_refused);
  g_test_add_func ("/store-files/empty-file-refused", test_empty_file_refused);
  g_test_add_func ("/store-files/index-mismatch-daily-check", test_index_mismatch_found_by_daily_check);
  g_test_add_func ("/store-files/truncated-refused", test_truncated_refused);
  g_test_add_func ("/store-files/newer-schema-untouched", test_newer_schema_untouched);
  g_test_add_func ("/store-files/probes-cover-every-table", test_probes_cover_every_table);
  g_test_add_func ("/store-files/photo-blobs-migration", test_photo_blobs_migration);
  return g_test_run ();
}
