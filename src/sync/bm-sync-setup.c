/* First set-up of a workstation from the provincial server: log in with the
 * point account, pull the profile, register the workstation and take its
 * number slices, then set the store up (docs/sync-protocol.md §3–5). The
 * password is used for this one request and never stored. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-store-policy.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-station-keys.h"
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

/* The registration body with the station's public key added (§12). */
static char *
with_public_key (char *text, const BmStationKeys *keys)
{
  g_autofree char *owned = text;
  g_autoptr(JsonNode) node = json_from_string (owned, NULL);
  g_autofree char *pk = bm_station_keys_public_hex (keys);

  g_assert (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  json_object_set_string_member (json_node_get_object (node), "public_key", pk);
  return json_to_string (node, FALSE);
}

/* The profile's province and county public keys (§12): the county's to
 * encrypt export packages to, the province's to check receipts with. A
 * server without them leaves the settings unset; export then says so. */
static gboolean
keep_profile_keys (BmStore *store, JsonObject *profile, GError **error)
{
  JsonNode *n = json_object_get_member (profile, "keys");
  JsonObject *k = n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
  static const char *const names[] = { "province", "county" };

  for (guint i = 0; k != NULL && i < G_N_ELEMENTS (names); i++)
    {
      const char *hex = json_object_get_string_member_with_default (k, names[i], NULL);
      guint8 raw[32];
      g_autofree char *key = g_strconcat (names[i], "_public_key", NULL);

      if (hex != NULL && bm_key_from_hex (hex, raw, sizeof raw)
          && !bm_store_sync_set (store, key, hex, error))
        return FALSE;
    }
  return TRUE;
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
  g_autofree char *profile_text = NULL;
  g_autoptr(BmStationKeys) keys = NULL;
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
  /* Issue 14: the station's public key is registered with the workstation
   * (docs/sync-protocol.md §12), so that the county can tell its packages. */
  if ((keys = bm_station_keys_load_or_create (bm_store_get_path (store), FALSE, error)) == NULL)
    goto out;
  body = take_string (with_public_key (bm_sync_build_workstation (workstation_id, o->workstation_name ? o->workstation_name
                                                                                                     : g_get_host_name (),
                                                                   o->slice_size ? o->slice_size : 500),
                                       keys));
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
  /* The server has just verified this account's password: keep its hash
   * so that the person who set the desk up can log in offline. */
  if (bm_store_operator_is_enabled (store, o->user)
      && !bm_store_set_password (store, o->user, o->password, FALSE, BM_ACTOR_PROVINCE, error))
    goto out;

  exp = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + token->expires_in);
  /* The first profile version is applied like every later one, so that
   * its deadlines, code tables and allow-list are in force and the version
   * is recorded (bm-store-policy.c). A server that sends no version gets
   * its profile kept as it is. */
  if (json_object_has_member (profile, "profile_version"))
    {
      g_autoptr(JsonObject) policy = bm_policy_from_profile (profile, error);
      g_autoptr(GError) refused = NULL;

      if (policy == NULL)
        goto out;
      switch (bm_store_policy_apply (store, policy, profile, "province", BM_POLICY_ACTOR_PROVINCE, NULL, &refused))
        {
        case BM_POLICY_FAILED:
          g_propagate_error (error, g_steal_pointer (&refused));
          goto out;
        case BM_POLICY_REFUSED:
          /* The point and its numbers are set up already (from this very
           * profile); what it could not take (a malformed deadline or
           * allow-list) stays refused, on `profile show` and reported by
           * the first sync run. Its text is kept as before. */
          {
            g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), profile);
            profile_text = json_to_string (node, FALSE);
            if (!bm_store_sync_set (store, "profile", profile_text, error))
              goto out;
          }
          break;
        case BM_POLICY_APPLIED:
        case BM_POLICY_UNCHANGED:
          break;
        }
    }
  else
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, profile);
      profile_text = json_to_string (node, FALSE);
      if (!bm_store_sync_set (store, "profile", profile_text, error))
        goto out;
    }
  ok = bm_store_sync_set (store, "server_url", o->server_url, error)
       && bm_store_sync_set (store, "point_code", o->point_code, error)
       && bm_store_sync_set (store, "user", o->user, error)
       && bm_store_sync_set (store, "workstation_id", workstation_id, error)
       && bm_store_sync_set (store, "ca_file", o->ca_file, error)
       && bm_store_sync_set (store, "pin", o->pin, error)
       && bm_store_sync_set (store, "allow_plain_http", o->allow_plain_http ? "1" : NULL, error)
       && bm_store_sync_set (store, "token", token->token, error)
       && bm_store_sync_set (store, "token_expires", exp, error)
       && bm_store_sync_set (store, "refresh_token", token->refresh_token, error)
       && keep_profile_keys (store, profile, error);
out:
  bm_sync_response_clear (&resp);
  return ok;
}

/* An account from the point profile has no password on this workstation
 * until someone sets one. Its first log-in can be checked by the provincial
 * server instead (the password the county gave the operator); the caller
 * then keeps its hash, so later log-ins work offline. BM_ERROR_PERMISSION
 * when the server refuses the user name or password. */
gboolean
bm_sync_check_account (BmStore *store, const char *user, const char *password,
                       GCancellable *cancellable, GError **error)
{
  g_autofree char *url = bm_store_sync_get (store, "server_url");
  g_autofree char *ca = bm_store_sync_get (store, "ca_file");
  g_autofree char *pin = bm_store_sync_get (store, "pin");
  g_autofree char *plain = bm_store_sync_get (store, "allow_plain_http");
  g_autofree char *point = bm_store_sync_get (store, "point_code");
  g_autofree char *ws = bm_store_sync_get (store, "workstation_id");
  g_autoptr(BmSyncTransport) transport = NULL;
  g_autoptr(GBytes) body = NULL;
  BmSyncResponse resp = { 0 };
  gboolean ok;

  if (url == NULL || point == NULL || ws == NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NOT_SET_UP,
                   _("This workstation is not set up for sync; run “baoming-cli setup” first."));
      return FALSE;
    }
  transport = bm_sync_transport_new (url, ca, pin, g_strcmp0 (plain, "1") == 0, error);
  if (transport == NULL)
    return FALSE;
  body = take_string (bm_sync_build_login (point, user, password ? password : "", ws));
  if (!bm_sync_transport_request (transport, "POST", "/api/v1/login", body, NULL, &resp, cancellable, error))
    return FALSE;
  if (resp.status == 401 || resp.status == 403)
    {
      bm_sync_response_clear (&resp);
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   _("The provincial server does not know this user name and password."));
      return FALSE;
    }
  ok = expect_200 (&resp, "the login", error);
  bm_sync_response_clear (&resp);
  return ok;
}
