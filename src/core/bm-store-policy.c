/* Applying a new point profile version to the point, category and range
 * tables (issue 12; seed 四: 系统设计与政策不一致 … 争取短时间内调整).
 * A version is applied whole, in one transaction, or refused whole when it
 * would strand what the workstation already holds: a removed 科类 that has
 * records, a range that no longer covers an issued number or a slice of
 * this workstation, another 市县码. The slice rule stays
 * bm_store_check_slices (issue 10). Versions never go backwards, and the
 * version in force again is a no-op. Every application and refusal is
 * audited; the last of each is kept for `profile show`
 * (bm-store-policy-view.c). Formats: docs/setup-file.md. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-policy-private.h"
#include "bm-store-policy.h"
#include "bm-store-private.h"
#include "bm-store-sync.h"
#include "bm-sync-message.h"

gint64
bm_store_policy_version (BmStore *self)
{
  g_autofree char *v = bm_store_sync_get (self, "profile_version");
  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

static char *
number_text (const char *county, gint64 serial)
{
  return g_strdup_printf ("%s%04d", county, (int) serial);
}

static char *
span_text (const char *county, const Span *s)
{
  return g_strdup_printf ("%s%04d-%s%04d", county, (int) s->first, county, (int) s->last);
}

static JsonObject *
reason_new (const char *code, const char *category)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "code", code);
  if (category != NULL)
    json_object_set_string_member (r, "category", category);
  return r;
}

static gboolean
category_listed (JsonArray *categories, const char *code, const char **name)
{
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *c = json_array_get_object_element (categories, i);
      if (g_str_equal (str_member (c, "code"), code))
        {
          if (name)
            *name = str_member (c, "name");
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
covered (GArray *ranges, const char *category, gint64 first, gint64 last)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      Span *r = &g_array_index (ranges, Span, i);
      if (g_str_equal (r->category, category) && first >= r->first && last <= r->last)
        return TRUE;
    }
  return FALSE;
}

/* What the new version would strand. Appends a machine reason to @reasons
 * and a translated phrase to @why for each; also lists the slices of
 * removed, unused 科类 that go with them. */
