/* test-print-cups.c: every document through a real private cupsd
 * (tests/cups/cups-harness.sh, testing.md R2), driven through baoming-cli as
 * a clerk's script would, with the printed PDF's text asserted. */
#include "bm-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-print-batch.h"
#include "bm-print-error.h"
#include "bm-qr-sign.h"
#include "bm-station-keys.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"
#include "bm-store-print.h"
#include "bm-store-private.h"
#include "bm-test-data.h"
#include "bm-test-util.h"

typedef struct
{
  char      *dir;
  char      *db;
  BmStore   *store;
  GPtrArray *numbers;
} Fixture;

static const char *
cli (void)
{
  const char *p = g_getenv ("BM_CLI");

  g_assert_nonnull (p);
  return p;
}

static char *
out_pdf (const char *queue)
{
  const char *dir = g_getenv ("BM_CUPS_OUT");

  g_assert_nonnull (dir);
  return g_strdup_printf ("%s/%s.pdf", dir, queue);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) photo = bm_test_load_photo ();

  f->dir = g_dir_make_tmp ("bm-print-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "store.db", NULL);
  f->store = bm_store_open (f->db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (bm_store_init_training (f->store, &error));
  g_assert_no_error (error);
  f->numbers = bm_test_add_candidates (f->store, n, 3, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < f->numbers->len && i < 20; i++)
    {
      g_assert_true (bm_test_add_photo (f->store, f->numbers->pdata[i], photo, &error));
      g_assert_no_error (error);
    }
  /* Delete the file a previous job left, so a job that wrote nothing shows. */
  for (guint i = 0; i < 1; i++)
    {
      g_autofree char *p = out_pdf ("testq");

      g_unlink (p);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_ptr_array_unref (f->numbers);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (f->db);
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static char *
candidate_value (Fixture    *f,
                 const char *number,
                 const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) c = bm_store_find_by_number (f->store, number, &error);

  g_assert_no_error (error);
  if (g_strv_contains (bm_candidate_keys (), key))
    return g_strdup (bm_candidate_get (c, key));
  return g_strdup (bm_identity_get (bm_candidate_get_identity (c), key));
}

static JsonObject *
last_log_row (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) rows = NULL;

  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "log", "--limit", "1", NULL), ==, 0);
  rows = parse_array (out);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  return json_object_ref (json_array_get_object_element (rows, 0));
}

/* Each record's number, name, password and ID number are on the page exactly
 * once per card/row, and nobody else's are. */
static void
assert_records_in_text (Fixture    *f,
                        const char *text,
                        guint       first,
                        guint       n,
                        gboolean    with_password)
{
  for (guint i = 0; i < f->numbers->len; i++)
    {
      const char *number = f->numbers->pdata[i];
      g_autofree char *id = candidate_value (f, number, "id_number");
      g_autofree char *password = candidate_value (f, number, "initial_password");
      guint expected = (i >= first && i < first + n) ? 1 : 0;

      g_assert_cmpuint (bm_test_count (text, id), ==, expected);
      if (with_password)
        g_assert_cmpuint (bm_test_count (text, password), ==, expected);
      g_assert_cmpuint (bm_test_count (text, number) > 0, ==, expected);
    }
}

static void
test_printers (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) list = NULL;
  gboolean seen_test = FALSE, seen_stopped = FALSE, seen_reject = FALSE;

  g_assert_cmpint (bm_test_run (&out, cli (), "printers", "--json", NULL), ==, 0);
  list = parse_array (out);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);
      const char *name = json_object_get_string_member (p, "name");

      if (g_str_equal (name, "testq"))
        {
          seen_test = TRUE;
          g_assert_true (json_object_get_boolean_member (p, "is_default"));
          g_assert_true (json_object_get_boolean_member (p, "ready"));
        }
      else if (g_str_equal (name, "stoppedq"))
        {
          seen_stopped = TRUE;
          g_assert_false (json_object_get_boolean_member (p, "ready"));
          g_assert_cmpint (json_object_get_int_member (p, "state"), ==, 5);
          g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (p, "state_reasons"), 0), ==, "paused");
        }
      else if (g_str_equal (name, "rejectq"))
        {
          seen_reject = TRUE;
          g_assert_false (json_object_get_boolean_member (p, "accepting_jobs"));
        }
    }
  g_assert_true (seen_test && seen_stopped && seen_reject);
}

