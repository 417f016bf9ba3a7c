/* Backups (issue 14): a real store, real files. Round trip with records,
 * photos and audit entries; wrong code, tampered, cut short; generations;
 * the numbering hold after a restore; the CLI as scripts use it. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-operator.h"
#include "bm-photo.h"
#include "bm-store-photo.h"
#include "bm-test-util.h"

#define run_cli(out, ...) bm_test_run ((out), g_getenv ("BM_CLI"), __VA_ARGS__)

static char *
query_text (const char *db_path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* Everything that must survive: records, photos, audit entries. */
#define RECORDS_SQL "SELECT count(*) || ':' || coalesce (group_concat (uuid || '/' || version || '/' || coalesce (number, '') || '/' || name, ','), '') FROM (SELECT * FROM candidates ORDER BY uuid)"
#define PHOTOS_SQL  "SELECT count(*) || ':' || coalesce (group_concat (sha256, ','), '') || ':' || (SELECT coalesce (sum (length (data)), 0) FROM photo_blobs) FROM (SELECT * FROM photos ORDER BY id)"
#define AUDIT_SQL   "SELECT count(*) || ':' || coalesce (group_concat (hash, ','), '') FROM (SELECT hash FROM audit_log WHERE id <= %d ORDER BY id)"

static void
add_records (BmStore *store, guint first, guint n, const char *category)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, category);
      g_autoptr(GError) error = NULL;

      g_assert_true (bm_store_add_candidate (store, candidate, BM_TRAINING_CLERK, &error));
      g_assert_no_error (error);
    }
}

static void
add_photo (BmStore *store, const char *number)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "photo-480x640.jpg", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (file);
  bytes = g_mapped_file_get_bytes (file);
  photo = bm_photo_new_from_file_bytes (bytes, &error);
  g_assert_no_error (error);
  /* The sample is a real photo, not a registration portrait: accepted with
   * a reason, as a supervisor would. */
  bm_photo_set_override_reason (photo, "test");
  g_assert_true (bm_store_save_photo (store, number, photo, "import", BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
}

static void
flip_byte (const char *src, const char *dest, gssize at, gboolean cut)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  if (at < 0)
    at += (gssize) len;
  if (cut)
    len = (gsize) at;
  else
    data[at] ^= 0x20;
  g_assert_true (g_file_set_contents (dest, data, (gssize) len, NULL));
}

