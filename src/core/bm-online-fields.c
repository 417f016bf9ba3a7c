/* The online-field allow-list (docs/online-fields.md).
 *
 * The fields are those of domain.md §1.2 that the candidate enters on the
 * 网报 site (seed 第六步: "本人的基本信息(身份证上的信息除外)"): the ID card's
 * fields, the 住址 among them, come from the card, not from here. Not on
 * the list, on purpose: 通讯地址 / 通知书邮寄地址, 收件人 and 邮政编码 (seed
 * 三.4 forbids collecting them at registration), and 户口簿住址 (an address
 * the point has from the ID card). A key not on the list is dropped: a
 * list of what may be kept cannot be outrun by a new field name the way a
 * list of what is forbidden can.
 *
 * Two labels: label is for the screen and goes through gettext like every
 * UI string; form_label is the official wording printed on the 校对表,
 * which stays Chinese whatever the interface language (as the code
 * tables' names do). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-json-input.h"
#include "bm-online-fields.h"

static const BmOnlineField fields[] = {
  { "exam_type",        N_("exam type"),          "考试类型",     16, BM_FIELD_CLASS_CODE,  BM_CODE_TABLE_EXAM_TYPE },
  { "candidate_class",  N_("candidate class"),    "考生类别",     16, BM_FIELD_CLASS_CODE,  BM_CODE_TABLE_CANDIDATE_CLASS },
  { "political_status", N_("political status"),   "政治面貌",     16, BM_FIELD_CLASS_CODE,  BM_CODE_TABLE_POLITICAL_STATUS },
  { "graduation_type",  N_("graduation type"),    "毕业类别",     16, BM_FIELD_CLASS_CODE,  BM_CODE_TABLE_GRADUATION_TYPE },
  { "school",           N_("school"),             "毕业学校",     60, BM_FIELD_CLASS_TEXT,  -1 },
  { "class_name",       N_("class"),              "班级",         30, BM_FIELD_CLASS_TEXT,  -1 },
  { "student_number",   N_("student number"),     "学籍号",       32, BM_FIELD_CLASS_CODE,  -1 },
  { "foreign_language", N_("foreign language"),   "外语语种",     16, BM_FIELD_CLASS_CODE,  BM_CODE_TABLE_FOREIGN_LANGUAGE },
  { "household_type",   N_("household type"),     "户籍性质",     16, BM_FIELD_CLASS_TEXT,  -1 },
  { "subjects",         N_("elective subjects"),  "选考科目",     40, BM_FIELD_CLASS_TEXT,  -1 },
  { "phone",            N_("phone number"),       "联系电话",     20, BM_FIELD_CLASS_ASCII, -1 },
  { "mobile",           N_("mobile number"),      "移动电话",     20, BM_FIELD_CLASS_ASCII, -1 },
  { "specialty",        N_("special skills"),     "特长",         64, BM_FIELD_CLASS_LINES, -1 },
  { "awards",           N_("awards and sanctions"), "奖励和处分", 64, BM_FIELD_CLASS_LINES, -1 },
  { "resume",           N_("résumé"),             "本人简历",    200, BM_FIELD_CLASS_LINES, -1 },
  { "family",           N_("main family members"), "家庭主要成员", 200, BM_FIELD_CLASS_LINES, -1 },
};

const BmOnlineField *
bm_online_fields (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const BmOnlineField *
bm_online_field_lookup (const char *key)
{
  for (gsize i = 0; key != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      return &fields[i];
  return NULL;
}

static const char *
code_name (const BmOnlineField *field, const char *code)
{
  const BmCodeEntry *entries;
  gsize n;

  if (field->code_table < 0 || code == NULL)
    return NULL;
  entries = bm_code_table_entries ((BmCodeTable) field->code_table, &n);
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (entries[i].code, code))
      return entries[i].name;
  return NULL;
}

char *
bm_online_field_check (const BmOnlineField *field, const char *value, GError **error)
{
  const BmFieldLimit limit = { field->key, field->label, field->max_chars, field->klass };
  g_autofree char *v = NULL;

  if (value == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The online field “%s” must be text."), field->key);
      return NULL;
    }
  if (*value == '\0')
    return g_strdup ("");   /* the candidate cleared it */
  v = bm_field_check_with (&limit, value, error);
  if (v == NULL)
    return NULL;
  if (field->code_table >= 0 && code_name (field, v) == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The %s “%s” is not a code of its code table."), _(field->label), v);
      return NULL;
    }
  return g_steal_pointer (&v);
}

const char *
bm_online_field_display (const BmOnlineField *field, const char *value)
{
  const char *name = code_name (field, value);

  return name != NULL ? name : value;
}

JsonObject *
bm_online_fields_filter (JsonObject *in, GStrvBuilder *dropped, GStrvBuilder *refused)
{
  JsonObject *out = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (in);

  for (GList *l = members; l; l = l->next)
    {
      const BmOnlineField *field = bm_online_field_lookup (l->data);
      JsonNode *member = json_object_get_member (in, l->data);
      g_autofree char *v = NULL;

      if (field == NULL)
        {
          if (dropped != NULL)
            g_strv_builder_add (dropped, l->data);
          continue;
        }
      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        v = bm_online_field_check (field, json_node_get_string (member), NULL);
      if (v == NULL)
        {
          if (refused != NULL)
            g_strv_builder_add (refused, field->key);
          continue;
        }
      json_object_set_string_member (out, field->key, v);
    }
  return out;
}

char *
bm_online_fields_scrub (const char *stored)
{
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GList) members = NULL;
  JsonObject *in, *out = json_object_new ();

  json_node_take_object (node, out);
  if (stored == NULL)
    return NULL;
  parsed = bm_json_input_parse (stored, -1, BM_JSON_INPUT_STORED, NULL);
  if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed))
    return g_strdup ("{}");   /* unreadable: keep nothing rather than something unknown */
  in = json_node_get_object (parsed);
  members = json_object_get_members (in);
  for (GList *l = members; l; l = l->next)
    if (bm_online_field_lookup (l->data) != NULL)
      json_object_set_member (out, l->data, json_node_copy (json_object_get_member (in, l->data)));
  return json_to_string (node, FALSE);
}
