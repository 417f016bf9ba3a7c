/* Unit tests of the card text block parsers: every field of every layout. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-text.h"

/* Writes @utf8 as UCS-2LE at @off, space-padded to @n bytes. */
static void
put (guint8 *t, gsize off, gsize n, const char *utf8)
{
  glong units = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16 (utf8, -1, NULL, &units, NULL);

  g_assert_nonnull (u);
  g_assert_cmpuint ((gsize) units * 2, <=, n);
  for (gsize i = 0; i < n / 2; i++)
    {
      gunichar2 c = (glong) i < units ? u[i] : 0x20;
      t[off + 2 * i] = c & 0xFF;
      t[off + 2 * i + 1] = c >> 8;
    }
}

static void
blank (guint8 *t)
{
  put (t, 0, 256, "");
}

static void
resident_block (guint8 *t, const char *name, const char *id, const char *to)
{
  blank (t);
  put (t, 0, 30, name);
  put (t, 30, 2, "2");
  put (t, 32, 4, "03");
  put (t, 36, 16, "20070909");
  put (t, 52, 70, "湖南省长沙市 芙蓉区 五一大道 1 号");
  put (t, 122, 36, id);
  put (t, 158, 30, "长沙市公安局芙蓉分局");
  put (t, 188, 16, "20230101");
  put (t, 204, 16, to);
}

#define S(k, v) g_assert_cmpstr (bm_identity_get (id, k), ==, v)

static void
test_resident (void)
{
  guint8 t[256];
  g_autoptr(GError) error = NULL;
  g_autoptr(BmIdentity) id = NULL;

  resident_block (t, "王䶮", "430102200709090029", "20330101");
  id = bm_card_text_parse (t, sizeof t, &error);
  g_assert_no_error (error);
  S ("card_type", "resident");
  S ("id_type", "resident_card");
  S ("name", "王䶮");        /* U+4DAE: outside GBK, must survive */
  S ("sex", "2");
  S ("nation", "03");
  S ("birth_date", "2007-09-09");
  S ("address", "湖南省长沙市 芙蓉区 五一大道 1 号");  /* inner spaces kept */
  S ("id_number", "430102200709090029");
  S ("authority", "长沙市公安局芙蓉分局");
  S ("valid_from", "2023-01-01");
  S ("valid_to", "2033-01-01");
  S ("name_en", NULL);
  S ("pass_number", NULL);
  S ("issue_count", NULL);
  S ("nationality", NULL);
  g_assert_true (bm_card_identity_number_valid (id));
}

static void
test_long_term (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;
  GDate today;

  resident_block (t, "欧阳秀英", "110108197008020027", "长期");
  /* 长期 is 7F 95 1F 67 followed by six spaces, as on real cards. */
  g_assert_cmpmem (t + 204, 6, "\x7F\x95\x1F\x67\x20\x00", 6);
  id = bm_card_text_parse (t, sizeof t, NULL);
  g_assert_nonnull (id);
  S ("valid_to", "long-term");
  S ("name", "欧阳秀英");
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 1, 2099);
  g_assert_false (bm_card_identity_is_expired (id, &today));
}

static void
test_expired_and_check_digit (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;
  g_autoptr(BmIdentity) bad = NULL;
  GDate d;

  resident_block (t, "赵过期", "430102200709090029", "20200101");
  id = bm_card_text_parse (t, sizeof t, NULL);
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 1, 1, 2020);
  g_assert_false (bm_card_identity_is_expired (id, &d));   /* last valid day */
  g_date_set_dmy (&d, 2, 1, 2020);
  g_assert_true (bm_card_identity_is_expired (id, &d));

  /* A wrong check character is reported, not refused. */
  resident_block (t, "钱校验", "430102200709090028", "20330101");
  bad = bm_card_text_parse (t, sizeof t, NULL);
  g_assert_nonnull (bad);
  g_assert_cmpstr (bm_identity_get (bad, "id_number"), ==, "430102200709090028");
  g_assert_false (bm_card_identity_number_valid (bad));
}

static void
test_permit (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;

  resident_block (t, "陈家乐", "810000200611200018", "20280615");
  put (t, 32, 4, "");           /* nation reserved */
  put (t, 220, 18, "H12345678");
  put (t, 238, 4, "01");
  put (t, 248, 2, "J");
  id = bm_card_text_parse (t, sizeof t, NULL);
  g_assert_nonnull (id);
  S ("card_type", "hmt_permit");
  S ("id_type", "hmt_permit");
  S ("name", "陈家乐");
  S ("sex", "2");
  S ("nation", NULL);
  S ("birth_date", "2007-09-09");
  S ("id_number", "810000200611200018");
  S ("pass_number", "H12345678");
  S ("issue_count", "01");
  S ("valid_to", "2028-06-15");
  g_assert_true (bm_card_identity_number_valid (id));
}

static void
test_foreign_2017 (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;

  blank (t);
  put (t, 0, 120, "SMITH JOHN MICHAEL");
  put (t, 120, 2, "1");
  put (t, 122, 30, "USA370012070105");
  put (t, 152, 6, "USA");
  put (t, 158, 30, "史密斯");
  put (t, 188, 16, "20170601");
  put (t, 204, 16, "20270601");
  put (t, 220, 16, "20070105");
  put (t, 236, 4, "01");
  put (t, 240, 8, "3700");
  put (t, 248, 2, "I");
  id = bm_card_text_parse (t, sizeof t, NULL);
  g_assert_nonnull (id);
  S ("card_type", "foreign_pr_2017");
  S ("id_type", "foreign_pr");
  S ("name_en", "SMITH JOHN MICHAEL");
  S ("name", "史密斯");
  S ("sex", "1");
  S ("id_number", "USA370012070105");
  S ("nationality", "USA");
  S ("valid_from", "2017-06-01");
  S ("valid_to", "2027-06-01");
  S ("birth_date", "2007-01-05");
  S ("authority", "3700");
  S ("nation", NULL);
  S ("address", NULL);
  g_assert_true (bm_card_identity_number_valid (id));
}

