/* bm-card-text.c: the 256-byte text block of the four card types
 *
 * Offsets: idcard.md §3.1 and §4. Text is UCS-2 little-endian and goes to
 * UTF-8 directly: a detour through GBK loses names such as 䶮.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-text.h"
#include "bm-code-table.h"
#include "bm-id-number.h"

#define FLAG_OFFSET 248

/* Converts @n_bytes of UCS-2LE and drops the padding at the end only: an
 * address may contain spaces, and cutting at the first one loses the rest.
 * Returns NULL for text that is not valid UTF-16 (an unpaired surrogate). */
char *
bm_card_text_field (const guint8 *ucs2le,
                    gsize         n_bytes)
{
  gsize n = n_bytes / 2;
  g_autofree gunichar2 *units = g_new (gunichar2, n + 1);

  for (gsize i = 0; i < n; i++)
    units[i] = (gunichar2) (ucs2le[2 * i] | (ucs2le[2 * i + 1] << 8));
  /* NUL is padding too: some readers zero-fill instead of space-filling. */
  while (n > 0 && (units[n - 1] == 0x0020 || units[n - 1] == 0x0000))
    n--;
  for (gsize i = 0; i < n; i++)
    if (units[i] == 0)
      return NULL;
  return g_utf16_to_utf8 (units, (glong) n, NULL, NULL, NULL);
}

typedef struct {
  const guint8 *text;
  GError      **error;
  gboolean      failed;
} Reader;

static char *
field (Reader     *r,
       gsize       offset,
       gsize       n_bytes)
{
  char *s;

  if (r->failed)
    return NULL;
  s = bm_card_text_field (r->text + offset, n_bytes);
  if (s == NULL)
    {
      g_set_error_literal (r->error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The card's text could not be decoded. Place the card again."));
      r->failed = TRUE;
    }
  return s;
}

static void
set_text (Reader     *r,
          BmIdentity *id,
          const char *key,
          gsize       offset,
          gsize       n_bytes)
{
  g_autofree char *s = field (r, offset, n_bytes);

  if (s != NULL && *s != '\0')
    bm_identity_set (id, key, s);
}

/* YYYYMMDD -> YYYY-MM-DD; 长期 -> "long-term" when @allow_long_term. */
static void
set_date (Reader     *r,
          BmIdentity *id,
          const char *key,
          gsize       offset,
          gboolean    allow_long_term,
          gboolean    required)
{
  g_autofree char *s = field (r, offset, 16);
  guint y, m, d;

  if (s == NULL)
    return;
  if (*s == '\0')
    {
      if (required)
        goto bad;
      return;
    }
  if (allow_long_term && g_str_equal (s, "长期"))
    {
      bm_identity_set (id, key, "long-term");
      return;
    }
  if (strlen (s) != 8 || strspn (s, "0123456789") != 8)
    goto bad;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = (s[4] - '0') * 10 + (s[5] - '0');
  d = (s[6] - '0') * 10 + (s[7] - '0');
  if (y < 1800 || !g_date_valid_dmy (d, m, y))
    goto bad;
  {
    char iso[11];

    g_snprintf (iso, sizeof iso, "%04u-%02u-%02u", y, m, d);
    bm_identity_set (id, key, iso);
  }
  return;

bad:
  if (!r->failed)
    g_set_error_literal (r->error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                         _("The card holds a date that is not valid. Place the card again."));
  r->failed = TRUE;
}

static void
parse_resident_layout (Reader     *r,
                       BmIdentity *id,
                       gboolean    permit)
{
  set_text (r, id, "name", 0, 30);
  set_text (r, id, "sex", 30, 2);
  /* The permit keeps the nation field reserved (blank). */
  if (!permit)
    set_text (r, id, "nation", 32, 4);
  set_date (r, id, "birth_date", 36, FALSE, TRUE);
  set_text (r, id, "address", 52, 70);
  set_text (r, id, "id_number", 122, 36);
  set_text (r, id, "authority", 158, 30);
  set_date (r, id, "valid_from", 188, FALSE, FALSE);
  set_date (r, id, "valid_to", 204, TRUE, FALSE);
  if (permit)
    {
      set_text (r, id, "pass_number", 220, 18);
      set_text (r, id, "issue_count", 238, 4);
    }
}

static void
parse_foreign_2017 (Reader     *r,
                    BmIdentity *id)
{
  set_text (r, id, "name_en", 0, 120);
  set_text (r, id, "sex", 120, 2);
  set_text (r, id, "id_number", 122, 30);
  set_text (r, id, "nationality", 152, 6);
  set_text (r, id, "name", 158, 30);
  set_date (r, id, "valid_from", 188, FALSE, FALSE);
  set_date (r, id, "valid_to", 204, TRUE, FALSE);
  set_date (r, id, "birth_date", 220, FALSE, TRUE);
  /* 240: code of the accepting authority; it is what this card has in
   * place of an issuing authority's name. */
  set_text (r, id, "authority", 240, 8);
}

static void
parse_foreign_2023 (Reader     *r,
                    BmIdentity *id)
{
  guint8 en[70 + 22];
  g_autofree char *name_en = NULL;

  set_text (r, id, "name", 0, 30);
  set_text (r, id, "sex", 30, 2);
  set_text (r, id, "issue_count", 32, 4);
  set_date (r, id, "birth_date", 36, FALSE, TRUE);
  /* The English name runs on from 52 (35 chars) into 220 (11 chars) with
   * no padding at the seam, so join the raw halves before trimming. */
  memcpy (en, r->text + 52, 70);
  memcpy (en + 70, r->text + 220, 22);
  name_en = r->failed ? NULL : bm_card_text_field (en, sizeof en);
  if (name_en == NULL && !r->failed)
    {
      g_set_error_literal (r->error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The card's text could not be decoded. Place the card again."));
      r->failed = TRUE;
    }
  else if (name_en != NULL && *name_en != '\0')
    bm_identity_set (id, "name_en", name_en);
  set_text (r, id, "id_number", 122, 36);
  set_date (r, id, "valid_from", 188, FALSE, FALSE);
  set_date (r, id, "valid_to", 204, TRUE, FALSE);
  set_text (r, id, "nationality", 242, 6);
}

/**
 * bm_card_text_parse:
 * @text: the text block as read from the card
 * @len: its length; must be 256
 *
 * Chooses the layout by the flag at offset 248. The ID number is stored as
 * read even when its check digit is wrong: the clerk must see the mismatch
 * (bm_card_identity_number_valid()), not lose the read.
 *
 * Returns: (transfer full): the identity, or NULL with @error set
 */
BmIdentity *
bm_card_text_parse (const guint8 *text,
                    gsize         len,
                    GError      **error)
{
  g_autoptr(BmIdentity) id = NULL;
  Reader r = { text, error, FALSE };
  guint16 flag;

  if (text == NULL || len != BM_CARD_TEXT_LEN)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The card's text has the wrong length. Place the card again."));
      return NULL;
    }

  id = bm_identity_new ();
  flag = text[FLAG_OFFSET] | (text[FLAG_OFFSET + 1] << 8);
  switch (flag)
    {
    case ' ':
      bm_identity_set (id, "card_type", "resident");
      bm_identity_set (id, "id_type", "resident_card");
      parse_resident_layout (&r, id, FALSE);
      break;
    case 'J':
      bm_identity_set (id, "card_type", "hmt_permit");
      bm_identity_set (id, "id_type", "hmt_permit");
      parse_resident_layout (&r, id, TRUE);
      break;
    case 'I':
      bm_identity_set (id, "card_type", "foreign_pr_2017");
      bm_identity_set (id, "id_type", "foreign_pr");
      parse_foreign_2017 (&r, id);
      break;
    case 'Y':
      bm_identity_set (id, "card_type", "foreign_pr_2023");
      bm_identity_set (id, "id_type", "foreign_pr");
      parse_foreign_2023 (&r, id);
      break;
    default:
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("This kind of card is not supported (unknown card type flag)."));
      return NULL;
    }
  if (r.failed)
    return NULL;

  if (bm_identity_get (id, "id_number") == NULL
      || (bm_identity_get (id, "name") == NULL && bm_identity_get (id, "name_en") == NULL))
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The card's text is incomplete (no name or no ID number). Place the card again."));
      return NULL;
    }
  return g_steal_pointer (&id);
}

