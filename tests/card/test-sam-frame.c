/* Unit tests of the GA 467 SAM frame codec. Frames cross-checked with the
 * examples in idcard.md §2.2/§2.3. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-sam-frame.h"

static GBytes *
hex (const char *s)
{
  GByteArray *a = g_byte_array_new ();

  while (*s)
    {
      guint8 b;

      if (*s == ' ')
        {
          s++;
          continue;
        }
      b = g_ascii_xdigit_value (s[0]) << 4 | g_ascii_xdigit_value (s[1]);
      g_byte_array_append (a, &b, 1);
      s += 2;
    }
  return g_byte_array_free_to_bytes (a);
}

static void
assert_bytes (GBytes *got, const char *want_hex)
{
  g_autoptr(GBytes) want = hex (want_hex);

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   g_bytes_get_data (want, NULL), g_bytes_get_size (want));
}

static void
test_build_requests (void)
{
  static const struct { BmSamCommand cmd; const char *frame; } cases[] = {
    { BM_SAM_CMD_RESET,         "AAAAAA9669 0003 10FF EC" },
    { BM_SAM_CMD_STATUS,        "AAAAAA9669 0003 11FF ED" },
    { BM_SAM_CMD_SAM_ID,        "AAAAAA9669 0003 12FF EE" },
    { BM_SAM_CMD_FIND,          "AAAAAA9669 0003 2001 22" },
    { BM_SAM_CMD_SELECT,        "AAAAAA9669 0003 2002 21" },
    { BM_SAM_CMD_READ_BASE,     "AAAAAA9669 0003 3001 32" },
    { BM_SAM_CMD_READ_APPENDED, "AAAAAA9669 0003 3003 30" },
    { BM_SAM_CMD_READ_BASE_FP,  "AAAAAA9669 0003 3010 23" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) f = bm_sam_frame_build_request (cases[i].cmd, NULL, 0);
      assert_bytes (f, cases[i].frame);
    }
  {
    guint8 size = 0x50;
    g_autoptr(GBytes) f = bm_sam_frame_build_request (BM_SAM_CMD_SET_RF_SIZE, &size, 1);
    assert_bytes (f, "AAAAAA9669 0004 61FF 50 CA");
  }
}

static void
test_parse_responses (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(BmSamResponse) r = { 0 };
  g_autoptr(GBytes) status = hex ("AAAAAA9669 0004 000090 94");
  g_autoptr(GBytes) find = hex ("AAAAAA9669 0008 00009F 00000000 97");
  g_autoptr(GBytes) select = hex ("AAAAAA9669 000C 000090 0000000000000000 9C");

  g_assert_true (bm_sam_frame_parse_response (g_bytes_get_data (status, NULL), g_bytes_get_size (status), &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.sw1, ==, 0);
  g_assert_cmpuint (r.sw2, ==, 0);
  g_assert_cmpuint (r.sw3, ==, 0x90);
  g_assert_cmpuint (g_bytes_get_size (r.data), ==, 0);
  bm_sam_response_clear (&r);

  g_assert_true (bm_sam_frame_parse_response (g_bytes_get_data (find, NULL), g_bytes_get_size (find), &r, &error));
  g_assert_cmpuint (r.sw3, ==, 0x9F);
  g_assert_cmpuint (g_bytes_get_size (r.data), ==, 4);
  bm_sam_response_clear (&r);

  g_assert_true (bm_sam_frame_parse_response (g_bytes_get_data (select, NULL), g_bytes_get_size (select), &r, &error));
  g_assert_cmpuint (r.sw3, ==, 0x90);
  g_assert_cmpuint (g_bytes_get_size (r.data), ==, 8);
}

static void
test_error_frames (void)
{
  static const guint8 codes[] = { 0x80, 0x41, 0x81, 0x32, 0x60 };
  static const char *frames[] = {
    "AAAAAA9669 0004 000080 84", "AAAAAA9669 0004 000041 45", "AAAAAA9669 0004 000081 85",
    "AAAAAA9669 0004 000032 36", "AAAAAA9669 0004 000060 64",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GBytes) built = bm_sam_frame_build_response (codes[i], NULL, 0);
      g_auto(BmSamResponse) r = { 0 };

      assert_bytes (built, frames[i]);
      g_assert_true (bm_sam_frame_parse_response (g_bytes_get_data (built, NULL), g_bytes_get_size (built), &r, NULL));
      g_assert_cmpuint (r.sw3, ==, codes[i]);
      g_assert_false (bm_sam_status_is_success (codes[i]));
    }
}

static void
test_read_roundtrip (void)
{
  guint8 data[4 + 256 + 1024];
  g_autoptr(GBytes) f = NULL;
  g_auto(BmSamResponse) r = { 0 };
  const guint8 *p;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7 + 3);
  data[0] = 0x01; data[1] = 0x00; data[2] = 0x04; data[3] = 0x00;
  f = bm_sam_frame_build_response (0x90, data, sizeof data);
  g_assert_cmpuint (g_bytes_get_size (f), ==, 1295);
  p = g_bytes_get_data (f, NULL);
  /* The header as quoted in public code: LEN 0508, SW 00 00 90, 0100 0400. */
  g_assert_cmpmem (p, 14, "\xAA\xAA\xAA\x96\x69\x05\x08\x00\x00\x90\x01\x00\x04\x00", 14);
  g_assert_true (bm_sam_frame_parse_response (p, 1295, &r, NULL));
  g_assert_cmpmem (g_bytes_get_data (r.data, NULL), g_bytes_get_size (r.data), data, sizeof data);
}

