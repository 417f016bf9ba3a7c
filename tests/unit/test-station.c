/* The station without GTK: the store announces every committed change once,
 * a rolled-back one never; the station forwards them; stopping and dropping
 * the station releases the reader and the store. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-error.h"
#include "bm-station.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-photo.h"
#include "bm-store-private.h"
#include "bm-test-util.h"

typedef struct {
  GPtrArray *kinds;
  GPtrArray *uuids;
} Seen;

static void
on_changed (GObject *source, const char *kind, const char *uuid, Seen *seen)
{
  g_ptr_array_add (seen->kinds, g_strdup (kind));
  g_ptr_array_add (seen->uuids, g_strdup (uuid));
}

static void
test_store_changes (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmCandidate) first = bm_test_make_candidate (1, "1");
  g_autoptr(BmCandidate) twin = bm_test_make_candidate (1, "1");
  g_autoptr(GError) error = NULL;
  Seen seen = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(BmStation) station = bm_station_new (store, NULL);
  Seen forwarded = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };

  g_signal_connect (store, "changed", G_CALLBACK (on_changed), &seen);
  g_signal_connect (station, "store-changed", G_CALLBACK (on_changed), &forwarded);

  g_assert_true (bm_store_add_candidate (store, first, "training", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.kinds->len, ==, 1);
  g_assert_cmpstr (seen.kinds->pdata[0], ==, "add");
  g_assert_cmpstr (seen.uuids->pdata[0], ==, bm_candidate_get (first, "uuid"));

  /* The same ID number again is refused: the transaction rolls back and
   * nothing is announced. */
  g_assert_false (bm_store_add_candidate (store, twin, "training", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (seen.kinds->len, ==, 1);

  g_assert_true (bm_store_void_candidate (store, bm_candidate_get (first, "number"), "测试作废", BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.kinds->len, ==, 2);
  g_assert_cmpstr (seen.uuids->pdata[1], ==, bm_candidate_get (first, "uuid"));

  /* The station says the same, once each. */
  g_assert_cmpuint (forwarded.kinds->len, ==, 2);
  g_assert_cmpstr (forwarded.kinds->pdata[0], ==, "add");
  g_assert_cmpstr (forwarded.kinds->pdata[1], ==, seen.kinds->pdata[1]);

  g_signal_handlers_disconnect_by_data (store, &seen);
  g_ptr_array_unref (seen.kinds);
  g_ptr_array_unref (seen.uuids);
  g_ptr_array_unref (forwarded.kinds);
  g_ptr_array_unref (forwarded.uuids);
  g_assert_finalize_object (g_steal_pointer (&station));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* Started and stopped, the station holds nothing: the reader (whose thread
 * has run against a missing pcscd) and the store are released with it. A
 * training store has no sync worker. */
static void
test_lifetime (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  BmStore *store = bm_test_open_training (dir, "training.db");
  BmStation *station = bm_station_new (store, NULL);
  BmCardReader *reader = bm_station_get_card_reader (station);
  BmCameraMonitor *monitor = bm_station_get_camera_monitor (station);

  g_assert_null (bm_station_get_sync_worker (station));
  g_object_add_weak_pointer (G_OBJECT (reader), (gpointer *) &reader);
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);
  g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);
  g_object_unref (store);

  bm_station_start (station);
  g_usleep (50000);
  bm_station_stop (station);
  g_assert_finalize_object (station);
  g_assert_null (reader);
  g_assert_null (monitor);
  g_assert_null (store);
  bm_test_remove_dir (dir);
}

static gint64 fake_now_us;

static gint64
fake_clock (gpointer data)
{
  return fake_now_us;
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *n)
{
  (*n)++;
}

/* The session events in the audit log, one line each: action, operator
 * written as, user, via, previous, reason, and whether the workstation's
 * host was recorded. */
static char *
session_log (BmStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store,
    "SELECT action || ' ' || operator || ' ' || json_extract (detail, '$.user') || ' '"
    " || json_extract (detail, '$.via') || ' ' || coalesce (json_extract (detail, '$.previous'), '-')"
    " || ' ' || coalesce (json_extract (detail, '$.reason'), '-')"
    " || ' ' || (json_extract (detail, '$.host') IS NOT NULL)"
    " FROM audit_log WHERE action IN ('login', 'logout', 'session_lock', 'session_unlock') ORDER BY id", NULL);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
  return g_string_free (out, FALSE);
}

