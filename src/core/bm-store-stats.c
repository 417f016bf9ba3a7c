/* Progress figures for the point (the 进度 page and `baoming-cli progress`):
 * live records by lifecycle state and by 科类, intakes per day, voids,
 * identities awaiting review, and the registration deadlines from the
 * province's profile. One typed BmProgress serves the page; the CLI's
 * JSON is made from it. */

#include "bm-config.h"

#include "bm-json-input.h"
#include "bm-store-private.h"
#include "bm-store-stats.h"
#include "bm-store-sync.h"

static void
count_clear (gpointer data)
{
  g_free (((BmCount *) data)->key);
}

static GArray *
counts_new (void)
{
  GArray *counts = g_array_new (FALSE, TRUE, sizeof (BmCount));

  g_array_set_clear_func (counts, count_clear);
  return counts;
}

static GArray *
counts_copy (GArray *from)
{
  GArray *to = counts_new ();

  for (guint i = 0; from && i < from->len; i++)
    {
      BmCount c = { g_strdup (g_array_index (from, BmCount, i).key), g_array_index (from, BmCount, i).count };
      g_array_append_val (to, c);
    }
  return to;
}

void
bm_progress_free (BmProgress *progress)
{
  if (progress == NULL)
    return;
  g_clear_pointer (&progress->by_state, g_array_unref);
  g_clear_pointer (&progress->by_category, g_array_unref);
  g_clear_pointer (&progress->by_day, g_array_unref);
  g_clear_pointer (&progress->deadlines, json_object_unref);
  g_free (progress->registration_closes);
  g_free (progress);
}

BmProgress *
bm_progress_copy (const BmProgress *progress)
{
  BmProgress *copy = g_memdup2 (progress, sizeof *progress);

  copy->by_state = counts_copy (progress->by_state);
  copy->by_category = counts_copy (progress->by_category);
  copy->by_day = counts_copy (progress->by_day);
  copy->registration_closes = g_strdup (progress->registration_closes);
  copy->deadlines = progress->deadlines ? json_object_ref (progress->deadlines) : NULL;
  return copy;
}

G_DEFINE_BOXED_TYPE (BmProgress, bm_progress, bm_progress_copy, bm_progress_free)

gint64
bm_progress_count (GArray *counts, const char *key)
{
  for (guint i = 0; counts && i < counts->len; i++)
    if (g_strcmp0 (g_array_index (counts, BmCount, i).key, key) == 0)
      return g_array_index (counts, BmCount, i).count;
  return 0;
}

gint64
bm_progress_largest (GArray *counts)
{
  gint64 largest = 0;

  for (guint i = 0; counts && i < counts->len; i++)
    largest = MAX (largest, g_array_index (counts, BmCount, i).count);
  return largest;
}

/* The CLI's `progress --json` (docs/cli.md): by_state and by_category as
 * objects keyed by state and code, by_day as [{date, count}]. */
JsonObject *
bm_progress_to_json (const BmProgress *progress)
{
  JsonObject *o = json_object_new ();
  JsonObject *by_state = json_object_new ();
  JsonObject *by_category = json_object_new ();
  JsonArray *by_day = json_array_new ();

  json_object_set_int_member (o, "registered", progress->registered);
  json_object_set_int_member (o, "voided", progress->voided);
  json_object_set_int_member (o, "review_pending", progress->review_pending);
  for (guint i = 0; i < progress->by_state->len; i++)
    json_object_set_int_member (by_state, g_array_index (progress->by_state, BmCount, i).key,
                                g_array_index (progress->by_state, BmCount, i).count);
  for (guint i = 0; i < progress->by_category->len; i++)
    json_object_set_int_member (by_category, g_array_index (progress->by_category, BmCount, i).key,
                                g_array_index (progress->by_category, BmCount, i).count);
  for (guint i = 0; i < progress->by_day->len; i++)
    {
      JsonObject *row = json_object_new ();

      json_object_set_string_member (row, "date", g_array_index (progress->by_day, BmCount, i).key);
      json_object_set_int_member (row, "count", g_array_index (progress->by_day, BmCount, i).count);
      json_array_add_object_element (by_day, row);
    }
  json_object_set_object_member (o, "by_state", by_state);
  json_object_set_object_member (o, "by_category", by_category);
  json_object_set_array_member (o, "by_day", by_day);
  if (progress->deadlines != NULL)
    json_object_set_object_member (o, "deadlines", json_object_ref (progress->deadlines));
  else
    json_object_set_null_member (o, "deadlines");
  return o;
}

static gboolean
count_into (BmStore *self, const char *sql, GArray *into, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      BmCount c = { g_strdup (key ? key : ""), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (into, c);
    }
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

BmProgress *
bm_store_dup_progress (BmStore *self, GError **error)
{
  g_autoptr(BmProgress) progress = g_new0 (BmProgress, 1);
  g_autofree char *profile = bm_store_sync_get (self, "profile");
  g_autoptr(JsonNode) profile_node = profile ? bm_json_input_parse (profile, -1, BM_JSON_INPUT_STORED, NULL) : NULL;

  progress->by_state = counts_new ();
  progress->by_category = counts_new ();
  progress->by_day = counts_new ();
  progress->registered = bm_store_count_candidates (self, FALSE);
  progress->voided = count_where (self, "SELECT count(*) FROM candidates WHERE voided = 1");
  progress->review_pending = count_where (self, "SELECT count(*) FROM candidates WHERE voided = 0 AND review_state = 'pending'");
  if (!count_into (self, "SELECT state, count(*) FROM candidates WHERE voided = 0 GROUP BY state ORDER BY state",
                   progress->by_state, error)
      || !count_into (self, "SELECT category, count(*) FROM candidates WHERE voided = 0 GROUP BY category ORDER BY category",
                      progress->by_category, error)
      /* created_at is local ISO 8601, so its first ten characters are the local day. */
      || !count_into (self, "SELECT substr (created_at, 1, 10) AS day, count(*) FROM candidates "
                            "WHERE voided = 0 GROUP BY day ORDER BY day",
                      progress->by_day, error))
    return NULL;

  if (profile_node != NULL && JSON_NODE_HOLDS_OBJECT (profile_node)
      && json_object_has_member (json_node_get_object (profile_node), "deadlines")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (profile_node), "deadlines")))
    {
      progress->deadlines = json_object_ref (json_object_get_object_member (json_node_get_object (profile_node),
                                                                             "deadlines"));
      progress->registration_closes = g_strdup (json_object_get_string_member_with_default (progress->deadlines,
                                                                                            "registration_closes", NULL));
    }
  return g_steal_pointer (&progress);
}
