/* Setting a workstation up: the point profile, the county's 科类 and
 * 报名顺序号 ranges, and the slices of those ranges this workstation may use.
 * Format of the set-up file: docs/setup-file.md. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store-login.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"
#include "bm-station-keys.h"

typedef BmSerialSpan Span;

void
bm_serial_span_clear (gpointer data)
{
  g_free (((Span *) data)->category);
}

GArray *
bm_serial_spans_new (void)
{
  GArray *spans = g_array_new (FALSE, TRUE, sizeof (Span));

  g_array_set_clear_func (spans, bm_serial_span_clear);
  return spans;
}

/* number_ranges or number_slices as spans. */
gboolean
bm_store_load_spans (BmStore *self, const char *table, GArray *spans, GError **error)
{
  g_autoptr(sqlite3_stmt) st = bm_store_prepare (self, g_str_equal (table, "number_slices")
      ? "SELECT category, first_serial, last_serial FROM number_slices ORDER BY rowid"
      : "SELECT category, first_serial, last_serial FROM number_ranges ORDER BY rowid", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Span span = { g_strdup ((const char *) sqlite3_column_text (st, 0)),
                    sqlite3_column_int64 (st, 1), sqlite3_column_int64 (st, 2) };
      g_array_append_val (spans, span);
    }
  return rc == SQLITE_DONE || bm_store_set_sqlite_error (self, rc, error);
}

static const char *
member_string (JsonObject *object, const char *key)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object, const char *key, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_spans (JsonObject *setup, const char *key, GArray *spans, GError **error)
{
  JsonArray *array = json_object_has_member (setup, key) ? json_object_get_array_member (setup, key) : NULL;

  if (array == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      Span span = { 0 };

      if (object == NULL || member_string (object, "category") == NULL
          || !member_int (object, "first", &span.first) || !member_int (object, "last", &span.last)
          || span.first < 1 || span.last > 9999 || span.first > span.last)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("Entry %u of “%s” in the set-up file needs a category and a first and last serial between 1 and 9999."),
                       i + 1, key);
          return FALSE;
        }
      span.category = g_strdup (member_string (object, "category"));
      g_array_append_val (spans, span);
    }
  return TRUE;
}

/* Without explicit slices, each range is cut into workstation_count equal
 * parts and this workstation takes part workstation_index (1-based): the
 * by-hand split for points set up without the server. */
static gboolean
split_ranges (JsonObject *setup, GArray *ranges, GArray *slices, GError **error)
{
  gint64 count = 1, index = 1;

  if (json_object_has_member (setup, "workstation_count")
      && (!member_int (setup, "workstation_count", &count) || !member_int (setup, "workstation_index", &index)
          || count < 1 || index < 1 || index > count))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("workstation_count and workstation_index in the set-up file must be whole numbers with 1 ≤ index ≤ count."));
      return FALSE;
    }
  for (guint i = 0; i < ranges->len; i++)
    {
      Span *range = &g_array_index (ranges, Span, i);
      gint64 size = (range->last - range->first + 1) / count;
      Span slice;

      if (size < 1)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The range of category %s is too small to split between %d workstations."),
                       range->category, (int) count);
          return FALSE;
        }
      slice.category = g_strdup (range->category);
      slice.first = range->first + (index - 1) * size;
      slice.last = index == count ? range->last : slice.first + size - 1;
      g_array_append_val (slices, slice);
    }
  return TRUE;
}

/* Serials are shared by all 科类 under one 市县码, so no two spans may
 * overlap, whatever their category. */
static gboolean
check_disjoint (GArray *spans, GError **error)
{
  for (guint i = 0; i < spans->len; i++)
    for (guint j = i + 1; j < spans->len; j++)
      {
        Span *a = &g_array_index (spans, Span, i);
        Span *b = &g_array_index (spans, Span, j);
        if (a->first <= b->last && b->first <= a->last)
          {
            g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                         _("Two number ranges of the set-up file overlap (%d–%d and %d–%d)."),
                         (int) a->first, (int) a->last, (int) b->first, (int) b->last);
            return FALSE;
          }
      }
  return TRUE;
}

/* The one rule for every slice a workstation takes, from a set-up file, the
 * server's registration answer or a top-up: it lies inside a range of its
 * own 科类 and overlaps no other slice of any 科类 (serials are shared by
 * all 科类 under one 市县码). @held are the slices already in the store;
 * @fresh the ones to add. Anything else would let two desks, or two 科类 at
 * one desk, hand out the same 报名顺序号. */
gboolean
bm_store_check_slices (GArray *ranges, GArray *held, GArray *fresh, GError **error)
{
  for (guint i = 0; i < fresh->len; i++)
    {
      Span *slice = &g_array_index (fresh, Span, i);
      gboolean inside = FALSE;

      for (guint j = 0; j < fresh->len + (held ? held->len : 0); j++)
        {
          Span *other = j < fresh->len ? &g_array_index (fresh, Span, j) : &g_array_index (held, Span, j - fresh->len);

          if (j != i && slice->first <= other->last && other->first <= slice->last)
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                           _("A slice of category %s (%d–%d) overlaps the slice %d–%d of category %s."),
                           slice->category, (int) slice->first, (int) slice->last,
                           (int) other->first, (int) other->last, other->category);
              return FALSE;
            }
        }

      for (guint j = 0; j < ranges->len; j++)
        {
          Span *range = &g_array_index (ranges, Span, j);
          if (g_str_equal (range->category, slice->category)
              && slice->first >= range->first && slice->last <= range->last)
            inside = TRUE;
        }
      if (!inside)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A slice of category %s (%d–%d) lies outside the point's ranges."),
                       slice->category, (int) slice->first, (int) slice->last);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
