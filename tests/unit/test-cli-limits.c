/* baoming-cli against hostile input (issue 10 findings 3, 4, 6, found
 * through the CLI): deep nesting, /dev/zero on --json -, text that is not
 * text, over-long fields. The real binary on a real SQLite file. */

#include "bm-config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-test-util.h"

typedef struct {
  int status;          /* exit code, or -signal */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* stdin_path: a file to read standard input from, or NULL. */
static void
run_cli (Run *r, const char *stdin_path, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("BM_CLI"));
  va_start (ap, stdin_path);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (stdin_path != NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path);
  p = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -g_subprocess_get_term_sig (p);
}

typedef struct {
  char *dir;
  char *db;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 };

  f->dir = bm_test_make_dir ();
  f->db = g_build_filename (f->dir, "t.db", NULL);
  run_cli (&r, NULL, "--training", "--db", f->db, "init", NULL);
  g_assert_cmpint (r.status, ==, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  bm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static char *
record (guint i, const char *extra)
{
  g_autofree char *id_number = bm_test_make_id_number (i);
  g_autofree char *birth = g_strdup_printf ("%.4s-%.2s-%.2s", id_number + 6, id_number + 10, id_number + 12);

  return g_strdup_printf ("{\"id_number\": \"%s\", \"name\": \"张三\", \"sex\": \"1\", \"nation\": \"01\","
                          " \"birth_date\": \"%s\", \"category\": \"1\"%s}", id_number, birth, extra ? extra : "");
}

static char *
write_file (Fixture *f, const char *name, const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static gint64
count_records (Fixture *f)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) node = NULL;

  run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "list", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = json_from_string (r.out, NULL);
  g_assert_true (node != NULL && JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node));
}

static void
test_deep_nesting (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 };
  GString *deep = g_string_new (NULL);
  g_autofree char *path = NULL;

  /* 100,000 levels inside a record: json-glib alone dies of SIGSEGV. */
  g_string_append (deep, "{\"name\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  path = write_file (f, "deep.json", deep->str);
  g_string_free (deep, TRUE);

  run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "add", "--json", path, NULL);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "nested deeper than 32"));
  g_assert_cmpint (count_records (f), ==, 0);
}

static void
test_dev_zero (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 };
  gint64 start = g_get_monotonic_time ();

  /* Read to 2 GB before; now it stops at the 256 KiB cap. */
  run_cli (&r, "/dev/zero", "--training", "--db", f->db, "candidate", "add", "--json", "-", NULL);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "standard input"));
  g_assert_nonnull (strstr (r.err, "larger than 256"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_bad_text (Fixture *f, gconstpointer data)
{
  /* As JSON escapes, the way a script or a hostile file writes them. */
  static const struct { const char *extra; const char *says; } cases[] = {
    { ", \"school\": \"a\\u0000b\"", "NUL" },
    { ", \"school\": \"a\\ud800b\"", "surrogate" },
    { ", \"name_en\": \"\\u001b[31mRED\"", "English name" },
    { ", \"school\": \"\\u202e一中\"", "school" },
    { ", \"class_name\": \"\\u200b\"", "class" },
    { ", \"authority\": \"\\u0085公安局\"", "issuing authority" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      g_autofree char *text = record (1, cases[i].extra);
      g_autofree char *path = write_file (f, "bad.json", text);

      run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "add", "--json", path, NULL);
      g_assert_cmpint (r.status, ==, 3);
      if (strstr (r.err, cases[i].says) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” does not say “%s”", i, r.err, cases[i].says);
    }
  /* The name alone made of controls, given on standard input. */
  {
    g_auto(Run) r = { 0 };
    g_autofree char *text = record (1, NULL);
    g_autofree char *bad = NULL;
    g_autofree char *path = NULL;
    char *at = strstr (text, "张三");

    g_assert_nonnull (at);
    bad = g_strdup_printf ("%.*s\\u0007\\u0008%s", (int) (at - text), text, at + strlen ("张三"));
    path = write_file (f, "bell.json", bad);
    run_cli (&r, path, "--training", "--db", f->db, "candidate", "add", "--json", "-", NULL);
    g_assert_cmpint (r.status, ==, 3);
    g_assert_nonnull (strstr (r.err, "The name contains a control character (U+0007)"));
  }
  g_assert_cmpint (count_records (f), ==, 0);
}

static void
test_long_fields (Fixture *f, gconstpointer data)
{
  GString *school = g_string_new (NULL);
  g_autofree char *big = NULL, *big_path = NULL, *mb = NULL, *mb_path = NULL;
  g_auto(Run) r = { 0 }, r2 = { 0 };

  /* 100 KB of school name: within the record's size cap, over the field's. */
  for (int i = 0; i < 100 * 1024; i++)
    g_string_append_c (school, 'x');
  big = g_strdup_printf (", \"school\": \"%s\"", school->str);
  {
    g_autofree char *text = record (1, big);
    big_path = write_file (f, "big.json", text);
  }
  run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "add", "--json", big_path, NULL);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "The school is longer than 60 characters."));

  /* 1 MB: refused before it is parsed. */
  g_string_set_size (school, 1024 * 1024);
  memset (school->str, 'x', school->len);
  mb = g_strdup_printf (", \"school\": \"%s\"", school->str);
  {
    g_autofree char *text = record (1, mb);
    mb_path = write_file (f, "mb.json", text);
  }
  run_cli (&r2, NULL, "--training", "--db", f->db, "candidate", "add", "--json", mb_path, NULL);
  g_assert_cmpint (r2.status, ==, 3);
  g_assert_nonnull (strstr (r2.err, "larger than 256"));
  g_string_free (school, TRUE);
  g_assert_cmpint (count_records (f), ==, 0);
}