/* The store has a station key (init makes one), so every card's QR is the
 * signed text of docs/qr.md for its number, genuine under the store's key.
 * 200 dpi: the ~147-character code does not decode from 150 dpi. */
static void
assert_qr_codes (Fixture    *f,
                 const char *pdf,
                 guint       first,
                 guint       n)
{
  g_autofree char *png_base = g_build_filename (f->dir, "cards", NULL);
  g_autofree char *png = g_strconcat (png_base, "-1.png", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(BmStationKeys) keys = bm_station_keys_load (bm_store_get_path (f->store), NULL);
  guint decoded = 0;

  g_assert_nonnull (keys);
  g_assert_cmpint (bm_test_run (NULL, "pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", pdf, png_base, NULL), ==, 0);
  g_assert_cmpint (bm_test_run (&out, "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("BM1.%s.", (char *) f->numbers->pdata[i]);
      gboolean found = FALSE;

      for (guint j = 0; lines[j] != NULL; j++)
        if (g_str_has_prefix (lines[j], prefix))
          {
            g_assert_true (bm_qr_verify (lines[j], keys->public_key, NULL, NULL));
            found = TRUE;
          }
      g_assert_true (found);
      decoded++;
    }
  g_assert_cmpuint (g_strv_length (lines), ==, decoded);
  g_unlink (png);
}

static void
test_login_cards (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *state = NULL;
  int rc;

  rc = bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                    "--all", "--json", "--operator", "training", "--deadline", "2019年11月8日17:00", NULL);
  g_assert_cmpint (rc, ==, 0);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "completed");
  g_assert_cmpint (json_object_get_int_member (result, "job_id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (result, "pages"), ==, 2);

  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 2);   /* 5 cards, 4 per sheet */
  text = bm_test_pdf_text (pdf, 0, 0);
  assert_records_in_text (f, text, 0, 5, TRUE);
  g_assert_cmpuint (bm_test_count (text, "网报登录卡"), ==, 5);
  g_assert_cmpuint (bm_test_count (text, BM_TEST_LONG_NAME), ==, 2);  /* records 2 and 5 */
  {
    g_autoptr(GString) joined = g_string_new (text);

    g_string_replace (joined, "\n", "", 0);
    g_assert_cmpuint (bm_test_count (joined->str, "信息保存及提交确认"), ==, 5);
    g_assert_cmpuint (bm_test_count (joined->str, "网上填报截止时间：2019年11月8日17:00"), ==, 5);
  }
  assert_qr_codes (f, pdf, 0, 4);

  /* completed: logged and the photographed records moved on */
  row = last_log_row (f);
  g_assert_cmpstr (json_object_get_string_member (row, "outcome"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (row, "printer"), ==, "testq");
  g_assert_cmpstr (json_object_get_string_member (row, "operator"), ==, "training");
  g_assert_cmpint (json_object_get_int_member (row, "job_id"), ==, json_object_get_int_member (result, "job_id"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "records")), ==, 5);
  state = candidate_value (f, f->numbers->pdata[0], "state");
  g_assert_cmpstr (state, ==, "card_printed");

  /* A reprint needs a reason, which is audited */
  g_clear_pointer (&out, g_free);
  rc = bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                    "--numbers", f->numbers->pdata[0], NULL);
  g_assert_cmpint (rc, ==, 5);
  g_clear_pointer (&out, g_free);
  rc = bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                    "--numbers", f->numbers->pdata[0], "--single", "--reason", "考生遗失登录卡", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_clear_pointer (&text, g_free);
  text = bm_test_pdf_text (pdf, 0, 0);
  assert_records_in_text (f, text, 0, 1, TRUE);
  {
    g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (f->store, "SELECT count(*) FROM audit_log WHERE action = 'reprint'"
                                                               " AND detail LIKE '%考生遗失登录卡%'", NULL);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  }
  /* --unprinted now finds nothing */
  g_clear_pointer (&out, g_free);
  rc = bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                    "--unprinted", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_clear_pointer (&result, json_object_unref);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "nothing");
}

static void
test_login_table (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *text = NULL;

  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-table", "--printer", "testq",
                                NULL), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 1);
  text = bm_test_pdf_text_flat (pdf, 0, 0);
  assert_records_in_text (f, text, 0, 5, TRUE);
  g_assert_nonnull (strstr (text, "第1页共1页"));
  g_assert_nonnull (strstr (text, "合计：5人（理工5人）"));
  g_assert_nonnull (strstr (text, "考生签名"));
}

