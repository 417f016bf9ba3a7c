/* The identity block of a candidate: what a second-generation ID card holds,
 * or what a clerk typed from another document. Fields are kept by their JSON
 * key so that card readers, the CLI, the store and the sync protocol share
 * one vocabulary. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm-code-table.h"
#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-id-number.h"
#include "bm-identity.h"

static const char * const identity_keys[] = {
  "card_type", "id_type", "id_number", "name", "name_en", "sex", "nation",
  "birth_date", "address", "appended_address", "authority", "valid_from",
  "valid_to", "pass_number", "issue_count", "nationality", "sam_id",
  "photo_wlt_sha256", NULL,
};

struct _BmIdentity
{
  GObject parent_instance;

  char *values[G_N_ELEMENTS (identity_keys) - 1];
  GBytes *photo_wlt;
};

G_DEFINE_FINAL_TYPE (BmIdentity, bm_identity, G_TYPE_OBJECT)

static int
key_index (const char *key)
{
  for (int i = 0; identity_keys[i] != NULL; i++)
    if (g_str_equal (identity_keys[i], key))
      return i;
  return -1;
}

static void
bm_identity_finalize (GObject *object)
{
  BmIdentity *self = BM_IDENTITY (object);

  for (gsize i = 0; i < G_N_ELEMENTS (self->values); i++)
    g_free (self->values[i]);
  g_clear_pointer (&self->photo_wlt, g_bytes_unref);

  G_OBJECT_CLASS (bm_identity_parent_class)->finalize (object);
}

static void
bm_identity_class_init (BmIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_identity_finalize;
}

static void
bm_identity_init (BmIdentity *self)
{
}

BmIdentity *
bm_identity_new (void)
{
  return g_object_new (BM_TYPE_IDENTITY, NULL);
}

const char * const *
bm_identity_keys (void)
{
  return identity_keys;
}

const char *
bm_identity_get (BmIdentity *self, const char *key)
{
  int i;

  g_return_val_if_fail (BM_IS_IDENTITY (self), NULL);
  i = key_index (key);
  g_return_val_if_fail (i >= 0, NULL);
  return self->values[i];
}

void
bm_identity_set (BmIdentity *self, const char *key, const char *value)
{
  int i;
  char *copy = NULL;

  g_return_if_fail (BM_IS_IDENTITY (self));
  i = key_index (key);
  g_return_if_fail (i >= 0);

  if (value != NULL && *value != '\0')
    {
      copy = g_strstrip (g_strdup (value));
      /* A lower-case x check character is the same number; store one spelling. */
      if (g_str_equal (key, "id_number") || g_str_equal (key, "pass_number"))
        {
          char *up = g_ascii_strup (copy, -1);
          g_free (copy);
          copy = up;
        }
      /* A first-generation 15-digit number is stored as its 18-digit form
       * (GB 11643-1999); no other document has 15 plain digits. */
      if (g_str_equal (key, "id_number") && strlen (copy) == 15)
        {
          char *upgraded = bm_id_number_from_15 (copy);
          if (upgraded != NULL)
            {
              g_free (copy);
              copy = upgraded;
            }
        }
      if (*copy == '\0')
        g_clear_pointer (&copy, g_free);
    }
  g_free (self->values[i]);
  self->values[i] = copy;
}

GBytes *
bm_identity_get_photo_wlt (BmIdentity *self)
{
  g_return_val_if_fail (BM_IS_IDENTITY (self), NULL);
  return self->photo_wlt;
}

void
bm_identity_set_photo_wlt (BmIdentity *self, GBytes *wlt)
{
  g_autofree char *sum = NULL;

  g_return_if_fail (BM_IS_IDENTITY (self));
  g_clear_pointer (&self->photo_wlt, g_bytes_unref);
  if (wlt != NULL)
    {
      self->photo_wlt = g_bytes_ref (wlt);
      sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, wlt);
    }
  bm_identity_set (self, "photo_wlt_sha256", sum);
}

JsonObject *
bm_identity_to_json (BmIdentity *self)
{
  JsonObject *object = json_object_new ();

  for (int i = 0; identity_keys[i] != NULL; i++)
    if (self->values[i] != NULL)
      json_object_set_string_member (object, identity_keys[i], self->values[i]);
  return object;
}

