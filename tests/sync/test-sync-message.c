/* Unit tests of the sync protocol messages (src/core/bm-sync-message.c). */

#include "bm-config.h"

#include <string.h>

#include "bm-error.h"
#include "bm-sync-message.h"

#define S(x) x, strlen (x)

static void
test_batch_answer (void)
{
  const char *ok = "{\"batch_id\":\"b1\",\"results\":[{\"uuid\":\"u1\",\"version\":2,\"status\":\"accepted\",\"server_rev\":9},"
                   "{\"uuid\":\"u2\",\"version\":1,\"status\":\"rejected\",\"code\":\"duplicate_id_number\","
                   "\"other\":{\"uuid\":\"u9\",\"number\":\"01020007\",\"point_code\":\"010201\"}}]}";
  g_autoptr(GPtrArray) r = NULL;
  g_autoptr(GError) error = NULL;
  BmSyncResult *res;

  r = bm_sync_parse_batch_answer (S (ok), "b1", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 2);
  res = r->pdata[0];
  g_assert_cmpint (res->status, ==, BM_SYNC_RESULT_ACCEPTED);
  g_assert_cmpint (res->server_rev, ==, 9);
  res = r->pdata[1];
  g_assert_cmpint (res->status, ==, BM_SYNC_RESULT_REJECTED);
  g_assert_cmpstr (res->other_number, ==, "01020007");
  g_clear_pointer (&r, g_ptr_array_unref);

  /* A repeated answer of another batch is never applied to this one. */
  g_assert_null (bm_sync_parse_batch_answer (S (ok), "b2", 2, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_clear_error (&error);
  /* One result per record, or nothing. */
  g_assert_null (bm_sync_parse_batch_answer (S (ok), "b1", 3, NULL));
  /* Wrong types and garbage are errors, not crashes. */
  g_assert_null (bm_sync_parse_batch_answer (S ("{\"batch_id\":\"b1\",\"results\":[{\"uuid\":1,\"version\":\"2\"}]}"),
                                             "b1", 1, NULL));
  g_assert_null (bm_sync_parse_batch_answer (S ("{\"batch_id\":\"b1\",\"res"), "b1", 1, NULL));
  g_assert_null (bm_sync_parse_batch_answer (S ("[1,2,3]"), "b1", 1, NULL));
}

static void
test_changes (void)
{
  const char *page = "{\"changes\":[{\"seq\":1,\"kind\":\"profile\",\"profile_version\":3},"
                     "{\"seq\":2,\"kind\":\"telepathy\"},"
                     "{\"seq\":3,\"kind\":\"online_fields\",\"uuid\":\"u1\",\"server_rev\":3,"
                     "\"fields\":{\"phone\":\"13800000000\",\"n\":5}}],\"next_cursor\":\"3\",\"more\":true}";
  g_autofree char *cursor = NULL;
  gboolean more = FALSE;
  g_autoptr(GPtrArray) c = bm_sync_parse_changes (S (page), &cursor, &more, NULL);
  BmSyncChange *ch;

  g_assert_nonnull (c);
  g_assert_cmpstr (cursor, ==, "3");
  g_assert_true (more);
  g_assert_cmpuint (c->len, ==, 3);
  g_assert_cmpint (((BmSyncChange *) c->pdata[0])->kind, ==, BM_SYNC_CHANGE_PROFILE);
  g_assert_cmpint (((BmSyncChange *) c->pdata[1])->kind, ==, BM_SYNC_CHANGE_UNKNOWN);
  ch = c->pdata[2];
  g_assert_cmpint (ch->kind, ==, BM_SYNC_CHANGE_ONLINE_FIELDS);
  g_assert_cmpstr (json_object_get_string_member (ch->fields, "phone"), ==, "13800000000");
  g_assert_false (json_object_has_member (ch->fields, "n"));   /* non-strings dropped */
  g_assert_null (bm_sync_parse_changes (S ("{\"changes\":[{\"seq\":1,\"kind\":\"review\",\"uuid\":\"u\","
                                           "\"server_rev\":1,\"review_state\":\"maybe\"}],\"next_cursor\":\"1\"}"),
                                        NULL, NULL, NULL));
}

static void
test_token_and_error (void)
{
  g_autoptr(BmSyncToken) t = bm_sync_parse_token (S ("{\"token\":\"abc\",\"expires_in\":60,\"refresh_token\":\"r\"}"), NULL);
  g_autoptr(BmSyncServerError) e = bm_sync_parse_error (S ("{\"error\":{\"code\":\"too_large\",\"retry_after\":5,"
                                                           "\"details\":{\"max_records\":7}}}"));

  g_assert_cmpstr (t->token, ==, "abc");
  g_assert_cmpint (t->expires_in, ==, 60);
  g_assert_null (bm_sync_parse_token (S ("{\"token\":\"\",\"expires_in\":60}"), NULL));
  g_assert_cmpstr (e->code, ==, "too_large");
  g_assert_cmpint (e->retry_after, ==, 5);
  g_assert_cmpint (e->max_records, ==, 7);
  g_assert_null (bm_sync_parse_error (S ("<html>502 Bad Gateway</html>")));
}

static void
test_setup_from_profile (void)
{
  g_autoptr(JsonObject) p = bm_sync_parse_profile (S ("{\"point\":{\"code\":\"010201\",\"name\":\"一中\",\"county_code\":\"0102\"},"
                                                      "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"}],"
                                                      "\"ranges\":[{\"category\":\"1\",\"first\":\"01020001\",\"last\":\"01022999\"}]}"),
                                                   NULL);
  g_autoptr(GPtrArray) slices = bm_sync_parse_slices (S ("{\"slices\":[{\"category\":\"1\",\"first\":\"01020201\",\"last\":\"01020400\"}]}"), NULL);
  g_autoptr(JsonObject) setup = NULL;
  JsonObject *slice;

  g_assert_nonnull (p);
  g_assert_nonnull (slices);
  setup = bm_sync_setup_from_profile (p, slices, "https://x.test", "ws-1", NULL);
  g_assert_nonnull (setup);
  slice = json_array_get_object_element (json_object_get_array_member (setup, "slices"), 0);
  g_assert_cmpint (json_object_get_int_member (slice, "first"), ==, 201);
  g_assert_cmpint (json_object_get_int_member (slice, "last"), ==, 400);
  /* A slice under another 市县码 is refused, not cut down to its serials. */
  {
    g_autoptr(GPtrArray) foreign = bm_sync_parse_slices (S ("{\"slices\":[{\"category\":\"1\",\"first\":\"01030201\",\"last\":\"01030400\"}]}"), NULL);
    g_autoptr(GError) error = NULL;
    g_assert_nonnull (foreign);
    g_assert_null (bm_sync_setup_from_profile (p, foreign, "https://x.test", "ws-1", &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  }
  /* A range of another 市县码 is refused. */
  g_clear_pointer (&p, json_object_unref);
  p = bm_sync_parse_profile (S ("{\"point\":{\"code\":\"010201\",\"county_code\":\"0102\"},"
                                "\"categories\":[{\"code\":\"1\",\"name\":\"文史\"}],"
                                "\"ranges\":[{\"category\":\"1\",\"first\":\"01030001\",\"last\":\"01032999\"}]}"), NULL);
  g_assert_null (bm_sync_setup_from_profile (p, slices, "https://x.test", "ws-1", NULL));
}

static void
test_ledger (void)
{
  g_autoptr(GPtrArray) l = bm_sync_parse_ledger (S ("{\"workstation_id\":\"w\",\"categories\":["
                                                    "{\"category\":\"1\",\"count\":2,\"digest\":\"AB\","
                                                    "\"records\":[{\"uuid\":\"u1\",\"version\":3},{\"uuid\":\"u2\",\"version\":1}]},"
                                                    "{\"category\":\"5\",\"count\":0,\"digest\":\"cd\"}]}"), NULL);
  BmSyncLedger *one;

  g_assert_nonnull (l);
  g_assert_cmpuint (l->len, ==, 2);
  one = l->pdata[0];
  g_assert_cmpstr (one->category, ==, "1");
  g_assert_cmpint (one->count, ==, 2);
  g_assert_cmpstr (one->digest, ==, "ab");
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (one->versions, "u1"), ==, 3);
  g_assert_null (((BmSyncLedger *) l->pdata[1])->versions);
  g_assert_null (bm_sync_parse_ledger (S ("{\"categories\":[{\"category\":\"1\",\"count\":\"2\",\"digest\":\"x\"}]}"), NULL));
  g_assert_null (bm_sync_parse_ledger (S ("{\"categories\":[{\"category\":\"1\",\"count\":1,\"digest\":\"x\","
                                          "\"records\":[{\"uuid\":7,\"version\":1}]}]}"), NULL));
}

static void
test_bundle (void)
{
  const char *shas[] = { "9c1e", "77aa" };
  g_autoptr(GBytes) a = g_bytes_new_static ("JPEG1", 5);
  g_autoptr(GBytes) b = g_bytes_new_static ("", 0);
  GBytes *photos[] = { a, b };
  g_autoptr(GBytes) body = bm_sync_build_photo_bundle (shas, photos, 2);
  g_auto(GStrv) st = NULL;

  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "9c1e:5\nJPEG1\n77aa:0\n\n", 21);
  st = bm_sync_parse_bundle_answer (S ("{\"results\":[{\"sha256\":\"9c1e\",\"status\":\"stored\"},"
                                       "{\"sha256\":\"77aa\",\"status\":\"hash_mismatch\"}]}"), shas, 2, NULL);
  g_assert_cmpstr (st[0], ==, "stored");
  g_assert_cmpstr (st[1], ==, "hash_mismatch");
  /* Results out of order or missing are refused. */
  g_assert_null (bm_sync_parse_bundle_answer (S ("{\"results\":[{\"sha256\":\"77aa\",\"status\":\"stored\"},"
                                                 "{\"sha256\":\"9c1e\",\"status\":\"stored\"}]}"), shas, 2, NULL));
  g_assert_null (bm_sync_parse_bundle_answer (S ("{\"results\":[]}"), shas, 2, NULL));
}

static void
test_explain (void)
{
  g_autofree char *dup = bm_sync_explain ("duplicate_id_number", "01020007");
  g_autofree char *unknown = bm_sync_explain ("something_new", NULL);

  g_assert_nonnull (strstr (dup, "01020007"));
  g_assert_nonnull (strstr (unknown, "something_new"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-message/batch-answer", test_batch_answer);
  g_test_add_func ("/sync-message/changes", test_changes);
  g_test_add_func ("/sync-message/token-and-error", test_token_and_error);
  g_test_add_func ("/sync-message/setup-from-profile", test_setup_from_profile);
  g_test_add_func ("/sync-message/bundle", test_bundle);
  g_test_add_func ("/sync-message/ledger", test_ledger);
  g_test_add_func ("/sync-message/explain", test_explain);
  return g_test_run ();
}
