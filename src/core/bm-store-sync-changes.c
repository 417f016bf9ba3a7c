/* Applying the server's changes feed to the store, sync status, and the
 * clerk's conflict resolution (docs/sync-protocol.md §8). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-json-input.h"
#include "bm-operator.h"
#include "bm-online-fields.h"
#include "bm-store-private.h"
#include "bm-store-sync.h"

/* Candidate columns the 网报 site may fill; anything else stays only in
 * online_fields. The names are a fixed list, so they may go into SQL text. */
static const char * const online_columns[] = {
  "exam_type", "political_status", "foreign_language", "graduation_type", "school",
  "class_name", "student_number", "phone", NULL,
};

typedef struct {
  gint64 version;
  gint64 synced_version;
  gint64 base_rev;
  gboolean in_batch;
  char *number;
  char *state;
  char *review_state;
  char *online;
} Local;

static void
local_clear (Local *l)
{
  g_free (l->number);
  g_free (l->state);
  g_free (l->review_state);
  g_free (l->online);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Local, local_clear)

static gboolean
load_local (BmStore *self, const char *uuid, Local *l)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT c.version, c.synced_version, COALESCE (s.base_server_rev, 0),"
      " EXISTS (SELECT 1 FROM sync_batch_records b WHERE b.candidate_uuid = c.uuid),"
      " c.number, c.state, c.review_state, c.online_fields"
      " FROM candidates c LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid WHERE c.uuid = ?", NULL);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    return FALSE;
  l->version = sqlite3_column_int64 (st, 0);
  l->synced_version = sqlite3_column_int64 (st, 1);
  l->base_rev = sqlite3_column_int64 (st, 2);
  l->in_batch = sqlite3_column_int (st, 3);
  l->number = g_strdup ((const char *) sqlite3_column_text (st, 4));
  l->state = g_strdup ((const char *) sqlite3_column_text (st, 5));
  l->review_state = g_strdup ((const char *) sqlite3_column_text (st, 6));
  l->online = g_strdup ((const char *) sqlite3_column_text (st, 7));
  return TRUE;
}

static char *
column_value (BmStore *self, const char *uuid, const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM candidates WHERE uuid = ?", column);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, sql, NULL);

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (st, 0));
}

