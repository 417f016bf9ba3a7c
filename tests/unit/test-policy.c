/* Applying a new point profile version (bm-store-policy.c), on a real
 * store: what is applied, what is refused whole, and that a refusal
 * changes nothing but the refusal record and the audit log. The same rules
 * over HTTPS against the development server: tests/sync/test-policy.sh. */
#include "bm-config.h"

#include <stdarg.h>
#include <string.h>

#include "bm-error.h"
#include "bm-store-policy.h"
#include "bm-store-private.h"
#include "bm-test-util.h"

static const char setup[] =
  "{ \"point\": { \"code\": \"430102001\", \"name\": \"一中\", \"county_code\": \"0102\" },"
  " \"workstation_id\": \"ws-1\","
  " \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" },"
  " { \"code\": \"3\", \"name\": \"艺术\" } ],"
  " \"ranges\": [ { \"category\": \"1\", \"first\": 1, \"last\": 2999 },"
  " { \"category\": \"5\", \"first\": 3001, \"last\": 5999 },"
  " { \"category\": \"3\", \"first\": 6001, \"last\": 6499 } ],"
  " \"slices\": [ { \"category\": \"1\", \"first\": 1, \"last\": 100 },"
  " { \"category\": \"5\", \"first\": 3001, \"last\": 3100 },"
  " { \"category\": \"3\", \"first\": 6001, \"last\": 6100 } ] }";