static void
test_foreign_2023 (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;
  const char *en = "GARCIA LOPEZ MARIA FERNANDA ISABELLA";  /* 36 chars: crosses the seam */

  blank (t);
  put (t, 0, 30, "玛丽亚");
  put (t, 30, 2, "2");
  put (t, 32, 4, "01");
  put (t, 36, 16, "20060412");
  {
    g_autofree char *first = g_strndup (en, 35);
    put (t, 52, 70, first);
    put (t, 220, 22, en + 35);
  }
  put (t, 122, 36, "94472420060412002X");
  put (t, 188, 16, "20240115");
  put (t, 204, 16, "20340115");
  put (t, 242, 6, "724");
  put (t, 248, 2, "Y");
  id = bm_card_text_parse (t, sizeof t, NULL);
  g_assert_nonnull (id);
  S ("card_type", "foreign_pr_2023");
  S ("id_type", "foreign_pr");
  S ("name", "玛丽亚");
  S ("name_en", en);
  S ("sex", "2");
  S ("issue_count", "01");
  S ("birth_date", "2006-04-12");
  S ("id_number", "94472420060412002X");
  S ("valid_from", "2024-01-15");
  S ("valid_to", "2034-01-15");
  S ("nationality", "724");
  S ("address", NULL);
  g_assert_true (bm_card_identity_number_valid (id));
}

static void
test_bad_blocks (void)
{
  guint8 t[256];
  g_autoptr(GError) error = NULL;

  resident_block (t, "李", "430102200709090029", "20330101");
  g_assert_null (bm_card_text_parse (t, 255, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
  g_clear_error (&error);

  put (t, 248, 2, "Q");
  g_assert_null (bm_card_text_parse (t, sizeof t, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
  g_clear_error (&error);

  resident_block (t, "李", "430102200709090029", "20330101");
  put (t, 36, 16, "20070231");        /* no such day */
  g_assert_null (bm_card_text_parse (t, sizeof t, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
  g_clear_error (&error);

  resident_block (t, "李", "430102200709090029", "20330101");
  t[0] = 0x00; t[1] = 0xD8;           /* unpaired surrogate */
  g_assert_null (bm_card_text_parse (t, sizeof t, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
  g_clear_error (&error);

  blank (t);                          /* all spaces: nothing read */
  g_assert_null (bm_card_text_parse (t, sizeof t, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
}

static void
test_field_and_appended (void)
{
  guint8 a[70];
  g_autofree char *s = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GError) error = NULL;

  put (a, 0, 70, " 前导空格 保留");
  s = bm_card_text_parse_appended (a, sizeof a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s, ==, " 前导空格 保留");   /* trailing spaces only */
  put (a, 0, 70, "");
  empty = bm_card_text_parse_appended (a, sizeof a, NULL);
  g_assert_cmpstr (empty, ==, "");
  g_assert_null (bm_card_text_parse_appended (a, 69, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
}

static void
test_json (void)
{
  guint8 t[256];
  g_autoptr(BmIdentity) id = NULL;
  g_autoptr(JsonObject) o = NULL;

  resident_block (t, "王䶮", "430102200709090029", "长期");
  id = bm_card_text_parse (t, sizeof t, NULL);
  bm_identity_set (id, "appended_address", "新址");
  bm_identity_set (id, "sam_id", "05.01-20231234-1234567890-0987654321");
  o = bm_card_identity_to_json (id, "Test PCD 00 00");
  g_assert_cmpstr (json_object_get_string_member (o, "card_type"), ==, "resident");
  g_assert_cmpstr (json_object_get_string_member (o, "sex_name"), ==, "女");
  g_assert_cmpstr (json_object_get_string_member (o, "nation"), ==, "03");
  g_assert_cmpstr (json_object_get_string_member (o, "nation_name"), ==, "回族");
  g_assert_cmpstr (json_object_get_string_member (o, "valid_to"), ==, "long-term");
  g_assert_cmpstr (json_object_get_string_member (o, "appended_address"), ==, "新址");
  g_assert_cmpstr (json_object_get_string_member (o, "reader"), ==, "Test PCD 00 00");
  g_assert_true (json_object_get_boolean_member (o, "id_number_valid"));
  g_assert_false (json_object_has_member (o, "name_en"));
  g_assert_false (json_object_has_member (o, "id_type"));   /* not a documented key */
  g_assert_false (json_object_has_member (o, "photo_wlt_sha256"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card-text/resident", test_resident);
  g_test_add_func ("/card-text/long-term", test_long_term);
  g_test_add_func ("/card-text/expired-and-check-digit", test_expired_and_check_digit);
  g_test_add_func ("/card-text/permit", test_permit);
  g_test_add_func ("/card-text/foreign-2017", test_foreign_2017);
  g_test_add_func ("/card-text/foreign-2023", test_foreign_2023);
  g_test_add_func ("/card-text/bad-blocks", test_bad_blocks);
  g_test_add_func ("/card-text/field-and-appended", test_field_and_appended);
  g_test_add_func ("/card-text/json", test_json);
  return g_test_run ();
}