static gboolean
find_stranded (BmStore *self, const Policy *p, const char *county, GPtrArray *old_categories,
               GArray *slices, JsonArray *reasons, GString *why, GArray *dropped, GError **error)
{
  g_autoptr(GHashTable) outside = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

#define WHY(...) G_STMT_START { if (why->len) g_string_append (why, "; "); g_string_append_printf (why, __VA_ARGS__); } G_STMT_END

  if (p->county_code != NULL && g_strcmp0 (p->county_code, county) != 0)
    {
      JsonObject *r = reason_new ("county_code_changed", NULL);
      json_object_set_string_member (r, "from", county);
      json_object_set_string_member (r, "to", p->county_code);
      json_array_add_object_element (reasons, r);
      WHY (_("the county code would change from %s to %s, away from every number already given"), county, p->county_code);
    }

  for (guint i = 0; i < old_categories->len; i++)
    {
      BmCategory *c = old_categories->pdata[i];
      g_autoptr(sqlite3_stmt) count = NULL;
      gint64 n = 0;

      if (category_listed (p->categories, c->code, NULL))
        continue;
      count = bm_store_prepare (self, "SELECT count(*) FROM candidates WHERE category = ?", error);
      if (count == NULL)
        return FALSE;
      sqlite3_bind_text (count, 1, c->code, -1, SQLITE_STATIC);
      if (sqlite3_step (count) == SQLITE_ROW)
        n = sqlite3_column_int64 (count, 0);
      if (n > 0)
        {
          JsonObject *r = reason_new ("category_has_records", c->code);
          json_object_set_string_member (r, "name", c->name);
          json_object_set_int_member (r, "records", n);
          json_array_add_object_element (reasons, r);
          WHY (g_dngettext (GETTEXT_PACKAGE, "category %s (%s) would be removed but has %d record",
                            "category %s (%s) would be removed but has %d records", (gulong) n),
               c->code, c->name, (int) n);
        }
    }

  /* Every number already given, voided ones too (a number is never
   * reused), must stay inside a range of its 科类. */
  st = bm_store_prepare (self, "SELECT category, CAST (substr (number, 5) AS INTEGER), number FROM candidates "
                               "WHERE number IS NOT NULL ORDER BY number", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *cat = (const char *) sqlite3_column_text (st, 0);
      gint64 serial = sqlite3_column_int64 (st, 1);
      GPtrArray *list;

      if (!category_listed (p->categories, cat, NULL) || covered (p->ranges, cat, serial, serial))
        continue;   /* a removed 科类 with records is reported above */
      if ((list = g_hash_table_lookup (outside, cat)) == NULL)
        g_hash_table_insert (outside, g_strdup (cat), (list = g_ptr_array_new_with_free_func (g_free)));
      g_ptr_array_add (list, g_strdup ((const char *) sqlite3_column_text (st, 2)));
    }
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  {
    g_autoptr(GList) cats = g_list_sort (g_hash_table_get_keys (outside), (GCompareFunc) strcmp);
    for (GList *l = cats; l; l = l->next)
      {
        GPtrArray *list = g_hash_table_lookup (outside, l->data);
        JsonObject *r = reason_new ("range_strands_numbers", l->data);
        JsonArray *numbers = json_array_new ();
        g_autoptr(GString) shown = g_string_new (NULL);

        for (guint i = 0; i < list->len && i < 5; i++)
          {
            json_array_add_string_element (numbers, list->pdata[i]);
            g_string_append_printf (shown, "%s%s", i ? ", " : "", (char *) list->pdata[i]);
          }
        json_object_set_array_member (r, "numbers", numbers);
        json_object_set_int_member (r, "count", list->len);
        json_array_add_object_element (reasons, r);
        WHY (g_dngettext (GETTEXT_PACKAGE, "the ranges of category %s would no longer cover the number already given %s",
                          "the ranges of category %s would no longer cover the numbers already given %s (%d in all)",
                          list->len),
             (char *) l->data, shown->str, (int) list->len);
      }
  }

  /* This workstation's slices: the rule of issue 10, against the new
   * ranges. A slice of a removed 科类 that never gave a number goes with
   * the 科类 (it has no records: checked above). */
  for (guint i = 0; i < slices->len; i++)
    {
      Span *s = &g_array_index (slices, Span, i);
      g_autoptr(GArray) one = bm_serial_spans_new ();
      Span copy = { g_strdup (s->category), s->first, s->last };
      g_autoptr(GError) local = NULL;

      if (!category_listed (p->categories, s->category, NULL))
        {
          Span gone = { g_strdup (s->category), s->first, s->last };
          g_array_append_val (dropped, gone);
          continue;
        }
      g_array_append_val (one, copy);
      if (!bm_store_check_slices (p->ranges, NULL, one, &local))
        {
          JsonObject *r = reason_new ("range_strands_slice", s->category);
          g_autofree char *first = number_text (county, s->first);
          g_autofree char *last = number_text (county, s->last);

          json_object_set_string_member (r, "first", first);
          json_object_set_string_member (r, "last", last);
          json_array_add_object_element (reasons, r);
          WHY (_("the ranges of category %s would no longer cover this workstation's numbers %s–%s"),
               s->category, first, last);
        }
    }
#undef WHY
  return TRUE;
}

/* The slices with their next serial, to tell an unused slice from a used one. */
static gboolean
load_slices (BmStore *self, GArray *slices, GArray *used, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, "SELECT category, first_serial, last_serial, next_serial "
                                                       "FROM number_slices ORDER BY id", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Span s = { g_strdup ((const char *) sqlite3_column_text (st, 0)),
                 sqlite3_column_int64 (st, 1), sqlite3_column_int64 (st, 2) };
      gboolean u = sqlite3_column_int64 (st, 3) > s.first;
      g_array_append_val (slices, s);
      g_array_append_val (used, u);
    }
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

static JsonNode *
parse_stored (const char *text)
{
  return text ? bm_json_input_parse (text, -1, BM_JSON_INPUT_STORED, NULL) : NULL;
}

