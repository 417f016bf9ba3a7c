/* baoming-cli and the lifecycle: no free state setter, no way to
 * `submitted` or a county state, the supervisor's correction, the events
 * and the phone confirmation in `candidate show --json`. */

#include "bm-config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-test-util.h"

static char *db;

/* baoming-cli on the test's training store (tests/lib: bm_test_run). */
#define cli(out, ...) bm_test_run ((out), g_getenv ("BM_CLI"), "--training", "--db", db, __VA_ARGS__)

static JsonObject *
show (const char *number)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (cli (&out, "candidate", "show", number, "--json", NULL), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
assert_state (const char *number, const char *state)
{
  g_autoptr(JsonObject) record = show (number);

  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, state);
}

static void
test_cli_lifecycle (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *input = g_build_filename (dir, "c.json", NULL);
  g_autofree char *change = g_build_filename (dir, "u.json", NULL);
  g_autofree char *id_number = bm_test_make_id_number (1);
  g_autofree char *record = g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"李四\", \"sex\": \"1\", \"nation\": \"01\","
                                             " \"birth_date\": \"1990-01-01\", \"category\": \"1\","
                                             " \"state\": \"signed\", \"fee_paid\": true}", id_number);
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autofree char *number = NULL;
  static const char * const all_states[] = {
    "collected", "numbered", "photographed", "card_printed", "filled_online", "commented", "proof_printed",
    "signed", "submitted", "county_reviewed", "returned",
  };
  char *out = NULL;

  db = g_build_filename (dir, "t.db", NULL);
  g_assert_cmpint (cli (&out, "init", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_set_contents (input, record, -1, NULL));
  g_assert_cmpint (cli (&out, "candidate", "add", "--json", input, "--operator", "training", NULL), ==, 0);
  added = json_from_string (out, NULL);
  g_clear_pointer (&out, g_free);
  number = g_strdup (json_object_get_string_member (json_node_get_object (added), "number"));
  /* the input's state and fee are not the record's */
  shown = show (number);
  g_assert_cmpstr (json_object_get_string_member (shown, "state"), ==, "numbered");
  g_assert_false (json_object_get_boolean_member (shown, "fee_paid"));
  g_assert_cmpstr (json_object_get_string_member (shown, "review_level"), ==, "city");

  /* `candidate state` is gone: every state, as clerk and as supervisor */
  for (gsize i = 0; i < G_N_ELEMENTS (all_states); i++)
    {
      g_assert_cmpint (cli (&out, "candidate", "state", number, all_states[i], "--operator", "training", NULL), ==, 2);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (cli (&out, "candidate", "state", number, all_states[i], "--operator", "training-supervisor", NULL), ==, 2);
      g_clear_pointer (&out, g_free);
    }
  assert_state (number, "numbered");

  /* the correction never reaches submitted or a county state */
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "submitted", "--reason", "试", "--operator", "training-supervisor", NULL), ==, 5);
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "county_reviewed", "--reason", "试", "--operator", "training-supervisor", NULL), ==, 5);
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "returned", "--reason", "试", "--operator", "training-supervisor", NULL), ==, 5);
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "proof_printed", "--operator", "training-supervisor", NULL), ==, 2);
  /* and is a supervisor's */
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "proof_printed", "--reason", "试", "--operator", "training", NULL), ==, 11);
  assert_state (number, "numbered");
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "proof_printed", "--reason", "纸质流程", "--operator", "training-supervisor", NULL), ==, 0);
  assert_state (number, "proof_printed");

  /* fee and 资格审查 are events, not edits */
  g_assert_true (g_file_set_contents (change, "{\"fee_paid\": true}", -1, NULL));
  g_assert_cmpint (cli (&out, "candidate", "update", number, "--json", change, "--operator", "training", NULL), ==, 3);
  g_assert_cmpint (cli (&out, "candidate", "fee", number, "--operator", "training", NULL), ==, 0);
  g_assert_cmpint (cli (&out, "candidate", "fee", number, "--operator", "training", NULL), ==, 5);
  g_assert_cmpint (cli (&out, "candidate", "eligibility", number, "--operator", "training", NULL), ==, 0);
  /* a typed-in record: no card before the city's review, which is an officer's */
  g_assert_cmpint (cli (&out, "candidate", "hand-over", number, "--operator", "training", NULL), ==, 5);
  g_assert_cmpint (cli (&out, "candidate", "review", number, "approve", "--operator", "training", NULL), ==, 11);

  /* signature of a typed-in record needs the card at the station */
  g_assert_cmpint (cli (&out, "candidate", "sign", number, "--operator", "training", NULL), ==, 5);
  assert_state (number, "proof_printed");

  /* phone confirmation, approved by a supervisor, shown on the record */
  g_assert_cmpint (cli (&out, "candidate", "confirm-phone", number, "--phone", "0731-84000000",
                        "--approved-by", "training", "--operator", "training", NULL), ==, 11);
  g_assert_cmpint (cli (&out, "candidate", "confirm-phone", number, "--phone", "0731-84000000",
                        "--approved-by", "training-supervisor", "--operator", "training", NULL), ==, 0);
  g_clear_pointer (&shown, json_object_unref);
  shown = show (number);
  g_assert_cmpstr (json_object_get_string_member (shown, "state"), ==, "signed");
  g_assert_cmpstr (json_object_get_string_member (shown, "confirmation_method"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (shown, "confirmation_phone"), ==, "0731-84000000");
  g_assert_cmpstr (json_object_get_string_member (shown, "confirmation_approved_by"), ==, "training-supervisor");
  g_assert_cmpstr (json_object_get_string_member (shown, "confirmed_by"), ==, "training");
  g_assert_true (json_object_has_member (shown, "confirmed_at"));
  g_assert_true (json_object_get_boolean_member (shown, "fee_paid"));
  g_assert_true (json_object_get_boolean_member (shown, "eligibility_checked"));

  /* nothing on the command line leads on to submitted */
  g_assert_cmpint (cli (&out, "candidate", "correct-state", number, "submitted", "--reason", "试", "--operator", "training-supervisor", NULL), ==, 5);
  assert_state (number, "signed");
  g_free (out);
  bm_test_remove_dir (dir);
  g_free (db);
}