/**
 * bm_card_text_parse_appended:
 *
 * Returns: (transfer full): the appended address (追加住址), "" when the
 *   record is blank, or NULL with @error set
 */
char *
bm_card_text_parse_appended (const guint8 *data,
                             gsize         len,
                             GError      **error)
{
  char *s;

  if (len == 0 || len % 2 != 0 || len > 4 * BM_CARD_APPENDED_LEN)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The card's appended address has the wrong length."));
      return NULL;
    }
  s = bm_card_text_field (data, len);
  if (s == NULL)
    g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                         _("The card's text could not be decoded. Place the card again."));
  return s;
}

gboolean
bm_card_identity_number_valid (BmIdentity *identity)
{
  const char *type = bm_identity_get (identity, "id_type");
  const char *number = bm_identity_get (identity, "id_number");

  if (type == NULL || number == NULL)
    return FALSE;
  return bm_id_number_validate (type, number, NULL);
}

/* A card valid "to" a day is still valid on that day. */
gboolean
bm_card_identity_is_expired (BmIdentity *identity,
                             GDate      *today)
{
  const char *to = bm_identity_get (identity, "valid_to");
  int y, m, d;
  GDate end;

  if (to == NULL || g_str_equal (to, "long-term"))
    return FALSE;
  if (sscanf (to, "%d-%d-%d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (&end, 1);
  g_date_set_dmy (&end, d, m, y);
  return g_date_compare (today, &end) > 0;
}

static void
add_string (JsonObject *o,
            const char *key,
            const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (o, key, value);
}

/* The object printed by `card read --json` (docs/cli.md): keys absent when
 * not on the card. */
JsonObject *
bm_card_identity_to_json (BmIdentity *identity,
                          const char *reader)
{
  static const char *const plain[] = {
    "card_type", "name", "name_en", "sex", "nation", "birth_date", "address",
    "appended_address", "id_number", "authority", "valid_from", "valid_to",
    "pass_number", "issue_count", "nationality", "sam_id", "photo_wlt_sha256",
  };
  JsonObject *o = json_object_new ();
  const char *sex = bm_identity_get (identity, "sex");
  const char *nation = bm_identity_get (identity, "nation");

  for (gsize i = 0; i < G_N_ELEMENTS (plain); i++)
    add_string (o, plain[i], bm_identity_get (identity, plain[i]));
  if (sex != NULL)
    add_string (o, "sex_name", bm_code_table_lookup (BM_CODE_TABLE_SEX, sex));
  if (nation != NULL)
    add_string (o, "nation_name", bm_code_table_lookup (BM_CODE_TABLE_NATION, nation));
  if (bm_identity_get (identity, "id_number") != NULL)
    json_object_set_boolean_member (o, "id_number_valid",
                                    bm_card_identity_number_valid (identity));
  add_string (o, "reader", reader);
  return o;
}
