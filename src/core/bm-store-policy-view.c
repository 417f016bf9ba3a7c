/* Reading the applied profile back: the supervisor's view (`profile show`),
 * what the profile says for H4's online-field allow-list and for code
 * tables, and the refusal still to be reported to the server
 * (docs/sync-protocol.md §4.1). Applying: bm-store-policy.c. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store-policy.h"
#include "bm-store-private.h"
#include "bm-store-sync.h"

static JsonNode *
meta_json (BmStore *self, const char *key)
{
  g_autofree char *text = bm_store_dup_meta (self, key);
  return text ? bm_json_input_parse (text, -1, BM_JSON_INPUT_STORED, NULL) : NULL;
}

static JsonObject *
meta_object (BmStore *self, const char *key)
{
  g_autoptr(JsonNode) node = meta_json (self, key);
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node)) : NULL;
}

JsonArray *
bm_store_policy_dup_online_fields_allowed (BmStore *self)
{
  g_autoptr(JsonNode) node = meta_json (self, "policy.online_fields_allowed");
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_array_ref (json_node_get_array (node)) : NULL;
}

GStrv
bm_store_policy_online_field_names (BmStore *self)
{
  g_autoptr(JsonArray) list = bm_store_policy_dup_online_fields_allowed (self);
  g_autoptr(GStrvBuilder) names = NULL;

  if (list == NULL)
    return NULL;
  names = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *e = json_array_get_element (list, i);
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        g_strv_builder_add (names, json_node_get_string (e));
      else if (JSON_NODE_HOLDS_OBJECT (e)
               && json_object_get_string_member_with_default (json_node_get_object (e), "field", NULL))
        g_strv_builder_add (names, json_object_get_string_member (json_node_get_object (e), "field"));
    }
  return g_strv_builder_end (names);
}

JsonObject *
bm_store_policy_dup_code_tables (BmStore *self)
{
  return meta_object (self, "policy.code_tables");
}

static void
set_object_or_null (JsonObject *o, const char *key, JsonObject *value)
{
  if (value != NULL)
    json_object_set_object_member (o, key, json_object_ref (value));
  else
    json_object_set_null_member (o, key);
}

JsonObject *
bm_store_policy_show (BmStore *self, GError **error)
{
  g_autoptr(BmPointProfile) point = bm_store_dup_point_profile (self, error);
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GArray) ranges = bm_serial_spans_new ();
  g_autoptr(JsonObject) applied = meta_object (self, "policy.applied");
  g_autoptr(JsonObject) refusal = meta_object (self, "policy.refusal");
  g_autoptr(JsonObject) tables = bm_store_policy_dup_code_tables (self);
  g_autoptr(JsonArray) allowed = bm_store_policy_dup_online_fields_allowed (self);
  g_autofree char *profile_text = bm_store_sync_get (self, "profile");
  g_autoptr(JsonNode) profile = profile_text ? bm_json_input_parse (profile_text, -1, BM_JSON_INPUT_STORED, NULL) : NULL;
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  JsonArray *cats = json_array_new (), *rs = json_array_new (), *ss = json_array_new ();
  gint64 version = bm_store_policy_version (self);
  int rc;

  json_object_set_array_member (o, "categories", cats);
  json_object_set_array_member (o, "ranges", rs);
  json_object_set_array_member (o, "slices", ss);
  if (point == NULL || (categories = bm_store_list_categories (self, error)) == NULL
      || !bm_store_load_spans (self, "number_ranges", ranges, error))
    return NULL;
  if (version > 0)
    json_object_set_int_member (o, "profile_version", version);
  else
    json_object_set_null_member (o, "profile_version");
  set_object_or_null (o, "applied", applied);
  set_object_or_null (o, "refusal", refusal);
  for (guint i = 0; i < categories->len; i++)
    {
      BmCategory *c = categories->pdata[i];
      JsonObject *e = json_object_new ();
      json_object_set_string_member (e, "code", c->code);
      json_object_set_string_member (e, "name", c->name);
      json_object_set_int_member (e, "remaining", c->remaining);
      json_array_add_object_element (cats, e);
    }
  for (guint i = 0; i < ranges->len; i++)
    {
      BmSerialSpan *r = &g_array_index (ranges, BmSerialSpan, i);
      JsonObject *e = json_object_new ();
      g_autofree char *first = g_strdup_printf ("%s%04d", point->county_code, (int) r->first);
      g_autofree char *last = g_strdup_printf ("%s%04d", point->county_code, (int) r->last);
      json_object_set_string_member (e, "category", r->category);
      json_object_set_string_member (e, "first", first);
      json_object_set_string_member (e, "last", last);
      json_array_add_object_element (rs, e);
    }
  st = bm_store_prepare (self, "SELECT category, first_serial, last_serial, next_serial FROM number_slices ORDER BY id", error);
  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      JsonObject *e = json_object_new ();
      g_autofree char *first = g_strdup_printf ("%s%04d", point->county_code, sqlite3_column_int (st, 1));
      g_autofree char *last = g_strdup_printf ("%s%04d", point->county_code, sqlite3_column_int (st, 2));
      json_object_set_string_member (e, "category", (const char *) sqlite3_column_text (st, 0));
      json_object_set_string_member (e, "first", first);
      json_object_set_string_member (e, "last", last);
      json_object_set_int_member (e, "remaining", sqlite3_column_int64 (st, 2) + 1 - sqlite3_column_int64 (st, 3));
      json_array_add_object_element (ss, e);
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  if (profile != NULL && JSON_NODE_HOLDS_OBJECT (profile)
      && json_object_has_member (json_node_get_object (profile), "deadlines")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (profile), "deadlines")))
    json_object_set_object_member (o, "deadlines",
                                   json_object_ref (json_object_get_object_member (json_node_get_object (profile), "deadlines")));
  else
    json_object_set_null_member (o, "deadlines");
  json_object_set_string_member (o, "point_name", point->name);
  json_object_set_string_member (o, "site_url", point->site_url);
  set_object_or_null (o, "code_tables", tables);
  if (allowed != NULL)
    json_object_set_array_member (o, "online_fields_allowed", json_array_ref (allowed));
  else
    json_object_set_null_member (o, "online_fields_allowed");
  return g_steal_pointer (&o);
}

JsonObject *
bm_store_policy_unreported_refusal (BmStore *self)
{
  g_autoptr(JsonObject) r = meta_object (self, "policy.refusal");
  JsonObject *body;

  if (r == NULL || json_object_get_boolean_member_with_default (r, "reported", TRUE))
    return NULL;
  body = json_object_new ();
  json_object_set_int_member (body, "profile_version", json_object_get_int_member_with_default (r, "profile_version", 0));
  json_object_set_int_member (body, "applied_version", json_object_get_int_member_with_default (r, "applied_version", 0));
  json_object_set_string_member (body, "refused_at", json_object_get_string_member_with_default (r, "refused_at", ""));
  if (json_object_has_member (r, "reasons"))
    json_object_set_member (body, "reasons", json_node_copy (json_object_get_member (r, "reasons")));
  return body;
}

gboolean
bm_store_policy_mark_reported (BmStore *self, gint64 version, GError **error)
{
  g_autoptr(JsonObject) r = meta_object (self, "policy.refusal");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  /* A newer refusal may have replaced the one that was sent. */
  if (r == NULL || json_object_get_int_member_with_default (r, "profile_version", -1) != version)
    return TRUE;
  json_object_set_boolean_member (r, "reported", TRUE);
  node = json_node_init_object (json_node_alloc (), r);
  text = json_to_string (node, FALSE);
  return bm_store_set_meta (self, "policy.refusal", text, error);
}
