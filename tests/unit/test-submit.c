/* The final submission and the deadlines on a real SQLite store
 * (bm-record-complete.c, bm-store-submit.c, bm-store-deadline.c). The
 * server side runs in tests/sync/test-submit.sh. */
#include "bm-config.h"

#include <string.h>

#include "bm-error.h"
#include "bm-record-complete.h"
#include "bm-store-deadline.h"
#include "bm-store-private.h"
#include "bm-store-submit.h"
#include "bm-store-sync.h"
#include "bm-test-util.h"

typedef struct {
  char *dir;
  BmStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_unsetenv ("BAOMING_NOW");
  f->dir = bm_test_make_dir ();
  f->store = bm_test_open_training (f->dir, "training.db");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unsetenv ("BAOMING_NOW");
  g_clear_object (&f->store);
  bm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static gint64
count (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (st);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  return sqlite3_column_int64 (st, 0);
}

static void
exec (BmStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static BmCandidate *
add (BmStore *store, guint i, const char *category, GError **error)
{
  BmCandidate *c = bm_test_make_candidate (i, category);

  if (!bm_store_add_candidate (store, c, "training", error))
    g_clear_object (&c);
  return c;
}

/* Everything the counter does, then "accepted by the server" at this version. */
static char *
make_complete (BmStore *store, guint i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) c = add (store, i, "1", &error);
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE candidates SET fee_paid = 1, eligibility_checked = 1, state = 'signed',"
                         " review_state = CASE review_state WHEN 'pending' THEN 'approved' ELSE review_state END,"
                         " signature_confirmed = 1, synced_version = version WHERE uuid = '%s';"
                         "INSERT INTO photos (candidate_uuid, kind, jpeg, sha256, width, height, created_at)"
                         " VALUES ('%s', 'processed', X'FFD8FFD9', 'aa%u', 480, 640, '2026-12-05');",
                         bm_candidate_get (c, "uuid"), bm_candidate_get (c, "uuid"), i);
  exec (store, sql);
  return g_strdup (bm_candidate_get (c, "number"));
}

