/* Progress figures for the point (the 进度 page and `baoming-cli progress`):
 * live records by lifecycle state and by 科类, intakes per day, voids,
 * identities awaiting review, and the registration deadlines from the
 * province's profile. One JSON object serves the page and the CLI. */

#include "bm-config.h"

#include "bm-json-input.h"
#include "bm-store-private.h"
#include "bm-store-stats.h"
#include "bm-store-sync.h"

static gboolean
count_into (BmStore *self, const char *sql, JsonObject *into, const char *member, gboolean as_array, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, sql, error);
  JsonObject *map = NULL;
  JsonArray *list = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (as_array)
    list = json_array_new ();
  else
    map = json_object_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      if (as_array)
        {
          JsonObject *row = json_object_new ();
          json_object_set_string_member (row, "date", key ? key : "");
          json_object_set_int_member (row, "count", n);
          json_array_add_object_element (list, row);
        }
      else
        json_object_set_int_member (map, key ? key : "", n);
    }
  if (as_array)
    json_object_set_array_member (into, member, list);
  else
    json_object_set_object_member (into, member, map);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static gint64
count_where (BmStore *self, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

JsonObject *
bm_store_get_progress (BmStore *self, GError **error)
{
  g_autoptr(JsonObject) progress = json_object_new ();
  g_autofree char *profile = bm_store_sync_get (self, "profile");
  g_autoptr(JsonNode) profile_node = profile ? bm_json_input_parse (profile, -1, BM_JSON_INPUT_STORED, NULL) : NULL;

  json_object_set_int_member (progress, "registered", bm_store_count_candidates (self, FALSE));
  json_object_set_int_member (progress, "voided", count_where (self, "SELECT count(*) FROM candidates WHERE voided = 1"));
  json_object_set_int_member (progress, "review_pending",
                              count_where (self, "SELECT count(*) FROM candidates WHERE voided = 0 AND review_state = 'pending'"));
  if (!count_into (self, "SELECT state, count(*) FROM candidates WHERE voided = 0 GROUP BY state ORDER BY state",
                   progress, "by_state", FALSE, error)
      || !count_into (self, "SELECT category, count(*) FROM candidates WHERE voided = 0 GROUP BY category ORDER BY category",
                      progress, "by_category", FALSE, error)
      /* created_at is local ISO 8601, so its first ten characters are the local day. */
      || !count_into (self, "SELECT substr (created_at, 1, 10) AS day, count(*) FROM candidates "
                            "WHERE voided = 0 GROUP BY day ORDER BY day",
                      progress, "by_day", TRUE, error))
    return NULL;

  if (profile_node != NULL && JSON_NODE_HOLDS_OBJECT (profile_node)
      && json_object_has_member (json_node_get_object (profile_node), "deadlines")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (profile_node), "deadlines")))
    json_object_set_object_member (progress, "deadlines",
                                   json_object_ref (json_object_get_object_member (json_node_get_object (profile_node), "deadlines")));
  else
    json_object_set_null_member (progress, "deadlines");
  return g_steal_pointer (&progress);
}