static void
test_proof_sheets (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autoptr(GError) error = NULL;

  /* card printed -> comment entered, so the proof sheet may move the state */
  {
    g_autofree char *cards = g_build_filename (f->dir, "cards.pdf", NULL);

    g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--pdf",
                                  cards, "--all", NULL), ==, 0);
    g_assert_cmpint (bm_test_pdf_pages (cards), ==, 2);
    g_unlink (cards);
  }
  for (guint i = 0; i < f->numbers->len; i++)
    {
      /* no photo here: the supervisor's correction stands in for the
       * photo and the card print; the online fields come from the server */
      g_assert_true (bm_store_correct_state (f->store, f->numbers->pdata[i], BM_RECORD_STATE_COMMENTED, "test set-up",
                                             BM_TRAINING_SUPERVISOR, &error));
      bm_test_pull_online_fields (f->store, f->numbers->pdata[i]);
    }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "proof-sheets", "--printer", "testq",
                                "--numbers", f->numbers->pdata[1], NULL), ==, 0);
  {
    g_autofree char *text = bm_test_pdf_text (pdf, 0, 0);
    g_autofree char *state = candidate_value (f, f->numbers->pdata[1], "state");
    g_autofree char *other = candidate_value (f, f->numbers->pdata[0], "state");

    g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 1);
    assert_records_in_text (f, text, 1, 1, FALSE);
    g_assert_nonnull (strstr (text, BM_TEST_LONG_NAME));
    g_assert_nonnull (strstr (text, BM_TEST_LONG_NAME_EN));
    g_assert_nonnull (strstr (text, BM_TEST_LONG_ADDRESS));
    g_assert_nonnull (strstr (text, "该生思想进步，遵纪守法，学习刻苦，团结同学。"));
    g_assert_nonnull (strstr (text, "◆姓名"));
    g_assert_nonnull (strstr (text, "考生本人签名"));
    g_assert_cmpstr (state, ==, "proof_printed");
    g_assert_cmpstr (other, ==, "commented");
  }

  /* whole range: one candidate per page, in number order */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "proof-sheets", "--printer", "testq",
                                "--numbers", f->numbers->pdata[2], NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *range = g_strdup_printf ("%s-%s", (char *) f->numbers->pdata[0], (char *) f->numbers->pdata[4]);

    /* 2 and 3 were printed already: a reason is required for the batch */
    g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "proof-sheets", "--printer",
                                  "testq", "--numbers", range, NULL), ==, 5);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "proof-sheets", "--printer",
                                  "testq", "--numbers", range, "--reason", "更正后重新打印", NULL), ==, 0);
  }
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = bm_test_pdf_text (pdf, i + 1, i + 1);

      assert_records_in_text (f, text, i, 1, FALSE);
    }
}

static void
test_draft_and_review (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *text = NULL;

  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "draft-forms", "--printer", "testq",
                                "--copies", "3", NULL), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 3);
  text = bm_test_pdf_text (pdf, 0, 0);
  g_assert_cmpuint (bm_test_count (text, "湖南省普通高等学校招生考试报名草表"), ==, 3);
  g_assert_cmpuint (bm_test_count (text, "第 3 页 共 3 页"), ==, 1);
  assert_records_in_text (f, text, 0, 0, TRUE);

  /* 随迁子女: records 1 and 4 (every third from the first) */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "review-form", "--printer", "testq",
                                NULL), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 2);
  text = bm_test_pdf_text (pdf, 1, 1);
  g_assert_nonnull (strstr (text, "随迁子女普通高考报名资格审核表"));
  g_assert_nonnull (strstr (text, "考生1"));
  g_assert_null (strstr (text, "考生4"));
}

static void
assert_failure (Fixture    *f,
                const char *queue,
                int         expected_exit,
                const char *expected_outcome,
                const char *expected_detail,
                gboolean    has_job)
{
  g_autofree char *out = NULL;
  g_autofree char *before = candidate_value (f, f->numbers->pdata[0], "state");
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) row = NULL;
  int rc;

  rc = bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", queue,
                    "--all", "--timeout", "3", NULL);
  g_assert_cmpint (rc, ==, expected_exit);
  row = last_log_row (f);
  g_assert_cmpstr (json_object_get_string_member (row, "outcome"), ==, expected_outcome);
  g_assert_cmpstr (json_object_get_string_member (row, "printer"), ==, queue);
  if (has_job)
    g_assert_cmpint (json_object_get_int_member (row, "job_id"), >, 0);
  else
    g_assert_true (json_object_get_null_member (row, "job_id"));
  g_assert_nonnull (strstr (json_object_get_string_member (row, "detail"), expected_detail));
  after = candidate_value (f, f->numbers->pdata[0], "state");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (after, ==, "photographed");
}