static void
test_complete_check (void)
{
  g_autoptr(BmCandidate) c = bm_test_make_candidate (1, "1");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = NULL;
  guint missing = 0;

  bm_candidate_set (c, "number", "01020001");
  bm_candidate_set (c, "state", "proof_printed");
  bm_candidate_set (c, "review_state", "pending");
  g_assert_false (bm_candidate_check_complete (c, FALSE, &missing, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INCOMPLETE);
  codes = bm_complete_items_codes (missing);
  g_assert_cmpstr (g_strjoinv (" ", codes), ==, "photo fee eligibility review signature");
  g_assert_nonnull (strstr (error->message, "01020001"));
  g_assert_nonnull (strstr (error->message, "fee is not recorded as paid"));
  g_assert_nonnull (strstr (error->message, "has not signed"));
  g_clear_error (&error);

  bm_candidate_set_flag (c, "fee_paid", TRUE);
  bm_candidate_set_flag (c, "eligibility_checked", TRUE);
  bm_candidate_set (c, "review_state", "approved");
  bm_candidate_set (c, "state", "signed");
  /* Signed by state alone is not enough: the confirmation is what counts. */
  g_assert_cmpuint (bm_candidate_missing (c, TRUE), ==, BM_COMPLETE_SIGNATURE);
  bm_candidate_set_flag (c, "signature_confirmed", TRUE);
  g_assert_cmpuint (bm_candidate_missing (c, FALSE), ==, BM_COMPLETE_PHOTO);
  g_assert_true (bm_candidate_check_complete (c, TRUE, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (missing, ==, 0);
  bm_candidate_set (c, "review_state", "not_required");
  g_assert_cmpuint (bm_candidate_missing (c, TRUE), ==, 0);
  bm_candidate_set (c, "review_state", "rejected");
  g_assert_cmpuint (bm_candidate_missing (c, TRUE), ==, BM_COMPLETE_REVIEW);
}

static void
test_registration_deadline (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCandidate) c = NULL;
  gint64 serials = count (f->store, "SELECT SUM(next_serial) FROM number_slices");

  /* The training point has no profile, hence no deadline, whenever it is. */
  g_setenv ("BAOMING_NOW", "2200-01-01T00:00:00Z", TRUE);
  c = add (f->store, 1, "1", &error);
  g_assert_no_error (error);
  g_clear_object (&c);

  g_assert_true (bm_store_sync_set (f->store, "profile",
                                    "{\"deadlines\": {\"registration_closes\": \"2026-11-08T10:00:00Z\","
                                    " \"categories\": {\"3\": {\"registration_closes\": \"2026-11-01T16:30:00Z\"},"
                                    "                  \"4\": {\"registration_closes\": \"2027-01-01T00:00:00Z\"}}}}",
                                    &error));
  serials = count (f->store, "SELECT SUM(next_serial) FROM number_slices");
  g_setenv ("BAOMING_NOW", "2026-11-08T10:00:00Z", TRUE);
  c = add (f->store, 2, "1", &error);
  g_assert_null (c);
  g_assert_error (error, BM_ERROR, BM_ERROR_DEADLINE_PASSED);
  g_assert_nonnull (strstr (error->message, "2026-11-08 18:00"));
  g_clear_error (&error);
  /* A later per-category date does not extend the general one. */
  c = add (f->store, 3, "4", &error);
  g_assert_error (error, BM_ERROR, BM_ERROR_DEADLINE_PASSED);
  g_clear_error (&error);
  g_assert_cmpint (count (f->store, "SELECT SUM(next_serial) FROM number_slices"), ==, serials);
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM candidates"), ==, 1);

  /* Before the general deadline, after the 艺术 one. */
  g_setenv ("BAOMING_NOW", "2026-11-05T00:00:00Z", TRUE);
  c = add (f->store, 4, "3", &error);
  g_assert_error (error, BM_ERROR, BM_ERROR_DEADLINE_PASSED);
  g_assert_nonnull (strstr (error->message, "category 3"));
  g_assert_nonnull (strstr (error->message, "2026-11-02 00:30"));
  g_clear_error (&error);
  c = add (f->store, 5, "1", &error);
  g_assert_no_error (error);
  g_clear_object (&c);
  g_setenv ("BAOMING_NOW", "2026-11-01T16:29:59Z", TRUE);
  c = add (f->store, 6, "3", &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM candidates"), ==, 3);
}

static const char *
uuid_of (BmStore *store, const char *number)
{
  static char uuid[64];
  g_autoptr(BmCandidate) c = bm_store_find_by_number (store, number, NULL);

  g_strlcpy (uuid, bm_candidate_get (c, "uuid"), sizeof uuid);
  return uuid;
}

static char *
answer (const char *id, const char *uuid, gint64 version, const char *tail)
{
  return g_strdup_printf ("{\"submission_id\":\"%s\",\"results\":[{\"uuid\":\"%s\",\"version\":%" G_GINT64_FORMAT "%s}]}",
                          id, uuid, version, tail);
}

static void
test_submission (Fixture *f, gconstpointer data)
{
  g_autofree char *n1 = make_complete (f->store, 1);
  g_autofree char *n2 = NULL;
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_submit_result_free);
  g_autoptr(GPtrArray) ready = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(BmSubmission) sub = NULL;
  g_autoptr(BmSubmission) stored = NULL;
  g_autoptr(BmCandidate) c = NULL;
  g_autoptr(JsonObject) outcome = NULL;
  g_autoptr(GError) error = NULL;
  BmSubmitResult *r;
  char uuid1[64];
  gint64 version1;

  c = add (f->store, 2, "1", &error);
  n2 = g_strdup (bm_candidate_get (c, "number"));
  g_clear_object (&c);
  g_strlcpy (uuid1, uuid_of (f->store, n1), sizeof uuid1);
  c = bm_store_find_by_number (f->store, n1, NULL);
  version1 = bm_candidate_get_version (c);
  g_clear_object (&c);

  ready = bm_store_submit_list_ready (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ready->len, ==, 1);
  g_assert_cmpstr (ready->pdata[0], ==, n1);

  {
    const char *numbers[] = { n1, n2, NULL };
    sub = bm_store_submit_prepare (f->store, numbers, FALSE, refused, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (sub);
  g_assert_cmpuint (sub->n_records, ==, 1);
  g_assert_cmpuint (refused->len, ==, 1);
  r = refused->pdata[0];
  g_assert_cmpstr (r->number, ==, n2);
  g_assert_cmpstr (r->code, ==, "incomplete");
  g_assert_cmpstr (g_strjoinv (",", r->missing), ==, "photo,fee,eligibility,review,signature");
  g_assert_false (r->by_server);
  outcome = bm_store_submit_dup_outcome (f->store, uuid_of (f->store, n2));
  g_assert_cmpstr (json_object_get_string_member (outcome, "status"), ==, "refused");
  g_clear_pointer (&outcome, json_object_unref);

  /* Stored before the first send: the same id and bytes come back. */
  stored = bm_store_submit_stored (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->submission_id, ==, sub->submission_id);
  g_assert_true (g_bytes_equal (stored->body, sub->body));

  /* Answers that do not match the request are refused whole. */
  {
    g_autofree char *other_id = answer ("nope", uuid1, version1, ",\"status\":\"accepted\"");
    g_autofree char *other_uuid = answer (sub->submission_id, "a-b-c", version1, ",\"status\":\"accepted\"");
    g_autofree char *other_version = answer (sub->submission_id, uuid1, version1 + 1, ",\"status\":\"accepted\"");
    g_autofree char *no_code = answer (sub->submission_id, uuid1, version1, ",\"status\":\"refused\"");
    g_autofree char *odd = answer (sub->submission_id, uuid1, version1, ",\"status\":\"maybe\"");
    g_autofree char *two = g_strdup_printf ("{\"submission_id\":\"%s\",\"results\":[{\"uuid\":\"%s\",\"version\":%"
                                            G_GINT64_FORMAT ",\"status\":\"accepted\"},{\"uuid\":\"x\",\"version\":1,"
                                            "\"status\":\"accepted\"}]}", sub->submission_id, uuid1, version1);
    const char *bad[] = { other_id, other_uuid, other_version, no_code, odd, two, "[]", "{", NULL };

    for (guint i = 0; bad[i]; i++)
      {
        g_assert_null (bm_store_submit_apply_answer (f->store, sub->submission_id, bad[i], strlen (bad[i]), &error));
        g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
        g_clear_error (&error);
      }
  }
  c = bm_store_find_by_number (f->store, n1, NULL);
  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "signed");
  g_clear_object (&c);
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM submissions"), ==, 1);

  /* The province's acceptance: submitted, no new version, audited as "province". */
  {
    g_autofree char *ok = answer (sub->submission_id, uuid1, version1, ",\"status\":\"accepted\",\"extra\":1");
    results = bm_store_submit_apply_answer (f->store, sub->submission_id, ok, strlen (ok), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (results->len, ==, 1);
    g_assert_cmpstr (((BmSubmitResult *) results->pdata[0])->status, ==, "accepted");
    /* The same answer again (a resend's): nothing stored, nothing applied twice. */
    g_assert_null (bm_store_submit_apply_answer (f->store, sub->submission_id, ok, strlen (ok), &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
    g_clear_error (&error);
  }
  c = bm_store_find_by_number (f->store, n1, NULL);
  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "submitted");
  g_assert_cmpint (bm_candidate_get_version (c), ==, version1);
  g_clear_object (&c);
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM audit_log WHERE action = 'submitted' AND operator = 'province'"), ==, 1);
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM submissions"), ==, 0);
  g_assert_null (bm_store_submit_stored (f->store, &error));
  g_assert_no_error (error);
  outcome = bm_store_submit_dup_outcome (f->store, uuid1);
  g_assert_cmpstr (json_object_get_string_member (outcome, "status"), ==, "accepted");
  g_clear_pointer (&outcome, json_object_unref);

  /* Submitted once: not again, even forced. */
  g_ptr_array_set_size (refused, 0);
  {
    const char *numbers[] = { n1, NULL };
    g_clear_pointer (&sub, bm_submission_free);
    sub = bm_store_submit_prepare (f->store, numbers, TRUE, refused, &error);
    g_assert_no_error (error);
    g_assert_null (sub);
    g_assert_cmpstr (((BmSubmitResult *) refused->pdata[0])->code, ==, "already_submitted");
  }

  /* A later upload of the record never says "submitted" (§7). */
  {
    g_autoptr(JsonObject) changes = json_object_new ();
    g_autoptr(BmSyncBatch) batch = NULL;
    g_autofree char *body = NULL;

    json_object_set_string_member (changes, "phone", "13800000000");
    g_assert_true (bm_store_update_candidate (f->store, n1, changes, NULL, "training", &error));
    g_assert_no_error (error);
    batch = bm_store_sync_make_batch (f->store, 200, 1 << 20, &error);
    g_assert_no_error (error);
    body = g_strndup (g_bytes_get_data (batch->body, NULL), g_bytes_get_size (batch->body));
    g_assert_nonnull (strstr (body, "13800000000"));
    g_assert_null (strstr (body, "submitted"));
  }
}

static void
test_refusal_keeps_state (Fixture *f, gconstpointer data)
{
  g_autofree char *n1 = make_complete (f->store, 1);
  g_autoptr(BmSubmission) sub = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JsonObject) outcome = NULL;
  g_autoptr(BmCandidate) c = bm_store_find_by_number (f->store, n1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *refusal = NULL;
  const char *numbers[] = { n1, NULL };

  sub = bm_store_submit_prepare (f->store, numbers, FALSE, NULL, &error);
  g_assert_no_error (error);
  refusal = answer (sub->submission_id, bm_candidate_get (c, "uuid"), bm_candidate_get_version (c),
                    ",\"status\":\"refused\",\"code\":\"incomplete\",\"missing\":[\"fee\"],\"reason\":\"x\"");
  results = bm_store_submit_apply_answer (f->store, sub->submission_id, refusal, strlen (refusal), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((BmSubmitResult *) results->pdata[0])->code, ==, "incomplete");
  g_assert_true (((BmSubmitResult *) results->pdata[0])->by_server);
  g_clear_object (&c);
  c = bm_store_find_by_number (f->store, n1, NULL);
  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "signed");
  outcome = bm_store_submit_dup_outcome (f->store, bm_candidate_get (c, "uuid"));
  g_assert_cmpstr (json_object_get_string_member (outcome, "code"), ==, "incomplete");
  g_assert_nonnull (strstr (json_object_get_string_member (outcome, "reason"), "fee is not recorded as paid"));
  g_assert_cmpint (count (f->store, "SELECT COUNT(*) FROM audit_log WHERE action = 'submission_refused' AND operator = 'province'"), ==, 1);
  /* The refused record may be submitted again. */
  g_assert_cmpuint (bm_store_submit_list_ready (f->store, NULL)->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/submit/complete-check", test_complete_check);
  g_test_add ("/submit/registration-deadline", Fixture, NULL, fixture_setup, test_registration_deadline, fixture_teardown);
  g_test_add ("/submit/submission", Fixture, NULL, fixture_setup, test_submission, fixture_teardown);
  g_test_add ("/submit/refusal-keeps-state", Fixture, NULL, fixture_setup, test_refusal_keeps_state, fixture_teardown);
  return g_test_run ();
}
