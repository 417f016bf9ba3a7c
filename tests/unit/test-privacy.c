/* Privacy and integrity (issue 12): the online-field allow-list, the audit
 * chain covering the records, and the training point's 市县码. Against a
 * real SQLite store and the real CLI; the development-server side is in
 * tests/sync/test-privacy.sh. */

#include "bm-config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-error.h"
#include "bm-online-fields.h"
#include "bm-sync-message.h"
#include "bm-store-lifecycle.h"
#include "bm-test-util.h"

/* baoming-cli with these arguments (tests/lib: bm_test_run). */
#define run_cli(out, ...) bm_test_run ((out), g_getenv ("BM_CLI"), __VA_ARGS__)

static JsonObject *
cli_json (int expected_rc, const char *db)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "audit", "verify", "--json", NULL), ==, expected_rc);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
raw_exec (const char *db, const char *sql)
{
  sqlite3 *raw = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  if (sqlite3_exec (raw, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (raw);
}

/* What someone editing the file does first: every trigger goes, whatever
 * the schema holds today. */
static void
drop_triggers (const char *db)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *st = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1, &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_string_append_printf (sql, "DROP TRIGGER \"%s\";", sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  g_assert_cmpuint (sql->len, >, 0);
  g_assert_cmpint (sqlite3_exec (raw, sql->str, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

static void
test_filter (void)
{
  g_autoptr(JsonObject) in = json_object_new ();
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(GStrvBuilder) dropped = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) refused = g_strv_builder_new ();
  g_auto(GStrv) d = NULL;
  g_auto(GStrv) r = NULL;
  g_autofree char *scrubbed = NULL;
  const char *want_dropped[] = { "mailing_address", "postcode", "recipient", "hobby", NULL };
  const BmOnlineField *political;

  json_object_set_string_member (in, "mailing_address", "长沙市芙蓉区八一路1号");
  json_object_set_string_member (in, "political_status", "03");
  json_object_set_string_member (in, "postcode", "410001");
  json_object_set_string_member (in, "recipient", "张三");
  json_object_set_string_member (in, "exam_type", "7");          /* not a code of 考试类型 */
  json_object_set_string_member (in, "school", "长沙市一中");
  json_object_set_string_member (in, "hobby", "篮球");
  kept = bm_online_fields_filter (in, dropped, refused);
  d = g_strv_builder_end (dropped);
  r = g_strv_builder_end (refused);
  g_assert_true (g_strv_equal ((const char * const *) d, want_dropped));
  g_assert_cmpstrv (r, ((const char *[]) { "exam_type", NULL }));
  g_assert_cmpuint (json_object_get_size (kept), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (kept, "political_status"), ==, "03");
  g_assert_cmpstr (json_object_get_string_member (kept, "school"), ==, "长沙市一中");

  political = bm_online_field_lookup ("political_status");
  g_assert_nonnull (political);
  g_assert_cmpstr (political->form_label, ==, "政治面貌");
  g_assert_cmpstr (bm_online_field_display (political, "03"), ==, "中国共产主义青年团团员");
  g_assert_null (bm_online_field_lookup ("postcode"));
  g_assert_null (bm_online_field_lookup ("mailing_address"));
  g_assert_null (bm_online_field_lookup ("recipient"));

  scrubbed = bm_online_fields_scrub ("{\"postcode\":\"410001\",\"phone\":\"13800000000\",\"recipient\":\"张三\"}");
  g_assert_cmpstr (scrubbed, ==, "{\"phone\":\"13800000000\"}");
}

/* A local write (CLI candidate add/update, imports) cannot store them either. */
static void
test_local_write_refused (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "t.db");
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(JsonObject) change = json_object_new ();
  g_autoptr(JsonObject) online = json_object_new ();
  g_autoptr(BmCandidate) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_add_candidate (store, c, "training", &error));
  g_assert_no_error (error);
  json_object_set_string_member (online, "school", "长沙市一中");
  json_object_set_string_member (online, "postcode", "410001");
  json_object_set_object_member (change, "online_fields", json_object_ref (online));
  g_assert_false (bm_store_update_candidate (store, bm_candidate_get (c, "number"), change, NULL, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "postcode"));
  g_clear_error (&error);

  json_object_remove_member (online, "postcode");
  json_object_set_object_member (change, "online_fields", json_object_ref (online));
  g_assert_true (bm_store_update_candidate (store, bm_candidate_get (c, "number"), change, NULL, "training", &error));
  g_assert_no_error (error);
  stored = bm_store_find_by_number (store, bm_candidate_get (c, "number"), &error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bm_candidate_get (stored, "online_fields"), ==, "{\"school\":\"长沙市一中\"}");
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static void
test_tamper_detected (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "t.db");
  g_autoptr(BmCandidate) a = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) b = bm_test_make_candidate (2, "5");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *number = NULL;
  JsonArray *altered;
  const char *message;

  g_assert_true (bm_store_add_candidate (store, a, "training", &error));
  g_assert_true (bm_store_add_candidate (store, b, "training", &error));
  g_assert_true (bm_store_record_event (store, bm_candidate_get (b, "number"), BM_RECORD_EVENT_FEE_RECORDED, "training", &error));
  g_assert_no_error (error);
  number = g_strdup (bm_candidate_get (a, "number"));
  g_clear_object (&store);

  /* Untouched: intact, every record covered. */
  result = cli_json (0, db);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  /* set-up, the two training accounts, two adds, the fee */
  g_assert_cmpint (json_object_get_int_member (result, "entries"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (result, "records"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (result, "records_not_covered"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "records_altered")), ==, 0);
  g_clear_pointer (&result, json_object_unref);

  /* A name changed with SQL, the triggers dropped first; the audit log
   * itself is not touched, so the chain alone says intact. */
  drop_triggers (db);
  sql = g_strdup_printf ("UPDATE candidates SET name = '李四' WHERE number = '%s'", number);
  raw_exec (db, sql);

  result = cli_json (7, db);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  altered = json_object_get_array_member (result, "records_altered");
  g_assert_cmpuint (json_array_get_length (altered), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (altered, 0), ==, number);
  message = json_object_get_string_member (result, "error");
  g_assert_nonnull (strstr (message, number));
  g_assert_null (strstr (message, bm_identity_get (bm_candidate_get_identity (a), "id_number")));
  g_clear_pointer (&result, json_object_unref);

  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (bm_store_audit_verify (store, NULL, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, number));
  g_clear_error (&error);
  g_clear_object (&store);

  /* A record inserted behind the program's back has no entry at all. */
  raw_exec (db, "INSERT INTO candidates (uuid, workstation_id, number, category, id_type, id_number, sex, birth_date,"
                " state, review_state, initial_password, source, created_at, updated_at)"
                " SELECT 'forged', workstation_id, '00009999', category, id_type, '110101200001010016', sex, birth_date,"
                " state, review_state, initial_password, source, created_at, updated_at FROM candidates LIMIT 1");
  result = cli_json (7, db);
  altered = json_object_get_array_member (result, "records_altered");
  g_assert_cmpuint (json_array_get_length (altered), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (altered, 1), ==, "00009999");
  bm_test_remove_dir (dir);
}

/* The hash of an audit row as written before migration 45 (no digest). */
static char *
legacy_hash (sqlite3_stmt *row, const char *prev)
{
  g_autoptr(GString) b = g_string_new (NULL);

  g_string_append_printf (b, "%lld;%lld;", (long long) sqlite3_column_int64 (row, 0), (long long) sqlite3_column_int64 (row, 2));
  for (int col = 1; col <= 6; col++)
    {
      const char *v;

      if (col == 2)
        continue;
      v = (const char *) sqlite3_column_text (row, col);
      g_string_append_printf (b, "%zu:%s;", v ? strlen (v) : 0, v ? v : "");
    }
  g_string_append_printf (b, "%zu:%s;", strlen (prev), prev);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, b->str, b->len);
}

/* Rewrites the audit log as a store written before migration 45 holds it:
 * no digests, and hashes without them. */
static void
make_legacy (const char *db)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *rows = NULL;
  g_autofree char *prev = g_strnfill (64, '0');
  g_autoptr(GString) sql = g_string_new ("UPDATE audit_log SET record_digest = NULL;");
  gint64 last = 0;

  drop_triggers (db);
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT id, at_wall, at_mono, operator, entity_uuid, action, detail"
                                            " FROM audit_log ORDER BY id", -1, &rows, NULL), ==, SQLITE_OK);
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      g_autofree char *hash = legacy_hash (rows, prev);

      last = sqlite3_column_int64 (rows, 0);
      g_string_append_printf (sql, "UPDATE audit_log SET prev_hash = '%s', hash = '%s' WHERE id = %lld;", prev, hash, (long long) last);
      g_free (prev);
      prev = g_steal_pointer (&hash);
    }
  sqlite3_finalize (rows);
  g_string_append_printf (sql, "UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head';", (long long) last, prev);
  g_assert_cmpint (sqlite3_exec (raw, sql->str, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

static void
test_not_covered (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "t.db");
  g_autoptr(BmCandidate) a = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) b = bm_test_make_candidate (2, "1");
  g_autoptr(JsonObject) change = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (bm_store_add_candidate (store, a, "training", &error));
  g_assert_true (bm_store_add_candidate (store, b, "training", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  make_legacy (db);

  /* Entries without digests: intact, both records not covered, not altered. */
  result = cli_json (0, db);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpint (json_object_get_int_member (result, "records_not_covered"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "records_altered")), ==, 0);
  g_clear_pointer (&result, json_object_unref);

  /* The first change after the migration covers the record. */
  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  json_object_set_string_member (change, "school", "长沙市一中");
  g_assert_true (bm_store_update_candidate (store, bm_candidate_get (a, "number"), change, NULL, "training", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  result = cli_json (0, db);
  g_assert_cmpint (json_object_get_int_member (result, "records_not_covered"), ==, 1);
  g_clear_pointer (&result, json_object_unref);

  sql = g_strdup_printf ("UPDATE candidates SET school = '别的学校' WHERE number = '%s'", bm_candidate_get (a, "number"));
  raw_exec (db, sql);
  result = cli_json (7, db);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (result, "records_altered"), 0),
                   ==, bm_candidate_get (a, "number"));
  bm_test_remove_dir (dir);
}

/* A store written before the allow-list: migration 45 removes the keys
 * not on it from the stored online fields. */
static void
test_migration_scrubs (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autoptr(BmStore) store = bm_test_open_training (dir, "t.db");
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_add_candidate (store, c, "training", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  raw_exec (db, "DROP INDEX audit_log_by_entity; ALTER TABLE audit_log DROP COLUMN record_digest;"
                "UPDATE candidates SET online_fields = '{\"postcode\":\"410001\",\"school\":\"长沙市一中\","
                "\"mailing_address\":\"八一路9号\",\"recipient\":\"王五\"}';"
                "PRAGMA user_version = 44;");
  store = bm_store_open (db, TRUE, &error);
  g_assert_no_error (error);
  stored = bm_store_find_by_number (store, bm_candidate_get (c, "number"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bm_candidate_get (stored, "online_fields"), ==, "{\"school\":\"长沙市一中\"}");
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static const char real_setup_0000[] =
  "{ \"point\": { \"code\": \"P\", \"name\": \"N\", \"county_code\": \"0000\" }, \"workstation_id\": \"W\","
  "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
  "  \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 99 } ],"
  "  \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 99 } ] }";

static void
test_training_county_code (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *real_db = g_build_filename (dir, "real.db", NULL);
  g_autoptr(BmStore) training = bm_test_open_training (dir, "t.db");
  g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (training, NULL);
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(BmStore) real = NULL;
  g_autoptr(JsonNode) setup = json_from_string (real_setup_0000, NULL);
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile_json = NULL;

  g_assert_cmpstr (profile->county_code, ==, "0000");
  g_assert_true (bm_store_add_candidate (training, c, "training", &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (bm_candidate_get (c, "number"), "0000"));

  /* A real set-up file that claims it is refused, nothing stored. */
  real = bm_store_open (real_db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (bm_store_init_from_setup (real, json_node_get_object (setup), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "0000"));
  g_clear_error (&error);
  g_assert_false (bm_store_is_set_up (real));

  /* So is a profile from the provincial server. */
  profile_json = g_strdup ("{\"profile_version\":1,\"point\":{\"code\":\"010201\",\"name\":\"X\",\"county_code\":\"0000\"},"
                           "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"}],"
                           "\"ranges\":[{\"category\":\"1\",\"first\":\"00000001\",\"last\":\"00000099\"}]}");
  parsed = bm_sync_parse_profile (profile_json, strlen (profile_json), &error);
  g_assert_null (parsed);
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "0000"));
  g_clear_error (&error);
  /* The same profile with a real county's code is fine. */
  memcpy (strstr (profile_json, "\"0000\""), "\"0102\"", 6);
  parsed = bm_sync_parse_profile (profile_json, strlen (profile_json), &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_clear_object (&training);
  g_clear_object (&real);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/privacy/online-fields/filter", test_filter);
  g_test_add_func ("/privacy/online-fields/local-write", test_local_write_refused);
  g_test_add_func ("/privacy/online-fields/migration", test_migration_scrubs);
  g_test_add_func ("/privacy/audit/tamper", test_tamper_detected);
  g_test_add_func ("/privacy/audit/not-covered", test_not_covered);
  g_test_add_func ("/privacy/training/county-code", test_training_county_code);
  return g_test_run ();
}
