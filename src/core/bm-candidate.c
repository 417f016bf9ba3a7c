/* A registration record: the identity block plus what the registration
 * point adds. Keys are the JSON keys of docs/cli.md and the store's column
 * names, so one list serves the CLI, the store and sync. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-candidate.h"
#include "bm-code-table.h"
#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-id-number.h"
#include "bm-json-input.h"

static const char * const candidate_keys[] = {
  "uuid", "workstation_id", "number", "category", "candidate_class", "exam_type",
  "political_status", "foreign_language", "graduation_type", "school",
  "class_name", "student_number", "phone", "exam_number", "state",
  "review_state", "initial_password", "comment", "source", "void_reason",
  "override_reason", "online_fields", "created_at", "updated_at",
  /* the lifecycle fields (bm_record_lifecycle_keys), set only by events */
  "review_level", "reviewed_by", "card_handed_over_at", "online_pulled_at", "card_matched_at",
  "confirmation_method", "confirmed_by", "confirmed_at", "confirmation_phone", "confirmation_approved_by",
  NULL,
};

static const char * const flag_keys[] = {
  "fee_paid", "eligibility_checked", "signature_confirmed", "voided",
  "migrant_child", NULL,
};

struct _BmCandidate
{
  GObject parent_instance;

  BmIdentity *identity;
  char *values[G_N_ELEMENTS (candidate_keys) - 1];
  gboolean flags[G_N_ELEMENTS (flag_keys) - 1];
  gint64 version;
  gint64 synced_version;
};

G_DEFINE_FINAL_TYPE (BmCandidate, bm_candidate, G_TYPE_OBJECT)

static int
index_of (const char * const *keys, const char *key)
{
  for (int i = 0; keys[i] != NULL; i++)
    if (g_str_equal (keys[i], key))
      return i;
  return -1;
}

static void
bm_candidate_finalize (GObject *object)
{
  BmCandidate *self = BM_CANDIDATE (object);

  g_clear_object (&self->identity);
  for (gsize i = 0; i < G_N_ELEMENTS (self->values); i++)
    g_free (self->values[i]);

  G_OBJECT_CLASS (bm_candidate_parent_class)->finalize (object);
}

static void
bm_candidate_class_init (BmCandidateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_candidate_finalize;
}

static void
bm_candidate_init (BmCandidate *self)
{
}

BmCandidate *
bm_candidate_new (BmIdentity *identity)
{
  BmCandidate *self = g_object_new (BM_TYPE_CANDIDATE, NULL);

  self->identity = identity ? g_object_ref (identity) : bm_identity_new ();
  return self;
}

const char * const *
bm_candidate_keys (void)
{
  return candidate_keys;
}

const char * const *
bm_candidate_flag_keys (void)
{
  return flag_keys;
}

BmIdentity *
bm_candidate_get_identity (BmCandidate *self)
{
  g_return_val_if_fail (BM_IS_CANDIDATE (self), NULL);
  return self->identity;
}

const char *
bm_candidate_get (BmCandidate *self, const char *key)
{
  int i;

  g_return_val_if_fail (BM_IS_CANDIDATE (self), NULL);
  i = index_of (candidate_keys, key);
  g_return_val_if_fail (i >= 0, NULL);
  return self->values[i];
}