typedef struct {
  char *dir;
  BmStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = bm_test_make_dir ();
  f->store = bm_test_open_with_setup (f->dir, "ws.db", setup);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(BmCandidate) c = bm_test_make_candidate (i, i % 2 ? "5" : "1");
      g_assert_true (bm_store_add_candidate (f->store, c, "clerk", &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  bm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
text (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, sql, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_nonnull (st);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_string_append_printf (out, "%s;", (const char *) sqlite3_column_text (st, 0));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define TABLES "SELECT code || '=' || name FROM categories UNION ALL " \
               "SELECT category || ':' || first_serial || '-' || last_serial FROM number_ranges UNION ALL " \
               "SELECT category || '@' || first_serial || '-' || last_serial FROM number_slices UNION ALL " \
               "SELECT key || '=' || value FROM meta WHERE key IN ('sync.profile', 'sync.profile_version', " \
               "'policy.online_fields_allowed', 'policy.code_tables', 'policy.applied')"

/* A profile: the set-up's at @version, with each pair of strings after it
 * (from, to; NULL ends) replaced once in its text. */
static JsonObject *
profile (gint64 version, ...)
{
  g_autofree char *v = g_strdup_printf ("{ \"profile_version\": %" G_GINT64_FORMAT ",", version);
  g_autoptr(GString) s = g_string_new (setup);
  g_autoptr(JsonNode) node = NULL;
  const char *from;
  va_list ap;

  g_string_replace (s, "{", v, 1);
  va_start (ap, version);
  while ((from = va_arg (ap, const char *)) != NULL)
    g_assert_cmpint (g_string_replace (s, from, va_arg (ap, const char *), 1), ==, 1);
  va_end (ap);
  node = json_from_string (s->str, NULL);
  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static BmPolicyOutcome
apply (Fixture *f, JsonObject *p, JsonArray **reasons, GError **error)
{
  g_autoptr(JsonObject) owned = p;
  return bm_store_policy_apply (f->store, p, NULL, "file", "admin", reasons, error);
}

static void
assert_refused (Fixture *f, JsonObject *p, const char *code, const char *message_part)
{
  g_autofree char *before = text (f->store, TABLES);
  g_autofree char *after = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(JsonArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) view = NULL;
  gint64 refusals = 0;

  audit = text (f->store, "SELECT count(*) FROM audit_log WHERE action = 'profile_refused' AND operator = 'admin'");
  refusals = g_ascii_strtoll (audit, NULL, 10);
  g_assert_cmpint (apply (f, p, &reasons, &error), ==, BM_POLICY_REFUSED);
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” not in “%s”", message_part, error->message);
  g_assert_nonnull (reasons);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (reasons, 0), "code"), ==, code);
  after = text (f->store, TABLES);
  g_assert_cmpstr (after, ==, before);
  g_free (audit);
  audit = text (f->store, "SELECT count(*) FROM audit_log WHERE action = 'profile_refused' AND operator = 'admin'");
  g_assert_cmpint (g_ascii_strtoll (audit, NULL, 10), ==, refusals + 1);
  view = bm_store_policy_show (f->store, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (view, "refusal"), "message"), ==,
                   error->message);
  /* A file's refusal is the operator's business, not the server's. */
  g_assert_null (bm_store_policy_unreported_refusal (f->store));
}

static void
test_apply (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cats = NULL, *audit = NULL, *before = NULL, *after = NULL, *slices = NULL, *deadline = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_cmpint (apply (f, profile (2, "\"文史\"", "\"历史类\" }, { \"code\": \"4\", \"name\": \"体育\"", NULL),
                          NULL, &error), ==, BM_POLICY_APPLIED);
  g_assert_no_error (error);
  cats = text (f->store, "SELECT code || '=' || name FROM categories ORDER BY code");
  g_assert_cmpstr (cats, ==, "1=历史类;3=艺术;4=体育;5=理工;");
  g_assert_cmpint (bm_store_policy_version (f->store), ==, 2);
  audit = text (f->store, "SELECT operator || ':' || json_extract (detail, '$.changes.categories_added[0].code') "
                          "FROM audit_log WHERE action = 'profile_apply'");
  g_assert_cmpstr (audit, ==, "admin:4;");
  g_assert_null (bm_store_policy_online_field_names (f->store));

  /* The same version again: nothing at all, not even an audit entry. */
  before = text (f->store, TABLES " UNION ALL SELECT count(*) FROM audit_log");
  g_assert_cmpint (apply (f, profile (2, "\"文史\"", "\"别的\"", NULL), NULL, &error), ==, BM_POLICY_UNCHANGED);
  g_assert_no_error (error);
  after = text (f->store, TABLES " UNION ALL SELECT count(*) FROM audit_log");
  g_assert_cmpstr (after, ==, before);

  /* Deadlines and the allow-list as the profile says; 科类 3 had no
   * records: it goes, and its unused slice with it. */
  g_assert_cmpint (apply (f, profile (3, ", { \"code\": \"3\", \"name\": \"艺术\" }", "",
                                      ", { \"category\": \"3\", \"first\": 6001, \"last\": 6499 }", "",
                                      "\"ranges\"", "\"deadlines\": { \"registration_closes\": \"2027-06-08T10:00:00Z\" },"
                                      " \"online_fields_allowed\": [ \"school\", { \"field\": \"phone\", \"label\": \"电话\" } ],"
                                      " \"ranges\"", NULL),
                          NULL, &error), ==, BM_POLICY_APPLIED);
  g_assert_no_error (error);
  slices = text (f->store, "SELECT category FROM number_slices ORDER BY id");
  g_assert_cmpstr (slices, ==, "1;5;");
  fields = bm_store_policy_online_field_names (f->store);
  g_assert_nonnull (fields);
  g_assert_cmpstr (fields[0], ==, "school");
  g_assert_cmpstr (fields[1], ==, "phone");
  g_assert_null (fields[2]);
  deadline = text (f->store, "SELECT json_extract (value, '$.deadlines.registration_closes') FROM meta WHERE key = 'sync.profile'");
  g_assert_cmpstr (deadline, ==, "2027-06-08T10:00:00Z;");
}

static void
test_refuse (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (apply (f, profile (5, NULL), NULL, &error), ==, BM_POLICY_APPLIED);
  g_assert_no_error (error);
  /* Removed 科类 5 with two records. */
  assert_refused (f, profile (6, ", { \"code\": \"5\", \"name\": \"理工\" }", "",
                              ", { \"category\": \"5\", \"first\": 3001, \"last\": 5999 }", "", NULL),
                  "category_has_records", "category 5 (理工) would be removed but has 2 records");
  /* A range that no longer covers 01020001 and 01020002, nor the slice. */
  assert_refused (f, profile (6, "\"first\": 1, \"last\": 2999", "\"first\": 3, \"last\": 2999", NULL),
                  "range_strands_numbers", "01020001, 01020002");
  /* The numbers and this desk's slice 1–100 of 科类 1 left out. */
  assert_refused (f, profile (7, "\"first\": 1, \"last\": 2999", "\"first\": 101, \"last\": 2999", NULL),
                  "range_strands_numbers", "01020001");
  /* No record of 科类 3, but this desk's slice 6001–6100 no longer inside. */
  assert_refused (f, profile (6, "\"first\": 6001, \"last\": 6499", "\"first\": 6050, \"last\": 6499", NULL),
                  "range_strands_slice", "numbers 01026001–01026100");
  assert_refused (f, profile (6, "\"0102\"", "\"0103\"", NULL), "county_code_changed", "0103");
  /* The same refusal again is not audited (or reported) twice. */
  {
    g_autofree char *before = text (f->store, "SELECT count(*) FROM audit_log");
    g_autofree char *after = NULL;
    g_assert_cmpint (apply (f, profile (6, "\"0102\"", "\"0103\"", NULL), NULL, &error), ==, BM_POLICY_REFUSED);
    g_clear_error (&error);
    after = text (f->store, "SELECT count(*) FROM audit_log");
    g_assert_cmpstr (after, ==, before);
  }
  assert_refused (f, profile (4, NULL), "version_older", "older than version 5");
  assert_refused (f, profile (6, "\"last\": 6499", "\"last\": 10000", NULL), "invalid", "between 1 and 9999");
  assert_refused (f, profile (6, "\"code\": \"3\"", "\"code\": \"1\"", NULL), "invalid", "appears twice");
  assert_refused (f, profile (6, "\"category\": \"3\"", "\"category\": \"9\"", NULL), "invalid", "not in its list");
  assert_refused (f, profile (6, "\"first\": 6001, \"last\": 6499", "\"first\": 2001, \"last\": 2100", NULL),
                  "invalid", "overlap");
  assert_refused (f, profile (6, "\"ranges\"", "\"deadlines\": { \"registration_closes\": \"soon\" }, \"ranges\"", NULL),
                  "invalid", "RFC 3339");
  g_assert_cmpint (bm_store_policy_version (f->store), ==, 5);
}

/* A server profile (8-digit numbers) turns into the same form. */
static void
test_from_profile (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{ \"profile_version\": 7, \"point\": { \"code\": \"010201\", \"county_code\": \"0102\" },"
    "  \"categories\": [ { \"code\": \"1\", \"name\": \"文史\" } ],"
    "  \"ranges\": [ { \"category\": \"1\", \"first\": \"01020001\", \"last\": \"01020500\" } ],"
    "  \"deadlines\": { \"registration_closes\": \"2026-11-08T10:00:00Z\" },"
    "  \"online_fields_allowed\": [ \"school\" ] }", NULL);
  g_autoptr(JsonObject) policy = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *range;

  policy = bm_policy_from_profile (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (policy, "profile_version"), ==, 7);
  range = json_array_get_object_element (json_object_get_array_member (policy, "ranges"), 0);
  g_assert_cmpint (json_object_get_int_member (range, "first"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (range, "last"), ==, 500);
  g_assert_true (json_object_has_member (policy, "deadlines"));
  g_assert_true (json_object_has_member (policy, "online_fields_allowed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/policy/apply", Fixture, NULL, fixture_setup, test_apply, fixture_teardown);
  g_test_add ("/policy/refuse", Fixture, NULL, fixture_setup, test_refuse, fixture_teardown);
  g_test_add_func ("/policy/from-profile", test_from_profile);
  return g_test_run ();
}
