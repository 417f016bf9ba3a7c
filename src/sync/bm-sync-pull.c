/* bm-sync-pull.c: the steps of a sync run that take what comes back from
 * the server (docs/sync-protocol.md §9, steps 3-5): the changes feed, the
 * point profile, number top-ups and the ledger check that catches records
 * the server lost. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-store-policy.h"
#include "bm-store-operators.h"
#include "bm-store-sync.h"
#include "bm-sync-client-private.h"

gboolean
bm_sync_client_pull_changes (BmSyncClient *self, GError **error)
{
  guint pages = 0, garbled = 0;

  for (;;)
    {
      g_autofree char *cursor = bm_store_sync_get (self->store, "cursor");
      g_autofree char *escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?limit=500&cursor=%s", escaped);
      g_autofree char *next = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      BmSyncResponse resp = { 0 };
      gboolean more = FALSE, stuck;

      if (pages++ >= self->max_pages)
        {
          self->stats.error_kind = "changes_feed_endless";
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                       _("The changes feed did not end after %u pages; the next run goes on from here."),
                       self->max_pages);
          return FALSE;
        }
      if (!bm_sync_client_call (self, "GET", path, NULL, NULL, &resp, error))
        return FALSE;
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "the changes feed");
      changes = bm_sync_parse_changes (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body),
                                       &next, &more, NULL);
      bm_sync_response_clear (&resp);
      if (changes == NULL)
        {
          /* A truncated page: ask again (the cursor has not moved). */
          self->stats.retries++;
          if (++garbled >= self->max_tries)
            {
              self->stats.error_kind = "changes_feed_garbled";
              g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                           _("The changes feed could not be read after %u tries."), garbled);
              return FALSE;
            }
          if (!bm_sync_client_wait_ms (self, bm_sync_client_backoff_delay (self, garbled - 1, 0), error))
            return FALSE;
          continue;
        }
      garbled = 0;
      stuck = more && changes->len > 0 && g_strcmp0 (next, cursor ? cursor : "") == 0;
      if (!bm_store_sync_apply_changes (self->store, changes, next, error))
        return FALSE;
      self->stats.changes_applied += changes->len;
      if (stuck)
        {
          self->stats.error_kind = "changes_feed_stuck";
          g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                       _("The changes feed does not move on: the server sent the same position again."));
          return FALSE;
        }
      if (!more || changes->len == 0)
        return TRUE;
    }
}

/* The feed said the point profile changed: pull it and apply it to the
 * point, 科类 and range tables (bm_store_policy_apply), or refuse it whole
 * when it would strand records; a refusal is reported to the server
 * (docs/sync-protocol.md §4.1) and kept in *refused for the end of the run,
 * which goes on with the old profile. While the feed names a newer version
 * than the one in force, every run pulls it again: a refusal of the same
 * version is not recorded or reported twice. */
gboolean
bm_sync_client_refresh_profile (BmSyncClient *self, GError **refused, GError **error)
{
  g_autofree char *seen = bm_store_sync_get (self->store, "profile_version_seen");
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) policy = NULL;
  g_autoptr(GError) local = NULL;
  BmSyncResponse resp = { 0 };

  if (seen != NULL && g_ascii_strtoll (seen, NULL, 10) > bm_store_policy_version (self->store))
    {
      if (!bm_sync_client_call (self, "GET", "/api/v1/profile", NULL, NULL, &resp, error))
        return FALSE;
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "the profile");
      profile = bm_sync_parse_profile (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), &local);
      bm_sync_response_clear (&resp);
      policy = profile ? bm_policy_from_profile (profile, &local) : NULL;
      if (policy == NULL)
        {
          /* A profile we cannot read is refused like one that strands
           * records: the old one stays, the server hears why. */
          g_debug ("profile not readable: %s", local ? local->message : "?");
          g_clear_error (&local);
          policy = json_object_new ();
          if (profile != NULL && json_object_has_member (profile, "profile_version"))
            json_object_set_member (policy, "profile_version",
                                    json_node_copy (json_object_get_member (profile, "profile_version")));
        }
      switch (bm_store_policy_apply (self->store, policy, profile, "province",
                                     BM_POLICY_ACTOR_PROVINCE, NULL, &local))
        {
        case BM_POLICY_FAILED:
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        case BM_POLICY_REFUSED:
          g_propagate_error (refused, g_steal_pointer (&local));
          break;
        case BM_POLICY_APPLIED:
        case BM_POLICY_UNCHANGED:
          /* Accounts follow the profile in force (bm-store-operators.c). */
          if (profile != NULL && !bm_store_apply_profile_operators (self->store, profile, error))
            return FALSE;
          break;
        }
    }
  return bm_sync_client_report_refusal (self, error);
}