insert_spans (BmStore *self, const char *sql, GArray *spans, gboolean with_next, GError **error)
{
  for (guint i = 0; i < spans->len; i++)
    {
      Span *span = &g_array_index (spans, Span, i);
      g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, sql, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, span->category, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, span->first);
      sqlite3_bind_int64 (stmt, 3, span->last);
      if (with_next)
        sqlite3_bind_int64 (stmt, 4, span->first);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          if ((rc & 0xff) == SQLITE_CONSTRAINT)
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                           _("Category %s in the set-up file is not in its list of categories."), span->category);
              return FALSE;
            }
          return bm_store_set_sqlite_error (self, rc, error);
        }
    }
  return TRUE;
}

/* The accounts the set-up brings (the point profile's operators[], or the
 * set-up file's, docs/setup-file.md). A set-up file may give an account a
 * one_time_password from the county: it must be replaced at the first
 * log-in. */
static gboolean
apply_setup_operators (BmStore *self, JsonObject *setup, GError **error)
{
  JsonNode *node = json_object_get_member (setup, "operators");
  JsonArray *operators;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The set-up file’s operators must be a list."));
      return FALSE;
    }
  operators = json_node_get_array (node);
  if (!bm_store_refresh_operators (self, operators, BM_ACTOR_SYSTEM, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (operators); i++)
    {
      JsonNode *n = json_array_get_element (operators, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *password = o ? member_string (o, "one_time_password") : NULL;

      if (password != NULL
          && !bm_store_set_password (self, member_string (o, "user"), password, TRUE, BM_ACTOR_SYSTEM, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_setup (BmStore *self, JsonObject *setup, gboolean training, GError **error)
{
  JsonObject *point = json_object_has_member (setup, "point") ? json_object_get_object_member (setup, "point") : NULL;
  JsonArray *categories = json_object_has_member (setup, "categories") ? json_object_get_array_member (setup, "categories") : NULL;
  g_autoptr(GArray) ranges = bm_serial_spans_new ();
  g_autoptr(GArray) slices = bm_serial_spans_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *county_code = member_string (point, "county_code");
  int rc;

  if (bm_store_is_training (self) != training)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                   _("Training and real registration use separate databases; this one is for the other mode."));
      return FALSE;
    }
  if (bm_store_is_set_up (self))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE, _("This workstation is already set up."));
      return FALSE;
    }
  /* Issue 14: the station's signing key is made with the set-up, training
   * or real (bm-station-keys.h); an in-memory store has no directory. */
  if (bm_store_get_path (self) != NULL && bm_store_get_path (self)[0] != ':')
    {
      g_autoptr(BmStationKeys) keys = bm_station_keys_load_or_create (bm_store_get_path (self), training, error);
      if (keys == NULL)
        return FALSE;
    }
  if (point == NULL || member_string (point, "code") == NULL || member_string (point, "name") == NULL
      || county_code == NULL || !g_regex_match_simple ("^[0-9]{4}$", county_code, 0, 0))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The set-up file needs a point with a code, a name and a 4-digit county code."));
      return FALSE;
    }
  /* The training point's 市县码 is one no county has; a real set-up that
   * claims it would make real numbers indistinguishable from training
   * ones (bm-store.h). */
  if (!training && g_str_equal (county_code, BM_TRAINING_COUNTY_CODE))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The county code %s is reserved for the training point; real registration never uses it."),
                   county_code);
      return FALSE;
    }
  if (member_string (setup, "workstation_id") == NULL || categories == NULL || json_array_get_length (categories) == 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The set-up file needs a workstation_id and at least one category."));
      return FALSE;
    }
  if (!read_spans (setup, "ranges", ranges, error) || !read_spans (setup, "slices", slices, error))
    return FALSE;
  /* Numbers only from slices given to this workstation: explicit ones, or
   * the county's split by workstation_count. A set-up that gives none (the
   * server's answer once a point's ranges are used up) is refused rather
   * than guessed: taking the whole range would collide with other desks.
   * Only the made-up training point, one desk, takes its whole range. */
  if (json_object_has_member (setup, "slices"))
    {
      if (slices->len == 0)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The set-up gives this workstation no numbers. Ask the county office for a slice of the point's ranges."));
          return FALSE;
        }
    }
  else if (training || json_object_has_member (setup, "workstation_count"))
    {
      if (!split_ranges (setup, ranges, slices, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The set-up file needs either slices or workstation_count and workstation_index, so that each workstation of the point has its own numbers."));
      return FALSE;
    }
  if (!check_disjoint (ranges, error) || !bm_store_check_slices (ranges, NULL, slices, error))
    return FALSE;

  if (!bm_store_transaction_begin (self, error))
    return FALSE;

  stmt = bm_store_prepare (self, "INSERT INTO point (id, code, name, county_code, site_url, server_url, workstation_id, training) "
                                 "VALUES (1, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, member_string (point, "code"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, member_string (point, "name"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, county_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, member_string (point, "site_url"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, member_string (point, "server_url"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, member_string (setup, "workstation_id"), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, training);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      goto fail;
    }

  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *category = json_array_get_object_element (categories, i);
      g_autoptr(sqlite3_stmt) insert = NULL;

      if (member_string (category, "code") == NULL || member_string (category, "name") == NULL)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("Category %u in the set-up file needs a code and a name."), i + 1);
          goto fail;
        }
      insert = bm_store_prepare (self, "INSERT INTO categories (code, name) VALUES (?, ?)", error);
      if (insert == NULL)
        goto fail;
      sqlite3_bind_text (insert, 1, member_string (category, "code"), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, member_string (category, "name"), -1, SQLITE_STATIC);
      rc = sqlite3_step (insert);
      if (rc != SQLITE_DONE)
        {
          bm_store_set_sqlite_error (self, rc, error);
          goto fail;
        }
    }

  if (!insert_spans (self, "INSERT INTO number_ranges (category, first_serial, last_serial) VALUES (?, ?, ?)",
                     ranges, FALSE, error)
      || !insert_spans (self, "INSERT INTO number_slices (category, first_serial, last_serial, next_serial) VALUES (?, ?, ?, ?)",
                        slices, TRUE, error))
    goto fail;

  {
    g_autoptr(JsonObject) detail = json_object_new ();
    json_object_set_string_member (detail, "point", member_string (point, "code"));
    json_object_set_string_member (detail, "workstation_id", member_string (setup, "workstation_id"));
    json_object_set_boolean_member (detail, "training", training);
    if (!bm_store_audit_append (self, BM_ACTOR_SYSTEM, NULL, "setup", detail, error))
      goto fail;
  }
  if (!apply_setup_operators (self, setup, error))
    goto fail;

  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