static gboolean
node_equal (JsonNode *a, JsonNode *b)
{
  if (a == NULL || JSON_NODE_HOLDS_NULL (a) || b == NULL || JSON_NODE_HOLDS_NULL (b))
    return (a == NULL || JSON_NODE_HOLDS_NULL (a)) == (b == NULL || JSON_NODE_HOLDS_NULL (b));
  return json_node_equal (a, b);
}

static gboolean
set_or_delete_meta (BmStore *self, const char *key, JsonNode *value, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *text = NULL;
  int rc;

  if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
    {
      text = json_to_string (value, FALSE);
      return bm_store_set_meta (self, key, text, error);
    }
  st = bm_store_prepare (self, "DELETE FROM meta WHERE key = ?", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

static gboolean
exec_bound (BmStore *self, const char *sql, const char *a, const char *b, gint64 x, gint64 y, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, sql, error);
  int rc, i = 1;

  if (st == NULL)
    return FALSE;
  if (a)
    sqlite3_bind_text (st, i++, a, -1, SQLITE_STATIC);
  if (b)
    sqlite3_bind_text (st, i++, b, -1, SQLITE_STATIC);
  if (x >= 0)
    sqlite3_bind_int64 (st, i++, x);
  if (y >= 0)
    sqlite3_bind_int64 (st, i++, y);
  rc = sqlite3_step (st);
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

static JsonArray *
ranges_of (GArray *ranges, const char *county, const char *category)
{
  JsonArray *a = json_array_new ();

  for (guint i = 0; i < ranges->len; i++)
    {
      Span *r = &g_array_index (ranges, Span, i);
      g_autofree char *text = NULL;

      if (!g_str_equal (r->category, category))
        continue;
      text = span_text (county, r);
      json_array_add_string_element (a, text);
    }
  return a;
}

/* What this application changes, for the audit entry and `profile show`. */
static JsonObject *
describe_changes (const Policy *p, const char *county, GPtrArray *old_categories, GArray *old_ranges,
                  GArray *dropped, JsonObject *old_profile, BmPointProfile *point)
{
  JsonObject *c = json_object_new ();
  JsonArray *added = json_array_new (), *renamed = json_array_new (), *removed = json_array_new ();
  JsonArray *ranges = json_array_new (), *gone = json_array_new ();
  JsonObject *deadlines = json_object_new ();
  JsonObject *old_deadlines = obj_member (old_profile, "deadlines");
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (p->categories); i++)
    {
      JsonObject *n = json_array_get_object_element (p->categories, i);
      const char *code = str_member (n, "code"), *name = str_member (n, "name");
      BmCategory *old = NULL;

      for (guint j = 0; j < old_categories->len; j++)
        if (g_str_equal (((BmCategory *) old_categories->pdata[j])->code, code))
          old = old_categories->pdata[j];
      if (old == NULL)
        {
          JsonObject *e = json_object_new ();
          json_object_set_string_member (e, "code", code);
          json_object_set_string_member (e, "name", name);
          json_array_add_object_element (added, e);
        }
      else if (!g_str_equal (old->name, name))
        {
          JsonObject *e = json_object_new ();
          json_object_set_string_member (e, "code", code);
          json_object_set_string_member (e, "from", old->name);
          json_object_set_string_member (e, "to", name);
          json_array_add_object_element (renamed, e);
        }
    }
  for (guint j = 0; j < old_categories->len; j++)
    {
      BmCategory *old = old_categories->pdata[j];
      if (!category_listed (p->categories, old->code, NULL))
        {
          JsonObject *e = json_object_new ();
          json_object_set_string_member (e, "code", old->code);
          json_object_set_string_member (e, "name", old->name);
          json_array_add_object_element (removed, e);
        }
    }
  for (guint i = 0; i < old_ranges->len; i++)
    g_hash_table_add (keys, g_array_index (old_ranges, Span, i).category);
  for (guint i = 0; i < p->ranges->len; i++)
    g_hash_table_add (keys, g_array_index (p->ranges, Span, i).category);
  {
    g_autoptr(GList) cats = g_list_sort (g_hash_table_get_keys (keys), (GCompareFunc) strcmp);
    for (GList *l = cats; l; l = l->next)
      {
        g_autoptr(JsonNode) from = json_node_init_array (json_node_alloc (), ranges_of (old_ranges, county, l->data));
        g_autoptr(JsonNode) to = json_node_init_array (json_node_alloc (), ranges_of (p->ranges, county, l->data));
        if (!json_node_equal (from, to))
          {
            JsonObject *e = json_object_new ();
            json_object_set_string_member (e, "category", l->data);
            json_object_set_member (e, "from", g_steal_pointer (&from));
            json_object_set_member (e, "to", g_steal_pointer (&to));
            json_array_add_object_element (ranges, e);
          }
      }
  }
  for (guint i = 0; i < dropped->len; i++)
    json_array_add_string_element (gone, span_text (county, &g_array_index (dropped, Span, i)));
  {
    g_autoptr(GHashTable) dk = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GList) a = old_deadlines ? json_object_get_members (old_deadlines) : NULL;
    g_autoptr(GList) b = p->deadlines ? json_object_get_members (p->deadlines) : NULL;
    g_autoptr(GList) all = NULL;

    for (GList *l = a; l; l = l->next)
      g_hash_table_add (dk, l->data);
    for (GList *l = b; l; l = l->next)
      g_hash_table_add (dk, l->data);
    all = g_list_sort (g_hash_table_get_keys (dk), (GCompareFunc) strcmp);
    for (GList *l = all; l; l = l->next)
      {
        const char *from = str_member (old_deadlines, l->data), *to = str_member (p->deadlines, l->data);
        if (g_strcmp0 (from, to) != 0)
          {
            JsonObject *e = json_object_new ();
            json_object_set_string_member (e, "from", from);
            json_object_set_string_member (e, "to", to);
            json_object_set_object_member (deadlines, l->data, e);
          }
      }
  }
  json_object_set_array_member (c, "categories_added", added);
  json_object_set_array_member (c, "categories_renamed", renamed);
  json_object_set_array_member (c, "categories_removed", removed);
  json_object_set_array_member (c, "ranges", ranges);
  json_object_set_array_member (c, "slices_dropped", gone);
  json_object_set_object_member (c, "deadlines", deadlines);
  {
    g_autoptr(JsonNode) ct = p->code_tables ? json_node_init_object (json_node_alloc (), p->code_tables) : NULL;
    g_autoptr(JsonNode) al = p->allowed ? json_node_init_array (json_node_alloc (), p->allowed) : NULL;
    json_object_set_boolean_member (c, "code_tables_changed",
                                    !node_equal (old_profile ? json_object_get_member (old_profile, "code_tables") : NULL, ct));
    json_object_set_boolean_member (c, "online_fields_allowed_changed",
                                    !node_equal (old_profile ? json_object_get_member (old_profile, "online_fields_allowed") : NULL, al));
  }
  if (p->point_name && g_strcmp0 (p->point_name, point->name) != 0)
    json_object_set_string_member (c, "point_name", p->point_name);
  if (p->site_url && g_strcmp0 (p->site_url, point->site_url) != 0)
    json_object_set_string_member (c, "site_url", p->site_url);
  return c;
}

