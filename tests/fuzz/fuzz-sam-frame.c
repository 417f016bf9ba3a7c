/* libFuzzer target: the SAM frame codec must never crash, read out of
 * bounds or accept a frame whose checksum or length is wrong. */
#include <glib.h>
#include <string.h>

#include "bm-sam-frame.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  BmSamResponse r = { 0 };
  BmSamCommand cmd;
  GBytes *payload = NULL;
  BmSamAssembler *a;
  size_t off = 0;

  if (bm_sam_frame_parse_response (data, size, &r, NULL))
    {
      /* Accepted: the length field and the XOR must really match. */
      g_assert (size == 7 + (size_t) ((data[5] << 8) | data[6]));
      g_assert (bm_sam_frame_checksum (data + 5, size - 6) == data[size - 1]);
      g_assert (g_bytes_get_size (r.data) == size - 11);
      bm_sam_response_clear (&r);
    }
  if (bm_sam_frame_parse_request (data, size, &cmd, &payload, NULL))
    g_bytes_unref (payload);
  g_free (bm_sam_format_sam_id (data, size));

  /* Reassembly in pieces whose sizes come from the input itself. */
  a = bm_sam_assembler_new ();
  while (off < size)
    {
      size_t piece = 1 + data[off] % 97, used = 0;
      BmSamFeedResult res;

      piece = MIN (piece, size - off);
      res = bm_sam_assembler_feed (a, data + off, piece, &used, NULL);
      g_assert (used <= piece);
      off += used;
      if (res == BM_SAM_FEED_ERROR)
        break;
      if (res == BM_SAM_FEED_COMPLETE)
        {
          GBytes *f = bm_sam_assembler_take (a);
          g_assert (f != NULL);
          g_bytes_unref (f);
        }
      else if (used == 0)
        break;
    }
  bm_sam_assembler_free (a);
  return 0;
}