static void
test_round_trip (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *bdir = g_build_filename (dir, "usb", NULL);
  g_autofree char *restored = g_build_filename (dir, "new", "training.db", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad" BM_BACKUP_SUFFIX, NULL);
  g_autofree char *elsewhere = g_build_filename (dir, "other", "x.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(BmStore) back = NULL;
  g_autoptr(BmBackupKey) key = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(BmBackupInfo) header = NULL;
  g_autoptr(BmBackupInfo) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *sloppy = NULL;
  g_autofree char *audit_sql = NULL;
  g_autofree char *records_before = NULL, *records_after = NULL;
  g_autofree char *photos_before = NULL, *photos_after = NULL;
  g_autofree char *audit_before = NULL, *audit_after = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 entries = 0;
  struct stat st;

  add_records (store, 1, 30, "1");
  add_records (store, 31, 5, "3");
  add_photo (store, "00000001");
  add_photo (store, "00000002");

  /* No code yet: no backup; a clerk cannot make one. */
  g_assert_null (bm_backup_key_load (store, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (bm_backup_key_create (store, BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (code), ==, 35);   /* 6 groups of 5, dashes */
  key = bm_backup_key_load (store, &error);
  g_assert_no_error (error);

  /* A folder that is not there (the USB stick is out) is an error. */
  g_assert_null (bm_backup_create (bm_store_get_path (store), key, bdir, 10, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_IO);
  g_clear_error (&error);
  g_assert_cmpint (g_mkdir (bdir, 0700), ==, 0);

  info = bm_backup_create (bm_store_get_path (store), key, bdir, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->records, ==, 35);
  g_assert_cmpint (info->photos, >=, 2);
  g_assert_cmpint (g_stat (info->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* No plain copy is left anywhere. */
  list = bm_backup_list (bdir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".bm-backup-"));   /* nor SQLite's -wal, -shm */
  }

  /* The header without the code. */
  header = bm_backup_read_header (info->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (header->point, ==, "T00001");
  g_assert_cmpint (header->records, ==, 35);
  {
    /* The schema the store is at, whatever migrations come later. */
    g_autofree char *version = query_text (bm_store_get_path (store), "PRAGMA user_version");
    g_assert_cmpint (header->schema_version, ==, g_ascii_strtoll (version, NULL, 10));
    g_assert_cmpint (header->schema_version, >=, 47);
  }
  g_assert_cmpstr (header->audit_head, ==, info->audit_head);
  g_assert_cmpstr (header->key_id, ==, bm_backup_key_get_id (key));
  entries = header->audit_entries;

  records_before = query_text (bm_store_get_path (store), RECORDS_SQL);
  photos_before = query_text (bm_store_get_path (store), PHOTOS_SQL);
  audit_sql = g_strdup_printf (AUDIT_SQL, (int) entries);
  audit_before = query_text (bm_store_get_path (store), audit_sql);

  /* Wrong code, not a code. */
  g_assert_null (bm_backup_restore (info->path, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", restored, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bm_backup_restore (info->path, "hello", restored, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  /* Never over an existing store. */
  g_assert_null (bm_backup_restore (info->path, code, bm_store_get_path (store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* Altered in the middle, at the end, in the header; cut short. */
  flip_byte (info->path, bad, -70000, FALSE);
  g_assert_null (bm_backup_restore (bad, code, elsewhere, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  flip_byte (info->path, bad, -3, FALSE);
  g_assert_null (bm_backup_restore (bad, code, elsewhere, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  flip_byte (info->path, bad, -1000, TRUE);
  g_assert_null (bm_backup_restore (bad, code, elsewhere, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  {
    /* "records":35 becomes "records":75 in the header: readable, refused. */
    g_autofree char *data = NULL;
    gsize len;
    char *at;

    g_assert_true (g_file_get_contents (info->path, &data, &len, NULL));
    at = strstr (data + 12, "\"records\":35");
    g_assert_nonnull (at);
    at[strlen ("\"records\":")] = '7';
    g_assert_true (g_file_set_contents (bad, data, (gssize) len, NULL));
    g_assert_null (bm_backup_restore (bad, code, elsewhere, &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
    g_clear_error (&error);
  }
  {
    /* A header of the wrong shape: read as far as it goes, refused, no
     * warning (members of the wrong type read as missing). */
    static const char json[] = "{\"format\":1,\"point\":5,\"records\":\"x\",\"kdf\":\"argon\",\"sealed_key\":[1]}";
    g_autoptr(GByteArray) file = g_byte_array_new ();
    guint8 len[4] = { 0, 0, 0, sizeof json - 1 };
    g_autoptr(BmBackupInfo) odd = NULL;

    g_byte_array_append (file, (const guint8 *) "BMBACKUP", 8);
    g_byte_array_append (file, len, 4);
    g_byte_array_append (file, (const guint8 *) json, sizeof json - 1);
    g_assert_true (g_file_set_contents (bad, (const char *) file->data, file->len, NULL));
    odd = bm_backup_read_header (bad, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (odd->point, ==, "");
    g_assert_cmpint (odd->records, ==, 0);
    g_assert_null (bm_backup_restore (bad, code, elsewhere, &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
    g_clear_error (&error);
  }
  g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));

  /* The code as a person types it back: lower case, spaces. */
  sloppy = g_ascii_strdown (code, -1);
  for (char *p = sloppy; *p; p++)
    if (*p == '-')
      *p = ' ';
  again = bm_backup_restore (info->path, sloppy, restored, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (restored, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  records_after = query_text (restored, RECORDS_SQL);
  photos_after = query_text (restored, PHOTOS_SQL);
  audit_after = query_text (restored, audit_sql);
  g_assert_cmpstr (records_after, ==, records_before);
  g_assert_cmpstr (photos_after, ==, photos_before);
  g_assert_cmpstr (audit_after, ==, audit_before);

  back = bm_store_open (restored, TRUE, &error);
  g_assert_no_error (error);
  {
    gint64 rows = 0;
    g_assert_true (bm_store_audit_verify (back, &rows, &error));
    g_assert_no_error (error);
    g_assert_cmpint (rows, ==, entries + 1);   /* + backup_restore */
  }
  bm_test_remove_dir (dir);
}

static void
test_numbering_after_restore (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *restored = g_build_filename (dir, "new.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(BmStore) back = NULL;
  g_autoptr(BmBackupKey) key = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(BmBackupInfo) done = NULL;
  g_autoptr(BmCandidate) next = NULL;
  g_autoptr(BmCandidate) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *resumed = NULL;
  g_autoptr(JsonArray) holds = NULL;

  add_records (store, 1, 3, "1");
  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  key = bm_backup_key_load (store, &error);
  info = bm_backup_create (bm_store_get_path (store), key, dir, 10, &error);
  g_assert_no_error (error);
  /* Issued after the backup: 00000004 and 00000005, printed on paper. */
  add_records (store, 4, 2, "1");

  done = bm_backup_restore (info->path, code, restored, &error);
  g_assert_no_error (error);
  back = bm_store_open (restored, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bm_store_count_candidates (back, TRUE), ==, 3);
  holds = bm_store_list_numbering_holds (back, &error);
  g_assert_cmpuint (json_array_get_length (holds), ==, 6);   /* every 科类 of the training point */

  /* Without the hold this would be 00000004 again. */
  next = bm_test_make_candidate (6, "1");
  g_assert_false (bm_store_add_candidate (back, next, BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NUMBERING_HELD);
  g_clear_error (&error);
  g_assert_cmpint (bm_store_count_candidates (back, TRUE), ==, 3);

  /* A clerk may not; a number below what the store holds, another point's
   * number, garbage: refused. */
  g_assert_null (bm_store_resume_numbering (back, "1", "00000005", BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_null (bm_store_resume_numbering (back, "1", "00000002", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bm_store_resume_numbering (back, "1", "01020005", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bm_store_resume_numbering (back, "1", "5x", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);

  resumed = bm_store_resume_numbering (back, "1", "00000005", BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resumed, ==, "00000006");
  g_assert_true (bm_store_add_candidate (back, next, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bm_candidate_get (next, "number"), ==, "00000006");
  /* Again, later (more was found on paper): only ever onwards. */
  g_assert_null (bm_store_resume_numbering (back, "1", "00000005", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&resumed, g_free);
  resumed = bm_store_resume_numbering (back, "1", "00000009", BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resumed, ==, "00000010");
  g_assert_null (bm_store_resume_numbering (back, "9", "00000009", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  /* The other 科类 still wait. */
  other = bm_test_make_candidate (7, "3");
  g_assert_false (bm_store_add_candidate (back, other, BM_TRAINING_CLERK, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NUMBERING_HELD);
  g_clear_error (&error);
  g_assert_true (bm_store_audit_verify (back, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *action = query_text (restored, "SELECT action || ':' || operator FROM audit_log WHERE action = 'numbering_resume'");
    g_assert_cmpstr (action, ==, "numbering_resume:" BM_TRAINING_SUPERVISOR);
  }
  bm_test_remove_dir (dir);
}

static guint
count_backups (const char *dir)
{
  g_autoptr(GPtrArray) list = bm_backup_list (dir, NULL);

  g_assert_nonnull (list);
  return list->len;
}

static void
test_generations (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *bdir = g_build_filename (dir, "usb", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "s.db");
  g_autoptr(BmBackupKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *old1 = NULL, *old2 = NULL, *older = NULL;
  g_autofree char *stale = NULL;

  g_assert_cmpint (g_mkdir (bdir, 0700), ==, 0);
  add_records (store, 1, 1, "1");
  code = bm_backup_key_create (store, BM_TRAINING_SUPERVISOR, &error);
  key = bm_backup_key_load (store, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(BmBackupInfo) info = bm_backup_create (bm_store_get_path (store), key, bdir, 3, &error);
      g_assert_no_error (error);
      if (first_name == NULL)
        first_name = g_path_get_basename (info->path);
    }
  g_assert_cmpuint (count_backups (bdir), ==, 3);

  /* Two of an earlier day (the newest of it stays) and a temporary file of
   * a killed run (removed). */
  {
    const char *stamp = first_name + strlen ("baoming-T00001-T00001-0-");
    g_autofree char *prefix = g_strndup (first_name, stamp - first_name);
    g_autofree char *src = g_build_filename (bdir, first_name, NULL);
    g_autofree char *data = NULL;
    gsize len;

    /* Copy the newest remaining one's bytes (the first was pruned). */
    g_autoptr(GPtrArray) list = bm_backup_list (bdir, NULL);
    g_assert_true (g_file_get_contents (((BmBackupInfo *) list->pdata[0])->path, &data, &len, NULL));
    old1 = g_strdup_printf ("%s/%s20200101-080000-000Z" BM_BACKUP_SUFFIX, bdir, prefix);
    old2 = g_strdup_printf ("%s/%s20200101-090000-000Z" BM_BACKUP_SUFFIX, bdir, prefix);
    older = g_strdup_printf ("%s/%s20191231-090000-000Z" BM_BACKUP_SUFFIX, bdir, prefix);
    g_assert_true (g_file_set_contents (old1, data, (gssize) len, NULL));
    g_assert_true (g_file_set_contents (old2, data, (gssize) len, NULL));
    g_assert_true (g_file_set_contents (older, data, (gssize) len, NULL));
    stale = g_build_filename (bdir, ".bm-backup-999999999-abcdef.tmp", NULL);
    g_assert_true (g_file_set_contents (stale, "x", 1, NULL));
  }
  {
    g_autoptr(BmBackupInfo) info = bm_backup_create (bm_store_get_path (store), key, bdir, 3, &error);
    g_assert_no_error (error);
  }
  g_assert_false (g_file_test (old1, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (old2, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (older, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_backups (bdir), ==, 5);
  bm_test_remove_dir (dir);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_cli (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *bdir = g_build_filename (dir, "usb", NULL);
  g_autofree char *newdir = g_build_filename (dir, "fresh", NULL);
  g_autofree char *newdb = g_build_filename (newdir, "training.db", NULL);
  g_autofree char *input = g_build_filename (dir, "c.json", NULL);
  g_autofree char *code_file = g_build_filename (dir, "code.txt", NULL);
  g_autofree char *code = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(JsonObject) result = NULL;
  char *out = NULL;

  g_assert_cmpint (g_mkdir (bdir, 0700), ==, 0);
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "init", NULL), ==, 0);
  g_free (out);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *id = bm_test_make_id_number (i);
      g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"考生%u\", \"sex\": \"1\", \"nation\": \"01\","
                                                 " \"birth_date\": \"%.4s-%.2s-%.2s\", \"category\": \"1\"}",
                                                 id, i, id + 6, id + 10, id + 12);
      g_assert_true (g_file_set_contents (input, record, -1, NULL));
      g_assert_cmpint (run_cli (&out, "--training", "--db", db, "candidate", "add", "--json", input, NULL), ==, 0);
      g_free (out);
    }

  /* The clerk cannot make the code; the supervisor's first backup does. */
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "backup", "now", "--to", bdir, "--json", NULL), ==, 11);
  g_free (out);
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "backup", "now", "--to", bdir, "--json",
                            "--operator", BM_TRAINING_SUPERVISOR, NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_true (json_object_get_boolean_member (result, "new_code"));
  g_assert_cmpint (json_object_get_int_member (result, "records"), ==, 3);
  code = g_strdup (json_object_get_string_member (result, "recovery_code"));
  backup = g_strdup (json_object_get_string_member (result, "file"));
  g_clear_pointer (&result, json_object_unref);
  /* The next one needs nobody and makes no new code. */
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "backup", "now", "--to", bdir, "--json", NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_false (json_object_get_boolean_member (result, "new_code"));
  g_assert_false (json_object_has_member (result, "recovery_code"));
  g_clear_pointer (&result, json_object_unref);
  /* backup code shows only the key id now. */
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "backup", "code", "--json", "--operator", BM_TRAINING_SUPERVISOR, NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_false (json_object_get_boolean_member (result, "new_code"));
  g_clear_pointer (&result, json_object_unref);

  g_assert_cmpint (run_cli (&out, "backup", "list", "--dir", bdir, "--json", NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "backups")), ==, 2);
  g_clear_pointer (&result, json_object_unref);

  /* Issued after the backup (on paper: 00000004). */
  {
    g_autofree char *id = bm_test_make_id_number (4);
    g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"考生4\", \"sex\": \"1\", \"nation\": \"01\","
                                               " \"birth_date\": \"%.4s-%.2s-%.2s\", \"category\": \"1\"}",
                                               id, id + 6, id + 10, id + 12);
    g_assert_true (g_file_set_contents (input, record, -1, NULL));
    g_assert_cmpint (run_cli (&out, "--training", "--db", db, "candidate", "add", "--json", input, NULL), ==, 0);
    g_free (out);
  }

  g_assert_true (g_file_set_contents (code_file, code, -1, NULL));
  g_assert_cmpint (run_cli (&out, "backup", "restore", backup, "--to", newdir, "--code-file", code_file, "--json", NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_cmpstr (json_object_get_string_member (result, "db"), ==, newdb);
  g_assert_cmpint (json_object_get_int_member (result, "records"), ==, 3);
  g_assert_true (json_object_get_boolean_member (result, "audit_ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "numbering_held")), ==, 6);
  g_clear_pointer (&result, json_object_unref);
  /* Again onto the same place: refused (exit 5), the store untouched. */
  g_assert_cmpint (run_cli (&out, "backup", "restore", backup, "--to", newdir, "--code-file", code_file, NULL), ==, 5);
  g_free (out);

  g_assert_cmpint (run_cli (&out, "--training", "--db", newdb, "audit", "verify", "--json", NULL), ==, 0);
  g_free (out);
  /* Held: exit 12, no record. */
  g_assert_cmpint (run_cli (&out, "--training", "--db", newdb, "candidate", "add", "--json", input, NULL), ==, 12);
  g_free (out);
  g_assert_cmpint (run_cli (&out, "--training", "--db", newdb, "numbering", "resume", "--kelei", "1", "--last", "00000004", NULL), ==, 11);
  g_free (out);
  g_assert_cmpint (run_cli (&out, "--training", "--db", newdb, "numbering", "resume", "--kelei", "1", "--last", "00000004",
                            "--operator", BM_TRAINING_SUPERVISOR, NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_cmpstr (json_object_get_string_member (result, "next_number"), ==, "00000005");
  g_clear_pointer (&result, json_object_unref);
  g_assert_cmpint (run_cli (&out, "--training", "--db", newdb, "candidate", "add", "--json", input, NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_cmpstr (json_object_get_string_member (result, "number"), ==, "00000005");
  g_clear_pointer (&result, json_object_unref);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backup/round-trip", test_round_trip);
  g_test_add_func ("/backup/numbering-after-restore", test_numbering_after_restore);
  g_test_add_func ("/backup/generations", test_generations);
  g_test_add_func ("/backup/cli", test_cli);
  return g_test_run ();
}