static gint64 count_rows (BmStore *store, const char *sql);

/* Log-in, idle lock with a fake clock, unlock by the same operator,
 * switching operator, one-time passwords; while locked nothing is
 * written. */
static void
test_log_in_and_lock (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmStation) station = NULL;
  g_autoptr(BmCandidate) candidate = bm_test_make_candidate (1, "1");
  g_autoptr(GError) error = NULL;
  g_autofree char *one_time = NULL;
  g_autofree char *bound = NULL;
  guint locked_notes = 0, operator_notes = 0;
  gboolean locked = FALSE;
  g_autofree char *log = NULL;

  /* Training opens with the training clerk. */
  station = bm_station_new (store, NULL);
  g_assert_cmpstr (bm_station_get_operator (station), ==, BM_TRAINING_CLERK);
  g_object_get (station, "operator", &bound, NULL);
  g_assert_cmpstr (bound, ==, BM_TRAINING_CLERK);
  g_assert_false (bm_station_get_locked (station));
  g_signal_connect (station, "notify::locked", G_CALLBACK (count_notify), &locked_notes);
  g_signal_connect (station, "notify::operator", G_CALLBACK (count_notify), &operator_notes);

  g_assert_true (bm_store_set_password (store, BM_TRAINING_CLERK, "clerk-secret", FALSE, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  fake_now_us = 1000 * G_USEC_PER_SEC;
  bm_station_set_clock (station, fake_clock, NULL);
  g_assert_cmpuint (BM_STATION_IDLE_LOCK_DEFAULT, ==, 600);

  /* Work keeps the session open; 10 minutes without work lock it. */
  fake_now_us += 599 * G_USEC_PER_SEC;
  g_assert_false (bm_station_check_idle (station));
  bm_station_note_activity (station);
  fake_now_us += 599 * G_USEC_PER_SEC;
  g_assert_false (bm_station_check_idle (station));
  fake_now_us += 1 * G_USEC_PER_SEC;
  g_assert_true (bm_station_check_idle (station));
  g_object_get (station, "locked", &locked, NULL);
  g_assert_true (locked);
  g_assert_cmpuint (locked_notes, ==, 1);
  /* Locked: the operator is still named, but nobody writes. */
  g_assert_cmpstr (bm_station_get_operator (station), ==, BM_TRAINING_CLERK);
  g_assert_null (bm_station_get_acting_operator (station));
  g_assert_false (bm_store_add_candidate (store, candidate, bm_station_get_acting_operator (station), &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Unlock with the same operator's password only. */
  g_assert_false (bm_station_unlock (station, "wrong-secret", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (bm_station_get_locked (station));
  g_assert_true (bm_station_unlock (station, "clerk-secret", &error));
  g_assert_no_error (error);
  g_assert_false (bm_station_get_locked (station));
  g_assert_cmpuint (locked_notes, ==, 2);
  g_assert_true (bm_store_add_candidate (store, candidate, bm_station_get_acting_operator (station), &error));
  g_assert_no_error (error);

  /* Switching operator is one call; it is who the next change is made as. */
  g_assert_true (bm_station_log_in (station, BM_TRAINING_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, BM_TRAINING_SUPERVISOR);
  g_assert_cmpuint (operator_notes, ==, 1);

  /* A one-time password is refused at log-in until replaced. */
  g_assert_true (bm_store_add_operator (store, "lisi", "李四", NULL, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_SUPERVISOR, &error));
  one_time = bm_store_reset_password (store, "lisi", BM_TRAINING_SUPERVISOR, &error);
  g_assert_no_error (error);
  g_assert_false (bm_station_log_in (station, "lisi", one_time, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpstr (bm_station_get_operator (station), ==, BM_TRAINING_SUPERVISOR);
  g_assert_true (bm_station_change_password (station, "lisi", one_time, "lisi-own-pass", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bm_station_get_operator (station), ==, "lisi");

  bm_station_log_out (station);
  g_assert_null (bm_station_get_operator (station));
  g_assert_false (bm_station_check_idle (station));
  g_assert_true (bm_station_log_in (station, "lisi", "lisi-own-pass", &error));
  g_assert_no_error (error);

  /* Every successful session event is audited: who, as whom, how, whom
   * they replaced (switching operator), why a lock; never a password. */
  log = session_log (store);
  g_assert_cmpstr (log, ==,
                   "login training training station - - 1\n"
                   "session_lock training training station - idle 1\n"
                   "session_unlock training training station - - 1\n"
                   "logout training training station - switch 1\n"
                   "login training-supervisor training-supervisor station training - 1\n"
                   "logout training-supervisor training-supervisor station - switch 1\n"
                   "login lisi lisi station training-supervisor - 1\n"
                   "logout lisi lisi station - - 1\n"
                   "login lisi lisi station - - 1\n");
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE detail LIKE '%secret%' "
                                      "OR detail LIKE '%own-pass%'"), ==, 0);
  bm_station_lock (station);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'session_lock' "
                                      "AND operator = 'lisi' AND json_extract (detail, '$.reason') = 'manual'"), ==, 1);
  /* Quitting ends the session once, even when stopped twice. */
  bm_station_stop (station);
  bm_station_stop (station);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM audit_log WHERE action = 'logout' "
                                      "AND operator = 'lisi' AND json_extract (detail, '$.reason') = 'quit'"), ==, 1);

  g_signal_handlers_disconnect_by_data (station, &locked_notes);
  g_signal_handlers_disconnect_by_data (station, &operator_notes);
  g_assert_finalize_object (g_steal_pointer (&station));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static gint64
count_rows (BmStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* 实名认证: off, the password suffices; on, nobody is logged in until the
 * operator's own card is read (through the reader's "card-read"), a wrong
 * card is refused and audited, cancel goes back to the password, and an
 * unlock after an idle lock needs the card too. */
static void
test_id_card_log_in (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmStation) station = bm_station_new (store, NULL);
  g_autofree char *own = bm_test_make_id_number (3);
  g_autofree char *other = bm_test_make_id_number (4);
  g_autoptr(BmIdentity) own_card = bm_identity_new ();
  g_autoptr(BmIdentity) other_card = bm_identity_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint awaiting_notes = 0;
  gboolean awaiting = FALSE;

  bm_identity_set (own_card, "id_number", own);
  bm_identity_set (other_card, "id_number", other);
  g_assert_true (bm_store_add_operator (store, "lisi", "李四", own, BM_OPERATOR_ROLE_CLERK, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_assert_true (bm_store_set_password (store, "lisi", "lisi-own-pass", FALSE, BM_TRAINING_SUPERVISOR, &error));
  g_assert_no_error (error);
  g_signal_connect (station, "notify::awaiting-card", G_CALLBACK (count_notify), &awaiting_notes);

  /* Off: the password suffices. */
  g_assert_true (bm_station_log_in (station, "lisi", "lisi-own-pass", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bm_station_get_operator (station), ==, "lisi");
  g_assert_false (bm_station_get_awaiting_card (station));
  bm_station_log_out (station);

  /* On: the password only starts the card step. */
  bm_station_set_require_id_card (station, TRUE);
  g_assert_false (bm_station_log_in (station, "lisi", "wrong-secret", &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (bm_station_get_awaiting_card (station));
  g_assert_true (bm_station_log_in (station, "lisi", "lisi-own-pass", &error));
  g_assert_no_error (error);
  g_assert_null (bm_station_get_operator (station));
  g_assert_null (bm_station_get_acting_operator (station));
  g_object_get (station, "awaiting-card", &awaiting, NULL);
  g_assert_true (awaiting);
  g_assert_cmpuint (awaiting_notes, ==, 1);

  /* Another person's card is refused and audited (masked); the station
   * keeps waiting. The card arrives as the reader announces it. */
  g_signal_emit_by_name (bm_station_get_card_reader (station), "card-read", other_card);
  g_assert_null (bm_station_get_operator (station));
  g_assert_true (bm_station_get_awaiting_card (station));
  g_object_get (station, "card-problem", &problem, NULL);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "your own ID card"));
  g_assert_cmpint (count_rows (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' "
                                      "AND detail LIKE '%id_card_mismatch%' AND detail LIKE '%\"user\":\"lisi\"%'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%' || "
                                      "(SELECT id_number FROM operators WHERE user = 'lisi') || '%'"), ==, 0);

  /* Cancel: back to the password step; a card now starts nothing. */
  bm_station_cancel_card (station);
  g_assert_false (bm_station_get_awaiting_card (station));
  g_assert_false (bm_station_present_card (station, own_card, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_null (bm_station_get_operator (station));

  /* The own card completes the log-in. */
  g_assert_true (bm_station_log_in (station, "lisi", "lisi-own-pass", &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (bm_station_get_card_reader (station), "card-read", own_card);
  g_assert_cmpstr (bm_station_get_operator (station), ==, "lisi");
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, "lisi");
  g_assert_false (bm_station_get_awaiting_card (station));
  g_assert_null (bm_station_get_card_problem (station));

  /* Unlock after an idle lock needs the card too. */
  fake_now_us = (gint64) 5000 * G_USEC_PER_SEC;
  bm_station_set_clock (station, fake_clock, NULL);
  fake_now_us += (gint64) 600 * G_USEC_PER_SEC;
  g_assert_true (bm_station_check_idle (station));
  g_assert_true (bm_station_unlock (station, "lisi-own-pass", &error));
  g_assert_no_error (error);
  g_assert_true (bm_station_get_locked (station));
  g_assert_null (bm_station_get_acting_operator (station));
  g_assert_false (bm_station_present_card (station, other_card, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (bm_station_get_locked (station));
  g_assert_true (bm_station_present_card (station, own_card, &error));
  g_assert_no_error (error);
  g_assert_false (bm_station_get_locked (station));
  g_assert_cmpstr (bm_station_get_acting_operator (station), ==, "lisi");

  /* An account without an ID number cannot log in while it is on. */
  g_assert_true (bm_store_set_password (store, BM_TRAINING_CLERK, "clerk-secret", FALSE, BM_TRAINING_CLERK, &error));
  g_assert_no_error (error);
  g_assert_true (bm_station_log_in (station, BM_TRAINING_CLERK, "clerk-secret", &error));
  g_assert_no_error (error);
  g_assert_false (bm_station_present_card (station, own_card, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "ask the supervisor to record your ID number"));
  g_clear_error (&error);
  g_assert_cmpstr (bm_station_get_operator (station), ==, "lisi");
  g_assert_cmpint (count_rows (store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' "
                                      "AND detail LIKE '%no_id_number%'"), ==, 1);

  g_signal_handlers_disconnect_by_data (station, &awaiting_notes);
  g_assert_finalize_object (g_steal_pointer (&station));
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

typedef struct {
  GPtrArray *order;      /* "changed:<uuid>" and "done:<uuid>" / "error:…" in arrival order */
  guint      pending;
} Writes;

static gboolean
write_candidate (BmStore *store, gpointer data, GError **error)
{
  return bm_store_add_candidate (store, data, BM_TRAINING_CLERK, error);
}

static void
on_written_changed (GObject *source, const char *kind, const char *uuid, Writes *writes)
{
  g_ptr_array_add (writes->order, g_strdup_printf ("changed:%s", uuid));
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Writes *writes = data;
  g_autoptr(GError) error = NULL;

  /* The main thread owns the callback. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    g_ptr_array_add (writes->order, g_strdup ("done"));
  else
    g_ptr_array_add (writes->order, g_strdup_printf ("error:%d", error->code));
  writes->pending--;
}

/* Writes run off the main thread, in the order asked, each announced
 * before its callback; a refused write reports its error and leaves
 * nothing; the main connection reads what the writer committed. */
static void
test_writer (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmStation) station = bm_station_new (store, NULL);
  BmStoreWriter *writer = bm_station_get_writer (station);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  Writes writes = { g_ptr_array_new_with_free_func (g_free), 0 };
  guint i, seen_done = 0;

  g_signal_connect (station, "store-changed", G_CALLBACK (on_written_changed), &writes);
  for (i = 0; i < 20; i++)
    {
      BmCandidate *candidate = bm_test_make_candidate (i, (i % 2) ? "5" : "1");

      g_ptr_array_add (candidates, g_object_ref (candidate));
      writes.pending++;
      bm_store_writer_write_async (writer, write_candidate, candidate, g_object_unref, NULL, on_written, &writes);
    }
  /* The same ID number as the first: refused. */
  writes.pending++;
  bm_store_writer_write_async (writer, write_candidate, bm_test_make_candidate (0, "1"), g_object_unref,
                               NULL, on_written, &writes);
  /* Cancelled before it starts: never runs. */
  g_cancellable_cancel (cancelled);
  writes.pending++;
  bm_store_writer_write_async (writer, write_candidate, bm_test_make_candidate (30, "1"), g_object_unref,
                               cancelled, on_written, &writes);
  while (writes.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (writes.order->len, ==, 20 * 2 + 2);
  for (i = 0; i < 20; i++)
    {
      g_autofree char *changed = g_strdup_printf ("changed:%s", bm_candidate_get (candidates->pdata[i], "uuid"));

      g_assert_cmpstr (writes.order->pdata[2 * i], ==, changed);
      g_assert_cmpstr (writes.order->pdata[2 * i + 1], ==, "done");
      seen_done++;
    }
  g_assert_cmpuint (seen_done, ==, 20);
  {
    g_autofree char *duplicate = g_strdup_printf ("error:%d", BM_ERROR_DUPLICATE);
    g_autofree char *cancel = g_strdup_printf ("error:%d", G_IO_ERROR_CANCELLED);

    g_assert_cmpstr (writes.order->pdata[40], ==, duplicate);
    g_assert_cmpstr (writes.order->pdata[41], ==, cancel);
  }
  /* Numbers were given in the order the writes were asked for. */
  {
    g_autoptr(BmCandidate) first = bm_store_find_by_id_number (store, bm_identity_get (bm_candidate_get_identity (candidates->pdata[0]), "id_number"), NULL);
    g_autoptr(BmCandidate) third = bm_store_find_by_id_number (store, bm_identity_get (bm_candidate_get_identity (candidates->pdata[2]), "id_number"), NULL);

    g_assert_nonnull (first);
    g_assert_nonnull (third);
    g_assert_cmpstr (bm_candidate_get (first, "number"), <, bm_candidate_get (third, "number"));
  }
  g_assert_cmpint (bm_store_count_candidates (store, TRUE), ==, 20);
  g_ptr_array_unref (writes.order);
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

/* The intake's state is a registered enum: typed and bindable. */
static void
test_intake_state_type (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  g_autoptr(BmStation) station = bm_station_new (store, NULL);
  BmIntake *intake = bm_station_get_intake (station);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (intake), "state");
  BmIntakeState state = BM_N_INTAKE_STATES;

  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == BM_TYPE_INTAKE_STATE);
  g_object_get (intake, "state", &state, NULL);
  g_assert_cmpint (state, ==, BM_INTAKE_WAITING);
  g_assert_cmpstr (bm_intake_state_to_string (BM_INTAKE_NUMBERING), ==, "numbering");
  g_assert_cmpstr (bm_intake_state_to_string (BM_N_INTAKE_STATES), ==, "unknown");
  g_clear_object (&station);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* no pcscd here: the reader's thread only finds the service missing */
  g_setenv ("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm", TRUE);
  g_test_add_func ("/station/store-changes", test_store_changes);
  g_test_add_func ("/station/lifetime", test_lifetime);
  g_test_add_func ("/station/log-in-and-lock", test_log_in_and_lock);
  g_test_add_func ("/station/id-card-log-in", test_id_card_log_in);
  g_test_add_func ("/station/writer", test_writer);
  g_test_add_func ("/station/intake-state-type", test_intake_state_type);
  return g_test_run ();
}
