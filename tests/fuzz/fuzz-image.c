/* libFuzzer target: JPEG/PNG decoding and the EXIF orientation parser, the
 * code that reads files handed in during outages (untrusted input). */
#include <stdint.h>

#include "bm-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(BmImage) image = NULL;

  (void) bm_image_exif_orientation (data, size);
  /* decoding a fuzzed header must not allocate gigabytes */
  image = bm_image_decode (bytes, NULL, NULL);
  if (image && (guint64) bm_image_get_width (image) * bm_image_get_height (image) > BM_IMAGE_MAX_PIXELS)
    __builtin_trap ();
  return 0;
}
