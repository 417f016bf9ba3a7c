/* One table of field limits (docs/limits.md keeps the same table for
 * people). A field without a limit let a 50 MB school name into the store,
 * where it blocked every sync batch; text that is not text (NUL, a lone
 * surrogate, terminal escapes, bidi overrides, invisible names) reached the
 * server and the clerk's terminal. Lengths are in characters after NFC
 * normalisation, the form that is stored. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-field-limits.h"
#include "bm-json-input.h"
#include "bm-online-fields.h"

static const BmFieldLimit limits[] = {
  /* identity (bm-identity.c) */
  { "card_type",         N_("card type"),             32, BM_FIELD_CLASS_CODE },
  { "id_type",           N_("ID document type"),      32, BM_FIELD_CLASS_CODE },
  { "id_number",         N_("ID number"),             32, BM_FIELD_CLASS_ASCII },
  { "name",              N_("name"),                  40, BM_FIELD_CLASS_NAME },
  { "name_en",           N_("English name"),         120, BM_FIELD_CLASS_NAME_LATIN },
  { "sex",               N_("sex"),                    1, BM_FIELD_CLASS_DIGITS },
  { "nation",            N_("nation"),                 2, BM_FIELD_CLASS_DIGITS },
  { "birth_date",        N_("birth date"),            10, BM_FIELD_CLASS_ASCII },
  { "address",           N_("address"),              100, BM_FIELD_CLASS_TEXT },
  { "appended_address",  N_("appended address"),     100, BM_FIELD_CLASS_TEXT },
  { "authority",         N_("issuing authority"),     60, BM_FIELD_CLASS_TEXT },
  { "valid_from",        N_("valid from"),            16, BM_FIELD_CLASS_ASCII },
  { "valid_to",          N_("valid to"),              16, BM_FIELD_CLASS_ASCII },
  { "pass_number",       N_("pass number"),           32, BM_FIELD_CLASS_ASCII },
  { "issue_count",       N_("issue count"),            4, BM_FIELD_CLASS_DIGITS },
  { "nationality",       N_("nationality"),           16, BM_FIELD_CLASS_CODE },
  { "sam_id",            N_("SAM id"),                64, BM_FIELD_CLASS_ASCII },
  { "photo_wlt_sha256",  N_("photo checksum"),        64, BM_FIELD_CLASS_HEX },
  /* candidate (bm-candidate.c) */
  { "uuid",              N_("record id"),             64, BM_FIELD_CLASS_CODE },
  { "workstation_id",    N_("workstation id"),        64, BM_FIELD_CLASS_CODE },
  { "number",            N_("registration number"),   16, BM_FIELD_CLASS_DIGITS },
  { "category",          N_("subject category"),      16, BM_FIELD_CLASS_TEXT },
  { "candidate_class",   N_("candidate class"),       16, BM_FIELD_CLASS_CODE },
  { "exam_type",         N_("exam type"),             16, BM_FIELD_CLASS_CODE },
  { "political_status",  N_("political status"),      16, BM_FIELD_CLASS_CODE },
  { "foreign_language",  N_("foreign language"),      16, BM_FIELD_CLASS_CODE },
  { "graduation_type",   N_("graduation type"),       16, BM_FIELD_CLASS_CODE },
  { "school",            N_("school"),                60, BM_FIELD_CLASS_TEXT },
  { "class_name",        N_("class"),                 30, BM_FIELD_CLASS_TEXT },
  { "student_number",    N_("student number"),        32, BM_FIELD_CLASS_CODE },
  { "phone",             N_("phone number"),          20, BM_FIELD_CLASS_ASCII },
  { "exam_number",       N_("exam number"),           32, BM_FIELD_CLASS_CODE },
  { "state",             N_("state"),                 32, BM_FIELD_CLASS_CODE },
  { "review_state",      N_("review state"),          32, BM_FIELD_CLASS_CODE },
  { "initial_password",  N_("initial password"),      32, BM_FIELD_CLASS_ASCII },
  { "comment",           N_("comment"),              254, BM_FIELD_CLASS_LINES },
  { "source",            N_("source"),                16, BM_FIELD_CLASS_CODE },
  { "void_reason",       N_("void reason"),          254, BM_FIELD_CLASS_LINES },
  { "override_reason",   N_("reason for the change"), 254, BM_FIELD_CLASS_LINES },
  { "online_fields",     N_("online fields"),      16384, BM_FIELD_CLASS_JSON },
  { "created_at",        N_("creation time"),         40, BM_FIELD_CLASS_ASCII },
  { "updated_at",        N_("change time"),           40, BM_FIELD_CLASS_ASCII },
  /* lifecycle (bm-record-lifecycle.c) */
  { "review_level",      N_("review level"),          16, BM_FIELD_CLASS_CODE },
  { "reviewed_by",       N_("reviewed by"),           64, BM_FIELD_CLASS_TEXT },
  { "card_handed_over_at", N_("login card handed over at"), 40, BM_FIELD_CLASS_ASCII },
  { "online_pulled_at",  N_("online fields pulled at"), 40, BM_FIELD_CLASS_ASCII },
  { "card_matched_at",   N_("ID card matched at"),    40, BM_FIELD_CLASS_ASCII },
  { "confirmation_method", N_("confirmation method"), 16, BM_FIELD_CLASS_CODE },
  { "confirmed_by",      N_("confirmed by"),          64, BM_FIELD_CLASS_TEXT },
  { "confirmed_at",      N_("confirmed at"),          40, BM_FIELD_CLASS_ASCII },
  { "confirmation_phone", N_("number called"),        20, BM_FIELD_CLASS_ASCII },
  { "confirmation_approved_by", N_("confirmation approved by"), 64, BM_FIELD_CLASS_TEXT },
};

