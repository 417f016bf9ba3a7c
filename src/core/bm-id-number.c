/* Rules for the numbers on the identity documents a candidate may present
 * (GB 11643 for resident cards, and the formats of domain.md §2.8). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"

static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };

char
bm_id_number_check_character (const char *first17)
{
  int sum = 0;

  for (int i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (first17[i]))
        return '\0';
      sum += (first17[i] - '0') * weights[i];
    }
  return "10X98765432"[sum % 11];
}

static gboolean
all_digits (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static int
digits_value (const char *s, gsize n)
{
  int v = 0;

  for (gsize i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

static gboolean
date_is_plausible (int y, int m, int d)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (y < 1900 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  if (y > g_date_time_get_year (now))
    return FALSE;
  if (y == g_date_time_get_year (now)
      && (m > g_date_time_get_month (now)
          || (m == g_date_time_get_month (now) && d > g_date_time_get_day_of_month (now))))
    return FALSE;
  return TRUE;
}

/* The 18-character body shared by resident cards, HMT residence permits and
 * the 2023 foreign permanent residence card: 17 digits, a MOD 11-2 check
 * character and a birth date at offset 6. */
static gboolean
check_mod11_body (const char *number, GError **error)
{
  char expected;

  if (number == NULL || strlen (number) != 18)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The ID number must have 18 characters."));
      return FALSE;
    }
  if (!all_digits (number, 17) || !(g_ascii_isdigit (number[17]) || number[17] == 'X'))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The ID number may contain only digits, with an X as the last character."));
      return FALSE;
    }
  if (!date_is_plausible (digits_value (number + 6, 4), digits_value (number + 10, 2),
                          digits_value (number + 12, 2)))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The birth date inside the ID number is not a real date."));
      return FALSE;
    }
  expected = bm_id_number_check_character (number);
  if (number[17] != expected)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The check character of the ID number is wrong: please compare it with the card."));
      return FALSE;
    }
  return TRUE;
}

static gboolean is_mainland_region (const char *number);

/**
 * bm_id_number_fails_only_check:
 *
 * Returns: TRUE when @number is a resident card number that is right in
 *   every part (18 characters, mainland region, a real birth date) except
 *   its check character. Such a number as read from a chip is kept as read,
 *   with the supervisor's override and county review (issue 13).
 */
gboolean
bm_id_number_fails_only_check (const char *id_type, const char *number)
{
  if (id_type != NULL && !g_str_equal (id_type, "resident_card"))
    return FALSE;
  if (number == NULL || strlen (number) != 18 || !all_digits (number, 17)
      || !(g_ascii_isdigit (number[17]) || number[17] == 'X'))
    return FALSE;
  if (!is_mainland_region (number)
      || !date_is_plausible (digits_value (number + 6, 4), digits_value (number + 10, 2),
                             digits_value (number + 12, 2)))
    return FALSE;
  return number[17] != bm_id_number_check_character (number);
}

static gboolean
is_mainland_region (const char *number)
{
  static const char *const provinces[] = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
    "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
    "61", "62", "63", "64", "65", "71",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (provinces); i++)
    if (strncmp (number, provinces[i], 2) == 0)
      return TRUE;
  return FALSE;
}

gboolean
bm_id_number_check_resident (const char *number, GError **error)
{
  if (!check_mod11_body (number, error))
    return FALSE;
  if (!is_mainland_region (number))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The ID number does not start with a mainland region code."));
      return FALSE;
    }
  return TRUE;
}

char *
bm_id_number_from_15 (const char *number)
{
  char body[19];

  if (number == NULL || strlen (number) != 15 || !all_digits (number, 15))
    return NULL;
  /* GB 11643-1989 numbers carry a two-digit year; every holder of one was born in the 1900s. */
  memcpy (body, number, 6);
  body[6] = '1';
  body[7] = '9';
  memcpy (body + 8, number + 6, 9);
  body[17] = bm_id_number_check_character (body);
  body[18] = '\0';
  return g_strdup (body);
}

gboolean
bm_id_number_get_birth_date (const char *number, int *year, int *month, int *day)
{
  if (number == NULL || strlen (number) != 18 || !all_digits (number + 6, 8))
    return FALSE;
  *year = digits_value (number + 6, 4);
  *month = digits_value (number + 10, 2);
  *day = digits_value (number + 12, 2);
  return g_date_valid_dmy (*day, *month, *year);
}

int
bm_id_number_get_sex (const char *number)
{
  if (number == NULL || strlen (number) != 18 || !g_ascii_isdigit (number[16]))
    return 0;
  return ((number[16] - '0') % 2) ? 1 : 2;
}

static gboolean
matches (const char *number, const char *pattern)
{
  return g_regex_match_simple (pattern, number, 0, 0);
}

gboolean
bm_id_number_validate (const char *id_type, const char *number, GError **error)
{
  if (number == NULL || *number == '\0')
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The ID number is missing."));
      return FALSE;
    }
  if (id_type == NULL || g_str_equal (id_type, "resident_card"))
    return bm_id_number_check_resident (number, error);

  if (g_str_equal (id_type, "hmt_permit"))
    {
      if (!check_mod11_body (number, error))
        return FALSE;
      if (!g_str_has_prefix (number, "810000") && !g_str_has_prefix (number, "820000")
          && !g_str_has_prefix (number, "830000"))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A Hong Kong, Macao or Taiwan residence permit number starts with 810000, 820000 or 830000."));
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (id_type, "foreign_pr"))
    {
      if (strlen (number) == 15)
        {
          if (!matches (number, "^[A-Z]{3}[0-9]{12}$"))
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                           _("A 2017 foreign permanent residence card number is 3 capital letters and 12 digits."));
              return FALSE;
            }
          return TRUE;
        }
      if (number[0] != '9')
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A 2023 foreign permanent residence card number has 18 digits and starts with 9."));
          return FALSE;
        }
      return check_mod11_body (number, error);
    }
  if (g_str_equal (id_type, "hk_macau_pass"))
    {
      if (!matches (number, "^[HM]([0-9]{8}|[0-9]{10})$"))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A Hong Kong or Macao pass number is H or M followed by 8 or 10 digits."));
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (id_type, "taiwan_pass"))
    {
      if (!matches (number, "^([0-9]{8}|[0-9]{10}|[0-9]{8}[A-Z][0-9]|[A-Z][0-9]{9})$"))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A Taiwan compatriot pass number has 8 digits (older passes 10 characters)."));
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (id_type, "passport"))
    {
      if (!matches (number, "^[A-Z0-9]{5,17}$"))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("A passport number has 5 to 17 capital letters and digits."));
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Unknown ID document type."));
  return FALSE;
}

/* For logs and screens that must not show the whole number. */
char *
bm_id_number_mask (const char *number)
{
  gsize len = number ? strlen (number) : 0;

  if (len <= 8)
    return g_strnfill (len, '*');
  {
    g_autofree char *stars = g_strnfill (len - 8, '*');
    return g_strdup_printf ("%.4s%s%s", number, stars, number + len - 4);
  }
}
