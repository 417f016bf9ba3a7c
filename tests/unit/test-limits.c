/* Limits on outside input (docs/limits.md, issue 10 findings 3, 4, 6):
 * the JSON gate of bm-json-input.c and the field limits of
 * bm-field-limits.c, through the core calls every entry path uses, on a real
 * SQLite store. */

#include "bm-config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-json-input.h"
#include "bm-store-private.h"
#include "bm-store-sync.h"
#include "bm-sync-message.h"
#include "bm-test-util.h"

static char *
nested (gsize depth, const char *open, const char *close, const char *inner)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < depth; i++)
    g_string_append (s, open);
  g_string_append (s, inner);
  for (gsize i = 0; i < depth; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_json_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = nested (100000, "[", "]", "");
  g_autofree char *limit = nested (BM_JSON_MAX_DEPTH, "[", "]", "1");
  g_autofree char *over = nested (BM_JSON_MAX_DEPTH + 1, "{\"a\":", "}", "1");
  g_autofree char *in_string = g_strdup_printf ("{\"a\":\"%s\"}", deep);
  g_autoptr(JsonNode) node = NULL;

  /* 100,000 levels: json-glib alone overflows the stack here. */
  g_assert_null (bm_json_input_parse (deep, -1, BM_JSON_INPUT_RECORD, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested deeper than 32"));
  g_clear_error (&error);

  node = bm_json_input_parse (limit, -1, BM_JSON_INPUT_RECORD, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_clear_pointer (&node, json_node_unref);

  g_assert_null (bm_json_input_parse (over, -1, BM_JSON_INPUT_RECORD, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);

  /* Brackets inside strings are text, not nesting. */
  node = bm_json_input_parse (in_string, -1, BM_JSON_INPUT_SERVER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (node), "a")), ==, 200000);
}

static void
test_json_text (void)
{
  static const char * const refused[] = {
    "{\"name\":\"a\\u0000b\"}",            /* would silently cut the value */
    "{\"name\":\"a\\ud800b\"}",            /* lone high surrogate */
    "{\"name\":\"a\\udc00\"}",             /* lone low surrogate */
    "{\"name\":\"a\\ud800\\u0041\"}",      /* high surrogate, no low one */
    "{\"name\":\"\xed\xa0\x80\"}",         /* a surrogate as raw bytes */
    "{\"name\":\"\xff\"}",                 /* not UTF-8 */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ok = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_null (bm_json_input_parse_object (refused[i], -1, BM_JSON_INPUT_RECORD, &error));
      g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* A raw NUL byte inside the given length. */
  g_assert_null (bm_json_input_parse ("{\"a\":\"x\0y\"}", 11, BM_JSON_INPUT_RECORD, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);

  ok = bm_json_input_parse_object ("{\"name\":\"\\ud83d\\ude00\\\\u0000\"}", -1, BM_JSON_INPUT_RECORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (ok, "name"), ==, "\xf0\x9f\x98\x80\\u0000");
}

static void
test_json_size (void)
{
  g_autoptr(GError) error = NULL;
  gsize n = BM_JSON_MAX_RECORD_BYTES + 1;
  g_autofree char *big = g_malloc (n + 1);
  g_autofree char *data = NULL;
  gsize len = 0;
  int fd;

  memset (big, ' ', n);
  big[0] = '1';
  big[n] = '\0';
  g_assert_null (bm_json_input_parse (big, n, BM_JSON_INPUT_RECORD, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_clear_error (&error);
  g_assert_true (bm_json_input_check (big, n, BM_JSON_INPUT_SETUP, NULL));

  /* /dev/zero never ends: reading stops one byte past the cap. */
  fd = open ("/dev/zero", O_RDONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_null (bm_json_input_read_fd (fd, 1024 * 1024, &len, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  close (fd);

  fd = open ("/dev/null", O_RDONLY);
  data = bm_json_input_read_fd (fd, 16, &len, &error);
  close (fd);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpstr (data, ==, "");
}

/* Every parser of server answers, on an answer nested 100,000 deep, in a
 * thread as the sync worker runs them (its stack is smaller than main's). */
static gpointer
parse_all (gpointer data)
{
  const char *answer = data;
  gsize len = strlen (answer);
  g_autoptr(GError) error = NULL;
  const char *sums[] = { "x" };
  guint refused = 0;

  refused += bm_sync_parse_token (answer, len, NULL) == NULL;
  refused += bm_sync_parse_error (answer, len) == NULL;
  refused += bm_sync_parse_profile (answer, len, NULL) == NULL;
  refused += bm_sync_parse_slices (answer, len, NULL) == NULL;
  refused += bm_sync_parse_batch_answer (answer, len, "b1", 1, NULL) == NULL;
  refused += bm_sync_parse_bundle_answer (answer, len, sums, 1, NULL) == NULL;
  refused += bm_sync_parse_changes (answer, len, NULL, NULL, &error) == NULL;
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested deeper"));
  return GUINT_TO_POINTER (refused);
}

static void
test_server_answer_deep (void)
{
  g_autofree char *inner = nested (100000, "[", "]", "");
  g_autofree char *answer = g_strdup_printf ("{\"changes\":%s,\"next_cursor\":\"1\"}", inner);
  GThread *thread;

  g_assert_cmpuint (strlen (answer), >=, 200000);
  thread = g_thread_new ("sync-worker", parse_all, answer);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 7);
}

static void
test_every_field_has_a_limit (void)
{
  const char * const *keys[] = { bm_identity_keys (), bm_candidate_keys () };

  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    for (int i = 0; keys[k][i] != NULL; i++)
      {
        const BmFieldLimit *limit = bm_field_limit_lookup (keys[k][i]);
        g_assert_nonnull (limit);
        g_assert_cmpuint (limit->max_chars, >, 0);
      }
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

static char *
column (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (st);
  if (sqlite3_step (st) != SQLITE_ROW || sqlite3_column_text (st, 0) == NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (st, 0));
}

static void
refuse (BmStore *store, BmCandidate *c, const char *label)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bm_store_add_candidate (store, c, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  if (strstr (error->message, label) == NULL)
    g_error ("“%s” does not name the field “%s”", error->message, label);
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 0);
}

static void
test_bad_text (Fixture *f, gconstpointer data)
{
  static const struct { const char *key; const char *value; const char *label; } cases[] = {
    { "name", "\x1b[31m张三\x1b[0m", "name" },             /* ANSI colour */
    { "name", "\x01\x02\x03", "name" },                    /* controls only */
    { "name", "\xc2\x9b" "31m张", "name" },                 /* C1 CSI */
    { "name", "张\xe2\x80\xae三", "name" },                 /* U+202E right-to-left override */
    { "name", "张\xe2\x81\xa6三", "name" },                 /* U+2066 isolate */
    { "name", "\xe2\x80\x8f张", "name" },                   /* U+200F RLM */
    { "name", "\xd8\x9c张", "name" },                       /* U+061C ALM */
    { "name", "\xe2\x80\x8b\xe2\x80\x8b", "name" },         /* zero-width spaces only */
    { "name", "\xe3\x85\xa4\xe3\x85\xa4", "name" },         /* Hangul fillers only */
    { "name", "\xe3\x80\x80", "name" },                     /* an ideographic space only */
    { "name", "\xed\xa0\x80", "name" },                     /* lone surrogate as bytes */
    { "name", "张<三>", "name" },                           /* not a name character */
    { "school", "一中\x1b]0;pwned\x07", "school" },        /* terminal title escape */
    { "school", "一中\n二中", "school" },                   /* a line break in a one-line field */
    { "class_name", "\xef\xbb\xbf三班", "class" },          /* BOM */
    { "comment", "ok\x7f", "comment" },                     /* DEL */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");

      if (g_str_equal (cases[i].key, "name"))
        {
          /* bm_identity_set trims ASCII spaces only; set the bytes as given. */
          bm_identity_set (bm_candidate_get_identity (c), "name", cases[i].value);
        }
      else
        bm_candidate_set (c, cases[i].key, cases[i].value);
      refuse (f->store, c, cases[i].label);
    }
}

static void
test_lengths (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) big = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) edge = bm_test_make_candidate (2, "1");
  g_autoptr(BmCandidate) over = bm_test_make_candidate (3, "1");
  g_autofree char *mb = g_malloc (1024 * 1024 + 1);
  GString *sixty = g_string_new (NULL);
  g_autofree char *school = NULL;

  /* A 1 MB school name: refused by the core, before any sync batch. */
  memset (mb, 'x', 1024 * 1024);
  mb[1024 * 1024] = '\0';
  bm_candidate_set (big, "school", mb);
  refuse (f->store, big, "school");

  for (int i = 0; i < 60; i++)
    g_string_append (sixty, "中");
  bm_candidate_set (edge, "school", sixty->str);
  g_assert_true (bm_store_add_candidate (f->store, edge, "training", &error));
  g_assert_no_error (error);
  school = column (f->store, "SELECT school FROM candidates");
  g_assert_cmpstr (school, ==, sixty->str);

  g_string_append (sixty, "中");
  bm_candidate_set (over, "school", sixty->str);
  g_assert_false (bm_store_add_candidate (f->store, over, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "longer than 60"));
  g_string_free (sixty, TRUE);
}

static void
test_nfc (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(JsonObject) change = json_object_new ();
  g_autofree char *school = NULL, *name_en = NULL, *number = NULL, *class_name = NULL;

  /* "Cafe" + U+0301 and "Zoe" + U+0308: decomposed, stored composed. */
  bm_candidate_set (c, "school", "Cafe\xcc\x81 一中");
  bm_identity_set (bm_candidate_get_identity (c), "name_en", "ZOE\xcc\x88");
  g_assert_true (bm_store_add_candidate (f->store, c, "training", &error));
  g_assert_no_error (error);
  school = column (f->store, "SELECT school FROM candidates");
  name_en = column (f->store, "SELECT name_en FROM candidates");
  g_assert_cmpstr (school, ==, "Caf\xc3\xa9 一中");
  g_assert_cmpstr (name_en, ==, "ZO\xc3\x8b");

  /* The correction path (CLI candidate update, GUI correction dialog). */
  number = column (f->store, "SELECT number FROM candidates");
  json_object_set_string_member (change, "class_name", "A\xcc\x8a班");
  g_assert_true (bm_store_update_candidate (f->store, number, change, NULL, "training", &error));
  g_assert_no_error (error);
  class_name = column (f->store, "SELECT class_name FROM candidates");
  g_assert_cmpstr (class_name, ==, "\xc3\x85班");

  json_object_set_string_member (change, "class_name", "\xe2\x80\xae班");
  g_assert_false (bm_store_update_candidate (f->store, number, change, NULL, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&class_name, g_free);
  class_name = column (f->store, "SELECT class_name FROM candidates");
  g_assert_cmpstr (class_name, ==, "\xc3\x85班");
}

/* Online fields from the server's change feed: the bad values are left
 * out (names in the audit log), the good ones applied in NFC. */
static void
test_online_fields_from_server (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(GString) page = g_string_new (NULL);
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *uuid = NULL, *school = NULL, *phone = NULL, *class_name = NULL, *online = NULL, *detail = NULL;

  g_assert_true (bm_store_add_candidate (f->store, c, "training", &error));
  g_assert_no_error (error);
  uuid = column (f->store, "SELECT uuid FROM candidates");

  g_string_append_printf (page, "{\"changes\":[{\"seq\":1,\"kind\":\"online_fields\",\"uuid\":\"%s\",\"server_rev\":5,"
                                "\"fields\":{\"phone\":\"\\u001b[2J13800000000\",\"class_name\":\"A\\u030a班\",\"school\":\"",
                          uuid);
  for (int i = 0; i < 100000; i++)
    g_string_append (page, "校");
  g_string_append (page, "\",\"hobby\":\"\\u202egnip\"}}],\"next_cursor\":\"1\"}");
  changes = bm_sync_parse_changes (page->str, page->len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_sync_apply_changes (f->store, changes, "1", &error));
  g_assert_no_error (error);

  school = column (f->store, "SELECT school FROM candidates");
  phone = column (f->store, "SELECT phone FROM candidates");
  class_name = column (f->store, "SELECT class_name FROM candidates");
  online = column (f->store, "SELECT online_fields FROM candidates");
  detail = column (f->store, "SELECT detail FROM audit_log WHERE action = 'sync_online_fields'");
  g_assert_null (school);
  g_assert_null (phone);
  g_assert_cmpstr (class_name, ==, "\xc3\x85班");
  g_assert_cmpstr (online, ==, "{\"class_name\":\"\xc3\x85班\"}");
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "\"refused_fields\":[\"phone\",\"school\"]"));
  /* hobby is not on the allow-list: dropped whatever its value. */
  g_assert_nonnull (strstr (detail, "\"dropped_fields\":[\"hobby\"]"));
}

/* A record stored before the limits (here: a 1 MB school written behind the
 * core's back) is set aside with its reason when a batch is built; the
 * records behind it still go. */
static void
test_queue_sets_aside (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmSyncBatch) batch = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autofree char *mb = g_malloc (1024 * 1024 + 1);
  g_autoptr(sqlite3_stmt) st = NULL;
  JsonObject *p;
  const char *body;
  gsize len;

  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr(BmCandidate) c = bm_test_make_candidate (i, "1");
      g_assert_true (bm_store_add_candidate (f->store, c, "training", &error));
      g_assert_no_error (error);
    }
  memset (mb, 'x', 1024 * 1024);
  mb[1024 * 1024] = '\0';
  st = bm_store_prepare (f->store, "UPDATE candidates SET school = ? WHERE id = (SELECT MIN (id) FROM candidates)", NULL);
  g_assert_nonnull (st);
  sqlite3_bind_text (st, 1, mb, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);

  batch = bm_store_sync_make_batch (f->store, 100, 4 * 1024 * 1024, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (batch->n_records, ==, 2);
  body = g_bytes_get_data (batch->body, &len);
  g_assert_cmpuint (len, <, 64 * 1024);
  g_assert_null (g_strstr_len (body, len, "xxxxxxxx"));

  problems = bm_store_sync_problems (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  p = json_array_get_object_element (problems, 0);
  g_assert_cmpstr (json_object_get_string_member (p, "code"), ==, "over_limit");
  g_assert_nonnull (strstr (json_object_get_string_member (p, "message"), "The school is longer than 60 characters."));

  /* The typed status and problems the sync page reads say the same, and
   * the CLI's JSON made from them keeps docs/cli.md's keys in order. */
  {
    static const char * const keys[] = {
      "queue", "sending", "accepted", "rejected", "conflicts", "oldest_unsent_age_s", "server_url", "point_code",
      "user", "workstation_id", "cursor", "last_success", "last_attempt", "deadlines", "reconcile",
      "last_error_code", "last_error", "last_error_kind", "last_retry_after_s", NULL,
    };
    g_autoptr(GPtrArray) typed = bm_store_sync_dup_problems (f->store, &error);
    g_autoptr(BmSyncStatus) status = bm_store_sync_dup_status (f->store, &error);
    g_autoptr(BmSyncStatus) copy = NULL;
    g_autoptr(JsonObject) o = NULL;
    g_autoptr(JsonArray) again = NULL;
    g_autoptr(GList) members = NULL;
    const BmSyncProblem *tp;
    guint i = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (typed->len, ==, 1);
    tp = typed->pdata[0];
    g_assert_cmpstr (tp->code, ==, "over_limit");
    g_assert_cmpstr (tp->number, ==, json_object_get_string_member (p, "number"));
    g_assert_cmpstr (tp->message, ==, json_object_get_string_member (p, "message"));
    again = bm_sync_problems_to_json (typed);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (again, 0), "uuid"), ==, tp->uuid);

    g_assert_nonnull (status);
    g_assert_cmpint (status->rejected, ==, 1);
    g_assert_cmpint (status->sending, ==, 2);
    g_assert_cmpint (status->queue, ==, 2);    /* in the unanswered batch, still unsent */
    g_assert_null (status->server_url);
    g_assert_null (status->last_error);
    g_assert_false (status->has_retry_after);
    copy = g_boxed_copy (BM_TYPE_SYNC_STATUS, status);
    o = bm_sync_status_to_json (copy);
    members = json_object_get_members (o);
    for (GList *m = members; m; m = m->next, i++)
      g_assert_cmpstr (m->data, ==, keys[i]);
    g_assert_null (keys[i]);
    g_assert_cmpint (json_object_get_int_member (o, "rejected"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (o, "sending"), ==, 2);
    g_assert_true (json_object_get_null_member (o, "last_retry_after_s"));
  }

  /* Nothing else queued: no batch, and the set-aside record stays aside. */
  g_clear_pointer (&batch, bm_sync_batch_free);
  g_assert_null (bm_store_sync_make_batch (f->store, 100, 4 * 1024 * 1024, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/limits/json/depth", test_json_depth);
  g_test_add_func ("/limits/json/text", test_json_text);
  g_test_add_func ("/limits/json/size", test_json_size);
  g_test_add_func ("/limits/json/server-answer-deep", test_server_answer_deep);
  g_test_add_func ("/limits/fields/every-field", test_every_field_has_a_limit);
  g_test_add ("/limits/fields/bad-text", Fixture, NULL, fixture_setup, test_bad_text, fixture_teardown);
  g_test_add ("/limits/fields/lengths", Fixture, NULL, fixture_setup, test_lengths, fixture_teardown);
  g_test_add ("/limits/fields/nfc", Fixture, NULL, fixture_setup, test_nfc, fixture_teardown);
  g_test_add ("/limits/fields/online-from-server", Fixture, NULL, fixture_setup, test_online_fields_from_server,
              fixture_teardown);
  g_test_add ("/limits/fields/queue-sets-aside", Fixture, NULL, fixture_setup, test_queue_sets_aside,
              fixture_teardown);
  return g_test_run ();
}