static gboolean
exec_bind3 (BmStore *self, const char *sql, const char *a, const char *b, const char *c, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, b, -1, SQLITE_STATIC);
  if (c != NULL)
    sqlite3_bind_text (st, 3, c, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

static gboolean
exec_bind (BmStore *self, const char *sql, const char *a, const char *b, GError **error)
{
  return exec_bind3 (self, sql, a, b, NULL, error);
}

/* A change from the server is the province's event; where the lifecycle
 * refuses it the state stays and the change is still recorded. */
static gboolean
move_state (BmStore *self, const char *uuid, BmRecordEvent event, JsonObject *detail, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (bm_store_apply_event_uuid (self, uuid, event, BM_ACTOR_PROVINCE, detail, &local))
    return TRUE;
  if (g_error_matches (local, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
set_sync_record (BmStore *self, const char *uuid, const char *status, const char *code, const char *detail,
                 gint64 held, gint64 base_rev, const char *server_change, gboolean replace_change,
                 GError **error)
{
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "INSERT INTO sync_records (candidate_uuid, status, error_code, error_detail, held_version, base_server_rev,"
      " server_change, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (candidate_uuid) DO UPDATE SET status = ?2, error_code = ?3, error_detail = ?4,"
      " held_version = MAX (held_version, ?5), base_server_rev = MAX (base_server_rev, ?6),"
      " server_change = CASE WHEN ?9 THEN ?7 ELSE server_change END, updated_at = ?8", error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, detail, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, held);
  sqlite3_bind_int64 (st, 6, base_rev);
  sqlite3_bind_text (st, 7, server_change, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, now, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 9, replace_change);
  rc = sqlite3_step (st);
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

/* Does the change collide with local edits the server has not seen? */
static gboolean
collides (BmStore *self, const char *uuid, Local *l, BmSyncChange *c)
{
  g_autoptr(JsonNode) prev_node = NULL;
  JsonObject *prev = NULL;
  GList *members;
  gboolean hit = FALSE;

  if (l->version <= l->synced_version && !l->in_batch)
    return FALSE;
  if (c->kind != BM_SYNC_CHANGE_ONLINE_FIELDS)
    return TRUE;
  /* Online fields collide only where the clerk changed the same field. */
  if (l->online && (prev_node = bm_json_input_parse (l->online, -1, BM_JSON_INPUT_STORED, NULL)) && JSON_NODE_HOLDS_OBJECT (prev_node))
    prev = json_node_get_object (prev_node);
  members = json_object_get_members (c->fields);
  for (GList *m = members; m && !hit; m = m->next)
    {
      g_autofree char *current = NULL;
      const char *before, *after;

      if (!g_strv_contains (online_columns, m->data))
        continue;
      current = column_value (self, uuid, m->data);
      before = prev && json_object_has_member (prev, m->data) ? json_object_get_string_member (prev, m->data) : NULL;
      after = json_object_get_string_member (c->fields, m->data);
      if (current && *current && g_strcmp0 (current, before) != 0 && g_strcmp0 (current, after) != 0)
        hit = TRUE;
    }
  g_list_free (members);
  return hit;
}

/* Key names only (never values) under @member, when there are any. */
static void
add_names (JsonObject *detail, const char *member, char **names)
{
  JsonArray *a;

  if (names[0] == NULL)
    return;
  a = json_array_new ();
  for (int i = 0; names[i]; i++)
    json_array_add_string_element (a, names[i]);
  json_object_set_array_member (detail, member, a);
}

static gboolean
apply_one (BmStore *self, BmSyncChange *c, gboolean force, GError **error)
{
  g_auto(Local) l = { 0 };
  g_autoptr(JsonObject) detail = json_object_new ();
  const char *action;

  if (!load_local (self, c->uuid, &l))
    return TRUE;    /* a record of another workstation of the point */
  json_object_set_string_member (detail, "number", l.number ? l.number : "");
  json_object_set_int_member (detail, "server_rev", c->server_rev);
  /* The server is outside input too. Only fields on the allow-list are
   * kept (bm-online-fields.c: no mailing address, recipient or postcode,
   * seed 三.4); the others are dropped here, before anything is stored,
   * and only their names reach the audit log. Allowed fields whose value
   * is over its limit, not text, or not a code of its table are left out
   * too (docs/limits.md); the rest applies. */
  if (c->kind == BM_SYNC_CHANGE_ONLINE_FIELDS && c->fields != NULL)
    {
      g_autoptr(GStrvBuilder) refused = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) dropped = g_strv_builder_new ();
      g_auto(GStrv) refused_names = NULL;
      g_auto(GStrv) dropped_names = NULL;
      JsonObject *kept = bm_online_fields_filter (c->fields, dropped, refused);

      json_object_unref (c->fields);
      c->fields = kept;
      refused_names = g_strv_builder_end (refused);
      dropped_names = g_strv_builder_end (dropped);
      add_names (detail, "refused_fields", refused_names);
      add_names (detail, "dropped_fields", dropped_names);
      if (dropped_names[0] != NULL)
        json_object_set_int_member (detail, "dropped", g_strv_length (dropped_names));
    }

  if (!force && collides (self, c->uuid, &l, c))
    {
      /* Hold the record back until the clerk decides. */
      json_object_set_string_member (detail, "kind", c->kind == BM_SYNC_CHANGE_ONLINE_FIELDS ? "online_fields"
                                                     : c->kind == BM_SYNC_CHANGE_REVIEW ? "review" : "returned");
      return set_sync_record (self, c->uuid, "conflict", "local_conflict", NULL, l.version, 0, c->json, TRUE, error)
             && bm_store_audit_append (self, BM_ACTOR_PROVINCE, c->uuid, "sync_conflict", detail, error);
    }

  switch (c->kind)
    {
    case BM_SYNC_CHANGE_ONLINE_FIELDS:
      {
        g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
        g_autofree char *text = NULL;
        GList *members = json_object_get_members (c->fields);
        JsonArray *keys = json_array_new ();

        for (GList *m = members; m; m = m->next)
          {
            json_array_add_string_element (keys, m->data);
            if (g_strv_contains (online_columns, m->data))
              {
                g_autofree char *sql = g_strdup_printf ("UPDATE candidates SET %s = ?2 WHERE uuid = ?1",
                                                        (const char *) m->data);
                if (!exec_bind (self, sql, c->uuid, json_object_get_string_member (c->fields, m->data), error))
                  {
                    g_list_free (members);
                    json_array_unref (keys);
                    return FALSE;
                  }
              }
          }
        g_list_free (members);
        json_node_set_object (node, c->fields);
        text = json_to_string (node, FALSE);
        json_object_set_array_member (detail, "fields", keys);   /* names only: values stay out of the log */
        if (!exec_bind (self, "UPDATE candidates SET online_fields = ?2 WHERE uuid = ?1", c->uuid, text, error)
            || !move_state (self, c->uuid, BM_RECORD_EVENT_ONLINE_FIELDS_PULLED, detail, error))
          return FALSE;
        action = "sync_online_fields";
        break;
      }
    case BM_SYNC_CHANGE_REVIEW:
      json_object_set_string_member (detail, "review_state", c->review_state);
      if (g_strcmp0 (l.review_state, "pending") == 0
          && !exec_bind (self, "UPDATE candidates SET review_state = ?2 WHERE uuid = ?1", c->uuid, c->review_state, error))
        return FALSE;
      if (!move_state (self, c->uuid, g_str_equal (c->review_state, "approved")
                                      ? BM_RECORD_EVENT_COUNTY_APPROVED : BM_RECORD_EVENT_COUNTY_RETURNED, detail, error))
        return FALSE;
      action = "sync_review";
      break;
    case BM_SYNC_CHANGE_RETURNED:
      json_object_set_string_member (detail, "reason", c->reason ? c->reason : "");
      if (!move_state (self, c->uuid, BM_RECORD_EVENT_COUNTY_RETURNED, detail, error))
        return FALSE;
      action = "sync_returned";
      break;
    default:
      return TRUE;
    }
  /* Record the server revision and the county's word, leaving the upload
   * state (pending, rejected …) as it is. */
  {
    g_autofree char *rev = g_strdup_printf ("%" G_GINT64_FORMAT, c->server_rev);
    if (!exec_bind (self, "INSERT OR IGNORE INTO sync_records (candidate_uuid, status, updated_at)"
                          " VALUES (?1, ?2, datetime ('now'))",
                    c->uuid, l.version > l.synced_version ? "pending" : "accepted", error)
        || !exec_bind (self, "UPDATE sync_records SET base_server_rev = MAX (base_server_rev, CAST (?2 AS INTEGER))"
                             " WHERE candidate_uuid = ?1", c->uuid, rev, error))
      return FALSE;
  }
  if (c->kind != BM_SYNC_CHANGE_ONLINE_FIELDS
      && !exec_bind3 (self, "UPDATE sync_records SET county_decision = ?2, county_reason = ?3 WHERE candidate_uuid = ?1",
                      c->uuid, c->kind == BM_SYNC_CHANGE_RETURNED ? "returned" : c->review_state, c->reason, error))
    return FALSE;
  return bm_store_audit_append (self, BM_ACTOR_PROVINCE, c->uuid, action, detail, error);
}


gboolean
bm_store_sync_apply_changes (BmStore *self, GPtrArray *changes, const char *next_cursor, GError **error)
{
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  for (guint i = 0; i < changes->len; i++)
    {
      BmSyncChange *c = changes->pdata[i];

      if (c->kind == BM_SYNC_CHANGE_PROFILE)
        {
          g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, c->profile_version);
          if (!bm_store_sync_set (self, "profile_version_seen", v, error))
            goto fail;
          continue;
        }
      if (c->kind != BM_SYNC_CHANGE_UNKNOWN && !apply_one (self, c, FALSE, error))
        goto fail;
    }
  if (next_cursor != NULL && !bm_store_sync_set (self, "cursor", next_cursor, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

static gint64
count (BmStore *self, const char *sql)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, sql, NULL);

  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (st, 0);
}

#define BLOCKED "(COALESCE (s.status, 'pending') IN ('rejected', 'conflict') AND s.held_version >= c.version)"

void
bm_sync_status_free (BmSyncStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->server_url);
  g_free (status->point_code);
  g_free (status->user);
  g_free (status->workstation_id);
  g_free (status->cursor);
  g_free (status->last_success);
  g_free (status->last_attempt);
  g_clear_pointer (&status->deadlines, json_object_unref);
  g_clear_pointer (&status->reconcile, json_object_unref);
  g_free (status->last_error_code);
  g_free (status->last_error);
  g_free (status->last_error_kind);
  g_free (status);
}

BmSyncStatus *
bm_sync_status_copy (const BmSyncStatus *status)
{
  BmSyncStatus *copy = g_memdup2 (status, sizeof *status);

  copy->server_url = g_strdup (status->server_url);
  copy->point_code = g_strdup (status->point_code);
  copy->user = g_strdup (status->user);
  copy->workstation_id = g_strdup (status->workstation_id);
  copy->cursor = g_strdup (status->cursor);
  copy->last_success = g_strdup (status->last_success);
  copy->last_attempt = g_strdup (status->last_attempt);
  copy->deadlines = status->deadlines ? json_object_ref (status->deadlines) : NULL;
  copy->reconcile = status->reconcile ? json_object_ref (status->reconcile) : NULL;
  copy->last_error_code = g_strdup (status->last_error_code);
  copy->last_error = g_strdup (status->last_error);
  copy->last_error_kind = g_strdup (status->last_error_kind);
  return copy;
}

G_DEFINE_BOXED_TYPE (BmSyncStatus, bm_sync_status, bm_sync_status_copy, bm_sync_status_free)

static void
set_string_or_null (JsonObject *o, const char *key, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, key, value);
  else
    json_object_set_null_member (o, key);
}

static void
set_object_or_null (JsonObject *o, const char *key, JsonObject *value)
{
  if (value != NULL)
    json_object_set_object_member (o, key, json_object_ref (value));
  else
    json_object_set_null_member (o, key);
}

/* `sync status --json` (docs/cli.md), less "problems". The members go in
 * the order the output has always had. */
JsonObject *
bm_sync_status_to_json (const BmSyncStatus *status)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "queue", status->queue);
  json_object_set_int_member (o, "sending", status->sending);
  json_object_set_int_member (o, "accepted", status->accepted);
  json_object_set_int_member (o, "rejected", status->rejected);
  json_object_set_int_member (o, "conflicts", status->conflicts);
  json_object_set_int_member (o, "oldest_unsent_age_s", status->oldest_unsent_age_s);
  set_string_or_null (o, "server_url", status->server_url);
  set_string_or_null (o, "point_code", status->point_code);
  set_string_or_null (o, "user", status->user);
  set_string_or_null (o, "workstation_id", status->workstation_id);
  set_string_or_null (o, "cursor", status->cursor);
  set_string_or_null (o, "last_success", status->last_success);
  set_string_or_null (o, "last_attempt", status->last_attempt);
  set_object_or_null (o, "deadlines", status->deadlines);
  set_object_or_null (o, "reconcile", status->reconcile);
  set_string_or_null (o, "last_error_code", status->last_error_code);
  set_string_or_null (o, "last_error", status->last_error);
  set_string_or_null (o, "last_error_kind", status->last_error_kind);
  if (status->has_retry_after)
    json_object_set_int_member (o, "last_retry_after_s", status->last_retry_after_s);
  else
    json_object_set_null_member (o, "last_retry_after_s");
  return o;
}

