/* baoming-cli init, candidate add, audit verify and db check as scripts
 * use them: exit codes and JSON, on a healthy and on a tampered store. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-test-util.h"

/* baoming-cli with these arguments (tests/lib: bm_test_run). */
#define run_cli(out, ...) bm_test_run ((out), g_getenv ("BM_CLI"), __VA_ARGS__)

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_checks (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *input = g_build_filename (dir, "c.json", NULL);
  g_autofree char *id_number = bm_test_make_id_number (1);
  g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"欧阳䶮\", \"sex\": \"1\", \"nation\": \"15\","
                                             " \"birth_date\": \"1990-01-01\", \"category\": \"1\"}", id_number);
  char *out = NULL;
  g_autoptr(JsonObject) result = NULL;
  sqlite3 *raw;

  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "init", NULL), ==, 0);
  g_free (out);
  g_assert_true (g_file_set_contents (input, record, -1, NULL));
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "candidate", "add", "--json", input, NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_cmpstr (json_object_get_string_member (result, "number"), ==, "00000001");
  g_assert_cmpstr (json_object_get_string_member (result, "name"), ==, "欧阳䶮");
  g_clear_pointer (&result, json_object_unref);
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "candidate", "add", "--json", input, NULL), ==, 5);
  g_free (out);

  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "audit", "verify", "--json", NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  /* set-up, two training accounts, one record, and the two commands' log-ins */
  g_assert_cmpint (json_object_get_int_member (result, "entries"), ==, 6);
  g_clear_pointer (&result, json_object_unref);

  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "db", "check", "--json", NULL), ==, 0);
  result = parse_object (out);
  g_free (out);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpint (json_object_get_int_member (result, "candidates"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "audit_entries"), ==, 6);
  g_clear_pointer (&result, json_object_unref);

  /* Someone edits the file behind the program's back. */
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_log_never_changed;"
                                      "UPDATE audit_log SET operator = 'someone' WHERE id = 2", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (run_cli (&out, "--training", "--db", db, i ? "db" : "audit", i ? "check" : "verify", "--json", NULL), ==, 7);
      result = parse_object (out);
      g_free (out);
      g_assert_false (json_object_get_boolean_member (result, "ok"));
      g_assert_nonnull (strstr (json_object_get_string_member (result, "error"), "entry 2"));
      g_clear_pointer (&result, json_object_unref);
    }
  g_assert_cmpint (run_cli (&out, "--training", "--db", db, "audit", "check", NULL), ==, 2);
  g_free (out);

  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/store-checks", test_checks);
  return g_test_run ();
}
