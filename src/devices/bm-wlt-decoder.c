/* bm-wlt-decoder.c: the optional vendor decoder for the chip photo
 *
 * No open decoder for the 1024-byte WLT format exists (idcard.md §3.3). If a
 * vendor's libWltRS.so is installed we load it at run time and call
 *   int unpack (char *wlt, char *out, int bmp_save)   -- 1 on success
 * which writes 102x126 pixels, 3 bytes each, in BMP order (BGR, bottom row
 * first). Without one, the raw WLT and its hash are kept and the app says
 * once that no decoder is installed.
 */
#include "bm-config.h"

#include <dlfcn.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-text.h"
#include "bm-wlt-decoder.h"

typedef int (*UnpackFunc) (char *wlt, char *out, int bmp_save);

struct _BmWltDecoder {
  void       *handle;
  UnpackFunc  unpack;
  char       *path;
};

/* Vendor decoders keep global state; one call at a time. */
static GMutex decode_lock;

/**
 * bm_wlt_decoder_open:
 * @path: (nullable): the library; NULL means $BAOMING_WLT_DECODER, else
 *   "libWltRS.so" from the dynamic linker's search path
 */
BmWltDecoder *
bm_wlt_decoder_open (const char  *path,
                     GError     **error)
{
  BmWltDecoder *self;
  void *handle;
  void *sym;

  if (path == NULL)
    path = g_getenv ("BAOMING_WLT_DECODER");
  if (path == NULL || *path == '\0')
    path = "libWltRS.so";
  handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_DECODER,
                   _("No photo decoder is installed (%s), so the chip photo cannot be shown. It is kept undecoded."),
                   path);
      return NULL;
    }
  sym = dlsym (handle, "unpack");
  if (sym == NULL)
    {
      dlclose (handle);
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_DECODER,
                   _("The photo decoder %s has no “unpack” function; the chip photo is kept undecoded."), path);
      return NULL;
    }
  self = g_new0 (BmWltDecoder, 1);
  self->handle = handle;
  self->unpack = (UnpackFunc) sym;
  self->path = g_strdup (path);
  return self;
}

void
bm_wlt_decoder_free (BmWltDecoder *self)
{
  if (self == NULL)
    return;
  dlclose (self->handle);
  g_free (self->path);
  g_free (self);
}

const char *
bm_wlt_decoder_get_path (BmWltDecoder *self)
{
  return self->path;
}

/**
 * bm_wlt_decoder_decode:
 *
 * Returns: (transfer full): 102x126 RGB pixels, top row first, rows not
 *   padded (102*126*3 bytes), or NULL with @error set
 */
GBytes *
bm_wlt_decoder_decode (BmWltDecoder  *self,
                       GBytes        *wlt,
                       GError       **error)
{
  const gsize row = BM_WLT_WIDTH * 3;
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;
  guint8 *rgb;
  int ok;

  if (wlt == NULL || g_bytes_get_size (wlt) != BM_CARD_PHOTO_LEN)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                           _("The chip photo has the wrong size."));
      return NULL;
    }
  /* Copies: the vendor function takes non-const buffers, and some write
   * past 38556 bytes (BMP row padding), hence the slack. */
  in = g_memdup2 (g_bytes_get_data (wlt, NULL), BM_CARD_PHOTO_LEN);
  out = g_malloc0 (row * BM_WLT_HEIGHT + 4096);
  g_mutex_lock (&decode_lock);
  ok = self->unpack ((char *) in, (char *) out, 0);
  g_mutex_unlock (&decode_lock);
  if (ok != 1)
    {
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_BAD_DATA,
                   _("The photo decoder could not decode the chip photo (code %d)."), ok);
      return NULL;
    }
  rgb = g_malloc (row * BM_WLT_HEIGHT);
  for (gsize y = 0; y < BM_WLT_HEIGHT; y++)
    {
      const guint8 *src = out + (BM_WLT_HEIGHT - 1 - y) * row;
      guint8 *dst = rgb + y * row;

      for (gsize x = 0; x < BM_WLT_WIDTH; x++)
        {
          dst[3 * x] = src[3 * x + 2];
          dst[3 * x + 1] = src[3 * x + 1];
          dst[3 * x + 2] = src[3 * x];
        }
    }
  return g_bytes_new_take (rgb, row * BM_WLT_HEIGHT);
}