BmSyncStatus *
bm_store_sync_dup_status (BmStore *self, GError **error)
{
  g_autoptr(BmSyncStatus) status = g_new0 (BmSyncStatus, 1);
  g_autoptr(sqlite3_stmt) st = NULL;

  status->queue = count (self,
      "SELECT COUNT(*) FROM candidates c LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE c.version > c.synced_version AND NOT " BLOCKED);
  status->sending = count (self, "SELECT COUNT(DISTINCT candidate_uuid) FROM sync_batch_records");
  status->accepted = count (self, "SELECT COUNT(*) FROM candidates WHERE version <= synced_version");
  status->rejected = count (self,
      "SELECT COUNT(*) FROM candidates c JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE s.status = 'rejected' AND s.held_version >= c.version");
  status->conflicts = count (self,
      "SELECT COUNT(*) FROM candidates c JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE s.status = 'conflict' AND s.held_version >= c.version");
  st = bm_store_prepare (self,
      "SELECT MIN (c.updated_at) FROM candidates c LEFT JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE c.version > c.synced_version AND NOT " BLOCKED, error);
  if (st == NULL)
    return NULL;
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL)
    {
      g_autoptr(GDateTime) then = g_date_time_new_from_iso8601 ((const char *) sqlite3_column_text (st, 0), NULL);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      status->oldest_unsent_age_s = then ? MAX (0, g_date_time_difference (now, then) / G_TIME_SPAN_SECOND) : 0;
    }
  status->server_url = bm_store_sync_get (self, "server_url");
  status->point_code = bm_store_sync_get (self, "point_code");
  status->user = bm_store_sync_get (self, "user");
  status->workstation_id = bm_store_sync_get (self, "workstation_id");
  status->cursor = bm_store_sync_get (self, "cursor");
  status->last_success = bm_store_sync_get (self, "last_success");
  status->last_attempt = bm_store_sync_get (self, "last_attempt");
  {
    /* Deadlines from the point profile, for the countdown. */
    g_autofree char *profile = bm_store_sync_get (self, "profile");
    g_autoptr(JsonNode) node = profile ? bm_json_input_parse (profile, -1, BM_JSON_INPUT_STORED, NULL) : NULL;
    JsonObject *root = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    JsonNode *deadlines = root ? json_object_get_member (root, "deadlines") : NULL;

    if (deadlines != NULL && JSON_NODE_HOLDS_OBJECT (deadlines))
      status->deadlines = json_object_ref (json_node_get_object (deadlines));
  }
  {
    /* The last ledger reconciliation (bm_store_sync_reconcile), or null. */
    g_autofree char *rec = bm_store_sync_get (self, "reconcile");
    g_autoptr(JsonNode) node = rec ? json_from_string (rec, NULL) : NULL;

    if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
      status->reconcile = json_object_ref (json_node_get_object (node));
  }
  status->last_error_code = bm_store_sync_get (self, "last_error_code");
  if (status->last_error_code != NULL)
    {
      /* The sentence follows what the server did when the run stopped
       * (last_error_kind) where that is known: it says more than the code. */
      g_autofree char *detail = bm_store_sync_get (self, "last_error_detail");
      g_autofree char *asked = bm_store_sync_get (self, "last_retry_after_s");

      status->last_error_kind = bm_store_sync_get (self, "last_error_kind");
      status->last_error = status->last_error_kind ? bm_sync_explain (status->last_error_kind, asked)
                                                   : bm_sync_explain (status->last_error_code, detail);
      status->has_retry_after = asked != NULL;
      status->last_retry_after_s = asked ? g_ascii_strtoll (asked, NULL, 10) : 0;
    }
  return g_steal_pointer (&status);
}

