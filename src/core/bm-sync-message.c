/* Sync protocol messages (docs/sync-protocol.md v1). The parsers treat the
 * server as untrusted input: wrong types, missing members and garbage are
 * errors, never crashes or criticals. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store.h"
#include "bm-sync-message.h"

void
bm_sync_token_free (BmSyncToken *token)
{
  if (token == NULL)
    return;
  g_free (token->token);
  g_free (token->refresh_token);
  g_free (token->expires_at);
  g_free (token->server_time);
  g_free (token);
}

void
bm_sync_server_error_free (BmSyncServerError *error)
{
  if (error == NULL)
    return;
  g_free (error->code);
  g_free (error->message);
  g_free (error);
}

void
bm_sync_result_free (BmSyncResult *result)
{
  if (result == NULL)
    return;
  g_free (result->uuid);
  g_free (result->code);
  g_free (result->reason);
  g_free (result->other_uuid);
  g_free (result->other_number);
  g_free (result->other_point);
  g_free (result);
}

void
bm_sync_change_free (BmSyncChange *change)
{
  if (change == NULL)
    return;
  g_free (change->uuid);
  g_free (change->number);
  g_clear_pointer (&change->fields, json_object_unref);
  g_free (change->review_state);
  g_free (change->reason);
  g_free (change->json);
  g_free (change);
}

void
bm_sync_slice_free (BmSyncSlice *slice)
{
  if (slice == NULL)
    return;
  g_free (slice->category);
  g_free (slice);
}

/* Typed member access that tolerates anything. */
static const char *
str_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
int_member (JsonObject *o, const char *key, gint64 *value)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (n);
  return TRUE;
}

static JsonObject *
obj_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
arr_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static gboolean
bool_member (JsonObject *o, const char *key, gboolean *value)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
               _("The provincial server sent an answer this program does not understand (%s)."), what);
  return FALSE;
}

/* Parse to an object; the returned object is owned by the caller. The
 * size and nesting limits of bm-json-input.c come first: a deeply nested
 * answer would otherwise overflow the sync worker's stack. */
static JsonObject *
parse_object (const char *data, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  JsonObject *o;

  if (data == NULL || len == 0 || len > G_MAXSSIZE)
    {
      malformed (error, "not a JSON object");
      return NULL;
    }
  o = bm_json_input_parse_object (data, len, BM_JSON_INPUT_SERVER, &local);
  if (o == NULL)
    malformed (error, local->message);
  return o;
}

static char *
to_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

char *
bm_sync_build_login (const char *point_code, const char *user, const char *password,
                     const char *workstation_id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "point_code");
  json_builder_add_string_value (b, point_code);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, user);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  if (workstation_id != NULL)
    {
      json_builder_set_member_name (b, "workstation_id");
      json_builder_add_string_value (b, workstation_id);
    }
  json_builder_end_object (b);
  return to_text (b);
}

char *
bm_sync_build_refresh (const char *refresh_token)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, refresh_token);
  json_builder_end_object (b);
  return to_text (b);
}

char *
bm_sync_build_workstation (const char *workstation_id, const char *name, gint64 slice_size)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "workstation_id");
  json_builder_add_string_value (b, workstation_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : "");
  json_builder_set_member_name (b, "slice_size");
  json_builder_add_int_value (b, slice_size);
  json_builder_end_object (b);
  return to_text (b);
}

char *
bm_sync_build_slice_request (const char *request_id, const char *category, gint64 count)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, request_id);
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, category);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, count);
  json_builder_end_object (b);
  return to_text (b);
}

/* Keys of bm_candidate_to_json that never go to the server. */
static const char * const not_sent[] = {
  "initial_password", "version", "synced_version", "online_fields", NULL,
};

JsonNode *
bm_sync_build_record_item (JsonObject *candidate_json, gint64 base_server_rev,
                           const char * const *photo_sha256s)
{
  JsonObject *item = json_object_new ();
  JsonObject *record = json_object_new ();
  JsonArray *photos = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  GList *members = json_object_get_members (candidate_json);
  gint64 version = 0;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (not_sent, l->data))
      json_object_set_member (record, l->data,
                              json_node_copy (json_object_get_member (candidate_json, l->data)));
  g_list_free (members);
  int_member (candidate_json, "version", &version);
  for (int i = 0; photo_sha256s && photo_sha256s[i]; i++)
    json_array_add_string_element (photos, photo_sha256s[i]);

  json_object_set_string_member (item, "uuid", str_member (candidate_json, "uuid"));
  json_object_set_int_member (item, "version", version);
  json_object_set_int_member (item, "base_server_rev", base_server_rev);
  json_object_set_object_member (item, "record", record);
  json_object_set_array_member (item, "photos", photos);
  json_node_take_object (node, item);
  return node;
}

