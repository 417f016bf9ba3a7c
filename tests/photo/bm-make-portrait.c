/* bm-make-portrait OUT.{jpg,png,ppm} [options]: write a synthetic portrait
 * (tests/photo/bm-test-portrait.c) for shell tests, the fake camera
 * (FAKECAM_IMAGE takes a PPM) and benchmarks. */
#include <stdio.h>
#include <string.h>

#include "bm-test-portrait.h"

int
main (int argc, char **argv)
{
  BmTestPortrait p;
  g_autoptr(GOptionContext) options = g_option_context_new ("OUT");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmImage) img = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean grey = FALSE, stripes = FALSE;
  int orientation = 1;
  const char *out;

  bm_test_portrait_defaults (&p);
  {
    GOptionEntry entries[] = {
      { "width", 0, 0, G_OPTION_ARG_INT, &p.width, "source width", NULL },
      { "height", 0, 0, G_OPTION_ARG_INT, &p.height, "source height", NULL },
      { "blur", 0, 0, G_OPTION_ARG_INT, &p.blur, "box blur passes", NULL },
      { "noise", 0, 0, G_OPTION_ARG_INT, &p.noise, "sensor noise", NULL },
      { "gain", 0, 0, G_OPTION_ARG_DOUBLE, &p.gain, "exposure gain", NULL },
      { "head-top", 0, 0, G_OPTION_ARG_INT, &p.head_top, "top of hair", NULL },
      { "eyes", 0, 0, G_OPTION_ARG_INT, &p.eyes, "eye line", NULL },
      { "centre-x", 0, 0, G_OPTION_ARG_INT, &p.centre_x, "face centre", NULL },
      { "grey", 0, 0, G_OPTION_ARG_NONE, &grey, "black and white", NULL },
      { "stripes", 0, 0, G_OPTION_ARG_NONE, &stripes, "striped backdrop", NULL },
      { "sideways", 0, 0, G_OPTION_ARG_NONE, &orientation, "store turned, tagged EXIF 6 (JPEG only)", NULL },
      { NULL },
    };
    g_option_context_add_main_entries (options, entries, NULL);
  }
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "usage: bm-make-portrait [options] OUT.{jpg,png,ppm}\n");
      return 2;
    }
  p.grey = grey;
  p.bg_stripes = stripes;
  out = argv[1];
  img = bm_test_portrait_draw (&p);
  if (g_str_has_suffix (out, ".ppm"))
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_string_printf (s, "P6\n%d %d\n255\n", p.width, p.height);
      g_string_append_len (s, (const char *) bm_image_get_data (img), (gssize) p.width * p.height * 3);
      return g_file_set_contents (out, s->str, (gssize) s->len, NULL) ? 0 : 1;
    }
  if (g_str_has_suffix (out, ".png"))
    bytes = bm_image_encode_png (img, &error);
  else if (orientation != 1)
    {
      /* landscape pixels + Exif orientation 6, as a camera held upright writes */
      static const guint8 app1[] = {
        0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
        0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      };
      g_autoptr(BmImage) turned = bm_image_orient (img, 8);
      g_autoptr(GBytes) plain = bm_image_encode_jpeg (turned, 92, FALSE, &error);
      GByteArray *a = g_byte_array_new ();
      gsize len;
      const guint8 *d = g_bytes_get_data (plain, &len);
      g_byte_array_append (a, d, 2);
      g_byte_array_append (a, app1, sizeof app1);
      g_byte_array_append (a, d + 2, (guint) len - 2);
      bytes = g_byte_array_free_to_bytes (a);
    }
  else
    bytes = bm_image_encode_jpeg (img, 92, FALSE, &error);
  if (bytes == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return g_file_set_contents (out, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL) ? 0 : 1;
}
