/* The record lifecycle driven by events (docs/lifecycle.md): every state
 * against every event, each precondition with its sentence, the roles, the
 * supervisor's correction, the card match at signature and the phone
 * confirmation. */

#include "bm-config.h"

#include <string.h>

#include "bm-error.h"
#include "bm-record-lifecycle.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"
#include "bm-store-print.h"
#include "bm-store-private.h"
#include "bm-sync-message.h"
#include "bm-test-util.h"

/* Per event, per state (collected … returned): the state it leads to,
 * "=" where it is recorded and the state stays, "-" where it is refused. */
static const struct {
  BmRecordEvent event;
  const char *expect[BM_N_RECORD_STATES];
} table[] = {
  { BM_RECORD_EVENT_NUMBER_ASSIGNED,      { "numbered", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-" } },
  { BM_RECORD_EVENT_PHOTO_SAVED,          { "-", "photographed", "=", "=", "=", "=", "=", "=", "=", "=", "=" } },
  { BM_RECORD_EVENT_CARD_PRINTED,         { "-", "-", "card_printed", "=", "=", "=", "=", "=", "=", "=", "=" } },
  { BM_RECORD_EVENT_CARD_HANDED_OVER,     { "-", "-", "-", "=", "=", "=", "=", "=", "-", "-", "=" } },
  { BM_RECORD_EVENT_FEE_RECORDED,         { "-", "=", "=", "=", "=", "=", "=", "=", "-", "-", "=" } },
  { BM_RECORD_EVENT_ELIGIBILITY_RECORDED, { "-", "=", "=", "=", "=", "=", "=", "=", "-", "-", "=" } },
  { BM_RECORD_EVENT_REVIEW_DECIDED,       { "-", "=", "=", "=", "=", "=", "=", "=", "-", "-", "=" } },
  { BM_RECORD_EVENT_ONLINE_FIELDS_PULLED, { "=", "=", "=", "filled_online", "=", "=", "=", "=", "=", "=", "=" } },
  { BM_RECORD_EVENT_COMMENT_SAVED,        { "-", "=", "=", "commented", "commented", "=", "=", "=", "=", "=", "=" } },
  { BM_RECORD_EVENT_PROOF_PRINTED,        { "-", "-", "-", "-", "proof_printed", "proof_printed", "=", "=", "=", "=", "proof_printed" } },
  { BM_RECORD_EVENT_SIGNATURE_CONFIRMED,  { "-", "-", "-", "-", "-", "-", "signed", "-", "-", "-", "-" } },
  { BM_RECORD_EVENT_PHONE_CONFIRMED,      { "-", "-", "-", "-", "-", "-", "signed", "-", "-", "-", "-" } },
  { BM_RECORD_EVENT_RECORD_CHANGED,       { "=", "=", "=", "=", "=", "=", "=", "proof_printed", "=", "=", "=" } },
  { BM_RECORD_EVENT_COUNTY_APPROVED,      { "-", "-", "-", "-", "-", "-", "-", "-", "county_reviewed", "-", "-" } },
  { BM_RECORD_EVENT_COUNTY_RETURNED,      { "-", "-", "-", "-", "-", "-", "-", "-", "returned", "-", "-" } },
  { BM_RECORD_EVENT_SUBMISSION_ACCEPTED,  { "-", "-", "-", "-", "-", "-", "-", "submitted", "-", "-", "-" } },
};

static gboolean
from_province (BmRecordEvent event)
{
  return event == BM_RECORD_EVENT_ONLINE_FIELDS_PULLED || event == BM_RECORD_EVENT_COUNTY_APPROVED
         || event == BM_RECORD_EVENT_COUNTY_RETURNED || event == BM_RECORD_EVENT_SUBMISSION_ACCEPTED;
}

/* A record that meets every precondition of @event, in @state. */
static BmCandidate *
ready_for (BmRecordEvent event, BmRecordState state)
{
  BmCandidate *c = bm_test_make_candidate (1, "1");

  bm_candidate_set (c, "state", bm_record_state_to_string (state));
  bm_candidate_set (c, "source", "card");
  bm_candidate_set (c, "review_state", "not_required");
  bm_candidate_set_flag (c, "fee_paid", event != BM_RECORD_EVENT_FEE_RECORDED);
  bm_candidate_set_flag (c, "eligibility_checked", event != BM_RECORD_EVENT_ELIGIBILITY_RECORDED);
  bm_candidate_set (c, "online_pulled_at", "2026-12-01T10:00:00+08");
  bm_candidate_set (c, "comment", "该生思想进步。");
  if (event == BM_RECORD_EVENT_REVIEW_DECIDED)
    {
      bm_candidate_set (c, "source", "manual");
      bm_candidate_set (c, "review_state", "pending");
    }
  return c;
}

static void
test_table (void)
{
  g_assert_cmpint (G_N_ELEMENTS (table), ==, BM_N_RECORD_EVENTS);
  for (gsize e = 0; e < G_N_ELEMENTS (table); e++)
    for (int s = 0; s < BM_N_RECORD_STATES; s++)
      {
        BmRecordEvent event = table[e].event;
        const char *expect = table[e].expect[s];
        const char *actor = from_province (event) ? BM_ACTOR_PROVINCE : "training";
        g_autoptr(BmCandidate) c = ready_for (event, s);
        g_autoptr(JsonObject) detail = json_object_new ();
        g_autoptr(GError) error = NULL;
        BmRecordState to = BM_N_RECORD_STATES;
        gboolean ok;

        g_test_message ("%s in %s: expect %s", bm_record_event_to_string (event), bm_record_state_to_string (s), expect);
        ok = bm_record_lifecycle_next (c, event, actor, &to, &error);
        if (g_str_equal (expect, "-"))
          {
            g_autofree char *sentence = NULL;

            g_assert_false (ok);
            g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
            sentence = g_strdup_printf ("A record in the state “%s” cannot take the event “%s”.",
                                        bm_record_state_get_label (s), bm_record_event_get_label (event));
            g_assert_cmpstr (error->message, ==, sentence);
            /* apply refuses the same way and leaves the record as it was */
            g_clear_error (&error);
            g_assert_false (bm_record_lifecycle_apply (c, event, actor, detail, &error));
            g_assert_cmpint (bm_candidate_get_state (c), ==, s);
            continue;
          }
        g_assert_no_error (error);
        g_assert_true (ok);
        g_assert_cmpstr (bm_record_state_to_string (to), ==, g_str_equal (expect, "=") ? bm_record_state_to_string (s) : expect);
        /* only the province's acceptance of the final submission leads into
         * submitted (and test_actors shows no one else can cause it) */
        g_assert_true (to != BM_RECORD_STATE_SUBMITTED || s == BM_RECORD_STATE_SUBMITTED
                       || event == BM_RECORD_EVENT_SUBMISSION_ACCEPTED);
        g_assert_true (bm_record_lifecycle_apply (c, event, actor, detail, &error));
        g_assert_no_error (error);
        g_assert_cmpint (bm_candidate_get_state (c), ==, to);
        g_assert_cmpstr (json_object_get_string_member (detail, "event"), ==, bm_record_event_to_string (event));
        if (to != (BmRecordState) s)
          {
            g_assert_cmpstr (json_object_get_string_member (detail, "from"), ==, bm_record_state_to_string (s));
            g_assert_cmpstr (json_object_get_string_member (detail, "to"), ==, expect);
          }
        else
          g_assert_false (json_object_has_member (detail, "to"));
      }
}

/* The county's decisions and the online fields come only from the server;
 * what the point records never comes from it. */
static void
test_actors (void)
{
  for (int e = 0; e < BM_N_RECORD_EVENTS; e++)
    {
      g_autoptr(BmCandidate) c = ready_for (e, BM_RECORD_STATE_SUBMITTED);
      g_autoptr(GError) error = NULL;
      BmRecordState to;

      g_assert_false (bm_record_lifecycle_next (c, e, from_province (e) ? "training" : BM_ACTOR_PROVINCE, &to, &error));
      g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
    }
}

static void
assert_refused (BmCandidate *c, BmRecordEvent event, const char *sentence_part)
{
  g_autoptr(GError) error = NULL;
  BmRecordState to;

  g_assert_false (bm_record_lifecycle_next (c, event, "training", &to, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, sentence_part));
}

static void
test_preconditions (void)
{
  g_autoptr(BmCandidate) c = ready_for (BM_RECORD_EVENT_CARD_HANDED_OVER, BM_RECORD_STATE_CARD_PRINTED);
  BmRecordState to;

  /* 第五步: 资格审查 and fee before the login card is handed over */
  bm_candidate_set_flag (c, "eligibility_checked", FALSE);
  assert_refused (c, BM_RECORD_EVENT_CARD_HANDED_OVER, "The 资格审查 has not been recorded: the login card cannot be handed over yet.");
  bm_candidate_set_flag (c, "eligibility_checked", TRUE);
  bm_candidate_set_flag (c, "fee_paid", FALSE);
  assert_refused (c, BM_RECORD_EVENT_CARD_HANDED_OVER, "The fee has not been recorded as paid: the login card cannot be handed over yet.");
  bm_candidate_set_flag (c, "fee_paid", TRUE);
  assert_refused (c, BM_RECORD_EVENT_FEE_RECORDED, "The fee has already been recorded.");
  assert_refused (c, BM_RECORD_EVENT_ELIGIBILITY_RECORDED, "The 资格审查 has already been recorded.");

  /* 三.1-3: a typed-in record's review decision before its card is released */
  bm_candidate_set (c, "source", "manual");
  bm_candidate_set (c, "review_state", "pending");
  bm_candidate_set (c, "review_level", "county");
  assert_refused (c, BM_RECORD_EVENT_CARD_HANDED_OVER, "the county must approve it (随迁子女 review)");
  bm_candidate_set (c, "review_level", "city");
  bm_candidate_set (c, "review_state", "rejected");
  assert_refused (c, BM_RECORD_EVENT_CARD_HANDED_OVER, "the city must approve its documents");
  bm_candidate_set (c, "review_state", "approved");
  g_assert_true (bm_record_lifecycle_next (c, BM_RECORD_EVENT_CARD_HANDED_OVER, "training", &to, NULL));
  assert_refused (c, BM_RECORD_EVENT_REVIEW_DECIDED, "This record is not waiting for review.");

  /* 校对表 after the online fields arrived, and with its 评语 */
  bm_candidate_set (c, "state", "commented");
  bm_candidate_set (c, "online_pulled_at", NULL);
  bm_candidate_set (c, "online_fields", "{\"phone\":\"1\"}");   /* typed by a clerk: not an arrival */
  assert_refused (c, BM_RECORD_EVENT_PROOF_PRINTED, "The online fields have not arrived from the 网报 site");
  bm_candidate_set (c, "online_pulled_at", "2026-12-01T10:00:00+08");
  bm_candidate_set (c, "comment", NULL);
  assert_refused (c, BM_RECORD_EVENT_PROOF_PRINTED, "No 评语 has been saved");
  bm_candidate_set (c, "comment", "好");
  g_assert_true (bm_record_lifecycle_next (c, BM_RECORD_EVENT_PROOF_PRINTED, "training", &to, NULL));

  /* 第七步, 三.3: a typed-in record is signed only after its own card matched */
  bm_candidate_set (c, "state", "proof_printed");
  assert_refused (c, BM_RECORD_EVENT_SIGNATURE_CONFIRMED, "the candidate's own ID card must be placed on the reader");
  bm_candidate_set (c, "card_matched_at", "2026-12-01T10:00:00+08");
  g_assert_true (bm_record_lifecycle_next (c, BM_RECORD_EVENT_SIGNATURE_CONFIRMED, "training", &to, NULL));
  g_assert_cmpint (to, ==, BM_RECORD_STATE_SIGNED);
}

/* ---- in the store ---- */

typedef struct {
  char *dir;
  BmStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = bm_test_make_dir ();
  f->store = bm_test_open_training (f->dir, "training.db");
  g_assert_true (bm_store_add_operator (f->store, "officer1", "王科长", NULL, BM_OPERATOR_ROLE_OFFICER,
                                        BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  bm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
add (Fixture *f, guint i, const char *source, gboolean migrant)
{
  g_autoptr(BmCandidate) c = bm_test_make_candidate (i, "1");
  g_autoptr(GError) error = NULL;

  bm_candidate_set (c, "source", source);
  bm_candidate_set_flag (c, "migrant_child", migrant);
  bm_candidate_set_flag (c, "fee_paid", TRUE);      /* ignored: an event, not input */
  bm_candidate_set (c, "confirmation_method", "phone");
  g_assert_true (bm_store_add_candidate (f->store, c, "training", &error));
  g_assert_no_error (error);
  return g_strdup (bm_candidate_get (c, "number"));
}

static BmCandidate *
reload (Fixture *f, const char *number)
{
  g_autoptr(GError) error = NULL;
  BmCandidate *c = bm_store_find_by_number (f->store, number, &error);

  g_assert_no_error (error);
  return c;
}

static char *
state_of (Fixture *f, const char *number)
{
  g_autoptr(BmCandidate) c = reload (f, number);

  return g_strdup (bm_candidate_get (c, "state"));
}

static void
print_done (Fixture *f, const char *number, BmRecordState printed)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (numbers, (gpointer) number);
  g_assert_cmpint (bm_store_print_log_add (f->store, "test", numbers, 7, "testq", "training", "completed",
                                           NULL, NULL, printed, &error), >, 0);
  g_assert_no_error (error);
}

static gint64
count (Fixture *f, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (f->store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

#define ASSERT_STATE(f, number, expected) \
  G_STMT_START { g_autofree char *s_ = state_of (f, number); g_assert_cmpstr (s_, ==, expected); } G_STMT_END

/* A record read from a chip, through every event the point records. */
static void
test_store_flow (Fixture *f, gconstpointer data)
{
  g_autofree char *n = add (f, 1, "card", FALSE);
  g_autoptr(BmCandidate) c = reload (f, n);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "numbered");
  g_assert_false (bm_candidate_get_flag (c, "fee_paid"));
  g_assert_null (bm_candidate_get (c, "confirmation_method"));
  g_assert_null (bm_candidate_get (c, "review_level"));

  /* a card printed before the photo is on paper, but the state stays */
  print_done (f, n, BM_RECORD_STATE_CARD_PRINTED);
  ASSERT_STATE (f, n, "numbered");
  g_assert_true (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PHOTOGRAPHED, "photo taken on paper",
                                         BM_TRAINING_SUPERVISOR, &error));
  print_done (f, n, BM_RECORD_STATE_CARD_PRINTED);
  ASSERT_STATE (f, n, "card_printed");

  g_assert_false (bm_store_record_event (f->store, n, BM_RECORD_EVENT_CARD_HANDED_OVER, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);
  g_assert_true (bm_store_record_event (f->store, n, BM_RECORD_EVENT_ELIGIBILITY_RECORDED, "training", &error));
  g_assert_false (bm_store_record_event (f->store, n, BM_RECORD_EVENT_CARD_HANDED_OVER, "training", &error));
  g_assert_nonnull (strstr (error->message, "fee"));
  g_clear_error (&error);
  g_assert_true (bm_store_record_event (f->store, n, BM_RECORD_EVENT_FEE_RECORDED, "training", &error));
  g_assert_true (bm_store_record_event (f->store, n, BM_RECORD_EVENT_CARD_HANDED_OVER, "training", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action IN ('fee_recorded', 'eligibility_recorded',"
                             " 'card_handed_over') AND operator = 'training'"), ==, 3);

  /* the 校对表 before the online fields: paper, no move */
  print_done (f, n, BM_RECORD_STATE_PROOF_PRINTED);
  ASSERT_STATE (f, n, "card_printed");
  bm_test_pull_online_fields (f->store, n);
  ASSERT_STATE (f, n, "filled_online");
  g_clear_object (&c);
  c = reload (f, n);
  g_assert_nonnull (bm_candidate_get (c, "online_pulled_at"));
  g_assert_nonnull (bm_candidate_get (c, "card_handed_over_at"));

  json_object_set_string_member (changes, "comment", "该生思想进步。");
  g_assert_true (bm_store_update_candidate (f->store, n, changes, NULL, "training", &error));
  ASSERT_STATE (f, n, "commented");
  print_done (f, n, BM_RECORD_STATE_PROOF_PRINTED);
  ASSERT_STATE (f, n, "proof_printed");

  /* a county decision for a record not submitted: recorded, no move */
  bm_test_pull_decision (f->store, n, "approved");
  ASSERT_STATE (f, n, "proof_printed");

  g_assert_true (bm_store_confirm_signature (f->store, n, NULL, "training", &error));
  g_assert_no_error (error);
  ASSERT_STATE (f, n, "signed");
  g_clear_object (&c);
  c = reload (f, n);
  g_assert_cmpstr (bm_candidate_get (c, "confirmation_method"), ==, "signature");
  g_assert_cmpstr (bm_candidate_get (c, "confirmed_by"), ==, "training");
  g_assert_true (bm_candidate_get_flag (c, "signature_confirmed"));

  /* fee and 资格审查 are no longer free edits */
  json_object_set_boolean_member (changes, "fee_paid", FALSE);
  g_assert_false (bm_store_update_candidate (f->store, n, changes, NULL, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
}

static void
test_correction (Fixture *f, gconstpointer data)
{
  g_autofree char *n = add (f, 2, "card", FALSE);
  g_autoptr(GError) error = NULL;
  static const BmRecordState never[] = {
    BM_RECORD_STATE_SUBMITTED, BM_RECORD_STATE_COUNTY_REVIEWED, BM_RECORD_STATE_RETURNED,
  };

  g_assert_false (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PROOF_PRINTED, "纸质流程已完成", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PROOF_PRINTED, "  ", BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  for (gsize i = 0; i < G_N_ELEMENTS (never); i++)
    {
      g_assert_false (bm_store_correct_state (f->store, n, never[i], "纸质流程已完成", BM_TRAINING_SUPERVISOR, &error));
      g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
      g_clear_error (&error);
    }
  ASSERT_STATE (f, n, "numbered");
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'state_correction'"), ==, 0);

  g_assert_true (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PROOF_PRINTED, "纸质流程已完成",
                                         BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  ASSERT_STATE (f, n, "proof_printed");
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'state_correction'"
                             " AND operator = 'training-supervisor'"
                             " AND json_extract (detail, '$.reason') = '纸质流程已完成'"
                             " AND json_extract (detail, '$.from') = 'numbered'"
                             " AND json_extract (detail, '$.to') = 'proof_printed'"), ==, 1);
}

static void
test_officer_review (Fixture *f, gconstpointer data)
{
  g_autofree char *city = add (f, 3, "manual", FALSE);
  g_autofree char *county = add (f, 4, "manual", TRUE);
  g_autoptr(BmCandidate) c = NULL;
  g_autoptr(GError) error = NULL;

  c = reload (f, city);
  g_assert_cmpstr (bm_candidate_get (c, "review_level"), ==, "city");
  g_clear_object (&c);
  c = reload (f, county);
  g_assert_cmpstr (bm_candidate_get (c, "review_level"), ==, "county");
  g_clear_object (&c);

  /* the level follows the 随迁子女 flag while the review is pending */
  {
    g_autoptr(JsonObject) changes = json_object_new ();

    json_object_set_boolean_member (changes, "migrant_child", TRUE);
    g_assert_true (bm_store_update_candidate (f->store, city, changes, NULL, "training", &error));
    g_assert_no_error (error);
    c = reload (f, city);
    g_assert_cmpstr (bm_candidate_get (c, "review_level"), ==, "county");
    g_clear_object (&c);
    json_object_set_boolean_member (changes, "migrant_child", FALSE);
    g_assert_true (bm_store_update_candidate (f->store, city, changes, NULL, "training", &error));
    c = reload (f, city);
    g_assert_cmpstr (bm_candidate_get (c, "review_level"), ==, "city");
    g_clear_object (&c);
  }

  g_assert_false (bm_store_set_review (f->store, county, TRUE, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_store_set_review (f->store, county, TRUE, BM_TRAINING_SUPERVISOR, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (bm_store_set_review (f->store, county, TRUE, "officer1", &error));
  g_assert_no_error (error);
  c = reload (f, county);
  g_assert_cmpstr (bm_candidate_get (c, "review_state"), ==, "approved");
  g_assert_cmpstr (bm_candidate_get (c, "reviewed_by"), ==, "officer1");
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'review' AND operator = 'officer1'"
                             " AND json_extract (detail, '$.review_level') = 'county'"), ==, 1);
}

static void
test_signature_card_match (Fixture *f, gconstpointer data)
{
  g_autofree char *n = add (f, 5, "manual", FALSE);
  g_autoptr(BmCandidate) c = reload (f, n);
  g_autoptr(BmIdentity) other = bm_identity_copy (bm_candidate_get_identity (c));
  g_autoptr(BmIdentity) card = bm_identity_copy (bm_candidate_get_identity (c));
  g_autoptr(GError) error = NULL;
  g_autofree char *other_number = bm_test_make_id_number (99);

  g_assert_true (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PROOF_PRINTED, "test", BM_TRAINING_SUPERVISOR, &error));
  /* no card */
  g_assert_false (bm_store_confirm_signature (f->store, n, NULL, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_assert_nonnull (strstr (error->message, "own ID card"));
  g_clear_error (&error);
  /* somebody else's card */
  bm_identity_set (other, "id_number", other_number);
  g_assert_false (bm_store_confirm_signature (f->store, n, other, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_assert_nonnull (strstr (error->message, "not this candidate's"));
  g_clear_error (&error);
  /* same number, another name */
  g_clear_object (&other);
  other = bm_identity_copy (bm_candidate_get_identity (c));
  bm_identity_set (other, "name", "张三");
  g_assert_false (bm_store_confirm_signature (f->store, n, other, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);
  ASSERT_STATE (f, n, "proof_printed");
  g_clear_object (&c);
  c = reload (f, n);
  g_assert_cmpstr (bm_candidate_get (c, "source"), ==, "manual");

  /* the candidate's own card: the record takes its provenance */
  bm_identity_set (card, "authority", "长沙市公安局芙蓉分局");
  bm_identity_set (card, "valid_from", "2020-01-01");
  bm_identity_set (card, "valid_to", "2030-01-01");
  bm_identity_set (card, "sam_id", "05-01-20191230-0001");
  g_assert_true (bm_store_confirm_signature (f->store, n, card, "training", &error));
  g_assert_no_error (error);
  g_clear_object (&c);
  c = reload (f, n);
  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "signed");
  g_assert_cmpstr (bm_candidate_get (c, "source"), ==, "card");
  g_assert_nonnull (bm_candidate_get (c, "card_matched_at"));
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (c), "sam_id"), ==, "05-01-20191230-0001");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (c), "authority"), ==, "长沙市公安局芙蓉分局");
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'signature'"
                             " AND json_extract (detail, '$.card_matched') = 1"), ==, 1);
}

static void
test_phone_confirmation (Fixture *f, gconstpointer data)
{
  g_autofree char *n = add (f, 6, "manual", FALSE);
  g_autoptr(BmCandidate) c = NULL;
  g_autoptr(BmCandidate) back = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonNode) item = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *record;

  g_assert_false (bm_store_confirm_by_phone (f->store, n, "0731-84000000", BM_TRAINING_SUPERVISOR, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION);   /* no 校对表 yet */
  g_clear_error (&error);
  g_assert_true (bm_store_correct_state (f->store, n, BM_RECORD_STATE_PROOF_PRINTED, "test", BM_TRAINING_SUPERVISOR, &error));
  g_assert_false (bm_store_confirm_by_phone (f->store, n, "0731-84000000", "training", "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);           /* a clerk cannot approve */
  g_clear_error (&error);
  g_assert_false (bm_store_confirm_by_phone (f->store, n, "call me", BM_TRAINING_SUPERVISOR, "training", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bm_store_confirm_by_phone (f->store, n, "0731-84000000", BM_TRAINING_SUPERVISOR, "training", &error));
  g_assert_no_error (error);

  c = reload (f, n);
  g_assert_cmpstr (bm_candidate_get (c, "state"), ==, "signed");
  json = bm_candidate_to_json (c);
  g_assert_cmpstr (json_object_get_string_member (json, "confirmation_method"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (json, "confirmation_phone"), ==, "0731-84000000");
  g_assert_cmpstr (json_object_get_string_member (json, "confirmation_approved_by"), ==, BM_TRAINING_SUPERVISOR);
  g_assert_cmpstr (json_object_get_string_member (json, "confirmed_by"), ==, "training");
  g_assert_nonnull (json_object_get_string_member (json, "confirmed_at"));
  back = bm_candidate_new_from_json (json, &error);
  g_assert_no_error (error);
  for (const char * const *k = bm_record_lifecycle_keys (); *k; k++)
    g_assert_cmpstr (bm_candidate_get (back, *k), ==, bm_candidate_get (c, *k));

  /* sent with the record, so the county sees it */
  item = bm_sync_build_record_item (json, 0, NULL);
  record = json_object_get_object_member (json_node_get_object (item), "record");
  g_assert_cmpstr (json_object_get_string_member (record, "confirmation_method"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (record, "confirmation_phone"), ==, "0731-84000000");
  g_assert_cmpstr (json_object_get_string_member (record, "confirmation_approved_by"), ==, BM_TRAINING_SUPERVISOR);
  /* the number called stays out of the log */
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'phone_confirmation'"
                             " AND instr (detail, '84000000') = 0"
                             " AND json_extract (detail, '$.approved_by') = 'training-supervisor'"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lifecycle/table", test_table);
  g_test_add_func ("/lifecycle/actors", test_actors);
  g_test_add_func ("/lifecycle/preconditions", test_preconditions);
  g_test_add ("/lifecycle/store-flow", Fixture, NULL, fixture_setup, test_store_flow, fixture_teardown);
  g_test_add ("/lifecycle/correction", Fixture, NULL, fixture_setup, test_correction, fixture_teardown);
  g_test_add ("/lifecycle/officer-review", Fixture, NULL, fixture_setup, test_officer_review, fixture_teardown);
  g_test_add ("/lifecycle/signature-card-match", Fixture, NULL, fixture_setup, test_signature_card_match, fixture_teardown);
  g_test_add ("/lifecycle/phone-confirmation", Fixture, NULL, fixture_setup, test_phone_confirmation, fixture_teardown);
  return g_test_run ();
}