gboolean
bm_store_init_from_setup (BmStore *self, JsonObject *setup, GError **error)
{
  g_autoptr(BmPointProfile) profile = NULL;

  if (json_object_has_member (setup, "training") && json_object_get_boolean_member (setup, "training"))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_MODE_MISMATCH,
                   _("This set-up file is for training; real registration never uses it."));
      return FALSE;
    }
  return apply_setup (self, setup, FALSE, error);
}

/* A made-up point, so that a fresh machine can be tried and clerks trained
 * without touching real data. Every name is invented, and the 市县码 is
 * BM_TRAINING_COUNTY_CODE, which no real county has, so a training number
 * (0000xxxx) can never be a real candidate's. */
static const char training_setup[] =
  "{"
  "  \"point\": { \"code\": \"T00001\", \"name\": \"培训报名点（虚构）\", \"county_code\": \"" BM_TRAINING_COUNTY_CODE "\","
  "             \"site_url\": \"https://training.invalid/ks\" },"
  "  \"workstation_id\": \"T00001-01\","
  "  \"categories\": ["
  "    { \"code\": \"1\", \"name\": \"文史\" }, { \"code\": \"5\", \"name\": \"理工\" },"
  "    { \"code\": \"3\", \"name\": \"艺术(文)\" }, { \"code\": \"7\", \"name\": \"艺术(理)\" },"
  "    { \"code\": \"4\", \"name\": \"体育(文)\" }, { \"code\": \"8\", \"name\": \"体育(理)\" } ],"
  "  \"ranges\": ["
  "    { \"category\": \"1\", \"first\": 1, \"last\": 2999 },"
  "    { \"category\": \"5\", \"first\": 3001, \"last\": 5999 },"
  "    { \"category\": \"3\", \"first\": 6001, \"last\": 6499 },"
  "    { \"category\": \"7\", \"first\": 6501, \"last\": 6999 },"
  "    { \"category\": \"4\", \"first\": 7001, \"last\": 7499 },"
  "    { \"category\": \"8\", \"first\": 7501, \"last\": 7999 } ]"
  "}";

gboolean
bm_store_init_training (BmStore *self, GError **error)
{
  g_autoptr(JsonNode) node = bm_json_input_parse (training_setup, -1, BM_JSON_INPUT_STORED, NULL);

  g_assert (node != NULL);
  /* Training opens with a training clerk, and a supervisor to practise the
   * exceptional cases with; neither has a password. */
  return apply_setup (self, json_node_get_object (node), TRUE, error)
         && bm_store_add_operator (self, BM_TRAINING_CLERK, "培训报名员", NULL,
                                   BM_OPERATOR_ROLE_CLERK, BM_ACTOR_SYSTEM, error)
         && bm_store_add_operator (self, BM_TRAINING_SUPERVISOR, "培训负责人", NULL,
                                   BM_OPERATOR_ROLE_SUPERVISOR, BM_ACTOR_SYSTEM, error);
}