/* POST /api/v1/workstations/{id}/profile-refusals (protocol 1.4): tell the
 * province which version this workstation refused and why. A server
 * without the endpoint (404/405) cannot be told; the refusal stays on
 * `profile show`. */
gboolean
bm_sync_client_report_refusal (BmSyncClient *self, GError **error)
{
  g_autoptr(JsonObject) body = bm_store_policy_unreported_refusal (self->store);
  g_autofree char *ws = bm_store_sync_get (self->store, "workstation_id");
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  BmSyncResponse resp = { 0 };
  gint64 version;

  if (body == NULL || ws == NULL)
    return TRUE;
  version = json_object_get_int_member (body, "profile_version");
  node = json_node_init_object (json_node_alloc (), body);
  bytes = bm_sync_take_string (json_to_string (node, FALSE));
  path = g_strdup_printf ("/api/v1/workstations/%s/profile-refusals", ws);
  if (!bm_sync_client_call (self, "POST", path, bytes, NULL, &resp, error))
    return FALSE;
  if (resp.status != 200 && resp.status != 201 && resp.status != 404 && resp.status != 405)
    return bm_sync_protocol_error (error, &resp, "the profile refusal report");
  bm_sync_response_clear (&resp);
  return bm_store_policy_mark_reported (self->store, version, error);
}

/* Ask for another slice of numbers when a category runs low. The request id
 * is stored first, so a retry after a crash gets the same slice back. */
gboolean
bm_sync_client_top_up_slices (BmSyncClient *self, GError **error)
{
  g_autoptr(GPtrArray) categories = bm_store_list_categories (self->store, error);
  g_autofree char *ws = bm_store_sync_get (self->store, "workstation_id");
  g_autoptr(GError) first_refusal = NULL;

  if (categories == NULL)
    return FALSE;
  if (ws == NULL)
    return TRUE;
  for (guint i = 0; i < categories->len; i++)
    {
      BmCategory *cat = categories->pdata[i];
      g_autofree char *key = g_strconcat ("slice_request_", cat->code, NULL);
      g_autofree char *rid = NULL, *path = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GPtrArray) slices = NULL;
      g_autoptr(GError) refused = NULL;
      BmSyncResponse resp = { 0 };

      if (cat->remaining >= 100)
        continue;
      if ((rid = bm_store_sync_get (self->store, key)) == NULL)
        {
          rid = g_uuid_string_random ();
          if (!bm_store_sync_set (self->store, key, rid, error))
            return FALSE;
        }
      body = bm_sync_take_string (bm_sync_build_slice_request (rid, cat->code, 500));
      path = g_strdup_printf ("/api/v1/workstations/%s/slices", ws);
      if (!bm_sync_client_call (self, "POST", path, body, NULL, &resp, error))
        return FALSE;
      if (resp.status == 409)
        {
          /* range_exhausted (or a reused id): the clerk sees the range
           * message when numbering; try again with a new id next time. */
          bm_sync_response_clear (&resp);
          if (!bm_store_sync_set (self->store, key, NULL, error))
            return FALSE;
          continue;
        }
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "a request for more numbers");
      slices = bm_sync_parse_slices (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
      bm_sync_response_clear (&resp);
      if (slices == NULL)
        return FALSE;
      if (!bm_store_sync_add_slices (self->store, slices, &refused))
        {
          /* Slices this desk may not use (another 科类's serials, another
           * 市县码, outside the ranges): none of the answer is kept. The
           * other 科类 still get their top-up; the clerk is told; the next
           * run asks again under a new request id. */
          if (!g_error_matches (refused, BM_ERROR, BM_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&refused));
              return FALSE;
            }
          if (first_refusal == NULL)
            first_refusal = g_steal_pointer (&refused);
        }
      if (!bm_store_sync_set (self->store, key, NULL, error))
        return FALSE;
    }
  if (first_refusal != NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_SLICES_REFUSED,
                   _("The provincial server's further numbers were refused: %s Numbering of that category stops when its current numbers are used up; call the county office."),
                   first_refusal->message);
      return FALSE;
    }
  return TRUE;
}