/* Protocol 1.1 photo bundle: "SHA256:LENGTH\n" BYTES "\n", repeated. */
GBytes *
bm_sync_build_photo_bundle (const char * const *sha256s, GBytes * const *photos, guint n)
{
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (photos[i], &len);
      g_autofree char *head = g_strdup_printf ("%s:%" G_GSIZE_FORMAT "\n", sha256s[i], len);

      g_byte_array_append (out, (const guint8 *) head, strlen (head));
      g_byte_array_append (out, data, len);
      g_byte_array_append (out, (const guint8 *) "\n", 1);
    }
  return g_byte_array_free_to_bytes (out);
}

/* One status per photo, in order: stored, held, hash_mismatch, too_large. */
GStrv
bm_sync_parse_bundle_answer (const char *data, gsize len, const char * const *sha256s, guint n, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  JsonArray *a;

  if (o == NULL)
    return NULL;
  if ((a = arr_member (o, "results")) == NULL || json_array_get_length (a) != n)
    {
      malformed (error, "bundle results");
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      JsonObject *r = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *status = str_member (r, "status");

      if (r == NULL || status == NULL || g_strcmp0 (str_member (r, "sha256"), sha256s[i]) != 0)
        {
          malformed (error, "bundle result");
          return NULL;
        }
      g_strv_builder_add (out, status);
    }
  return g_strv_builder_end (out);
}

BmSyncToken *
bm_sync_parse_token (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(BmSyncToken) t = NULL;

  if (o == NULL)
    return NULL;
  t = g_new0 (BmSyncToken, 1);
  if (str_member (o, "token") == NULL || *str_member (o, "token") == '\0'
      || !int_member (o, "expires_in", &t->expires_in) || t->expires_in < 0)
    {
      malformed (error, "token");
      return NULL;
    }
  t->token = g_strdup (str_member (o, "token"));
  t->refresh_token = g_strdup (str_member (o, "refresh_token"));
  t->expires_at = g_strdup (str_member (o, "expires_at"));
  t->server_time = g_strdup (str_member (o, "server_time"));
  return g_steal_pointer (&t);
}

BmSyncServerError *
bm_sync_parse_error (const char *data, gsize len)
{
  g_autoptr(JsonObject) o = parse_object (data, len, NULL);
  JsonObject *e = obj_member (o, "error"), *d;
  BmSyncServerError *err;
  gint64 v;

  if (e == NULL || str_member (e, "code") == NULL)
    return NULL;
  err = g_new0 (BmSyncServerError, 1);
  err->code = g_strdup (str_member (e, "code"));
  err->message = g_strdup (str_member (e, "message"));
  if (int_member (e, "retry_after", &v) && v > 0)
    err->retry_after = (int) MIN (v, 24 * 3600);
  if ((d = obj_member (e, "details")) != NULL)
    {
      if (int_member (d, "max_records", &v) && v > 0)
        err->max_records = v;
      if (int_member (d, "max_bytes", &v) && v > 0)
        err->max_bytes = v;
    }
  return err;
}

JsonObject *
bm_sync_parse_profile (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  JsonObject *point;
  JsonArray *a;

  if (o == NULL)
    return NULL;
  point = obj_member (o, "point");
  if (point == NULL || str_member (point, "code") == NULL || str_member (point, "county_code") == NULL
      || !g_regex_match_simple ("^[0-9]{4}$", str_member (point, "county_code"), 0, 0))
    {
      malformed (error, "profile.point");
      return NULL;
    }
  if (g_str_equal (str_member (point, "county_code"), BM_TRAINING_COUNTY_CODE))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The county code %s is reserved for the training point; real registration never uses it."),
                   BM_TRAINING_COUNTY_CODE);
      return NULL;
    }
  if ((a = arr_member (o, "categories")) == NULL || json_array_get_length (a) == 0)
    {
      malformed (error, "profile.categories");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_OBJECT (n) || str_member (json_node_get_object (n), "code") == NULL
          || str_member (json_node_get_object (n), "name") == NULL)
        {
          malformed (error, "profile.categories");
          return NULL;
        }
    }
  if ((a = arr_member (o, "ranges")) == NULL)
    {
      malformed (error, "profile.ranges");
      return NULL;
    }
  return g_steal_pointer (&o);
}

