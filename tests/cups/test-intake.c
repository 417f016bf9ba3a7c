/* The counter flow (BmIntake) without GTK, with every real component: the
 * station's reader against a private pcscd with the emulated card, the real
 * store, and the print service against the private cupsd. Run inside
 * tests/pcsc/pcsc-harness.sh and tests/cups/cups-harness.sh.
 *
 * Every row of the transition table in src/station/bm-intake.c is taken at
 * least once, and the events the table refuses are refused. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-station.h"
#include "bm-test-cardemu.h"
#include "bm-test-data.h"
#include "bm-test-util.h"

static gboolean
wait_state (BmIntake *intake, BmIntakeState state)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      if (bm_intake_get_state (intake) == state)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_printerr ("# state %s, next step: %s\n", bm_intake_state_to_string (bm_intake_get_state (intake)),
              bm_intake_get_next_step (intake));
  return FALSE;
}

/* @state, or with @state == READ also WAITING (a restarted service may or
 * may not see the card still on the reader as new) */
static gboolean
wait_reader (BmCardReader *reader, BmCardReaderState state)
{
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      BmCardReaderState now = bm_card_reader_get_state (reader);

      if (now == state || (state == BM_CARD_READER_STATE_READ && now == BM_CARD_READER_STATE_WAITING))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return FALSE;
}

static char *
out_pdf (const char *queue)
{
  return g_strdup_printf ("%s/%s.pdf", g_getenv ("BM_CUPS_OUT"), queue);
}