JsonObject *
bm_store_sync_status (BmStore *self, GError **error)
{
  g_autoptr(BmSyncStatus) status = bm_store_sync_dup_status (self, error);

  return status ? bm_sync_status_to_json (status) : NULL;
}

void
bm_sync_problem_free (BmSyncProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->uuid);
  g_free (problem->number);
  g_free (problem->status);
  g_free (problem->code);
  g_free (problem->message);
  g_free (problem);
}

BmSyncProblem *
bm_sync_problem_copy (const BmSyncProblem *problem)
{
  BmSyncProblem *copy = g_new0 (BmSyncProblem, 1);

  copy->uuid = g_strdup (problem->uuid);
  copy->number = g_strdup (problem->number);
  copy->status = g_strdup (problem->status);
  copy->code = g_strdup (problem->code);
  copy->message = g_strdup (problem->message);
  return copy;
}

G_DEFINE_BOXED_TYPE (BmSyncProblem, bm_sync_problem, bm_sync_problem_copy, bm_sync_problem_free)

/* `problems` of `sync status --json`: [{uuid, number, status, code, message}]. */
JsonArray *
bm_sync_problems_to_json (GPtrArray *problems)
{
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < problems->len; i++)
    {
      const BmSyncProblem *p = problems->pdata[i];
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "uuid", p->uuid);
      json_object_set_string_member (o, "number", p->number);
      json_object_set_string_member (o, "status", p->status);
      json_object_set_string_member (o, "code", p->code);
      json_object_set_string_member (o, "message", p->message);
      json_array_add_object_element (out, o);
    }
  return out;
}

