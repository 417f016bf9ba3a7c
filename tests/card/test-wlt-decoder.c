/* The optional WLT decoder: absent, present (a fake vendor library), and a
 * refusal by the decoder. */
#include "bm-config.h"

#include <locale.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-wlt-decoder.h"

static void
test_absent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmWltDecoder) d = bm_wlt_decoder_open ("/nonexistent/libWltRS.so", &error);

  g_assert_null (d);
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_DECODER);
  g_assert_nonnull (strstr (error->message, "/nonexistent/libWltRS.so"));
}

static void
test_no_unpack (void)
{
  g_autoptr(GError) error = NULL;
  /* Any library without the symbol: the C library itself. */
  g_autoptr(BmWltDecoder) d = bm_wlt_decoder_open ("libm.so.6", &error);

  g_assert_null (d);
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_DECODER);
}

static void
test_decode (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmWltDecoder) d = bm_wlt_decoder_open (g_getenv ("BM_FAKE_WLTRS"), &error);
  guint8 wlt[1024] = "WLf\0~\0002\0\0\xff";
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) rgb = NULL;
  const guint8 *p;

  g_assert_no_error (error);
  g_assert_nonnull (d);
  wlt[10] = 0x77;
  in = g_bytes_new (wlt, sizeof wlt);
  rgb = bm_wlt_decoder_decode (d, in, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (rgb), ==, 102 * 126 * 3);
  p = g_bytes_get_data (rgb, NULL);
  /* Top row first, RGB: pixel (x=5, y=7). */
  g_assert_cmpuint (p[(7 * 102 + 5) * 3 + 0], ==, 0x77);
  g_assert_cmpuint (p[(7 * 102 + 5) * 3 + 1], ==, 7);
  g_assert_cmpuint (p[(7 * 102 + 5) * 3 + 2], ==, 5);

  /* The decoder refuses: an error, not garbage. */
  wlt[0] = 'X';
  g_clear_pointer (&in, g_bytes_unref);
  in = g_bytes_new (wlt, sizeof wlt);
  g_assert_null (bm_wlt_decoder_decode (d, in, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
  g_clear_error (&error);

  g_clear_pointer (&in, g_bytes_unref);
  in = g_bytes_new (wlt, 100);
  g_assert_null (bm_wlt_decoder_decode (d, in, &error));
  g_assert_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wlt-decoder/absent", test_absent);
  g_test_add_func ("/wlt-decoder/no-unpack", test_no_unpack);
  g_test_add_func ("/wlt-decoder/decode", test_decode);
  return g_test_run ();
}