static gboolean
number_value (const char *s, gint64 *value)
{
  if (s == NULL || strlen (s) != 8)
    return FALSE;
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  *value = g_ascii_strtoll (s, NULL, 10);
  return TRUE;
}

GPtrArray *
bm_sync_parse_slices (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_slice_free);
  JsonArray *a;

  if (o == NULL)
    return NULL;
  if ((a = arr_member (o, "slices")) == NULL)
    {
      malformed (error, "slices");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *s = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      BmSyncSlice *slice = g_new0 (BmSyncSlice, 1);

      g_ptr_array_add (out, slice);
      if (s == NULL || str_member (s, "category") == NULL
          || !number_value (str_member (s, "first"), &slice->first)
          || !number_value (str_member (s, "last"), &slice->last) || slice->first > slice->last)
        {
          malformed (error, "slice");
          return NULL;
        }
      slice->category = g_strdup (str_member (s, "category"));
    }
  return g_steal_pointer (&out);
}

GPtrArray *
bm_sync_parse_batch_answer (const char *data, gsize len, const char *batch_id, guint n_records,
                            GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_result_free);
  JsonArray *a;

  if (o == NULL)
    return NULL;
  /* An answer to some other batch (a repeated old answer) must never be
   * applied to this one. */
  if (g_strcmp0 (str_member (o, "batch_id"), batch_id) != 0)
    {
      malformed (error, "answer is for another batch");
      return NULL;
    }
  if ((a = arr_member (o, "results")) == NULL || json_array_get_length (a) != n_records)
    {
      malformed (error, "results");
      return NULL;
    }
  for (guint i = 0; i < n_records; i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *r = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonObject *other = obj_member (r, "other");
      BmSyncResult *res = g_new0 (BmSyncResult, 1);
      const char *status = str_member (r, "status");

      g_ptr_array_add (out, res);
      if (r == NULL || str_member (r, "uuid") == NULL || !int_member (r, "version", &res->version)
          || status == NULL)
        {
          malformed (error, "result");
          return NULL;
        }
      if (g_str_equal (status, "accepted"))
        res->status = BM_SYNC_RESULT_ACCEPTED;
      else if (g_str_equal (status, "rejected"))
        res->status = BM_SYNC_RESULT_REJECTED;
      else if (g_str_equal (status, "conflict"))
        res->status = BM_SYNC_RESULT_CONFLICT;
      else
        {
          malformed (error, "result status");
          return NULL;
        }
      if (res->status != BM_SYNC_RESULT_ACCEPTED && str_member (r, "code") == NULL)
        {
          malformed (error, "result code");
          return NULL;
        }
      res->uuid = g_strdup (str_member (r, "uuid"));
      res->code = g_strdup (str_member (r, "code"));
      res->reason = g_strdup (str_member (r, "reason"));
      int_member (r, "server_rev", &res->server_rev);
      int_member (r, "server_version", &res->server_version);
      res->other_uuid = g_strdup (str_member (other, "uuid"));
      res->other_number = g_strdup (str_member (other, "number"));
      res->other_point = g_strdup (str_member (other, "point_code"));
    }
  return g_steal_pointer (&out);
}