/* The applied profile in protocol form (§4), made from a file's policy on
 * top of the profile in force (which keeps its operators and limits). */
static JsonObject *
merged_profile (const Policy *p, JsonObject *old_profile, const char *county)
{
  JsonObject *o = json_object_new ();
  JsonArray *ranges = json_array_new ();

  if (old_profile != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (old_profile);
      for (GList *l = members; l; l = l->next)
        json_object_set_member (o, l->data, json_node_copy (json_object_get_member (old_profile, l->data)));
    }
  json_object_set_int_member (o, "profile_version", p->version);
  json_object_set_array_member (o, "categories", json_array_ref (p->categories));
  for (guint i = 0; i < p->ranges->len; i++)
    {
      Span *r = &g_array_index (p->ranges, Span, i);
      JsonObject *e = json_object_new ();
      g_autofree char *first = number_text (county, r->first), *last = number_text (county, r->last);

      json_object_set_string_member (e, "category", r->category);
      json_object_set_string_member (e, "first", first);
      json_object_set_string_member (e, "last", last);
      json_array_add_object_element (ranges, e);
    }
  json_object_set_array_member (o, "ranges", ranges);
  json_object_remove_member (o, "deadlines");
  json_object_remove_member (o, "code_tables");
  json_object_remove_member (o, "online_fields_allowed");
  if (p->deadlines)
    json_object_set_object_member (o, "deadlines", json_object_ref (p->deadlines));
  if (p->code_tables)
    json_object_set_object_member (o, "code_tables", json_object_ref (p->code_tables));
  if (p->allowed)
    json_object_set_array_member (o, "online_fields_allowed", json_array_ref (p->allowed));
  if (p->site_url)
    json_object_set_string_member (o, "site_url", p->site_url);
  return o;
}

