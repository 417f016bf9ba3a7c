/* bm-print-candidate.c: documents built from store records */
#include "bm-config.h"

#include "bm-print-candidate.h"
#include "bm-code-table.h"
#include "bm-json-input.h"
#include "bm-online-fields.h"
#include "bm-store-print.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Identity fields that a card read fills; marked on the proof sheet. */
static const char * const card_keys[] = {
  "name", "name_en", "sex", "nation", "birth_date", "id_type", "id_number", "address",
  "authority", "valid_period", "nationality", NULL,
};

static const char *
code_name (BmCodeTable  table,
           const char  *code)
{
  const BmCodeEntry *entries;
  gsize n;

  if (code == NULL)
    return NULL;
  /* The official Chinese names, not the UI translation: this is a form. */
  entries = bm_code_table_entries (table, &n);
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (entries[i].code, code) == 0)
      return entries[i].name;
  return code;
}

static char *
date_text (const char *value)
{
  if (value == NULL)
    return NULL;
  if (g_str_equal (value, "long-term"))
    return g_strdup ("长期");
  return g_strdup (value);
}

BmPrintRecord *
bm_print_record_new_from_candidate (BmCandidate *candidate,
                                    GHashTable  *category_names)
{
  BmPrintRecord *rec = bm_print_record_new ();
  BmIdentity *id = bm_candidate_get_identity (candidate);
  const char *category = bm_candidate_get (candidate, "category");
  const char *address = bm_identity_get (id, "address");
  const char *appended = bm_identity_get (id, "appended_address");
  const char *online = bm_candidate_get (candidate, "online_fields");
  g_autofree char *valid_from = date_text (bm_identity_get (id, "valid_from"));
  g_autofree char *valid_to = date_text (bm_identity_get (id, "valid_to"));

  bm_print_record_set_uuid (rec, bm_candidate_get (candidate, "uuid"));
  bm_print_record_set (rec, "number", bm_candidate_get (candidate, "number"));
  bm_print_record_set (rec, "initial_password", bm_candidate_get (candidate, "initial_password"));
  /* Holders of a foreign permanent residence card may have no Chinese name:
   * the cards and the table then carry the English one. */
  {
    const char *name = bm_identity_get (id, "name");

    bm_print_record_set (rec, "name", name != NULL && *name ? name : bm_identity_get (id, "name_en"));
  }
  bm_print_record_set (rec, "name_en", bm_identity_get (id, "name_en"));
  bm_print_record_set (rec, "id_number", bm_identity_get (id, "id_number"));
  bm_print_record_set (rec, "birth_date", bm_identity_get (id, "birth_date"));
  bm_print_record_set (rec, "authority", bm_identity_get (id, "authority"));
  bm_print_record_set (rec, "nationality", bm_identity_get (id, "nationality"));
  bm_print_record_set (rec, "sex", code_name (BM_CODE_TABLE_SEX, bm_identity_get (id, "sex")));
  bm_print_record_set (rec, "nation", code_name (BM_CODE_TABLE_NATION, bm_identity_get (id, "nation")));
  bm_print_record_set (rec, "id_type", code_name (BM_CODE_TABLE_ID_TYPE, bm_identity_get (id, "id_type")));
  if (appended != NULL && *appended)
    {
      g_autofree char *full = g_strconcat (address ? address : "", "（", appended, "）", NULL);

      bm_print_record_set (rec, "address", full);
    }
  else
    bm_print_record_set (rec, "address", address);
  if (valid_from != NULL || valid_to != NULL)
    {
      g_autofree char *period = g_strdup_printf ("%s 至 %s", valid_from ? valid_from : "", valid_to ? valid_to : "");

      bm_print_record_set (rec, "valid_period", period);
    }

  bm_print_record_set (rec, "category",
                       category_names != NULL && g_hash_table_contains (category_names, category)
                       ? g_hash_table_lookup (category_names, category) : category);
  bm_print_record_set (rec, "candidate_class", code_name (BM_CODE_TABLE_CANDIDATE_CLASS, bm_candidate_get (candidate, "candidate_class")));
  bm_print_record_set (rec, "exam_type", code_name (BM_CODE_TABLE_EXAM_TYPE, bm_candidate_get (candidate, "exam_type")));
  bm_print_record_set (rec, "political_status", code_name (BM_CODE_TABLE_POLITICAL_STATUS, bm_candidate_get (candidate, "political_status")));
  bm_print_record_set (rec, "foreign_language", code_name (BM_CODE_TABLE_FOREIGN_LANGUAGE, bm_candidate_get (candidate, "foreign_language")));
  bm_print_record_set (rec, "graduation_type", code_name (BM_CODE_TABLE_GRADUATION_TYPE, bm_candidate_get (candidate, "graduation_type")));
  bm_print_record_set (rec, "school", bm_candidate_get (candidate, "school"));
  bm_print_record_set (rec, "student_number", bm_candidate_get (candidate, "student_number"));
  bm_print_record_set (rec, "phone", bm_candidate_get (candidate, "phone"));
  bm_print_record_set (rec, "comment", bm_candidate_get (candidate, "comment"));
  bm_print_record_set (rec, "migrant", bm_candidate_get_flag (candidate, "migrant_child") ? "是" : "否");
  bm_print_record_set (rec, "eligibility", bm_candidate_get_flag (candidate, "eligibility_checked") ? "已审查" : "未审查");
  bm_print_record_set (rec, "fee_paid", bm_candidate_get_flag (candidate, "fee_paid") ? "已缴" : "未缴");
  if (g_strcmp0 (bm_candidate_get (candidate, "source"), "card") == 0)
    {
      bm_print_record_set (rec, "source", "身份证阅读器读取");
      for (guint i = 0; card_keys[i] != NULL; i++)
        bm_print_record_mark_from_card (rec, card_keys[i]);
    }
  else
    bm_print_record_set (rec, "source", "手工录入");

  /* Only the allow-list, in its order, under the official labels and with
   * codes decoded: a key a store written before the list still holds
   * (an address, a postcode) is never printed. */
  if (online != NULL)
    {
      g_autoptr(JsonNode) node = bm_json_input_parse (online, -1, BM_JSON_INPUT_STORED, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *obj = json_node_get_object (node);
          const BmOnlineField *fields;
          guint n_fields;

          fields = bm_online_fields (&n_fields);
          for (guint i = 0; i < n_fields; i++)
            {
              JsonNode *v = json_object_get_member (obj, fields[i].key);

              if (v == NULL || !JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
                continue;
              bm_print_record_add_online (rec, fields[i].form_label,
                                          bm_online_field_display (&fields[i], json_node_get_string (v)));
            }
        }
    }
  return rec;
}

static GBytes *
load_photo (BmPrintRecord *record,
            gpointer       user_data)
{
  const char *uuid = bm_print_record_get_uuid (record);

  if (uuid == NULL)
    return NULL;
  /* A photo that cannot be read prints as "no photo"; the proof sheet
   * says so and the clerk retakes it. */
  return bm_store_dup_photo_jpeg (user_data, uuid, NULL);
}

BmDocument *
bm_print_document_new_for_store (BmStore        *store,
                                 BmDocumentKind  kind,
                                 GPtrArray      *candidates,
                                 GError        **error)
{
  g_autoptr(BmPointProfile) profile = bm_store_dup_point_profile (store, error);
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) category_list = g_string_new (NULL);
  g_autoptr(BmDocument) doc = NULL;

  if (profile == NULL)
    return NULL;
  categories = bm_store_list_categories (store, error);
  if (categories == NULL)
    return NULL;
  for (guint i = 0; i < categories->len; i++)
    {
      BmCategory *c = categories->pdata[i];

      g_hash_table_insert (names, c->code, c->name);
      g_string_append_printf (category_list, "%s%s", i ? "|" : "", c->name);
    }

  doc = bm_document_new (kind);
  bm_document_set_training (doc, bm_store_is_training (store));
  bm_document_set_point (doc, "point_name", profile->name);
  bm_document_set_point (doc, "point_code", profile->code);
  if (profile->site_url != NULL && *profile->site_url)
    bm_document_set_point (doc, "site_url", profile->site_url);
  bm_document_set_point (doc, "categories", category_list->str);
  {
    /* Only an existing key: printing never creates one (the county must
     * have it registered), and an older store prints the plain URL QR. */
    g_autoptr(BmStationKeys) keys = bm_station_keys_load (bm_store_get_path (store), NULL);

    if (keys != NULL)
      bm_document_set_qr_signer (doc, keys, profile->workstation_id);
  }
  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    {
      g_autoptr(BmPrintRecord) rec = bm_print_record_new_from_candidate (candidates->pdata[i], names);

      bm_document_add_record (doc, rec);
    }
  bm_document_set_photo_func (doc, load_photo, g_object_ref (store), g_object_unref);
  return g_steal_pointer (&doc);
}