const BmFieldLimit *
bm_field_limits (guint *n_limits)
{
  *n_limits = G_N_ELEMENTS (limits);
  return limits;
}

const BmFieldLimit *
bm_field_limit_lookup (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (limits); i++)
    if (g_str_equal (limits[i].key, key))
      return &limits[i];
  return NULL;
}

/* Letters that draw nothing: a name of Hangul fillers looks empty. */
static gboolean
is_blank (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800;
}

/* Not text in any field: controls (NUL, ESC, C1), format characters (bidi
 * overrides, embeddings, isolates, marks, zero-width and invisible ones,
 * the BOM), line and paragraph separators, surrogates, noncharacters. */
static gboolean
is_forbidden (gunichar c, gboolean lines)
{
  GUnicodeType t = g_unichar_type (c);

  if (c == '\n' && lines)
    return FALSE;
  return t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT || t == G_UNICODE_SURROGATE
         || t == G_UNICODE_LINE_SEPARATOR || t == G_UNICODE_PARAGRAPH_SEPARATOR
         || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE
         || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;   /* fillers */
}

static gboolean
is_letter (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_PRIVATE_USE:    /* rare characters of ID cards live in the private use area */
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
in_class (gunichar c, BmFieldClass klass)
{
  switch (klass)
    {
    case BM_FIELD_CLASS_NAME:
      /* 间隔号 as typed on different keyboards, and spaces in foreign
       * names. ASCII digits too: training data numbers its made-up
       * candidates (考生12), and no digit can hide or move text. */
      return is_letter (c) || c == 0x00B7 || c == 0x30FB || c == 0x2027 || c == 0xFF0E || c == ' '
             || (c < 0x80 && g_ascii_isdigit (c));
    case BM_FIELD_CLASS_NAME_LATIN:
      return is_letter (c) || c == ' ' || c == '\'' || c == '-' || c == '.' || c == ',';
    case BM_FIELD_CLASS_TEXT:
    case BM_FIELD_CLASS_LINES:
    case BM_FIELD_CLASS_JSON:
      return TRUE;
    case BM_FIELD_CLASS_DIGITS:
      return c < 0x80 && g_ascii_isdigit (c);
    case BM_FIELD_CLASS_CODE:
      return c < 0x80 && (g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.');
    case BM_FIELD_CLASS_ASCII:
      return c > 0x20 && c < 0x7F;
    case BM_FIELD_CLASS_HEX:
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    default:
      return FALSE;
    }
}

static const char *
class_rule (BmFieldClass klass)
{
  switch (klass)
    {
    case BM_FIELD_CLASS_NAME:
      return _("letters, the separator ·, spaces and digits");
    case BM_FIELD_CLASS_NAME_LATIN:
      return _("letters, spaces and ' - . ,");
    case BM_FIELD_CLASS_DIGITS:
      return _("the digits 0-9");
    case BM_FIELD_CLASS_CODE:
      return _("ASCII letters, the digits 0-9 and - _ .");
    case BM_FIELD_CLASS_ASCII:
      return _("ASCII letters, digits and punctuation without spaces");
    case BM_FIELD_CLASS_HEX:
      return _("the hexadecimal digits 0-9 and a-f");
    default:
      return "";
    }
}

static char *check_json (const BmFieldLimit *limit, const char *value, GError **error);

char *
bm_field_check_with (const BmFieldLimit *limit, const char *value, GError **error)
{
  const char *label = _(limit->label);
  g_autofree char *nfc = NULL;
  gboolean visible = FALSE;
  glong n;

  if (value == NULL)
    return NULL;
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The %s is not valid text (it holds bytes that are not UTF-8, such as a lone surrogate)."), label);
      return NULL;
    }
  if (limit->klass == BM_FIELD_CLASS_JSON)
    return check_json (limit, value, error);
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_forbidden (c, limit->klass == BM_FIELD_CLASS_LINES))
        {
          if (g_unichar_type (c) == G_UNICODE_CONTROL)
            g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                         _("The %s contains a control character (U+%04X); type it again without it."), label, c);
          else
            g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                         _("The %s contains an invisible or text-direction character (U+%04X); type it again without it."),
                         label, c);
          return NULL;
        }
      if (!is_blank (c))
        visible = TRUE;
    }
  if (!visible)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The %s has nothing visible in it."), label);
      return NULL;
    }
  /* Reject a huge value before normalising it: one NFC character comes
   * from at most 4 characters of at most 4 bytes (U+1F8F is four). */
  if (strlen (value) <= 16 * (gsize) limit->max_chars)
    nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  n = nfc ? g_utf8_strlen (nfc, -1) : 0;
  if (nfc == NULL || n > (glong) limit->max_chars)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The %s is longer than %u characters."), label, limit->max_chars);
      return NULL;
    }
  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    if (!in_class (g_utf8_get_char (p), limit->klass))
      {
        g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                     _("The %s may only hold %s."), label, class_rule (limit->klass));
        return NULL;
      }
  return g_steal_pointer (&nfc);
}

