/* A stand-in for a vendor libWltRS.so: same entry point, made-up pixels.
 * Writes BMP order (bottom row first, BGR) so the caller's flip is tested. */
#include <string.h>

int unpack (char *wlt, char *out, int bmp_save);

__attribute__ ((visibility ("default"))) int
unpack (char *wlt, char *out, int bmp_save)
{
  if (memcmp (wlt, "WLf", 3) != 0)
    return -1;
  for (int y = 0; y < 126; y++)
    for (int x = 0; x < 102; x++)
      {
        unsigned char *p = (unsigned char *) out + ((125 - y) * 102 + x) * 3;
        p[0] = (unsigned char) x;          /* B */
        p[1] = (unsigned char) y;          /* G */
        p[2] = (unsigned char) wlt[10];    /* R */
      }
  return 1;
}