GPtrArray *
bm_sync_parse_changes (const char *data, gsize len, char **next_cursor, gboolean *more, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_change_free);
  JsonArray *a;
  gboolean m = FALSE;

  if (o == NULL)
    return NULL;
  if ((a = arr_member (o, "changes")) == NULL || str_member (o, "next_cursor") == NULL)
    {
      malformed (error, "changes");
      return NULL;
    }
  bool_member (o, "more", &m);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      BmSyncChange *ch = g_new0 (BmSyncChange, 1);
      const char *kind = str_member (c, "kind");

      g_ptr_array_add (out, ch);
      if (c == NULL || kind == NULL || !int_member (c, "seq", &ch->seq))
        {
          malformed (error, "change");
          return NULL;
        }
      ch->json = json_to_string (n, FALSE);
      if (g_str_equal (kind, "profile"))
        {
          ch->kind = BM_SYNC_CHANGE_PROFILE;
          int_member (c, "profile_version", &ch->profile_version);
          continue;
        }
      if (g_str_equal (kind, "online_fields"))
        ch->kind = BM_SYNC_CHANGE_ONLINE_FIELDS;
      else if (g_str_equal (kind, "review"))
        ch->kind = BM_SYNC_CHANGE_REVIEW;
      else if (g_str_equal (kind, "returned"))
        ch->kind = BM_SYNC_CHANGE_RETURNED;
      else
        continue;   /* unknown kinds are skipped: additive protocol changes */
      if (str_member (c, "uuid") == NULL || !int_member (c, "server_rev", &ch->server_rev))
        {
          malformed (error, "change record");
          return NULL;
        }
      ch->uuid = g_strdup (str_member (c, "uuid"));
      ch->number = g_strdup (str_member (c, "number"));
      ch->reason = g_strdup (str_member (c, "reason"));
      ch->review_state = g_strdup (str_member (c, "review_state"));
      if (ch->kind == BM_SYNC_CHANGE_REVIEW
          && g_strcmp0 (ch->review_state, "approved") != 0 && g_strcmp0 (ch->review_state, "rejected") != 0)
        {
          malformed (error, "review_state");
          return NULL;
        }
      if (ch->kind == BM_SYNC_CHANGE_ONLINE_FIELDS)
        {
          JsonObject *f = obj_member (c, "fields");
          GList *members;

          if (f == NULL)
            {
              malformed (error, "fields");
              return NULL;
            }
          ch->fields = json_object_new ();
          members = json_object_get_members (f);
          for (GList *l = members; l; l = l->next)
            if (str_member (f, l->data) != NULL)
              json_object_set_string_member (ch->fields, l->data, str_member (f, l->data));
          g_list_free (members);
        }
    }
  if (next_cursor)
    *next_cursor = g_strdup (str_member (o, "next_cursor"));
  if (more)
    *more = m;
  return g_steal_pointer (&out);
}

void
bm_sync_ledger_free (BmSyncLedger *ledger)
{
  if (ledger == NULL)
    return;
  g_free (ledger->category);
  g_free (ledger->digest);
  g_free (ledger->last_number);
  g_clear_pointer (&ledger->versions, g_hash_table_unref);
  g_free (ledger);
}

/* GET …/ledger and …/ledger/{category} (protocol 1.2): per 科类 a count and
 * a digest; the per-category answer also lists the records. */
GPtrArray *
bm_sync_parse_ledger (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonObject) o = parse_object (data, len, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_ledger_free);
  JsonArray *a;

  if (o == NULL)
    return NULL;
  if ((a = arr_member (o, "categories")) == NULL)
    {
      malformed (error, "ledger");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      BmSyncLedger *l = g_new0 (BmSyncLedger, 1);
      JsonArray *records = arr_member (c, "records");

      g_ptr_array_add (out, l);
      if (c == NULL || str_member (c, "category") == NULL || str_member (c, "digest") == NULL
          || !int_member (c, "count", &l->count) || l->count < 0)
        {
          malformed (error, "ledger category");
          return NULL;
        }
      l->category = g_strdup (str_member (c, "category"));
      l->digest = g_ascii_strdown (str_member (c, "digest"), -1);
      /* protocol 1.5, optional: ignored unless it is a number of 8 digits */
      if (str_member (c, "last_number") != NULL && strlen (str_member (c, "last_number")) == 8
          && strspn (str_member (c, "last_number"), "0123456789") == 8)
        l->last_number = g_strdup (str_member (c, "last_number"));
      if (records == NULL)
        continue;
      l->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint j = 0; j < json_array_get_length (records); j++)
        {
          JsonNode *rn = json_array_get_element (records, j);
          JsonObject *r = JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
          gint64 version;

          if (r == NULL || str_member (r, "uuid") == NULL || !int_member (r, "version", &version))
            {
              malformed (error, "ledger record");
              return NULL;
            }
          g_hash_table_replace (l->versions, g_strdup (str_member (r, "uuid")), g_memdup2 (&version, sizeof version));
        }
    }
  return g_steal_pointer (&out);
}