/* Records the clerk must look at: rejected or in conflict at their current
 * version, or returned by the county; by number. (element-type BmSyncProblem) */
GPtrArray *
bm_store_sync_dup_problems (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_problem_free);
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self,
      "SELECT c.uuid, c.number, s.status,"
      " CASE WHEN s.status IN ('rejected', 'conflict') AND s.held_version >= c.version THEN s.error_code ELSE 'returned' END,"
      " CASE WHEN s.status IN ('rejected', 'conflict') AND s.held_version >= c.version THEN s.error_detail ELSE s.county_reason END"
      " FROM candidates c JOIN sync_records s ON s.candidate_uuid = c.uuid"
      " WHERE (s.status IN ('rejected', 'conflict') AND s.held_version >= c.version)"
      "    OR s.county_decision = 'returned' ORDER BY c.number", error);

  if (st == NULL)
    return NULL;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      BmSyncProblem *p = g_new0 (BmSyncProblem, 1);

      p->uuid = g_strdup ((const char *) sqlite3_column_text (st, 0));
      p->number = g_strdup ((const char *) sqlite3_column_text (st, 1));
      p->status = g_strdup ((const char *) sqlite3_column_text (st, 2));
      p->code = g_strdup ((const char *) sqlite3_column_text (st, 3));
      p->message = bm_sync_explain (p->code, (const char *) sqlite3_column_text (st, 4));
      g_ptr_array_add (out, p);
    }
  return g_steal_pointer (&out);
}