/* operator set-id: the supervisor records an operator's ID number for
 * 实名认证 (a clerk may not, a wrong number is refused); list shows it as
 * has_id_number, never the number. */
static void
test_cli_set_id (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autofree char *id_number = bm_test_make_id_number (2);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *operators;
  gboolean found = FALSE;
  char *out = NULL;

  db = g_build_filename (dir, "t.db", NULL);
  g_assert_cmpint (cli (&out, "init", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "operator", "set-id", "training", id_number, "--operator", "training", NULL), ==, 11);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "operator", "set-id", "training", "110101199001011230", "--operator", "training-supervisor", NULL), ==, 3);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "operator", "set-id", "training", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "operator", "set-id", "training", id_number, "--operator", "training-supervisor", NULL), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "has_id_number"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "operator", "list", NULL), ==, 0);
  g_assert_null (strstr (out, id_number));
  node = json_from_string (out, NULL);
  operators = json_object_get_array_member (json_node_get_object (node), "operators");
  for (guint i = 0; i < json_array_get_length (operators); i++)
    {
      JsonObject *o = json_array_get_object_element (operators, i);

      if (g_str_equal (json_object_get_string_member (o, "user"), "training"))
        {
          found = TRUE;
          g_assert_true (json_object_get_boolean_member (o, "has_id_number"));
        }
    }
  g_assert_true (found);
  g_free (out);
  bm_test_remove_dir (dir);
  g_clear_pointer (&db, g_free);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/lifecycle", test_cli_lifecycle);
  g_test_add_func ("/cli/operator-set-id", test_cli_set_id);
  return g_test_run ();
}