/* The lead's set-up file format (docs/setup-file.md): serials, not numbers. */
JsonObject *
bm_sync_setup_from_profile (JsonObject *profile, GPtrArray *slices, const char *server_url,
                            const char *workstation_id, GError **error)
{
  JsonObject *point = obj_member (profile, "point");
  JsonArray *ranges = arr_member (profile, "ranges");
  g_autoptr(JsonObject) setup = json_object_new ();
  JsonObject *p = json_object_new ();
  JsonArray *r = json_array_new ();
  JsonArray *s = json_array_new ();
  const char *county = str_member (point, "county_code");

  json_object_set_object_member (setup, "point", p);
  json_object_set_array_member (setup, "ranges", r);
  json_object_set_array_member (setup, "slices", s);
  json_object_set_string_member (p, "code", str_member (point, "code"));
  json_object_set_string_member (p, "name", str_member (point, "name") ? str_member (point, "name")
                                                                         : str_member (point, "code"));
  json_object_set_string_member (p, "county_code", county);
  if (str_member (profile, "site_url"))
    json_object_set_string_member (p, "site_url", str_member (profile, "site_url"));
  json_object_set_string_member (p, "server_url", server_url);
  json_object_set_string_member (setup, "workstation_id", workstation_id);
  json_object_set_member (setup, "categories",
                          json_node_copy (json_object_get_member (profile, "categories")));
  /* The point's accounts; bm_store_refresh_operators keeps only user,
   * name, role, id_number and enabled of each. */
  if (arr_member (profile, "operators") != NULL)
    json_object_set_member (setup, "operators", json_node_copy (json_object_get_member (profile, "operators")));
  for (guint i = 0; ranges && i < json_array_get_length (ranges); i++)
    {
      JsonNode *n = json_array_get_element (ranges, i);
      JsonObject *ro = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      gint64 first, last;
      JsonObject *out;

      if (ro == NULL || str_member (ro, "category") == NULL
          || !number_value (str_member (ro, "first"), &first) || !number_value (str_member (ro, "last"), &last)
          || first / 10000 != g_ascii_strtoll (county, NULL, 10) || last / 10000 != first / 10000)
        {
          malformed (error, "profile.ranges");
          return NULL;
        }
      out = json_object_new ();
      json_object_set_string_member (out, "category", str_member (ro, "category"));
      json_object_set_int_member (out, "first", first % 10000);
      json_object_set_int_member (out, "last", last % 10000);
      json_array_add_object_element (r, out);
    }
  /* The store checks the slices against the ranges and each other
   * (bm_store_check_slices); the 市县码 is checked here, where the 8-digit
   * numbers still carry it. An empty list stays empty: the store refuses it
   * rather than splitting the ranges itself. */
  for (guint i = 0; i < slices->len; i++)
    {
      BmSyncSlice *sl = slices->pdata[i];
      JsonObject *out;
      gint64 first, last;

      if (!bm_sync_slice_serials (sl, county, &first, &last, error))
        return NULL;
      out = json_object_new ();
      json_object_set_string_member (out, "category", sl->category);
      json_object_set_int_member (out, "first", first);
      json_object_set_int_member (out, "last", last);
      json_array_add_object_element (s, out);
    }
  return g_steal_pointer (&setup);
}

gboolean
bm_sync_slice_serials (const BmSyncSlice *slice, const char *county_code, gint64 *first, gint64 *last,
                       GError **error)
{
  gint64 county = county_code && strlen (county_code) == 4 ? g_ascii_strtoll (county_code, NULL, 10) : -1;

  if (slice->first / 10000 != county || slice->last / 10000 != county
      || slice->first % 10000 < 1 || slice->first > slice->last)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The provincial server gave numbers %08d–%08d for category %s, which are not under this point's county code %s. They are not used."),
                   (int) slice->first, (int) slice->last, slice->category, county_code ? county_code : "?");
      return FALSE;
    }
  *first = slice->first % 10000;
  *last = slice->last % 10000;
  return TRUE;
}

