#include "bm-config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bm-candidate-model.h"
#include "bm-error.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"
#include "bm-store-stats.h"
#include "bm-test-util.h"

/* The account that writes: the training clerk, or the development
 * server's clerk on a store set up from a file (bm_test_open_with_setup). */
static const char *
who (BmStore *store)
{
  return bm_store_is_training (store) ? "training" : "clerk";
}

typedef struct {
  char *dir;
  BmStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = bm_test_make_dir ();
  f->store = bm_test_open_training (f->dir, "training.db");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  bm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static BmCandidate *
add_ok (BmStore *store, guint i, const char *category)
{
  g_autoptr(GError) error = NULL;
  BmCandidate *candidate = bm_test_make_candidate (i, category);

  bm_store_add_candidate (store, candidate, who (store), &error);
  g_assert_no_error (error);
  return candidate;
}

static gint64
pragma_int (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_create_private (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "training.db", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  stmt = bm_store_prepare (f->store, "PRAGMA journal_mode", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA user_version"), >=, 1);
  g_assert_true (bm_store_is_training (f->store));

  /* After a write the WAL file exists and carries the same private mode. */
  {
    g_autoptr(BmCandidate) candidate = add_ok (f->store, 1, "1");
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_assert_cmpint (g_stat (wal, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

static void
test_numbers (Fixture *f, gconstpointer data)
{
  g_autoptr(BmCandidate) a = add_ok (f->store, 1, "1");
  g_autoptr(BmCandidate) b = add_ok (f->store, 2, "1");
  g_autoptr(BmCandidate) c = add_ok (f->store, 3, "5");
  g_autoptr(BmCandidate) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (bm_candidate_get (a, "number"), ==, "00000001");
  g_assert_cmpstr (bm_candidate_get (b, "number"), ==, "00000002");
  g_assert_cmpstr (bm_candidate_get (c, "number"), ==, "00003001");
  g_assert_cmpstr (bm_candidate_get (a, "state"), ==, "numbered");
  g_assert_cmpstr (bm_candidate_get (a, "review_state"), ==, "pending");
  g_assert_cmpint (strlen (bm_candidate_get (a, "initial_password")), ==, 8);
  g_assert_cmpstr (bm_candidate_get (a, "workstation_id"), ==, "T00001-01");
  g_assert_true (g_uuid_string_is_valid (bm_candidate_get (a, "uuid")));
  g_assert_cmpstr (bm_candidate_get (a, "initial_password"), !=, bm_candidate_get (b, "initial_password"));
  g_assert_null (strpbrk (bm_candidate_get (a, "initial_password"), "0O1lIo"));

  found = bm_store_find_by_number (f->store, "00000002", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (found), "name"), ==, "考生2");
  g_assert_cmpstr (bm_candidate_get (found, "initial_password"), ==, bm_candidate_get (b, "initial_password"));
  g_clear_object (&found);
  found = bm_store_find_by_id_number (f->store, bm_identity_get (bm_candidate_get_identity (c), "id_number"), &error);
  g_assert_cmpstr (bm_candidate_get (found, "number"), ==, "00003001");

  g_assert_null (bm_store_find_by_number (f->store, "00009999", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A category that is not the point's is refused, and uses no number. */
  {
    g_autoptr(BmCandidate) bad = bm_test_make_candidate (4, "Z");
    g_assert_false (bm_store_add_candidate (f->store, bad, who (f->store), &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
    g_assert_null (bm_candidate_get (bad, "number"));
  }
  g_assert_cmpint (bm_store_count_candidates (f->store, TRUE), ==, 3);
}

static const char small_setup[] =
  "{ \"point\": { \"code\": \"430102001\", \"name\": \"长沙市一中\", \"county_code\": \"0102\" },"
  "  \"workstation_id\": \"430102001-02\","
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 6 }, { \"category\": \"5\", \"first\": 3001, \"last\": 3009 } ],"
  "  \"workstation_count\": 3, \"workstation_index\": 2 }";

static void
test_exhausted (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", small_setup);
  g_autoptr(BmCandidate) a = add_ok (store, 1, "1");
  g_autoptr(BmCandidate) b = add_ok (store, 2, "1");
  g_autoptr(BmCandidate) c = bm_test_make_candidate (3, "1");
  g_autoptr(BmCandidate) d = add_ok (store, 4, "5");
  g_autoptr(GError) error = NULL;
  gint64 audit_rows = 0;

  /* Workstation 2 of 3 owns serials 3-4 of 1-6 and 3004-3006 of 3001-3009. */
  g_assert_cmpstr (bm_candidate_get (a, "number"), ==, "01020003");
  g_assert_cmpstr (bm_candidate_get (b, "number"), ==, "01020004");
  g_assert_cmpstr (bm_candidate_get (d, "number"), ==, "01023004");
  g_assert_false (bm_store_add_candidate (store, c, who (store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_RANGE_EXHAUSTED);
  g_assert_nonnull (strstr (error->message, "文史"));
  g_assert_null (bm_candidate_get (c, "number"));
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 3);
  g_assert_true (bm_store_audit_verify (store, &audit_rows, NULL));
  g_assert_cmpint (audit_rows, ==, 6);   /* setup + two accounts + three adds; the refused one left nothing */

  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* A store that took bad slices before they were checked (issue 10): it
 * never numbers from a slice outside its 科类's range (another 科类's
 * serials) or one overlapping a slice taken earlier. */
static void
test_bad_slices_unused (void)
{
  static const char setup[] =
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 }, { \"category\": \"5\", \"first\": 101, \"last\": 200 } ],"
    "  \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 2 }, { \"category\": \"5\", \"first\": 101, \"last\": 102 } ] }";
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_with_setup (dir, "real.db", setup);
  g_autoptr(BmCandidate) a = add_ok (store, 1, "1");
  g_autoptr(BmCandidate) b = add_ok (store, 2, "1");
  g_autoptr(BmCandidate) c = bm_test_make_candidate (3, "1");
  g_autoptr(BmCandidate) d = NULL;
  g_autoptr(GError) error = NULL;

  /* Written behind the checks, as an old version could have: cat. 1 over
   * cat. 5's serials, and cat. 1 again over its own first slice. */
  g_assert_true (bm_store_exec (store, "INSERT INTO number_slices (category, first_serial, last_serial, next_serial)"
                                       " VALUES ('1', 101, 105, 103), ('1', 2, 10, 3)", NULL));
  g_assert_cmpstr (bm_candidate_get (a, "number"), ==, "01020001");
  g_assert_cmpstr (bm_candidate_get (b, "number"), ==, "01020002");
  g_assert_false (bm_store_add_candidate (store, c, who (store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_RANGE_EXHAUSTED);
  g_assert_nonnull (strstr (error->message, "overlaps"));
  g_assert_null (bm_candidate_get (c, "number"));
  d = add_ok (store, 4, "5");
  g_assert_cmpstr (bm_candidate_get (d, "number"), ==, "01020101");
  /* The counts of numbers left agree with numbering: the bad slices' 3 + 8
   * serials are not counted for cat. 1. */
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) categories = bm_store_list_categories (store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (categories->len, ==, 2);
    g_assert_cmpuint (((BmCategory *) categories->pdata[0])->remaining, ==, 0);
    g_assert_cmpuint (((BmCategory *) categories->pdata[1])->remaining, ==, 1);
  }

  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static void
test_setup_rules (void)
{
  static const char *bad[] = {
    /* overlapping slices */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 } ],"
    "  \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 50 }, { \"category\": \"1\", \"first\": 50, \"last\": 60 } ] }",
    /* slice outside the range */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 } ],"
    "  \"slices\": [ { \"category\": \"1\", \"first\": 90, \"last\": 120 } ] }",
    /* slices of two 科类 over the same serials */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 }, { \"category\": \"5\", \"first\": 1, \"last\": 100 } ],"
    "  \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 50 }, { \"category\": \"5\", \"first\": 40, \"last\": 60 } ] }",
    /* slices given, but none (the server's answer once the ranges are used up) */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 } ], \"slices\": [] }",
    /* neither slices nor a workstation count: the whole range is never taken */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 } ] }",
    /* county code not 4 digits */
    "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ], \"ranges\": [] }",
    /* a training set-up file offered to a real store */
    "{ \"training\": true, \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0102\" }, \"workstation_id\": \"W\","
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ], \"ranges\": [] }",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *dir = bm_test_make_dir ();
      g_autofree char *path = g_build_filename (dir, "real.db", NULL);
      g_autoptr(BmStore) store = bm_store_open (path, FALSE, NULL);
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;

      g_assert_false (bm_store_init_from_setup (store, json_node_get_object (node), &error));
      g_assert_nonnull (error);
      g_assert_false (bm_store_is_set_up (store));
      g_clear_object (&store);
      bm_test_remove_dir (dir);
    }
}

static void
test_duplicate_and_void (Fixture *f, gconstpointer data)
{
  g_autoptr(BmCandidate) first = add_ok (f->store, 7, "1");
  g_autoptr(BmCandidate) again = bm_test_make_candidate (7, "5");
  g_autoptr(BmCandidate) voided = NULL;
  g_autoptr(BmCandidate) third = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (bm_store_add_candidate (f->store, again, who (f->store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "00000001"));
  g_clear_error (&error);

  /* Only the supervisor voids. */
  g_assert_false (bm_store_void_candidate (f->store, "00000001", "考生改报其他报名点", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_void_candidate (f->store, "00000001", "  ", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bm_store_void_candidate (f->store, "00000001", "考生改报其他报名点", BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);

  voided = bm_store_find_by_number (f->store, "00000001", &error);
  g_assert_true (bm_candidate_get_flag (voided, "voided"));
  g_assert_cmpstr (bm_candidate_get (voided, "void_reason"), ==, "考生改报其他报名点");
  g_assert_cmpint (bm_candidate_get_version (voided), ==, 2);

  /* The voided record stays; the number is never handed out again. */
  third = add_ok (f->store, 7, "1");
  g_assert_cmpstr (bm_candidate_get (third, "number"), ==, "00000002");
  g_assert_cmpint (bm_store_count_candidates (f->store, TRUE), ==, 2);
  g_assert_cmpint (bm_store_count_candidates (f->store, FALSE), ==, 1);

  g_assert_false (bm_store_record_event (f->store, "00000001", BM_RECORD_EVENT_FEE_RECORDED, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
}

/* Events in the store; the whole table is tests/unit/test-lifecycle.c. */
static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr(BmCandidate) candidate = add_ok (f->store, 9, "1");
  g_autoptr(BmCandidate) reloaded = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *number = bm_candidate_get (candidate, "number");

  g_assert_true (bm_store_correct_state (f->store, number, BM_RECORD_STATE_PROOF_PRINTED, "test set-up",
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_confirm_signature (f->store, number, bm_candidate_get_identity (candidate), "training", &error));
  g_assert_no_error (error);
  reloaded = bm_store_find_by_number (f->store, number, &error);
  g_assert_cmpstr (bm_candidate_get (reloaded, "state"), ==, "signed");
  g_assert_true (bm_candidate_get_flag (reloaded, "signature_confirmed"));
  g_clear_object (&reloaded);

  /* A correction after signature: back to "proof sheet printed", signature cleared. */
  json_object_set_string_member (changes, "comment", "该生品行端正，学习努力。");
  g_assert_true (bm_store_update_candidate (f->store, number, changes, NULL, who (f->store), &error));
  g_assert_no_error (error);
  reloaded = bm_store_find_by_number (f->store, number, &error);
  g_assert_cmpstr (bm_candidate_get (reloaded, "state"), ==, "proof_printed");
  g_assert_false (bm_candidate_get_flag (reloaded, "signature_confirmed"));
  g_assert_null (bm_candidate_get (reloaded, "confirmation_method"));
  g_assert_cmpstr (bm_candidate_get (reloaded, "comment"), ==, "该生品行端正，学习努力。");
  g_assert_cmpint (bm_candidate_get_version (reloaded), ==, 4);
}

static void
test_card_fields_locked (Fixture *f, gconstpointer data)
{
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (11, "1");
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(BmCandidate) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  bm_candidate_set (candidate, "source", "card");
  bm_identity_set (bm_candidate_get_identity (candidate), "sam_id", "05.01-20200101-0000001-0123456789");
  g_assert_true (bm_store_add_candidate (f->store, candidate, who (f->store), &error));
  g_assert_cmpstr (bm_candidate_get (candidate, "review_state"), ==, "not_required");

  json_object_set_string_member (changes, "name", "改名");
  g_assert_false (bm_store_update_candidate (f->store, bm_candidate_get (candidate, "number"), changes, NULL, who (f->store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bm_store_update_candidate (f->store, bm_candidate_get (candidate, "number"), changes,
                                            "身份证芯片损坏，按户口簿更正", who (f->store), &error));
  g_assert_no_error (error);
  reloaded = bm_store_find_by_number (f->store, bm_candidate_get (candidate, "number"), &error);
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (reloaded), "name"), ==, "改名");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (reloaded), "sam_id"), ==, "05.01-20200101-0000001-0123456789");
  g_assert_cmpstr (bm_candidate_get (reloaded, "override_reason"), ==, "身份证芯片损坏，按户口簿更正");

  /* Numbers, states and ids are not editable fields. */
  json_object_remove_member (changes, "name");
  json_object_set_string_member (changes, "number", "01029999");
  g_assert_false (bm_store_update_candidate (f->store, bm_candidate_get (candidate, "number"), changes, "x", who (f->store), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
}

static GBytes *
read_file (const char *path)
{
  char *contents;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}

static void
test_corrupt_file (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.db", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = NULL;

  /* Not a database at all: refused, and not a byte changed. */
  g_assert_true (g_file_set_contents (garbage, "this is not a database, it is a shopping list\n", -1, NULL));
  before = read_file (garbage);
  g_assert_null (bm_store_open (garbage, FALSE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  after = read_file (garbage);
  g_assert_true (g_bytes_equal (before, after));

  /* A real store with a page overwritten in the middle. */
  store = bm_test_open_training (dir, "damaged.db");
  for (guint i = 0; i < 200; i++)
    g_object_unref (add_ok (store, i, "1"));
  g_clear_object (&store);
  {
    int fd = g_open (damaged, O_WRONLY, 0);
    char junk[4096];
    memset (junk, 0xa5, sizeof junk);
    g_assert_cmpint (pwrite (fd, junk, sizeof junk, 4096 * 3), ==, sizeof junk);
    close (fd);
  }
  g_clear_pointer (&before, g_bytes_unref);
  g_clear_pointer (&after, g_bytes_unref);
  before = read_file (damaged);
  store = bm_store_open (damaged, TRUE, &error);
  g_assert_null (store);
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, "untouched"));
  after = read_file (damaged);
  g_assert_true (g_bytes_equal (before, after));

  bm_test_remove_dir (dir);
}

static void
test_mode_mismatch (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "training.db", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (bm_store_open (path, FALSE, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH);
}

/* Root ignores directory permissions, so the refusal is tested as "nobody". */
static void
test_read_only_dir (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *sub = g_build_filename (dir, "ro", NULL);
  g_autofree char *path = g_build_filename (sub, "store.db", NULL);
  pid_t pid;
  int status;

  g_assert_cmpint (g_mkdir (sub, 0555), ==, 0);
  g_chmod (dir, 0755);
  pid = fork ();
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BmStore) store = NULL;

      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (3);
      store = bm_store_open (path, FALSE, &error);
      if (store != NULL || !g_error_matches (error, BM_ERROR, BM_ERROR_STORE_IO)
          || strstr (error->message, "cannot be created") == NULL)
        _exit (1);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  bm_test_remove_dir (dir);
}

/* A full disk, simulated with RLIMIT_FSIZE in a child: the write that does
 * not fit fails with a clear error and every earlier record survives. */
static void
test_disk_full (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "full.db");
  int pipe_fds[2];
  pid_t pid;
  int status;
  guint committed = 0;
  gint64 audit_rows = 0;

  g_clear_object (&store);
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  pid = fork ();
  if (pid == 0)
    {
      struct rlimit limit = { 1024 * 1024, 1024 * 1024 };
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_build_filename (dir, "full.db", NULL);
      BmStore *child_store;

      close (pipe_fds[0]);
      signal (SIGXFSZ, SIG_IGN);
      setrlimit (RLIMIT_FSIZE, &limit);
      child_store = bm_store_open (path, TRUE, &error);
      if (child_store == NULL)
        _exit (2);
      for (guint i = 0;; i++)
        {
          g_autoptr(BmCandidate) candidate = bm_test_make_candidate (i, "1");
          if (!bm_store_add_candidate (child_store, candidate, who (child_store), &error))
            break;
          if (write (pipe_fds[1], &i, sizeof i) != sizeof i)
            _exit (4);
        }
      _exit (g_error_matches (error, BM_ERROR, BM_ERROR_STORE_IO) ? 0 : 1);
    }
  close (pipe_fds[1]);
  {
    guint i;
    while (read (pipe_fds[0], &i, sizeof i) == sizeof i)
      committed++;
  }
  close (pipe_fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (committed, >, 10);

  store = bm_test_open_training (dir, "full.db");
  g_assert_true (bm_store_check (store, NULL));
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, committed);
  g_assert_true (bm_store_audit_verify (store, &audit_rows, NULL));
  g_assert_cmpint (audit_rows, ==, committed + 3);  /* set-up and the two training accounts */
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static void
expect_tampered (BmStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;

  /* The triggers refuse the change; someone editing the file drops them first. */
  g_assert_false (bm_store_exec (store, sql, NULL));
  g_assert_true (bm_store_exec (store, "DROP TRIGGER audit_log_never_deleted; DROP TRIGGER audit_log_never_changed", NULL));
  g_assert_true (bm_store_exec (store, sql, NULL));
  g_assert_false (bm_store_audit_verify (store, NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
}

static void
test_audit_tamper (void)
{
  static const char *tampering[] = {
    "UPDATE audit_log SET detail = '{\"number\":\"01020009\"}' WHERE id = 3",
    "DELETE FROM audit_log WHERE id = 2",
    "UPDATE audit_log SET id = -id WHERE id IN (2, 3); UPDATE audit_log SET id = 10 - id WHERE id IN (-2, -3)",
    "DELETE FROM audit_log WHERE id = (SELECT max (id) FROM audit_log)",
    "UPDATE audit_log SET operator = 'someone else' WHERE id = 4",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tampering); i++)
    {
      g_autofree char *dir = bm_test_make_dir ();
      g_autoptr(BmStore) store = bm_test_open_training (dir, "audit.db");
      gint64 rows = 0;

      for (guint c = 0; c < 4; c++)
        g_object_unref (add_ok (store, c, "1"));
      g_assert_true (bm_store_audit_verify (store, &rows, NULL));
      g_assert_cmpint (rows, ==, 7);   /* set-up, two training accounts, four adds */
      expect_tampered (store, tampering[i]);
      g_assert_false (bm_store_exec (store, "DELETE FROM candidates", NULL));
      g_clear_object (&store);
      bm_test_remove_dir (dir);
    }
}

static void
test_search (Fixture *f, gconstpointer data)
{
  g_autoptr(BmCandidateModel) model = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(BmCandidate) first = NULL;

  for (guint i = 0; i < 30; i++)
    g_object_unref (add_ok (f->store, i, i < 20 ? "1" : "5"));

  model = bm_candidate_model_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 30);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (bm_candidate_get (first, "number"), ==, "00003010");   /* newest first */

  bm_candidate_model_set_query (model, "00000001");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  bm_candidate_model_set_query (model, "0000001");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  bm_candidate_model_set_query (model, "考生2");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 11);   /* 考生2, 考生20-29 */
  bm_candidate_model_set_query (model, "4301021990010100");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);    /* sequences 001-009 */
  bm_candidate_model_set_query (model, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 30);

  rows = bm_store_search_rows (f->store, "no such name", NULL);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_progress (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) progress = NULL;
  g_autoptr(BmProgress) typed = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *by_day;

  for (guint i = 0; i < 5; i++)
    g_object_unref (add_ok (f->store, i, i < 3 ? "1" : "5"));
  g_assert_true (bm_store_correct_state (f->store, "00000001", BM_RECORD_STATE_PHOTOGRAPHED, "test set-up",
                                         BM_TRAINING_SUPERVISOR, NULL));
  g_assert_true (bm_store_void_candidate (f->store, "00000002", "重复登记", BM_TRAINING_SUPERVISOR, NULL));

  typed = bm_store_dup_progress (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (typed->registered, ==, 4);
  g_assert_cmpint (bm_progress_count (typed->by_state, "numbered"), ==, 3);
  g_assert_cmpint (bm_progress_count (typed->by_category, "5"), ==, 2);
  g_assert_cmpint (bm_progress_largest (typed->by_state), ==, 3);
  g_assert_cmpuint (typed->by_day->len, ==, 1);
  g_assert_null (typed->registration_closes);
  /* the CLI's JSON says the same */
  progress = bm_progress_to_json (typed);
  g_assert_cmpint (json_object_get_int_member (progress, "registered"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (progress, "voided"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (progress, "review_pending"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (progress, "by_state"), "numbered"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (progress, "by_state"), "photographed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (progress, "by_category"), "1"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (progress, "by_category"), "5"), ==, 2);
  by_day = json_object_get_array_member (progress, "by_day");
  g_assert_cmpuint (json_array_get_length (by_day), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (by_day, 0), "count"), ==, 4);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (progress, "deadlines")));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/create-private", Fixture, NULL, fixture_setup, test_create_private, fixture_teardown);
  g_test_add ("/store/numbers", Fixture, NULL, fixture_setup, test_numbers, fixture_teardown);
  g_test_add_func ("/store/exhausted", test_exhausted);
  g_test_add_func ("/store/setup-rules", test_setup_rules);
  g_test_add_func ("/store/bad-slices-unused", test_bad_slices_unused);
  g_test_add ("/store/duplicate-and-void", Fixture, NULL, fixture_setup, test_duplicate_and_void, fixture_teardown);
  g_test_add ("/store/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle, fixture_teardown);
  g_test_add ("/store/card-fields-locked", Fixture, NULL, fixture_setup, test_card_fields_locked, fixture_teardown);
  g_test_add_func ("/store/corrupt-file", test_corrupt_file);
  g_test_add ("/store/mode-mismatch", Fixture, NULL, fixture_setup, test_mode_mismatch, fixture_teardown);
  g_test_add_func ("/store/read-only-dir", test_read_only_dir);
  g_test_add_func ("/store/disk-full", test_disk_full);
  g_test_add_func ("/store/audit-tamper", test_audit_tamper);
  g_test_add ("/store/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/store/progress", Fixture, NULL, fixture_setup, test_progress, fixture_teardown);
  return g_test_run ();
}