JsonArray *
bm_store_sync_problems (BmStore *self, GError **error)
{
  g_autoptr(GPtrArray) problems = bm_store_sync_dup_problems (self, error);

  return problems ? bm_sync_problems_to_json (problems) : NULL;
}

/* The clerk's decision on a conflict. keep_local: the local record wins and
 * goes to the server as a new version based on the server's change; else the
 * server's change is applied over the local record, which is then sent. */
gboolean
bm_store_sync_resolve (BmStore *self, const char *number, gboolean keep_local, const char *operator_name,
                       GError **error)
{
  g_autoptr(BmCandidate) cand = NULL;
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *change_json = NULL, *code = NULL, *server_version = NULL;
  gint64 version, new_version;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if ((cand = bm_store_find_by_number (self, number, error)) == NULL)
    goto fail;
  version = bm_candidate_get_version (cand);
  st = bm_store_prepare (self, "SELECT server_change, error_code, error_detail FROM sync_records"
                               " WHERE candidate_uuid = ? AND status = 'conflict'", error);
  if (st == NULL)
    goto fail;
  sqlite3_bind_text (st, 1, bm_candidate_get (cand, "uuid"), -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("Record %s has no sync conflict to resolve."), number);
      goto fail;
    }
  change_json = g_strdup ((const char *) sqlite3_column_text (st, 0));
  code = g_strdup ((const char *) sqlite3_column_text (st, 1));
  server_version = g_strdup ((const char *) sqlite3_column_text (st, 2));
  new_version = version + 1;
  if (change_json != NULL)
    {
      gsize len = strlen (change_json);
      g_autofree char *page = g_strdup_printf ("{\"changes\":[%s],\"next_cursor\":\"\"}", change_json);
      g_autoptr(GPtrArray) changes = bm_sync_parse_changes (page, strlen (page), NULL, NULL, error);
      BmSyncChange *c;

      (void) len;
      if (changes == NULL || changes->len != 1)
        goto fail;
      c = changes->pdata[0];
      if (!keep_local && !apply_one (self, c, TRUE, error))
        goto fail;
      if (!set_sync_record (self, bm_candidate_get (cand, "uuid"), "pending", NULL, NULL, 0, c->server_rev,
                            NULL, TRUE, error))
        goto fail;
    }
  else if (keep_local)
    {
      /* stale_version / version_reused: jump over the server's version. */
      new_version = MAX (version, g_ascii_strtoll (server_version ? server_version : "0", NULL, 10)) + 1;
      if (!set_sync_record (self, bm_candidate_get (cand, "uuid"), "pending", NULL, NULL, 0, 0, NULL, TRUE, error))
        goto fail;
    }
  else
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The server's version of record %s is not available here; keep the local record or ask the county office."),
                   number);
      goto fail;
    }
  {
    g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, new_version);
    if (!exec_bind (self, "UPDATE candidates SET version = CAST (?2 AS INTEGER) WHERE uuid = ?1",
                    bm_candidate_get (cand, "uuid"), v, error))
      goto fail;
  }
  json_object_set_string_member (detail, "number", number);
  json_object_set_string_member (detail, "code", code ? code : "");
  json_object_set_boolean_member (detail, "keep_local", keep_local);
  if (!bm_store_audit_append (self, operator_name, bm_candidate_get (cand, "uuid"), "sync_resolve", detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}