/* "Why not sent": a sentence for the clerk, with what to do. */
char *
bm_sync_explain (const char *code, const char *detail)
{
  const char *d = detail && *detail ? detail : "?";

  if (code == NULL || *code == '\0' || g_str_equal (code, "pending"))
    return g_strdup (_("Waiting to be sent to the provincial server."));
  if (g_str_equal (code, "sending"))
    return g_strdup (_("Sent; waiting for the provincial server's answer."));
  if (g_str_equal (code, "accepted"))
    return g_strdup (_("Accepted by the provincial server."));
  if (g_str_equal (code, "invalid"))
    return g_strdup_printf (_("The provincial server refused the record because a field is missing or malformed (%s). Correct the record and save it again."), d);
  if (g_str_equal (code, "over_limit"))
    return g_strdup_printf (_("The record is not sent because a field breaks its limit: %s Correct the record and save it again."), d);
  if (g_str_equal (code, "id_number_invalid"))
    return g_strdup (_("The provincial server says the ID number is not valid. Check the document and correct the number."));
  if (g_str_equal (code, "duplicate_id_number"))
    return g_strdup_printf (_("The same ID number is already registered as %s. Contact the county office before registering this candidate again."), d);
  if (g_str_equal (code, "duplicate_number"))
    return g_strdup_printf (_("The registration number is already used by record %s. Contact the county office."), d);
  if (g_str_equal (code, "number_outside_slice"))
    return g_strdup (_("The registration number lies outside the numbers given to this workstation. Ask the county office to check the number ranges."));
  if (g_str_equal (code, "photo_missing"))
    return g_strdup (_("The photo has not reached the server yet; it is sent again automatically."));
  if (g_str_equal (code, "category_unknown"))
    return g_strdup (_("The point does not offer this category. Correct the category and save again."));
  if (g_str_equal (code, "stale_version") || g_str_equal (code, "version_reused"))
    return g_strdup (_("The server holds a different version of this record. Compare both on the sync page and decide which to keep."));
  if (g_str_equal (code, "server_changed") || g_str_equal (code, "local_conflict"))
    return g_strdup (_("The county or the candidate changed this record while it had unsent changes here. Compare both on the sync page and decide which to keep."));
  if (g_str_equal (code, "returned"))
    return g_strdup_printf (_("The county returned the record for correction: %s"), d);
  if (g_str_equal (code, "network"))
    return g_strdup (_("The provincial server cannot be reached. The records stay queued and are sent when the network is back."));
  if (g_str_equal (code, "busy"))
    return g_strdup (_("The provincial server is busy. The records stay queued and are sent automatically later."));
  if (g_str_equal (code, "tls"))
    return g_strdup (_("The server's certificate is not trusted, so nothing was sent. Do not change settings yourself; call the county IT office."));
  if (g_str_equal (code, "pin"))
    return g_strdup (_("The server's key does not match the key this workstation expects, so nothing was sent. Call the county IT office."));
  if (g_str_equal (code, "auth"))
    return g_strdup (_("The login to the provincial server is no longer valid. Run the set-up with the point account again."));
  if (g_str_equal (code, "insecure"))
    return g_strdup (_("The server address is not HTTPS. Ask the county IT office for the correct address."));
  /* The refusal's own sentence names the slice and what the clerk does. */
  if (g_str_equal (code, "slices_refused"))
    return detail && *detail ? g_strdup (detail)
                             : g_strdup (_("The provincial server's further numbers were refused. Numbering of that category stops when its current numbers are used up; call the county office."));
  /* What the server did when a run stopped (last_error_kind, docs/cli.md). */
  if (g_str_equal (code, "too_large"))
    return g_strdup_printf (_("The provincial server refuses this record because it is too large (%s bytes), even on its own. It is set aside and not sent again until it is changed: check its photos and long fields, save it again, or call the county IT office."), d);
  if (g_str_equal (code, "server_busy"))
    return g_strdup (_("The provincial server is busy. The records stay queued and are sent automatically later."));
  if (g_str_equal (code, "server_unreachable"))
    return g_strdup (_("The provincial server cannot be reached. The records stay queued and are sent when the network is back."));
  if (g_str_equal (code, "retry_after_capped"))
    return g_strdup_printf (_("The provincial server asked to wait %s seconds before the next try. This run stopped instead of waiting; the records stay queued and the next run tries again."), d);
  if (g_str_equal (code, "server_silent"))
    return g_strdup (_("The provincial server took the requests but never answered. The records stay queued; if this repeats, tell the county IT office."));
  if (g_str_equal (code, "server_stalled"))
    return g_strdup (_("The provincial server's answers stopped or came far too slowly. The records stay queued; if this repeats, tell the county IT office."));
  if (g_str_equal (code, "run_deadline"))
    return g_strdup (_("The sync run reached its time limit and stopped. What was sent is kept; the next run goes on with the rest."));
  if (g_str_equal (code, "changes_feed_garbled"))
    return g_strdup (_("The provincial server's list of changes could not be read. The records were sent; the changes are fetched again in the next run. If this repeats, tell the county IT office."));
  if (g_str_equal (code, "changes_feed_stuck") || g_str_equal (code, "changes_feed_endless"))
    return g_strdup (_("The provincial server's list of changes does not come to an end. The records were sent; the next run goes on. If this repeats, tell the county IT office."));
  if (g_str_equal (code, "protocol"))
    return g_strdup (_("The provincial server answered in a way this program does not understand. The records stay queued; update the program or call the county IT office."));
  return g_strdup_printf (_("The provincial server refused the record (%s). Contact the county office."), code);
}