static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *after = NULL;

  assert_failure (f, "brokenq", 10, "aborted", "simulated printer failure", TRUE);
  /* The failing backend also reported "paper out": shown in Chinese */
  {
    g_autofree char *list = NULL;
    g_autoptr(JsonArray) printers = NULL;

    g_setenv ("LANGUAGE", "zh_CN", TRUE);
    g_assert_cmpint (bm_test_run (&list, cli (), "printers", "--json", NULL), ==, 0);
    g_unsetenv ("LANGUAGE");
    printers = parse_array (list);
    for (guint i = 0; i < json_array_get_length (printers); i++)
      {
        JsonObject *p = json_array_get_object_element (printers, i);
        const char *name = json_object_get_string_member (p, "name");
        const char *state = json_object_get_string_member (p, "state_text");

        if (g_str_equal (name, "brokenq"))
          g_assert_cmpstr (state, ==, "就绪：缺纸");
        else if (g_str_equal (name, "stoppedq"))
          g_assert_cmpstr (state, ==, "已停止：队列已暂停");
        else if (g_str_equal (name, "rejectq"))
          g_assert_cmpstr (state, ==, "不接受作业");
      }
  }
  assert_failure (f, "stoppedq", 8, "refused", "paused", FALSE);
  assert_failure (f, "rejectq", 8, "refused", "accepting", FALSE);
  assert_failure (f, "nodevq", 9, "timeout", "stopped", TRUE);
  assert_failure (f, "no-such-queue", 8, "refused", "no-such-queue", FALSE);
  /* cupsd not answering at all */
  {
    g_autofree char *saved = g_strdup (g_getenv ("CUPS_SERVER"));

    g_setenv ("CUPS_SERVER", "localhost:1", TRUE);
    assert_failure (f, "testq", 8, "refused", "localhost:1", FALSE);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (bm_test_run (&out, cli (), "printers", NULL), ==, 8);
    g_setenv ("CUPS_SERVER", saved, TRUE);
  }
  /* After all that the cards were never printed: --unprinted still has all 5 */
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                                "--unprinted", NULL), ==, 0);
  after = candidate_value (f, f->numbers->pdata[4], "state");
  g_assert_cmpstr (after, ==, "card_printed");
}

static void
test_zero_candidates (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) result = NULL;

  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-table", "--printer", "testq",
                                NULL), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 1);
  text = bm_test_pdf_text_flat (pdf, 0, 0);
  g_assert_nonnull (strstr (text, "合计：0人"));
  g_assert_nonnull (strstr (text, "第1页共1页"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                                "--all", "--json", NULL), ==, 0);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "nothing");
}

static void
test_1001_candidates (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *last_page = NULL;
  g_autofree char *all = NULL;
  g_autoptr(JsonObject) result = NULL;
  int pages;

  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-table", "--printer", "testq",
                                "--json", NULL), ==, 0);
  result = parse_object (out);
  pages = json_object_get_int_member (result, "pages");
  g_assert_cmpint (pages, >, 40);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, pages);
  last_page = bm_test_pdf_text_flat (pdf, pages, pages);
  g_assert_nonnull (strstr (last_page, "合计：1001人（理工1001人）"));
  {
    g_autofree char *page_no = g_strdup_printf ("第%d页共%d页", pages, pages);

    g_assert_nonnull (strstr (last_page, page_no));
  }
  all = bm_test_pdf_text_flat (pdf, 0, 0);
  for (guint i = 0; i < f->numbers->len; i++)
    g_assert_cmpuint (bm_test_count (all, f->numbers->pdata[i]), ==, 1);
  g_assert_cmpuint (bm_test_count (all, "报名顺序号"), ==, pages);  /* header repeated */

  /* 1,001 login cards stream through CUPS as 251 sheets */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (bm_test_run (&out, cli (), "--training", "--db", f->db, "print", "login-cards", "--printer", "testq",
                                "--all", NULL), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 251);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
  guint      pages_seen;
  guint      n_pages;
  guint      statuses;
} AsyncRun;