/* Reconciliation (docs/sync-protocol.md §5.1): at most once per
 * reconcile_interval_s (default 600 s; 0 = every run), compare the
 * server's ledger of this workstation with the local one; for the 科类 that
 * differ, get the server's list and queue again what it lost. Catches a
 * server that answered "accepted" and kept nothing. A server without the
 * ledger (404/405, protocol 1.1) is left alone. Returns the number queued
 * again in *requeued. */
gboolean
bm_sync_client_reconcile (BmSyncClient *self, guint *requeued, GError **error)
{
  g_autofree char *ws = bm_store_sync_get (self->store, "workstation_id");
  g_autofree char *interval_s = bm_store_sync_get (self->store, "reconcile_interval_s");
  g_autofree char *last_s = bm_store_sync_get (self->store, "reconcile_at");
  g_autofree char *path = NULL, *now_s = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_ledger_free);
  g_auto(GStrv) mismatch = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint64 interval = 600, last = 0;
  BmSyncResponse resp = { 0 };
  guint resumed = 0;

  *requeued = 0;
  if (ws == NULL)
    return TRUE;
  if (interval_s != NULL)
    g_ascii_string_to_unsigned (interval_s, 10, 0, G_MAXUINT32, &interval, NULL);
  /* A restored store that holds its numbering asks at once (issue 14). */
  if (!bm_store_numbering_is_held (self->store)
      && last_s != NULL && g_ascii_string_to_unsigned (last_s, 10, 0, G_MAXINT64, &last, NULL)
      && (guint64) now >= last && (guint64) now - last < interval)
    return TRUE;

  path = g_strdup_printf ("/api/v1/workstations/%s/ledger", ws);
  if (!bm_sync_client_call (self, "GET", path, NULL, NULL, &resp, error))
    return FALSE;
  now_s = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  if (resp.status == 404 || resp.status == 405)
    {
      bm_sync_response_clear (&resp);
      return bm_store_sync_set (self->store, "reconcile_at", now_s, error);
    }
  if (resp.status != 200)
    return bm_sync_protocol_error (error, &resp, "the ledger");
  server = bm_sync_parse_ledger (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
  bm_sync_response_clear (&resp);
  if (server != NULL && !bm_store_resume_numbering_from_server (self->store, server, &resumed, error))
    return FALSE;
  if (server == NULL || (mismatch = bm_store_sync_ledger_mismatch (self->store, server, error)) == NULL)
    return FALSE;
  for (guint i = 0; mismatch[i]; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (mismatch[i], NULL, FALSE);
      g_autofree char *cpath = g_strdup_printf ("%s/%s", path, escaped);
      g_autoptr(GPtrArray) list = NULL;

      if (!bm_sync_client_call (self, "GET", cpath, NULL, NULL, &resp, error))
        return FALSE;
      if (resp.status != 200)
        return bm_sync_protocol_error (error, &resp, "the ledger");
      list = bm_sync_parse_ledger (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
      bm_sync_response_clear (&resp);
      if (list == NULL)
        return FALSE;
      /* The server may hold nothing of this 科类 any more: an empty list. */
      if (list->len == 0)
        {
          BmSyncLedger *none = g_new0 (BmSyncLedger, 1);
          none->category = g_strdup (mismatch[i]);
          none->digest = g_strdup ("");
          none->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_ptr_array_add (lists, none);
        }
      for (guint j = 0; j < list->len; j++)
        {
          BmSyncLedger *l = list->pdata[j];
          if (g_str_equal (l->category, mismatch[i]) && l->versions != NULL)
            g_ptr_array_add (lists, g_ptr_array_steal_index (list, j--));
        }
    }
  return bm_store_sync_reconcile (self->store, server, lists, requeued, error)
         && bm_store_sync_set (self->store, "reconcile_at", now_s, error);
}