void
bm_candidate_set (BmCandidate *self, const char *key, const char *value)
{
  int i;

  g_return_if_fail (BM_IS_CANDIDATE (self));
  i = index_of (candidate_keys, key);
  g_return_if_fail (i >= 0);
  g_free (self->values[i]);
  self->values[i] = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

gboolean
bm_candidate_get_flag (BmCandidate *self, const char *key)
{
  int i = index_of (flag_keys, key);

  g_return_val_if_fail (i >= 0, FALSE);
  return self->flags[i];
}

void
bm_candidate_set_flag (BmCandidate *self, const char *key, gboolean value)
{
  int i = index_of (flag_keys, key);

  g_return_if_fail (i >= 0);
  self->flags[i] = !!value;
}

gint64
bm_candidate_get_version (BmCandidate *self)
{
  return self->version;
}

void
bm_candidate_set_version (BmCandidate *self, gint64 version)
{
  self->version = version;
}

gint64
bm_candidate_get_synced_version (BmCandidate *self)
{
  return self->synced_version;
}

void
bm_candidate_set_synced_version (BmCandidate *self, gint64 version)
{
  self->synced_version = version;
}

BmRecordState
bm_candidate_get_state (BmCandidate *self)
{
  BmRecordState state = BM_RECORD_STATE_COLLECTED;

  bm_record_state_from_string (bm_candidate_get (self, "state"), &state);
  return state;
}

JsonObject *
bm_candidate_to_json (BmCandidate *self)
{
  JsonObject *object = bm_identity_to_json (self->identity);

  for (int i = 0; candidate_keys[i] != NULL; i++)
    {
      if (self->values[i] == NULL)
        continue;
      if (g_str_equal (candidate_keys[i], "online_fields"))
        {
          g_autoptr(JsonNode) node = bm_json_input_parse (self->values[i], -1, BM_JSON_INPUT_STORED, NULL);
          if (node != NULL)
            json_object_set_member (object, "online_fields", g_steal_pointer (&node));
          continue;
        }
      json_object_set_string_member (object, candidate_keys[i], self->values[i]);
    }
  for (int i = 0; flag_keys[i] != NULL; i++)
    json_object_set_boolean_member (object, flag_keys[i], self->flags[i]);
  json_object_set_int_member (object, "version", self->version);
  json_object_set_int_member (object, "synced_version", self->synced_version);
  return object;
}

BmCandidate *
bm_candidate_new_from_json (JsonObject *object, GError **error)
{
  g_autoptr(BmIdentity) identity = NULL;
  g_autoptr(BmCandidate) self = NULL;

  identity = bm_identity_new_from_json (object, error);
  if (identity == NULL)
    return NULL;
  self = bm_candidate_new (identity);

  for (int i = 0; candidate_keys[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, candidate_keys[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (g_str_equal (candidate_keys[i], "online_fields") && JSON_NODE_HOLDS_OBJECT (node))
        {
          self->values[i] = json_to_string (node, FALSE);
          continue;
        }
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The field “%s” must be a string."), candidate_keys[i]);
          return NULL;
        }
      bm_candidate_set (self, candidate_keys[i], json_node_get_string (node));
    }
  for (int i = 0; flag_keys[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, flag_keys[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The field “%s” must be true or false."), flag_keys[i]);
          return NULL;
        }
      self->flags[i] = json_node_get_boolean (node);
    }
  return g_steal_pointer (&self);
}

static gboolean
check_code (BmCodeTable table, const char *value, const char *what, GError **error)
{
  if (value == NULL || bm_code_table_lookup (table, value) != NULL)
    return TRUE;
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Unknown code “%s” for %s."), value, what);
  return FALSE;
}

/* Length, character class and real text of every field, identity included
 * (bm-field-limits.c); values that pass are kept in NFC. The part of
 * validation that also guards the sync queue: a stored record over a limit
 * is set aside there instead of being sent to a certain 413. */
gboolean
bm_candidate_check_limits (BmCandidate *self, GError **error)
{
  return bm_identity_check_limits (self->identity, error)
         && bm_field_check_values (candidate_keys, self->values, error);
}

/**
 * bm_candidate_overrides_check:
 *
 * Returns: TRUE for a typed record whose resident card number fails only its
 *   check character and which carries a reason for the override: the number
 *   is kept as the chip holds it, the supervisor saves it and the county
 *   reviews it (issue 13). Without the reason it is refused as before.
 */
gboolean
bm_candidate_overrides_check (BmCandidate *self)
{
  const char *reason = bm_candidate_get (self, "override_reason");

  return g_strcmp0 (bm_candidate_get (self, "source"), "card") != 0
         && reason != NULL && *reason != '\0'
         && bm_id_number_fails_only_check (bm_identity_get (self->identity, "id_type"),
                                           bm_identity_get (self->identity, "id_number"));
}

/* Rules on what the point adds. Whether the 科类 exists is the store's
 * business: 科类 are data from the county. */
gboolean
bm_candidate_validate (BmCandidate *self, GError **error)
{
  const char *phone, *source;

  /* Every field has a maximum length and character class, whatever path
   * the record came by; what is kept is stored in NFC. */
  if (!bm_identity_validate_with_override (self->identity, bm_candidate_overrides_check (self), error)
      || !bm_candidate_check_limits (self, error))
    return FALSE;
  phone = bm_candidate_get (self, "phone");
  source = bm_candidate_get (self, "source");
  if (bm_candidate_get (self, "category") == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Choose the subject category (科类)."));
      return FALSE;
    }
  if (!check_code (BM_CODE_TABLE_CANDIDATE_CLASS, bm_candidate_get (self, "candidate_class"),
                   _("candidate class"), error)
      || !check_code (BM_CODE_TABLE_POLITICAL_STATUS, bm_candidate_get (self, "political_status"),
                      _("political status"), error)
      || !check_code (BM_CODE_TABLE_FOREIGN_LANGUAGE, bm_candidate_get (self, "foreign_language"),
                      _("foreign language"), error)
      || !check_code (BM_CODE_TABLE_GRADUATION_TYPE, bm_candidate_get (self, "graduation_type"),
                      _("graduation type"), error)
      || !check_code (BM_CODE_TABLE_EXAM_TYPE, bm_candidate_get (self, "exam_type"),
                      _("exam type"), error))
    return FALSE;
  if (phone != NULL && !g_regex_match_simple ("^(1[3-9][0-9]{9}|[0-9]{3,4}-?[0-9]{7,8})$", phone, 0, 0))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The phone number is not valid."));
      return FALSE;
    }
  if (source != NULL && !g_str_equal (source, "card") && !g_str_equal (source, "manual"))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The source must be “card” or “manual”."));
      return FALSE;
    }
  return TRUE;
}