static gboolean
write_tables (BmStore *self, const Policy *p, GPtrArray *old_categories, GArray *dropped, GError **error)
{
  for (guint i = 0; i < dropped->len; i++)
    {
      Span *s = &g_array_index (dropped, Span, i);
      if (!exec_bound (self, "DELETE FROM number_slices WHERE category = ? AND first_serial = ? AND last_serial = ?",
                       s->category, NULL, s->first, s->last, error))
        return FALSE;
    }
  if (!bm_store_exec (self, "DELETE FROM number_ranges", error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (p->categories); i++)
    {
      JsonObject *c = json_array_get_object_element (p->categories, i);
      if (!exec_bound (self, "INSERT INTO categories (code, name) VALUES (?, ?) "
                             "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                       str_member (c, "code"), str_member (c, "name"), -1, -1, error))
        return FALSE;
    }
  for (guint i = 0; i < old_categories->len; i++)
    {
      BmCategory *c = old_categories->pdata[i];
      if (!category_listed (p->categories, c->code, NULL)
          && !exec_bound (self, "DELETE FROM categories WHERE code = ?", c->code, NULL, -1, -1, error))
        return FALSE;
    }
  for (guint i = 0; i < p->ranges->len; i++)
    {
      Span *r = &g_array_index (p->ranges, Span, i);
      if (!exec_bound (self, "INSERT INTO number_ranges (category, first_serial, last_serial) VALUES (?, ?, ?)",
                       r->category, NULL, r->first, r->last, error))
        return FALSE;
    }
  if (p->point_name && !exec_bound (self, "UPDATE point SET name = ? WHERE id = 1", p->point_name, NULL, -1, -1, error))
    return FALSE;
  if (p->site_url && !exec_bound (self, "UPDATE point SET site_url = ? WHERE id = 1", p->site_url, NULL, -1, -1, error))
    return FALSE;
  return TRUE;
}

/* Keeps the refusal for `profile show` and the report to the server, and
 * audits it; the same refusal again (a re-pull of the same version) is
 * kept as it was, so neither the audit log nor the server hear it twice. */
static gboolean
record_refusal (BmStore *self, gint64 version, gint64 in_force, const char *source, const char *actor,
                JsonArray *reasons, const char *message, GError **error)
{
  g_autofree char *old_text = bm_store_dup_meta (self, "policy.refusal");
  g_autoptr(JsonNode) old = parse_stored (old_text);
  g_autoptr(JsonObject) r = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *now = bm_store_now_iso8601 ();
  g_autoptr(JsonObject) detail = json_object_new ();

  if (old != NULL && JSON_NODE_HOLDS_OBJECT (old))
    {
      JsonObject *o = json_node_get_object (old);
      g_autoptr(JsonNode) rn = json_node_init_array (json_node_alloc (), reasons);
      gint64 v = 0;
      if (int_member (o, "profile_version", &v) && v == version
          && g_strcmp0 (str_member (o, "source"), source) == 0
          && node_equal (json_object_get_member (o, "reasons"), rn))
        return TRUE;
    }
  json_object_set_int_member (r, "profile_version", version);
  json_object_set_int_member (r, "applied_version", in_force);
  json_object_set_string_member (r, "source", source);
  json_object_set_string_member (r, "actor", actor);
  json_object_set_string_member (r, "refused_at", now);
  json_object_set_array_member (r, "reasons", json_array_ref (reasons));
  json_object_set_string_member (r, "message", message);
  /* Only what came from the server goes back to it. */
  json_object_set_boolean_member (r, "reported", !g_str_equal (source, "province"));
  json_node_set_object (node, r);

  json_object_set_int_member (detail, "profile_version", version);
  json_object_set_int_member (detail, "applied_version", in_force);
  json_object_set_string_member (detail, "source", source);
  json_object_set_array_member (detail, "reasons", json_array_ref (reasons));
  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  if (!set_or_delete_meta (self, "policy.refusal", node, error)
      || !bm_store_audit_append (self, actor, NULL, "profile_refused", detail, error))
    {
      bm_store_transaction_rollback (self);
      return FALSE;
    }
  return bm_store_transaction_commit (self, error);
}

/* A refusal found inside the transaction, recorded after it was rolled back. */
typedef struct {
  gint64     version;
  gint64     in_force;
  JsonArray *reasons;
  char      *message;
} Refusal;

static BmPolicyOutcome
refuse (Refusal *out, gint64 version, gint64 in_force, JsonArray *reasons, char *message)
{
  out->version = version;
  out->in_force = in_force;
  out->reasons = json_array_ref (reasons);
  out->message = message;
  return BM_POLICY_REFUSED;
}

/* Runs inside the caller's transaction, so that no record or number can be
 * added between the checks and the writes. */
static BmPolicyOutcome
apply_locked (BmStore *self, JsonObject *policy, JsonObject *profile, const char *source,
              const char *actor, Refusal *refusal, GError **error)
{
  Policy p = { 0 };
  g_autoptr(GArray) ranges = bm_serial_spans_new ();
  g_autoptr(GArray) old_ranges = bm_serial_spans_new ();
  g_autoptr(GArray) slices = bm_serial_spans_new ();
  g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GArray) dropped = bm_serial_spans_new ();
  g_autoptr(JsonArray) reasons = json_array_new ();
  g_autoptr(GString) why = g_string_new (NULL);
  g_autoptr(GPtrArray) old_categories = NULL;
  g_autoptr(BmPointProfile) point = NULL;
  g_autoptr(GError) bad = NULL;
  g_autofree char *old_text = bm_store_sync_get (self, "profile");
  g_autoptr(JsonNode) old_node = parse_stored (old_text);
  JsonObject *old_profile = old_node && JSON_NODE_HOLDS_OBJECT (old_node) ? json_node_get_object (old_node) : NULL;
  gint64 in_force = bm_store_policy_version (self);

  p.ranges = ranges;
  if ((point = bm_store_dup_point_profile (self, error)) == NULL)
    return BM_POLICY_FAILED;
  if (!bm_policy_read (policy, &p, &bad))
    {
      JsonObject *r = reason_new ("invalid", NULL);
      json_object_set_string_member (r, "detail", bad->message);
      json_array_add_object_element (reasons, r);
      return refuse (refusal, p.version, in_force, reasons,
                     g_strdup_printf (_("A new profile was not applied; the current one (version %d) stays in force. %s"),
                                      (int) in_force, bad->message));
    }
  if (p.version < in_force)
    {
      JsonObject *r = reason_new ("version_older", NULL);
      json_object_set_int_member (r, "in_force", in_force);
      json_array_add_object_element (reasons, r);
      return refuse (refusal, p.version, in_force, reasons,
                     g_strdup_printf (_("Profile version %d is older than version %d, which is in force; it was not applied."),
                                      (int) p.version, (int) in_force));
    }
  if (p.version == in_force)
    return BM_POLICY_UNCHANGED;

  if ((old_categories = bm_store_list_categories (self, error)) == NULL
      || !bm_store_load_spans (self, "number_ranges", old_ranges, error)
      || !load_slices (self, slices, used, error)
      || !find_stranded (self, &p, point->county_code, old_categories, slices, reasons, why, dropped, error))
    return BM_POLICY_FAILED;
  if (json_array_get_length (reasons) > 0)
    return refuse (refusal, p.version, in_force, reasons,
                   g_strdup_printf (_("Profile version %d was not applied; the current one (version %d) stays in force, because %s."),
                                    (int) p.version, (int) in_force, why->str));

  {
    g_autoptr(JsonObject) changes = describe_changes (&p, point->county_code, old_categories, old_ranges, dropped,
                                                      old_profile, point);
    g_autoptr(JsonObject) applied = json_object_new ();
    g_autoptr(JsonObject) detail = json_object_new ();
    g_autoptr(JsonObject) stored = profile ? json_object_ref (profile) : merged_profile (&p, old_profile, point->county_code);
    g_autoptr(JsonNode) stored_node = json_node_init_object (json_node_alloc (), stored);
    g_autoptr(JsonNode) applied_node = json_node_init_object (json_node_alloc (), applied);
    g_autoptr(JsonNode) ct = p.code_tables ? json_node_init_object (json_node_alloc (), p.code_tables) : NULL;
    g_autoptr(JsonNode) al = p.allowed ? json_node_init_array (json_node_alloc (), p.allowed) : NULL;
    g_autofree char *stored_text = json_to_string (stored_node, FALSE);
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, p.version);
    g_autofree char *now = bm_store_now_iso8601 ();

    json_object_set_int_member (applied, "profile_version", p.version);
    json_object_set_int_member (applied, "previous_version", in_force);
    json_object_set_string_member (applied, "source", source);
    json_object_set_string_member (applied, "actor", actor);
    json_object_set_string_member (applied, "applied_at", now);
    json_object_set_object_member (applied, "changes", json_object_ref (changes));
    json_object_set_int_member (detail, "profile_version", p.version);
    json_object_set_int_member (detail, "previous_version", in_force);
    json_object_set_string_member (detail, "source", source);
    json_object_set_object_member (detail, "changes", json_object_ref (changes));

    if (!write_tables (self, &p, old_categories, dropped, error)
        || !bm_store_sync_set (self, "profile", stored_text, error)
        || !bm_store_sync_set (self, "profile_version", version, error)
        || !set_or_delete_meta (self, "policy.online_fields_allowed", al, error)
        || !set_or_delete_meta (self, "policy.code_tables", ct, error)
        || !set_or_delete_meta (self, "policy.applied", applied_node, error)
        || !set_or_delete_meta (self, "policy.refusal", NULL, error)
        || !bm_store_audit_append (self, actor, NULL, "profile_apply", detail, error))
      return BM_POLICY_FAILED;
  }
  return BM_POLICY_APPLIED;
}

BmPolicyOutcome
bm_store_policy_apply (BmStore *self, JsonObject *policy, JsonObject *profile, const char *source,
                       const char *actor, JsonArray **reasons_out, GError **error)
{
  Refusal refusal = { 0 };
  g_autoptr(JsonArray) reasons = NULL;
  g_autofree char *message = NULL;
  BmPolicyOutcome outcome;

  if (reasons_out)
    *reasons_out = NULL;
  if (!bm_store_transaction_begin (self, error))
    return BM_POLICY_FAILED;
  outcome = apply_locked (self, policy, profile, source, actor, &refusal, error);
  reasons = refusal.reasons;
  message = refusal.message;
  if (outcome == BM_POLICY_APPLIED || outcome == BM_POLICY_UNCHANGED)
    return bm_store_transaction_commit (self, error) ? outcome : BM_POLICY_FAILED;
  bm_store_transaction_rollback (self);
  if (outcome == BM_POLICY_FAILED)
    return outcome;
  if (!record_refusal (self, refusal.version, refusal.in_force, source, actor, reasons, message, error))
    return BM_POLICY_FAILED;
  if (reasons_out)
    *reasons_out = json_array_ref (reasons);
  g_set_error_literal (error, BM_ERROR, BM_ERROR_INVALID, message);
  return BM_POLICY_REFUSED;
}