static void
expect_frame_error (const char *h)
{
  g_autoptr(GBytes) f = hex (h);
  g_autoptr(GError) error = NULL;
  g_auto(BmSamResponse) r = { 0 };

  g_assert_false (bm_sam_frame_parse_response (g_bytes_get_data (f, NULL), g_bytes_get_size (f), &r, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME);
  g_assert_null (r.data);
}

static void
test_garbled (void)
{
  expect_frame_error ("AAAAAA9669 0004 000090 95");          /* checksum */
  expect_frame_error ("AAAAAA9669 0004 000090");             /* truncated */
  expect_frame_error ("AAAAAA96");                           /* header cut */
  expect_frame_error ("AAAAAA9669 0004 000090 94 00");       /* trailing */
  expect_frame_error ("AAAAAB9669 0004 000090 94");          /* preamble */
  expect_frame_error ("AAAAAA9669 0003 0000 03");            /* body too short for SW */
  expect_frame_error ("AAAAAA9669 FFFF 000090 94");          /* absurd length */
  expect_frame_error ("");
}

static void
test_reassembly (void)
{
  guint8 data[1280];
  g_autoptr(GBytes) f = NULL;
  g_autoptr(BmSamAssembler) a = bm_sam_assembler_new ();
  const guint8 *p;
  gsize len, off = 0;
  BmSamFeedResult res = BM_SAM_FEED_NEED_MORE;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) i;
  f = bm_sam_frame_build_response (0x90, data, sizeof data);
  p = g_bytes_get_data (f, &len);

  g_assert_cmpuint (bm_sam_assembler_wanted (a), ==, 7);
  /* Pieces of odd sizes, the first splitting the header. */
  while (off < len)
    {
      gsize piece = MIN ((off == 0) ? 3 : 61, len - off), used = 0;

      res = bm_sam_assembler_feed (a, p + off, piece, &used, NULL);
      g_assert_cmpuint (used, ==, piece);
      off += used;
      if (off < len)
        g_assert_cmpint (res, ==, BM_SAM_FEED_NEED_MORE);
      if (off >= 7 && off < len)
        g_assert_cmpuint (bm_sam_assembler_wanted (a), ==, len - off);
    }
  g_assert_cmpint (res, ==, BM_SAM_FEED_COMPLETE);
  {
    g_autoptr(GBytes) got = bm_sam_assembler_take (a);
    g_assert_true (g_bytes_equal (got, f));
  }
  g_assert_cmpuint (bm_sam_assembler_wanted (a), ==, 7);

  /* Two frames in one buffer: the assembler stops at the end of the first. */
  {
    g_autoptr(GBytes) one = bm_sam_frame_build_response (0x9F, (const guint8 *) "\0\0\0\0", 4);
    g_autoptr(GByteArray) two = g_byte_array_new ();
    gsize used = 0;

    g_byte_array_append (two, g_bytes_get_data (one, NULL), g_bytes_get_size (one));
    g_byte_array_append (two, g_bytes_get_data (one, NULL), g_bytes_get_size (one));
    g_assert_cmpint (bm_sam_assembler_feed (a, two->data, two->len, &used, NULL), ==, BM_SAM_FEED_COMPLETE);
    g_assert_cmpuint (used, ==, g_bytes_get_size (one));
  }

  /* Garbage instead of a preamble. */
  {
    g_autoptr(GError) error = NULL;
    gsize used;

    bm_sam_assembler_reset (a);
    g_assert_cmpint (bm_sam_assembler_feed (a, (const guint8 *) "\x90\x00", 2, &used, &error), ==, BM_SAM_FEED_ERROR);
    g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME);
  }
}

static void
test_status_messages (void)
{
  static const guint8 codes[] = {
    0x90, 0x91, 0x9F, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37,
    0x3F, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81,
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *unknown = bm_sam_status_message (0x55);

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      const char *m = bm_sam_status_message (codes[i]);

      g_assert_nonnull (m);
      g_assert_cmpstr (m, !=, unknown);
      /* Every status has its own message. */
      g_assert_false (g_hash_table_contains (seen, m));
      g_hash_table_add (seen, (gpointer) m);
    }
  g_assert_true (bm_sam_status_is_success (0x90));
  g_assert_true (bm_sam_status_is_success (0x9F));
}

static void
test_sam_id (void)
{
  static const guint8 id[16] = { 5, 0, 1, 0, 0x42, 0xB4, 0x34, 0x01, 0xD2, 0x02, 0x96, 0x49, 0xB1, 0x68, 0xDE, 0x3A };
  g_autofree char *s = bm_sam_format_sam_id (id, sizeof id);

  g_assert_cmpstr (s, ==, "05.01-20231234-1234567890-0987654321");
  g_assert_null (bm_sam_format_sam_id (id, 15));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sam-frame/build-requests", test_build_requests);
  g_test_add_func ("/sam-frame/parse-responses", test_parse_responses);
  g_test_add_func ("/sam-frame/error-frames", test_error_frames);
  g_test_add_func ("/sam-frame/read-roundtrip", test_read_roundtrip);
  g_test_add_func ("/sam-frame/garbled", test_garbled);
  g_test_add_func ("/sam-frame/reassembly", test_reassembly);
  g_test_add_func ("/sam-frame/status-messages", test_status_messages);
  g_test_add_func ("/sam-frame/sam-id", test_sam_id);
  return g_test_run ();
}
