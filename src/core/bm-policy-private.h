#pragma once

/* Shared by the parts of profile application (bm-store-policy.c applies,
 * bm-policy-read.c reads and checks the profile). Core only. */

#include <json-glib/json-glib.h>

#include "bm-store-private.h"

G_BEGIN_DECLS

typedef BmSerialSpan Span;

typedef struct {
  gint64      version;
  JsonArray  *categories;     /* borrowed from the policy object */
  GArray     *ranges;         /* Span */
  const char *county_code;    /* nullable: then the stored one */
  const char *point_name;     /* nullable */
  const char *site_url;       /* nullable */
  JsonObject *deadlines;      /* nullable */
  JsonObject *code_tables;    /* nullable */
  JsonArray  *allowed;        /* nullable */
} Policy;

gboolean bm_policy_read (JsonObject *o, Policy *p, GError **error);

static inline const char *
str_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static inline JsonObject *
obj_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static inline JsonArray *
arr_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static inline gboolean
int_member (JsonObject *o, const char *key, gint64 *value)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (n);
  return TRUE;
}

G_END_DECLS