/* online_fields: a flat object of text the 网报 site filled, only keys on
 * the allow-list, each value within that field's limit and code table. */
static char *
check_json (const BmFieldLimit *limit, const char *value, GError **error)
{
  static const BmFieldLimit key_limit = { "", N_("online field name"), BM_ONLINE_KEY_MAX_CHARS, BM_FIELD_CLASS_CODE };
  g_autoptr(JsonObject) in = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) local = NULL;
  char *text;

  if (strlen (value) > limit->max_chars)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The %s are larger than %u bytes."), _(limit->label), limit->max_chars);
      return NULL;
    }
  in = bm_json_input_parse_object (value, -1, BM_JSON_INPUT_STORED, &local);
  if (in == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The %s are not a JSON object: %s"),
                   _(limit->label), local->message);
      return NULL;
    }
  if (json_object_get_size (in) > BM_ONLINE_MAX_MEMBERS)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The %s hold more than %d entries."),
                   _(limit->label), BM_ONLINE_MAX_MEMBERS);
      return NULL;
    }
  members = json_object_get_members (in);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *member = json_object_get_member (in, l->data);
      g_autofree char *key = bm_field_check_with (&key_limit, l->data, error);
      const BmOnlineField *field;
      g_autofree char *v = NULL;

      if (key == NULL)
        return NULL;
      /* Only the allow-list (bm-online-fields.c): no address, recipient
       * or postcode is ever stored, whoever writes the record. */
      field = bm_online_field_lookup (key);
      if (field == NULL)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("The online field “%s” is not one the point may keep (docs/online-fields.md)."), key);
          return NULL;
        }
      if (JSON_NODE_HOLDS_NULL (member))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The online field “%s” must be text."), key);
          return NULL;
        }
      v = bm_online_field_check (field, json_node_get_string (member), error);
      if (v == NULL)
        return NULL;
      json_object_set_string_member (out, key, v);
    }
  json_node_set_object (node, out);
  text = json_to_string (node, FALSE);
  return text;
}

/* The online fields of a server change: what the allow-list keeps
 * (bm_online_fields_filter), with the names of everything else, dropped or
 * refused, in @refused. */
JsonObject *
bm_field_filter_online (JsonObject *fields, GStrvBuilder *refused)
{
  return bm_online_fields_filter (fields, refused, refused);
}

/* Text for a terminal line: what the limits refuse (ESC, C1, bidi,
 * invisible characters, bytes that are not UTF-8) is shown as \u{XXXX} or
 * \xNN, so that a card or an old record cannot recolour, move or hide
 * text on the clerk's screen. */
char *
bm_field_for_terminal (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value ? value : "";
  const char *end = p + strlen (p);

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guint8) *p);
          p++;
          continue;
        }
      if (is_forbidden (c, FALSE))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

/* Checks each set value of a record's parallel @keys/@values arrays and
 * replaces it by its NFC form where that differs (BmIdentity and
 * BmCandidate keep their fields this way). */
gboolean
bm_field_check_values (const char * const *keys, char **values, GError **error)
{
  for (int i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *checked = NULL;

      if (values[i] == NULL)
        continue;
      checked = bm_field_check (keys[i], values[i], error);
      if (checked == NULL)
        return FALSE;
      if (!g_str_equal (checked, values[i]))
        {
          g_free (values[i]);
          values[i] = g_steal_pointer (&checked);
        }
    }
  return TRUE;
}

char *
bm_field_check (const char *key, const char *value, GError **error)
{
  const BmFieldLimit *limit = bm_field_limit_lookup (key);

  g_return_val_if_fail (limit != NULL, NULL);
  return bm_field_check_with (limit, value, error);
}
