/* Photo pipeline: decode/encode, framing, the JPEG size fit and each check,
 * on synthetic portraits generated here. */
#include <string.h>
#include <locale.h>

#include "bm-error.h"
#include "bm-photo.h"
#include "bm-test-portrait.h"

static BmPhoto *
make (BmTestPortrait *p)
{
  g_autoptr(BmImage) img = bm_test_portrait_draw (p);
  g_autoptr(GError) error = NULL;
  BmPhoto *photo = bm_photo_new_from_image (img, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (photo);
  return photo;
}

static BmPhotoCheck *
find (BmPhoto *photo, const char *id)
{
  GPtrArray *checks = bm_photo_get_checks (photo);

  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (g_str_equal (c->id, id))
        return c;
    }
  return NULL;
}

static void
assert_failed_only (BmPhoto *photo, const char *const *ids)
{
  GPtrArray *checks = bm_photo_get_checks (photo);

  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      gboolean expect_fail = ids && g_strv_contains (ids, c->id);
      if (c->passed == expect_fail)
        g_error ("check %s: passed=%d value=%g, expected %s", c->id, c->passed, c->value,
                 expect_fail ? "failure" : "pass");
      if (!c->passed)
        g_assert_true (c->message != NULL && *c->message);
    }
}

static void
assert_standard_file (BmPhoto *photo)
{
  GBytes *jpeg = bm_photo_get_jpeg (photo);
  g_autoptr(BmImage) back = NULL;
  g_autoptr(GError) error = NULL;
  BmImageFormat fmt;
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);

  g_assert_cmpuint (g_bytes_get_size (jpeg), >=, BM_PHOTO_MIN_BYTES);
  g_assert_cmpuint (g_bytes_get_size (jpeg), <=, BM_PHOTO_MAX_BYTES);
  g_assert_cmpint (bm_photo_get_quality (photo), >=, 60);
  back = bm_image_decode (jpeg, &fmt, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fmt, ==, BM_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (bm_image_get_width (back), ==, 480);
  g_assert_cmpint (bm_image_get_height (back), ==, 640);
  g_assert_cmpstr (sum, ==, bm_photo_get_sha256 (photo));
}

static void
test_good (void)
{
  const guint8 bgs[3][3] = { { 240, 240, 240 }, { 255, 255, 255 }, { 100, 197, 255 } };

  for (int i = 0; i < 3; i++)
    {
      BmTestPortrait p;
      g_autoptr(BmPhoto) photo = NULL;

      bm_test_portrait_defaults (&p);
      memcpy (p.bg, bgs[i], 3);
      photo = make (&p);
      assert_failed_only (photo, NULL);
      assert_standard_file (photo);
      g_assert_true (bm_photo_is_acceptable (photo));
      g_assert_false (bm_photo_has_soft_failure (photo));
    }
}