static void
on_progress (BmPrintBatch *batch,
             guint         page,
             guint         n_pages,
             AsyncRun     *run)
{
  /* Relayed on the main thread, in order */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpuint (page, ==, run->pages_seen + 1);
  run->pages_seen = page;
  run->n_pages = n_pages;
}

static void
on_status_text (BmPrintBatch *batch,
                const char   *text,
                AsyncRun     *run)
{
  run->statuses++;
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->ok = bm_print_batch_print_finish (BM_PRINT_BATCH (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* The app's path: the job on a worker thread, photos still read from the
 * store on the main thread, signals back on the main thread. */
static void
test_async_batch (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BmPrintBatch) batch = bm_print_batch_new (f->store, BM_DOCUMENT_PROOF_SHEETS);
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *images = NULL;
  AsyncRun run = { g_main_loop_new (NULL, FALSE), };

  bm_print_batch_set_selection (batch, BM_PRINT_SELECT_ALL, NULL, NULL);
  bm_print_batch_set_operator (batch, "training");
  /* no 校对表 before the online fields arrived */
  g_assert_false (bm_print_batch_prepare (batch, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_assert_nonnull (strstr (error->message, "online fields"));
  g_clear_error (&error);
  for (guint i = 0; i < f->numbers->len; i++)
    bm_test_pull_online_fields (f->store, f->numbers->pdata[i]);
  g_assert_true (bm_print_batch_prepare (batch, &error));
  g_assert_no_error (error);
  g_signal_connect (batch, "progress", G_CALLBACK (on_progress), &run);
  g_signal_connect (batch, "status", G_CALLBACK (on_status_text), &run);
  bm_print_batch_print_async (batch, "testq", NULL, on_printed, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (run.pages_seen, ==, 5);
  g_assert_cmpuint (run.n_pages, ==, 5);
  g_assert_cmpuint (run.statuses, >=, 1);
  g_assert_cmpint (bm_print_job_get_outcome (bm_print_batch_get_job (batch)), ==, BM_PRINT_OUTCOME_COMPLETED);
  g_assert_cmpint (bm_test_pdf_pages (pdf), ==, 5);
  /* every proof sheet carries its photo (the JPEG, embedded as DCT) */
  g_assert_cmpint (bm_test_run (&images, "pdfimages", "-list", pdf, NULL), ==, 0);
  g_assert_cmpuint (bm_test_count (images, " jpeg "), ==, 5);

  /* Cancelled while rendering: the CUPS job is cancelled, the records stay. */
  {
    g_autoptr(BmPrintBatch) again = bm_print_batch_new (f->store, BM_DOCUMENT_LOGIN_CARDS);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(JsonObject) row = NULL;
    g_autofree char *state = NULL;

    run.ok = TRUE;
    bm_print_batch_set_selection (again, BM_PRINT_SELECT_ALL, NULL, NULL);
    bm_print_batch_set_operator (again, "training");
    g_assert_true (bm_print_batch_prepare (again, &error));
    g_cancellable_cancel (cancellable);
    bm_print_batch_print_async (again, "testq", cancellable, on_printed, &run);
    g_main_loop_run (run.loop);
    g_assert_false (run.ok);
    g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&run.error);
    row = last_log_row (f);
    g_assert_cmpstr (json_object_get_string_member (row, "outcome"), ==, "canceled");
    state = candidate_value (f, f->numbers->pdata[0], "state");
    g_assert_cmpstr (state, ==, "photographed");
  }
  g_main_loop_unref (run.loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/print/cups/printers", Fixture, GUINT_TO_POINTER (0), fixture_setup, test_printers, fixture_teardown);
  g_test_add ("/print/cups/login-cards", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_login_cards, fixture_teardown);
  g_test_add ("/print/cups/login-table", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_login_table, fixture_teardown);
  g_test_add ("/print/cups/proof-sheets", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_proof_sheets, fixture_teardown);
  g_test_add ("/print/cups/draft-and-review", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_draft_and_review, fixture_teardown);
  g_test_add ("/print/cups/failures", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_failures, fixture_teardown);
  g_test_add ("/print/cups/zero", Fixture, GUINT_TO_POINTER (0), fixture_setup, test_zero_candidates, fixture_teardown);
  g_test_add ("/print/cups/async-batch", Fixture, GUINT_TO_POINTER (5), fixture_setup, test_async_batch, fixture_teardown);
  g_test_add ("/print/cups/1001", Fixture, GUINT_TO_POINTER (1001), fixture_setup, test_1001_candidates, fixture_teardown);
  return g_test_run ();
}