BmIdentity *
bm_identity_new_from_json (JsonObject *object, GError **error)
{
  g_autoptr(BmIdentity) self = bm_identity_new ();

  for (int i = 0; identity_keys[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, identity_keys[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The field “%s” must be a string."), identity_keys[i]);
          return NULL;
        }
      bm_identity_set (self, identity_keys[i], json_node_get_string (node));
    }
  return g_steal_pointer (&self);
}

BmIdentity *
bm_identity_copy (BmIdentity *self)
{
  BmIdentity *copy = bm_identity_new ();

  for (int i = 0; identity_keys[i] != NULL; i++)
    copy->values[i] = g_strdup (self->values[i]);
  if (self->photo_wlt != NULL)
    copy->photo_wlt = g_bytes_ref (self->photo_wlt);
  return copy;
}

static gboolean
parse_iso_date (const char *text, int *y, int *m, int *d)
{
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  if (sscanf (text, "%4d-%2d-%2d", y, m, d) != 3)
    return FALSE;
  return g_date_valid_dmy (*d, *m, *y);
}

/* Length, character class and real text (bm-field-limits.c); what is kept
 * is stored in NFC. */
gboolean
bm_identity_check_limits (BmIdentity *self, GError **error)
{
  return bm_field_check_values (identity_keys, self->values, error);
}

/* What every record must satisfy whatever its source, so that the GUI form,
 * the CLI and the card path refuse the same things. */
gboolean
bm_identity_validate (BmIdentity *self, GError **error)
{
  return bm_identity_validate_with_override (self, FALSE, error);
}

/**
 * bm_identity_validate_with_override:
 * @accept_bad_check: a resident card number that fails only its check
 *   character passes (the supervisor's override of a chip read as it is;
 *   the store asks for the supervisor and sends the record to the county)
 */
gboolean
bm_identity_validate_with_override (BmIdentity *self, gboolean accept_bad_check, GError **error)
{
  const char *id_type;
  const char *id_number;
  const char *name;
  const char *name_en;
  const char *sex;
  const char *nation;
  const char *birth;
  int y, m, d;

  /* Length, character class and real text first. */
  if (!bm_identity_check_limits (self, error))
    return FALSE;
  id_type = bm_identity_get (self, "id_type");
  id_number = bm_identity_get (self, "id_number");
  name = bm_identity_get (self, "name");
  name_en = bm_identity_get (self, "name_en");
  sex = bm_identity_get (self, "sex");
  nation = bm_identity_get (self, "nation");
  birth = bm_identity_get (self, "birth_date");

  if (id_type == NULL)
    id_type = "resident_card";
  if (bm_code_table_lookup (BM_CODE_TABLE_ID_TYPE, id_type) == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Unknown ID document type."));
      return FALSE;
    }

  if (!(accept_bad_check && bm_id_number_fails_only_check (id_type, id_number))
      && !bm_id_number_validate (id_type, id_number, error))
    return FALSE;
  if (name == NULL && name_en == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The name is missing."));
      return FALSE;
    }
  if (sex == NULL || (!g_str_equal (sex, "1") && !g_str_equal (sex, "2")))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Choose the sex."));
      return FALSE;
    }
  if (nation != NULL && bm_code_table_lookup (BM_CODE_TABLE_NATION, nation) == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Unknown nation code."));
      return FALSE;
    }
  if (g_str_equal (id_type, "resident_card") && nation == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Choose the nation."));
      return FALSE;
    }
  if (!parse_iso_date (birth, &y, &m, &d))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The birth date must be a real date written as YYYY-MM-DD."));
      return FALSE;
    }

  /* Numbers that embed the birth date and sex must agree with the fields. */
  if (strlen (id_number) == 18 && g_ascii_isdigit (id_number[0]))
    {
      int ny, nm, nd;

      if (bm_id_number_get_birth_date (id_number, &ny, &nm, &nd) && (ny != y || nm != m || nd != d))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The birth date does not match the one inside the ID number."));
          return FALSE;
        }
      if (bm_id_number_get_sex (id_number) != atoi (sex))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The sex does not match the one inside the ID number."));
          return FALSE;
        }
    }
  return TRUE;
}
