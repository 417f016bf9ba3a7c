/* First set-up of a workstation from the provincial server: log in with the
 * point account, pull the profile, register the workstation and take its
 * number slices, then set the store up (docs/sync-protocol.md §3–5). The
 * password is used for this one request and never stored. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-store-sync.h"
#include "bm-sync-client.h"
#include "bm-sync-message.h"

static GBytes *
take_string (char *s)
{
  gsize len = strlen (s);
  return g_bytes_new_take (s, len);
}

static gboolean
expect_200 (BmSyncResponse *resp, const char *what, GError **error)
{
  if (resp->status == 200)
    return TRUE;
  if (resp->status == 401)
    g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_AUTH,
                 _("The provincial server refused the point code, user name or password."));
  else if (resp->status == 429 || resp->status >= 500)
    g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_BUSY,
                 _("The provincial server is busy (%ld); try the set-up again in a few minutes."), resp->status);
  else
    g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                 _("The provincial server answered %ld to %s."), resp->status, what);
  return FALSE;
}

/* Slices count only if they were given to this workstation: the
 * registration answer must name it (docs/sync-protocol.md §5). The body
 * already passed bm_sync_parse_slices. */
static gboolean
answer_names_workstation (GBytes *body, const char *workstation_id)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *ws;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  if (!json_parser_load_from_data (parser, data, len, NULL) || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root)
      || (ws = json_object_get_member (json_node_get_object (root), "workstation_id")) == NULL
      || !JSON_NODE_HOLDS_VALUE (ws) || json_node_get_value_type (ws) != G_TYPE_STRING)
    return FALSE;
  return g_strcmp0 (json_node_get_string (ws), workstation_id) == 0;
}

gboolean
bm_sync_setup (BmStore *store, const BmSyncSetupOptions *o, GCancellable *cancellable, GError **error)
{
  g_autoptr(BmSyncTransport) transport = NULL;
  g_autoptr(BmSyncToken) token = NULL;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(GPtrArray) slices = NULL;
  g_autoptr(JsonObject) setup = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *workstation_id = g_uuid_string_random ();
  g_autofree char *exp = NULL;
  g_autofree char *profile_version = NULL;
  g_autofree char *profile_text = NULL;
  BmSyncResponse resp = { 0 };
  gboolean ok = FALSE;

  /* Before the password goes anywhere: a training store is never set up
   * from a real server (bm_store_init_from_setup would refuse it later). */
  if (bm_store_is_training (store))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                   _("This is the training database; training data is never sent to the provincial server."));
      return FALSE;
    }
  transport = bm_sync_transport_new (o->server_url, o->ca_file, o->pin, o->allow_plain_http, error);
  if (transport == NULL)
    return FALSE;

  body = take_string (bm_sync_build_login (o->point_code, o->user, o->password, workstation_id));
  if (!bm_sync_transport_request (transport, "POST", "/api/v1/login", body, NULL, &resp, cancellable, error)
      || !expect_200 (&resp, "the login", error))
    goto out;
  token = bm_sync_parse_token (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
  bm_sync_response_clear (&resp);
  if (token == NULL)
    goto out;
  bm_sync_transport_set_token (transport, token->token);

  if (!bm_sync_transport_request (transport, "GET", "/api/v1/profile", NULL, NULL, &resp, cancellable, error)
      || !expect_200 (&resp, "the profile", error))
    goto out;
  profile = bm_sync_parse_profile (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
  bm_sync_response_clear (&resp);
  if (profile == NULL)
    goto out;

  g_clear_pointer (&body, g_bytes_unref);
  body = take_string (bm_sync_build_workstation (workstation_id, o->workstation_name ? o->workstation_name
                                                                                     : g_get_host_name (),
                                                   o->slice_size ? o->slice_size : 500));
  if (!bm_sync_transport_request (transport, "POST", "/api/v1/workstations", body, NULL, &resp, cancellable, error)
      || !expect_200 (&resp, "the workstation registration", error))
    goto out;
  slices = bm_sync_parse_slices (g_bytes_get_data (resp.body, NULL), g_bytes_get_size (resp.body), error);
  if (slices != NULL && !answer_names_workstation (resp.body, workstation_id))
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                   _("The provincial server's registration answer is for another workstation; its numbers are not used and this workstation was not set up."));
      g_clear_pointer (&slices, g_ptr_array_unref);
    }
  bm_sync_response_clear (&resp);
  if (slices == NULL)
    goto out;
  /* The development server, and a real one, answer an empty list once the
   * point's ranges are used up: no numbers for this desk, so no set-up. */
  if (slices->len == 0)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PROTOCOL,
                   _("The provincial server gave this workstation no registration numbers (the point's ranges may be used up). It was not set up; ask the county office for a further range."));
      goto out;
    }

  setup = bm_sync_setup_from_profile (profile, slices, o->server_url, workstation_id, error);
  if (setup == NULL || !bm_store_init_from_setup (store, setup, error))
    goto out;

  exp = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + token->expires_in);
  if (json_object_has_member (profile, "profile_version"))
    profile_version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                       json_object_get_int_member_with_default (profile, "profile_version", 0));
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (node, profile);
    profile_text = json_to_string (node, FALSE);
  }
  ok = bm_store_sync_set (store, "server_url", o->server_url, error)
       && bm_store_sync_set (store, "profile", profile_text, error)
       && bm_store_sync_set (store, "point_code", o->point_code, error)
       && bm_store_sync_set (store, "user", o->user, error)
       && bm_store_sync_set (store, "workstation_id", workstation_id, error)
       && bm_store_sync_set (store, "ca_file", o->ca_file, error)
       && bm_store_sync_set (store, "pin", o->pin, error)
       && bm_store_sync_set (store, "allow_plain_http", o->allow_plain_http ? "1" : NULL, error)
       && bm_store_sync_set (store, "token", token->token, error)
       && bm_store_sync_set (store, "token_expires", exp, error)
       && bm_store_sync_set (store, "refresh_token", token->refresh_token, error)
       && bm_store_sync_set (store, "profile_version", profile_version, error);
out:
  bm_sync_response_clear (&resp);
  return ok;
}
