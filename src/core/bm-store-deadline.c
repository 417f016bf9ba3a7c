/* Deadlines from the point profile the workstation pulled (sync setting
 * "profile", docs/sync-protocol.md §4): after registration_closes, or the
 * earlier deadlines.categories.<科类>.registration_closes, no new
 * 报名顺序号 is issued. A store with no profile (training, set-up file
 * without deadlines) has no deadline. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-store-deadline.h"
#include "bm-store-login.h"
#include "bm-store-private.h"
#include "bm-store-sync.h"

/* As a clerk reads it: Beijing time, whatever the workstation's zone. */
char *
bm_deadline_format_local (GDateTime *when)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) local = NULL;

  if (tz == NULL)
    tz = g_time_zone_new_offset (8 * 3600);
  local = g_date_time_to_timezone (when, tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static GDateTime *
parse_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return g_date_time_new_from_iso8601 (json_node_get_string (n), NULL);
}

static JsonObject *
object_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* deadlines.KEY of the stored profile, or the per-科类 one when it is
 * earlier (deadlines.categories.CATEGORY.KEY); NULL when there is none. */
GDateTime *
bm_store_dup_deadline (BmStore *self, const char *key, const char *category)
{
  g_autofree char *text = bm_store_sync_get (self, "profile");
  g_autoptr(JsonNode) root = text ? bm_json_input_parse (text, -1, BM_JSON_INPUT_STORED, NULL) : NULL;
  JsonObject *deadlines = root && JSON_NODE_HOLDS_OBJECT (root)
                          ? object_member (json_node_get_object (root), "deadlines") : NULL;
  g_autoptr(GDateTime) all = parse_member (deadlines, key);
  g_autoptr(GDateTime) one = NULL;

  if (category != NULL)
    one = parse_member (object_member (object_member (deadlines, "categories"), category), key);
  if (one != NULL && (all == NULL || g_date_time_compare (one, all) < 0))
    return g_steal_pointer (&one);
  return g_steal_pointer (&all);
}

gboolean
bm_store_check_registration_open (BmStore *self, const char *category, GError **error)
{
  g_autoptr(GDateTime) closes = bm_store_dup_deadline (self, "registration_closes", category);
  g_autoptr(GDateTime) general = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *shown = NULL;

  if (closes == NULL)
    return TRUE;
  now = bm_store_clock_now (self);
  if (g_date_time_compare (now, closes) < 0)
    return TRUE;
  shown = bm_deadline_format_local (closes);
  general = bm_store_dup_deadline (self, "registration_closes", NULL);
  if (general != NULL && g_date_time_compare (general, closes) == 0)
    g_set_error (error, BM_ERROR, BM_ERROR_DEADLINE_PASSED,
                 _("Registration closed at %s (Beijing time): no new 报名顺序号 is issued."), shown);
  else
    g_set_error (error, BM_ERROR, BM_ERROR_DEADLINE_PASSED,
                 _("Registration for category %s closed at %s (Beijing time): no new 报名顺序号 is issued for it."),
                 category, shown);
  return FALSE;
}