static void
test_size_range (void)
{
  /* Different detail and sensor noise, sizes of real sources. */
  const int noise[] = { 0, 3, 10, 25, 45, 70 };
  const int sizes[][2] = { { 480, 640 }, { 720, 960 }, { 1280, 960 }, { 1536, 2048 } };

  for (guint i = 0; i < G_N_ELEMENTS (noise); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
      {
        BmTestPortrait p;
        g_autoptr(BmPhoto) photo = NULL;

        bm_test_portrait_defaults (&p);
        p.noise = noise[i];
        p.width = sizes[j][0];
        p.height = sizes[j][1];
        p.seed = i * 10 + j;
        photo = make (&p);
        g_test_message ("noise %d %dx%d: %zu bytes q%d smoothing %d", noise[i], p.width, p.height,
                        g_bytes_get_size (bm_photo_get_jpeg (photo)), bm_photo_get_quality (photo),
                        bm_photo_get_smoothing (photo));
        assert_standard_file (photo);
      }
}

static void
test_flat_fails_size (void)
{
  g_autoptr(BmImage) flat = bm_image_new (600, 800);
  g_autoptr(BmPhoto) photo = NULL;

  memset (bm_image_get_mutable_data (flat), 200, 600 * 800 * 3);
  photo = bm_photo_new_from_image (flat, NULL, NULL, NULL);
  g_assert_false (find (photo, "file_size")->passed);
  g_assert_true (bm_photo_has_hard_failure (photo));
  g_assert_false (find (photo, "face")->passed);
}

typedef struct {
  const char *name;
  void (*tweak) (BmTestPortrait *p);
  const char *fails[4];
} Case;

static void t_dark (BmTestPortrait *p) { p->gain = 0.3; }
static void t_bright (BmTestPortrait *p) { p->gain = 1.6; }
static void t_blur (BmTestPortrait *p) { p->blur = 6; }
static void t_darkbg (BmTestPortrait *p) { p->bg[0] = p->bg[1] = p->bg[2] = 70; }
static void t_stripes (BmTestPortrait *p) { p->bg_stripes = TRUE; }
static void t_low (BmTestPortrait *p) { p->head_top = 200; p->eyes = 370; }
static void t_high (BmTestPortrait *p) { p->head_top = 20; p->eyes = 170; }
static void t_side (BmTestPortrait *p) { p->centre_x = 310; }
static void t_far (BmTestPortrait *p) { p->face_width = 130; p->eyes = 230; }
static void t_near (BmTestPortrait *p) { p->face_width = 340; p->head_top = 60; p->eyes = 280; }
static void t_lowres (BmTestPortrait *p) { p->width = 300; p->height = 400; }
static void t_grey (BmTestPortrait *p) { p->grey = TRUE; }

static const Case cases[] = {
  { "dark", t_dark, { "brightness", "background" } },
  { "bright", t_bright, { "brightness", "eyes", "face_width" } },
  { "blur", t_blur, { "blur" } },
  { "dark-background", t_darkbg, { "background" } },
  { "striped-background", t_stripes, { "background", "head_top" } },
  { "too-low", t_low, { "head_top", "eyes" } },
  { "too-high", t_high, { "head_top", "eyes" } },
  { "off-centre", t_side, { "face_centre" } },
  { "too-far", t_far, { "face_width" } },
  { "too-near", t_near, { "face_width" } },
  { "low-resolution", t_lowres, { "resolution" } },
  { "black-and-white", t_grey, { "colour", "face" } },
};

static void
test_check_case (gconstpointer data)
{
  const Case *c = data;
  BmTestPortrait p;
  g_autoptr(BmPhoto) photo = NULL;
  gboolean hard = FALSE;

  bm_test_portrait_defaults (&p);
  c->tweak (&p);
  photo = make (&p);
  assert_failed_only (photo, c->fails);
  for (int i = 0; c->fails[i]; i++)
    hard |= find (photo, c->fails[i])->severity == BM_PHOTO_SEVERITY_HARD;
  g_assert_false (bm_photo_is_acceptable (photo));
  bm_photo_set_override_reason (photo, "  考生戴助听器，无法取下  ");
  /* soft failures may be accepted with a reason, hard ones never */
  g_assert_cmpint (bm_photo_is_acceptable (photo), ==, !hard);
  g_assert_cmpstr (bm_photo_get_override_reason (photo), ==, "考生戴助听器，无法取下");
}

static void
test_override_blank (void)
{
  BmTestPortrait p;
  g_autoptr(BmPhoto) photo = NULL;

  bm_test_portrait_defaults (&p);
  p.blur = 6;
  photo = make (&p);
  bm_photo_set_override_reason (photo, "   ");
  g_assert_null (bm_photo_get_override_reason (photo));
  g_assert_false (bm_photo_is_acceptable (photo));
}

static void
test_framing (void)
{
  /* A camera frame (4:3) with the portrait placed off to the right; the
   * clerk's frame follows it and the result passes. */
  BmTestPortrait p;
  g_autoptr(BmImage) img = NULL, shifted = NULL;
  g_autoptr(BmPhoto) centred = NULL, framed = NULL;
  BmPhotoFrame f = { 400, 0, 720, 960 }, got;

  bm_test_portrait_defaults (&p);
  img = bm_test_portrait_draw (&p);
  shifted = bm_image_new (1280, 960);
  memset (bm_image_get_mutable_data (shifted), 240, 1280 * 960 * 3);
  for (int y = 0; y < 960; y++)
    memcpy (bm_image_get_mutable_data (shifted) + y * 1280 * 3 + 400 * 3,
            bm_image_get_data (img) + y * 720 * 3, 720 * 3);

  centred = bm_photo_new_from_image (shifted, NULL, NULL, NULL);
  g_assert_false (find (centred, "face_centre")->passed);

  framed = bm_photo_new_from_image (shifted, &f, NULL, NULL);
  assert_failed_only (framed, NULL);
  bm_photo_get_frame (framed, &got);
  g_assert_cmpint (got.x, ==, 400);
  g_assert_cmpint (got.width, ==, 720);

  /* a non-3:4 frame is trimmed around its centre */
  f = (BmPhotoFrame) { 100, 0, 1000, 960 };
  g_clear_object (&framed);
  framed = bm_photo_new_from_image (shifted, &f, NULL, NULL);
  bm_photo_get_frame (framed, &got);
  g_assert_cmpint (got.width * 4, ==, got.height * 3);
  g_assert_cmpint (got.x, ==, 100 + (1000 - 720) / 2);

  f = (BmPhotoFrame) { 5000, 0, 720, 960 };
  g_clear_object (&framed);
  {
    g_autoptr(GError) error = NULL;
    framed = bm_photo_new_from_image (shifted, &f, NULL, &error);
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  }
}

/* Splice an Exif APP1 with only the orientation tag after the SOI marker. */
static GBytes *
with_orientation (GBytes *jpeg, int orientation)
{
  static const guint8 head[] = {
    0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x01,
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
  };
  gsize len;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  GByteArray *out = g_byte_array_new ();
  guint8 seg[sizeof head];

  memcpy (seg, head, sizeof head);
  seg[29] = (guint8) orientation;
  g_byte_array_append (out, d, 2);
  g_byte_array_append (out, seg, sizeof seg);
  g_byte_array_append (out, d + 2, len - 2);
  return g_byte_array_free_to_bytes (out);
}

static void
test_exif_orientation (void)
{
  /* A portrait stored as landscape pixels (camera held sideways), tagged 6
   * (rotate 90° clockwise to view): decoding must give the upright photo. */
  BmTestPortrait p;
  g_autoptr(BmImage) upright = NULL, sideways = NULL, decoded = NULL;
  g_autoptr(GBytes) plain = NULL, tagged = NULL;
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(GError) error = NULL;

  bm_test_portrait_defaults (&p);
  upright = bm_test_portrait_draw (&p);
  sideways = bm_image_orient (upright, 8);          /* turn it 90° anticlockwise */
  g_assert_cmpint (bm_image_get_width (sideways), ==, 960);
  plain = bm_image_encode_jpeg (sideways, 92, FALSE, &error);
  g_assert_no_error (error);
  tagged = with_orientation (plain, 6);
  decoded = bm_image_decode (tagged, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bm_image_get_width (decoded), ==, 720);
  g_assert_cmpint (bm_image_get_height (decoded), ==, 960);
  /* top-left is backdrop, the face centre is skin, as in the upright image */
  {
    const guint8 *a = bm_image_get_data (decoded), *b = bm_image_get_data (upright);
    gsize off = (gsize) 480 * 720 * 3 + 360 * 3;
    for (int c = 0; c < 3; c++)
      {
        g_assert_cmpint (ABS (a[c] - b[c]), <, 20);
        g_assert_cmpint (ABS (a[off + c] - b[off + c]), <, 20);
      }
  }
  photo = bm_photo_new_from_file_bytes (tagged, &error);
  g_assert_no_error (error);
  assert_failed_only (photo, NULL);
  g_assert_cmpstr (bm_photo_get_original_mime (photo), ==, "image/jpeg");

  /* every orientation value round-trips through its inverse */
  for (int o = 1; o <= 8; o++)
    {
      static const int inverse[9] = { 0, 1, 2, 3, 4, 5, 8, 7, 6 };
      g_autoptr(BmImage) t = bm_image_orient (upright, o);
      g_autoptr(BmImage) back = bm_image_orient (t, inverse[o]);
      g_assert_cmpmem (bm_image_get_data (back), 720 * 960 * 3, bm_image_get_data (upright), 720 * 960 * 3);
    }
  /* malformed Exif is ignored, not trusted */
  g_assert_cmpint (bm_image_exif_orientation ((const guint8 *) "Exif\0\0MM\0*\0\0\xff\xff", 14), ==, 1);
  g_assert_cmpint (bm_image_exif_orientation ((const guint8 *) "Exif", 4), ==, 1);
}

static void
test_png_and_rejects (void)
{
  BmTestPortrait p;
  g_autoptr(BmImage) img = NULL;
  g_autoptr(GBytes) png = NULL, truncated = NULL, text = NULL;
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(GError) error = NULL;
  BmImageFormat fmt;

  bm_test_portrait_defaults (&p);
  img = bm_test_portrait_draw (&p);
  png = bm_image_encode_png (img, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bm_image_sniff_format (png), ==, BM_IMAGE_FORMAT_PNG);
  photo = bm_photo_new_from_file_bytes (png, &error);
  g_assert_no_error (error);
  assert_failed_only (photo, NULL);
  g_assert_cmpstr (bm_photo_get_original_mime (photo), ==, "image/png");
  g_assert_true (g_bytes_equal (bm_photo_get_original (photo), png));

  truncated = g_bytes_new_from_bytes (png, 0, 200);
  g_assert_null (bm_image_decode (truncated, &fmt, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_cmpint (fmt, ==, BM_IMAGE_FORMAT_PNG);
  g_clear_error (&error);

  text = g_bytes_new_static ("GIF89a not a photo", 18);
  g_assert_null (bm_image_decode (text, &fmt, &error));
  g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  g_assert_cmpint (fmt, ==, BM_IMAGE_FORMAT_UNKNOWN);
  g_clear_error (&error);

  {
    static const guint8 bad_jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0x12, 0x34, 0x56 };
    g_autoptr(GBytes) b = g_bytes_new_static (bad_jpeg, sizeof bad_jpeg);
    g_assert_null (bm_image_decode (b, NULL, &error));
    g_assert_error (error, BM_ERROR, BM_ERROR_INVALID);
  }
}

static void
test_json (void)
{
  BmTestPortrait p;
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonArray *checks;

  bm_test_portrait_defaults (&p);
  p.blur = 6;
  photo = make (&p);
  o = bm_photo_to_json (photo);
  g_assert_cmpint (json_object_get_int_member (o, "width"), ==, 480);
  g_assert_false (json_object_get_boolean_member (o, "acceptable"));
  checks = json_object_get_array_member (o, "checks");
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *c = json_array_get_object_element (checks, i);
      if (g_str_equal (json_object_get_string_member (c, "id"), "blur"))
        {
          g_assert_false (json_object_get_boolean_member (c, "passed"));
          g_assert_cmpstr (json_object_get_string_member (c, "severity"), ==, "soft");
          g_assert_true (json_object_has_member (c, "message"));
        }
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/photo/good", test_good);
  g_test_add_func ("/photo/size-range", test_size_range);
  g_test_add_func ("/photo/flat-fails-size", test_flat_fails_size);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/photo/check/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_check_case);
    }
  g_test_add_func ("/photo/override-blank", test_override_blank);
  g_test_add_func ("/photo/framing", test_framing);
  g_test_add_func ("/photo/exif-orientation", test_exif_orientation);
  g_test_add_func ("/photo/png-and-rejects", test_png_and_rejects);
  g_test_add_func ("/photo/json", test_json);
  return g_test_run ();
}