static void
test_flow (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmStation *station = bm_station_new (store, NULL);
  BmIntake *intake = bm_station_get_intake (station);
  BmCardReader *reader = bm_station_get_card_reader (station);
  BmPrintService *printing = bm_station_get_print_service (station);
  g_autofree char *pdf = out_pdf ("testq");
  g_autofree char *text = NULL;
  g_autofree char *number = NULL;
  g_autoptr(BmCandidate) stored = NULL;

  bm_print_service_set_printer (printing, "testq");
  bm_print_service_set_timeout (printing, 60);
  g_assert_true (bm_test_cardemu ("remove"));
  bm_station_start (station);
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_WAITING));

  /* Nothing but a card starts the flow. */
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_WAITING);
  g_assert_false (bm_intake_choose_category (intake, "1"));
  g_assert_false (bm_intake_print (intake));
  g_assert_false (bm_intake_photo_saved (intake, "00000001"));

  /* card → checks → 科类 */
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  g_assert_cmpstr (bm_identity_get (bm_intake_get_identity (intake), "name"), ==, "王䶮");
  g_assert_false (bm_intake_print (intake));

  /* 科类 → number: stored with the operator and the card's provenance */
  g_assert_true (bm_intake_choose_category (intake, "1"));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_NUMBERING);
  g_assert_false (bm_intake_next_candidate (intake));
  g_assert_true (wait_state (intake, BM_INTAKE_PHOTO));
  number = g_strdup (bm_intake_get_number (intake));
  g_assert_cmpstr (number, ==, "00000001");
  g_assert_cmpuint (strlen (bm_intake_get_initial_password (intake)), >=, 6);
  stored = bm_store_find_by_number (store, number, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bm_candidate_get (stored, "source"), ==, "card");
  g_assert_cmpstr (bm_identity_get (bm_candidate_get_identity (stored), "sam_id"), ==, "05.01-20231234-1234567890-0987654321");
  g_assert_false (bm_intake_next_candidate (intake));   /* the photo is not skipped by accident */

  /* The reader service goes away mid-flow: the numbered record stays where
   * it is, and comes back when it does. */
  bm_test_pcsc_ctl ("pcscd-stop");
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_NO_SERVICE));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PHOTO);
  g_assert_cmpstr (bm_intake_get_number (intake), ==, number);
  bm_test_pcsc_ctl ("pcscd-start");
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_READ));
  for (int i = 0; i < 50; i++)    /* a re-read of the same card, if any, lands */
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PHOTO);
  g_assert_cmpstr (bm_intake_get_number (intake), ==, number);

  /* photo → print (the photo step stores it, then says so); another
   * record's photo does not move this one */
  {
    g_autoptr(GBytes) jpeg = bm_test_load_photo ();
    g_autoptr(GError) error = NULL;

    g_assert_true (bm_test_add_photo (store, number, jpeg, &error));
    g_assert_no_error (error);
  }
  g_assert_true (bm_intake_photo_saved (intake, "00009999"));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PHOTO);
  g_assert_true (bm_intake_photo_saved (intake, number));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PRINT);

  /* A printer that fails: back to PRINT with the reason, nothing logged
   * as printed; then the retry on a working queue. */
  bm_print_service_set_printer (printing, "brokenq");
  g_assert_true (bm_intake_print (intake));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PRINTING);
  g_assert_false (bm_intake_print (intake));
  g_assert_false (bm_intake_next_candidate (intake));
  g_assert_true (wait_state (intake, BM_INTAKE_PRINT));
  g_assert_nonnull (strstr (bm_intake_get_next_step (intake), "not printed"));
  /* in the clerk's words: no socket path, no IPP or CUPS message */
  g_assert_null (strstr (bm_intake_get_next_step (intake), "/"));
  g_assert_null (strstr (bm_intake_get_next_step (intake), "CUPS"));
  g_assert_null (strstr (bm_intake_get_next_step (intake), "cups"));
  g_clear_object (&stored);
  stored = bm_store_find_by_number (store, number, NULL);
  g_assert_cmpstr (bm_candidate_get (stored, "state"), !=, "card_printed");

  bm_print_service_set_printer (printing, "testq");
  g_assert_true (bm_intake_print (intake));
  g_assert_true (wait_state (intake, BM_INTAKE_DONE));
  text = bm_test_pdf_text_flat (pdf, 0, 0);
  g_assert_nonnull (strstr (text, number));
  g_assert_nonnull (strstr (text, "王䶮"));
  g_clear_object (&stored);
  stored = bm_store_find_by_number (store, number, NULL);
  g_assert_cmpstr (bm_candidate_get (stored, "state"), ==, "card_printed");

  /* A retaken photo leaves the printed card printed. */
  g_assert_true (bm_intake_photo_saved (intake, number));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_DONE);

  /* The same card placed again while its record is in hand is that
   * candidate, not a new one; once the next candidate is called, it is
   * blocked, naming the record. */
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_WAITING));
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_READ));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_DONE);
  g_assert_true (bm_intake_next_candidate (intake));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_WAITING);
  g_assert_null (bm_intake_get_number (intake));
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_WAITING));
  g_assert_true (bm_test_cardemu ("insert resident-rare"));
  g_assert_true (wait_state (intake, BM_INTAKE_BLOCKED));
  g_assert_nonnull (strstr (bm_intake_get_next_step (intake), number));
  g_assert_false (bm_intake_choose_category (intake, "1"));

  /* A new card that arrives while a login card prints waits for the job,
   * then takes its turn. */
  g_assert_true (bm_test_cardemu ("remove"));
  g_assert_true (wait_reader (reader, BM_CARD_READER_STATE_WAITING));
  g_assert_true (bm_test_cardemu ("insert permit 1"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  g_assert_true (bm_intake_choose_category (intake, "5"));
  g_assert_true (wait_state (intake, BM_INTAKE_PHOTO));
  g_assert_true (bm_intake_print (intake));
  {
    g_autoptr(BmIdentity) next = bm_identity_new ();

    bm_identity_set (next, "card_type", "resident");
    bm_identity_set (next, "id_type", "resident_card");
    bm_identity_set (next, "name", "李四");
    bm_identity_set (next, "id_number", "433101200307081230");
    bm_identity_set (next, "sex", "1");
    g_assert_true (bm_intake_card_read (intake, next));
    g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_PRINTING);
  }
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  g_assert_cmpstr (bm_identity_get (bm_intake_get_identity (intake), "name"), ==, "李四");
  g_assert_true (bm_intake_next_candidate (intake));

  /* Stopping and dropping the station releases the reader and the flow. */
  g_object_add_weak_pointer (G_OBJECT (reader), (gpointer *) &reader);
  g_object_add_weak_pointer (G_OBJECT (intake), (gpointer *) &intake);
  bm_station_stop (station);
  g_assert_finalize_object (station);
  g_assert_null (reader);
  g_assert_null (intake);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

static BmIdentity *
make_identity (const char *name, const char *id_number)
{
  BmIdentity *identity = bm_identity_new ();
  g_autofree char *birth = g_strdup_printf ("%.4s-%.2s-%.2s", id_number + 6, id_number + 10, id_number + 12);

  bm_identity_set (identity, "card_type", "resident");
  bm_identity_set (identity, "id_type", "resident_card");
  bm_identity_set (identity, "name", name);
  bm_identity_set (identity, "id_number", id_number);
  bm_identity_set (identity, "sex", "1");
  bm_identity_set (identity, "birth_date", birth);
  bm_identity_set (identity, "nation", "01");
  bm_identity_set (identity, "address", "湖南省长沙市芙蓉区");
  return identity;
}

/* The 报名顺序号 is assigned by the station's writer, off the main thread:
 * while it works, a second Enter (or a second choice) is refused, so one
 * card gets one number; a card read meanwhile waits for the write; a
 * refused write goes back to the 科类 with the store's reason. */
static void
test_numbering (void)
{
  g_autofree char *dir = bm_test_make_dir ();
  g_autoptr(BmStore) store = bm_test_open_training (dir, "training.db");
  BmStation *station = bm_station_new (store, NULL);
  BmIntake *intake = bm_station_get_intake (station);
  g_autoptr(BmIdentity) first = make_identity ("李四", "433101200307081230");
  g_autoptr(BmIdentity) second = make_identity ("张三", "110101200001011232");
  g_autoptr(BmCandidate) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = bm_store_count_candidates (store, FALSE);

  g_assert_true (bm_intake_card_read (intake, first));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_CHOOSE_CATEGORY);
  g_assert_true (bm_intake_choose_category (intake, "1"));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_NUMBERING);
  g_assert_nonnull (strstr (bm_intake_get_next_step (intake), "报名顺序号"));
  g_assert_null (bm_intake_get_number (intake));
  /* the double Enter, and a change of mind */
  g_assert_false (bm_intake_choose_category (intake, "1"));
  g_assert_false (bm_intake_choose_category (intake, "5"));
  g_assert_false (bm_intake_next_candidate (intake));
  g_assert_false (bm_intake_print (intake));
  /* the next card, placed before the number is shown, waits for it */
  g_assert_true (bm_intake_card_read (intake, second));
  g_assert_cmpint (bm_intake_get_state (intake), ==, BM_INTAKE_NUMBERING);
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  g_assert_null (bm_intake_get_warnings (intake));
  g_assert_cmpstr (bm_identity_get (bm_intake_get_identity (intake), "name"), ==, "张三");
  g_assert_cmpint (bm_store_count_candidates (store, FALSE), ==, before + 1);
  other = bm_store_find_by_id_number (store, "433101200307081230", NULL);
  g_assert_nonnull (other);
  g_assert_cmpstr (bm_candidate_get (other, "category"), ==, "1");

  /* Refused: the same person registered meanwhile (another counter). */
  g_clear_object (&other);
  other = bm_candidate_new (second);
  bm_candidate_set (other, "category", "5");
  bm_candidate_set (other, "source", "card");
  bm_store_add_candidate (store, other, "training", &error);
  g_assert_no_error (error);
  g_assert_true (bm_intake_choose_category (intake, "1"));
  g_assert_true (wait_state (intake, BM_INTAKE_CHOOSE_CATEGORY));
  g_assert_null (bm_intake_get_number (intake));
  g_assert_nonnull (bm_intake_get_warnings (intake));
  g_assert_cmpstr (bm_intake_get_next_step (intake), ==, bm_intake_get_warnings (intake));
  g_assert_cmpint (bm_store_count_candidates (store, FALSE), ==, before + 2);

  g_object_add_weak_pointer (G_OBJECT (intake), (gpointer *) &intake);
  bm_station_stop (station);
  g_assert_finalize_object (station);
  g_assert_null (intake);
  g_clear_object (&store);
  bm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/intake/flow", test_flow);
  g_test_add_func ("/intake/numbering", test_numbering);
  return g_test_run ();
}