static void
test_nfc_and_update (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 }, r2 = { 0 }, r3 = { 0 };
  g_autofree char *text = record (1, ", \"school\": \"Cafe\\u0301\"");
  g_autofree char *path = write_file (f, "nfc.json", text);
  g_autofree char *change = write_file (f, "change.json", "{\"school\": \"\\u202e\\u0041\"}");
  g_autoptr(JsonNode) node = NULL;
  const char *number;

  run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "add", "--json", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = json_from_string (r.out, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "school"), ==, "Caf\xc3\xa9");
  number = json_object_get_string_member (json_node_get_object (node), "number");

  run_cli (&r2, NULL, "--training", "--db", f->db, "candidate", "update", number, "--json", change, NULL);
  g_assert_cmpint (r2.status, ==, 3);
  g_assert_nonnull (strstr (r2.err, "school"));
  run_cli (&r3, NULL, "--training", "--db", f->db, "candidate", "show", number, "--json", NULL);
  g_assert_cmpint (r3.status, ==, 0);
  g_assert_nonnull (strstr (r3.out, "\"school\" : \"Caf\xc3\xa9\""));
}

/* A name stored before the limits, with a terminal escape and a bidi
 * override: candidate list and show print it escaped, never the bytes. */
static void
test_terminal_output (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 }, list = { 0 }, show = { 0 };
  g_autofree char *text = record (1, NULL);
  g_autofree char *path = write_file (f, "ok.json", text);
  g_autoptr(JsonNode) node = NULL;
  const char *number;
  sqlite3 *db;

  run_cli (&r, NULL, "--training", "--db", f->db, "candidate", "add", "--json", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = json_from_string (r.out, NULL);
  number = json_object_get_string_member (json_node_get_object (node), "number");
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE candidates SET name = '张' || char(27) || '[2J' || char(8238) || '三',"
                                     " school = char(155) || '31m'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  run_cli (&list, NULL, "--training", "--db", f->db, "candidate", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_null (strchr (list.out, 0x1b));
  g_assert_null (strstr (list.out, "\xe2\x80\xae"));
  g_assert_nonnull (strstr (list.out, "张\\u{001B}[2J\\u{202E}三"));
  run_cli (&show, NULL, "--training", "--db", f->db, "candidate", "show", number, NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_null (strchr (show.out, 0x1b));
  g_assert_null (strstr (show.out, "\xc2\x9b"));
  g_assert_nonnull (strstr (show.out, "\\u{009B}31m"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-limits/deep-nesting", Fixture, NULL, fixture_setup, test_deep_nesting, fixture_teardown);
  g_test_add ("/cli-limits/dev-zero", Fixture, NULL, fixture_setup, test_dev_zero, fixture_teardown);
  g_test_add ("/cli-limits/bad-text", Fixture, NULL, fixture_setup, test_bad_text, fixture_teardown);
  g_test_add ("/cli-limits/long-fields", Fixture, NULL, fixture_setup, test_long_fields, fixture_teardown);
  g_test_add ("/cli-limits/nfc-and-update", Fixture, NULL, fixture_setup, test_nfc_and_update, fixture_teardown);
  g_test_add ("/cli-limits/terminal-output", Fixture, NULL, fixture_setup, test_terminal_output, fixture_teardown);
  return g_test_run ();
}
