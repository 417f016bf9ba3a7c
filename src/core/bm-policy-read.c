/* Reading a point profile for application: the set-up file form with
 * profile_version, deadlines, code_tables and online_fields_allowed
 * (docs/setup-file.md), and the server's form turned into it. Every rule
 * a profile must meet before its effect on records is even looked at. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-policy-private.h"
#include "bm-store-policy.h"
#include "bm-sync-message.h"

static gboolean
all_dates (JsonObject *dates)
{
  g_autoptr(GList) keys = json_object_get_members (dates);

  for (GList *l = keys; l; l = l->next)
    {
      JsonNode *n = json_object_get_member (dates, l->data);
      g_autoptr(GDateTime) t = NULL;

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
          || (t = g_date_time_new_from_iso8601 (json_node_get_string (n), NULL)) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The profile is not usable: %s"), what);
  return FALSE;
}

gboolean
bm_policy_read (JsonObject *o, Policy *p, GError **error)
{
  JsonObject *point = obj_member (o, "point");
  JsonArray *ranges = arr_member (o, "ranges");
  JsonNode *n;

  if (!int_member (o, "profile_version", &p->version) || p->version < 1)
    return invalid (error, _("it needs a profile_version of 1 or more."));
  p->categories = arr_member (o, "categories");
  if (p->categories == NULL || json_array_get_length (p->categories) == 0)
    return invalid (error, _("it needs at least one category."));
  for (guint i = 0; i < json_array_get_length (p->categories); i++)
    {
      JsonNode *cn = json_array_get_element (p->categories, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (cn) ? json_node_get_object (cn) : NULL;

      if (str_member (c, "code") == NULL || str_member (c, "name") == NULL || *str_member (c, "code") == '\0')
        return invalid (error, _("every category needs a code and a name."));
      for (guint j = 0; j < i; j++)
        if (g_str_equal (str_member (json_array_get_object_element (p->categories, j), "code"), str_member (c, "code")))
          return invalid (error, _("a category code appears twice."));
    }
  if (ranges == NULL)
    return invalid (error, _("it needs the point's ranges."));
  for (guint i = 0; i < json_array_get_length (ranges); i++)
    {
      JsonNode *rn = json_array_get_element (ranges, i);
      JsonObject *r = JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
      Span span = { 0 };
      gboolean listed = FALSE;

      if (str_member (r, "category") == NULL || !int_member (r, "first", &span.first)
          || !int_member (r, "last", &span.last) || span.first < 1 || span.last > 9999 || span.first > span.last)
        return invalid (error, _("every range needs a category and a first and last serial between 1 and 9999."));
      for (guint j = 0; j < json_array_get_length (p->categories); j++)
        listed |= g_str_equal (str_member (json_array_get_object_element (p->categories, j), "code"),
                               str_member (r, "category"));
      if (!listed)
        return invalid (error, _("a range belongs to a category that is not in its list of categories."));
      for (guint j = 0; j < p->ranges->len; j++)
        {
          Span *other = &g_array_index (p->ranges, Span, j);
          if (span.first <= other->last && other->first <= span.last)
            return invalid (error, _("two of its ranges overlap."));
        }
      span.category = g_strdup (str_member (r, "category"));
      g_array_append_val (p->ranges, span);
    }
  p->county_code = str_member (point, "county_code");
  p->point_name = str_member (point, "name");
  p->site_url = str_member (o, "site_url") ? str_member (o, "site_url") : str_member (point, "site_url");
  if ((n = json_object_get_member (o, "deadlines")) != NULL && !JSON_NODE_HOLDS_NULL (n))
    {
      g_autoptr(GList) keys = NULL;

      if ((p->deadlines = obj_member (o, "deadlines")) == NULL)
        return invalid (error, _("its deadlines must be an object of dates."));
      keys = json_object_get_members (p->deadlines);
      for (GList *l = keys; l; l = l->next)
        {
          /* deadlines.categories.<科类>: the earlier dates of single 科类
           * (艺术, 体育), each an object of dates (bm-store-deadline.c). */
          if (g_str_equal (l->data, "categories"))
            {
              JsonObject *categories = obj_member (p->deadlines, "categories");
              g_autoptr(GList) codes = categories ? json_object_get_members (categories) : NULL;

              if (categories == NULL)
                return invalid (error, _("its deadlines must be an object of dates."));
              for (GList *c = codes; c; c = c->next)
                {
                  JsonObject *dates = obj_member (categories, c->data);

                  if (dates == NULL || !all_dates (dates))
                    return invalid (error, _("every deadline must be an RFC 3339 time such as 2026-11-08T10:00:00Z."));
                }
              continue;
            }
          {
            const char *v = str_member (p->deadlines, l->data);
            g_autoptr(GDateTime) t = v ? g_date_time_new_from_iso8601 (v, NULL) : NULL;
            if (t == NULL)
              return invalid (error, _("every deadline must be an RFC 3339 time such as 2026-11-08T10:00:00Z."));
          }
        }
    }
  if ((n = json_object_get_member (o, "code_tables")) != NULL && !JSON_NODE_HOLDS_NULL (n)
      && (p->code_tables = obj_member (o, "code_tables")) == NULL)
    return invalid (error, _("its code tables must be an object."));
  if ((n = json_object_get_member (o, "online_fields_allowed")) != NULL && !JSON_NODE_HOLDS_NULL (n))
    {
      if ((p->allowed = arr_member (o, "online_fields_allowed")) == NULL)
        return invalid (error, _("its online_fields_allowed must be a list."));
      for (guint i = 0; i < json_array_get_length (p->allowed); i++)
        {
          JsonNode *e = json_array_get_element (p->allowed, i);
          if (!(JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
              && !(JSON_NODE_HOLDS_OBJECT (e) && str_member (json_node_get_object (e), "field") != NULL))
            return invalid (error, _("every entry of online_fields_allowed must be a field name."));
        }
    }
  return TRUE;
}

JsonObject *
bm_policy_from_profile (JsonObject *profile, GError **error)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(JsonObject) policy = NULL;
  gint64 version;
  static const char *const carried[] = { "deadlines", "code_tables", "online_fields_allowed", "site_url" };

  policy = bm_sync_setup_from_profile (profile, none, NULL, "", error);
  if (policy == NULL)
    return NULL;
  if (int_member (profile, "profile_version", &version))
    json_object_set_int_member (policy, "profile_version", version);
  for (gsize i = 0; i < G_N_ELEMENTS (carried); i++)
    if (json_object_has_member (profile, carried[i]))
      json_object_set_member (policy, carried[i], json_node_copy (json_object_get_member (profile, carried[i])));
  return g_steal_pointer (&policy);
}

