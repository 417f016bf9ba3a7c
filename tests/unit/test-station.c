/* The station without GTK: the store announces every committed change once,
 * a rolled-back one never; the station forwards them; stopping and dropping
 * the station releases the reader and the store. */
#include "bm-config.h"

#include <locale.h>

#include "bm-station.h"
#include "bm-store-photo.h"
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

  g_assert_true (bm_store_void_candidate (store, bm_candidate_get (first, "number"), "测试作废", "training", &error));
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

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* no pcscd here: the reader's thread only finds the service missing */
  g_setenv ("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm", TRUE);
  g_test_add_func ("/station/store-changes", test_store_changes);
  g_test_add_func ("/station/lifetime", test_lifetime);
  return g_test_run ();
}
