/* bm-sam-frame.c: GA 467 SAM frame codec (no I/O)
 *
 * See docs/card-reader.md and the research brief idcard.md §2 for the layout.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-sam-frame.h"

static const guint8 preamble[5] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69 };

guint8
bm_sam_frame_checksum (const guint8 *buf,
                       gsize         len)
{
  guint8 x = 0;

  for (gsize i = 0; i < len; i++)
    x ^= buf[i];
  return x;
}

static GBytes *
build_frame (const guint8 *head,
             gsize         head_len,
             const guint8 *data,
             gsize         data_len)
{
  gsize body = head_len + data_len + 1;
  gsize total = BM_SAM_HEADER_LEN + body;
  guint8 *f;

  g_return_val_if_fail (body <= BM_SAM_MAX_BODY, NULL);

  f = g_malloc (total);
  memcpy (f, preamble, sizeof preamble);
  f[5] = (body >> 8) & 0xFF;
  f[6] = body & 0xFF;
  memcpy (f + 7, head, head_len);
  if (data_len > 0)
    memcpy (f + 7 + head_len, data, data_len);
  /* The checksum covers LEN through the last data byte. */
  f[total - 1] = bm_sam_frame_checksum (f + 5, total - 6);
  return g_bytes_new_take (f, total);
}

GBytes *
bm_sam_frame_build_request (BmSamCommand  command,
                            const guint8 *data,
                            gsize         data_len)
{
  guint8 head[2] = { (command >> 8) & 0xFF, command & 0xFF };

  return build_frame (head, sizeof head, data, data_len);
}

GBytes *
bm_sam_frame_build_response (guint8        sw3,
                             const guint8 *data,
                             gsize         data_len)
{
  guint8 head[3] = { 0x00, 0x00, sw3 };

  return build_frame (head, sizeof head, data, data_len);
}

/* Returns the total length of the frame at @buf once its header is known,
 * 0 when fewer than BM_SAM_HEADER_LEN bytes are there, -1 with @error set
 * when the header cannot start a frame. */
gssize
bm_sam_frame_complete_length (const guint8 *buf,
                              gsize         len,
                              GError      **error)
{
  gsize n = MIN (len, sizeof preamble);
  guint body;

  if (n > 0 && memcmp (buf, preamble, n) != 0)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader sent a garbled answer (bad frame start)."));
      return -1;
    }
  if (len < BM_SAM_HEADER_LEN)
    return 0;
  body = ((guint) buf[5] << 8) | buf[6];
  /* The shortest legal body is a request's CMD PARA CHK. */
  if (body < 3 || body > BM_SAM_MAX_BODY)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader sent a garbled answer (impossible length)."));
      return -1;
    }
  return BM_SAM_HEADER_LEN + body;
}

static gboolean
check_frame (const guint8 *buf,
             gsize         len,
             gsize         min_body,
             GError      **error)
{
  gssize want = bm_sam_frame_complete_length (buf, len, error);

  if (want < 0)
    return FALSE;
  if (want == 0 || len < (gsize) want)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader's answer was cut short. Try again."));
      return FALSE;
    }
  if (len > (gsize) want)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader sent a garbled answer (extra bytes)."));
      return FALSE;
    }
  if ((gsize) want - BM_SAM_HEADER_LEN < min_body)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader sent a garbled answer (impossible length)."));
      return FALSE;
    }
  if (bm_sam_frame_checksum (buf + 5, len - 6) != buf[len - 1])
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader's answer failed its checksum. Try again."));
      return FALSE;
    }
  return TRUE;
}

gboolean
bm_sam_frame_parse_response (const guint8  *buf,
                             gsize          len,
                             BmSamResponse *out,
                             GError       **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!check_frame (buf, len, 4, error))
    return FALSE;
  out->sw1 = buf[7];
  out->sw2 = buf[8];
  out->sw3 = buf[9];
  out->data = g_bytes_new (buf + 10, len - 11);
  return TRUE;
}

gboolean
bm_sam_frame_parse_request (const guint8  *buf,
                            gsize          len,
                            BmSamCommand  *command,
                            GBytes       **data,
                            GError       **error)
{
  if (!check_frame (buf, len, 3, error))
    return FALSE;
  if (command != NULL)
    *command = ((guint) buf[7] << 8) | buf[8];
  if (data != NULL)
    *data = g_bytes_new (buf + 9, len - 10);
  return TRUE;
}

void
bm_sam_response_clear (BmSamResponse *response)
{
  g_clear_pointer (&response->data, g_bytes_unref);
}

gboolean
bm_sam_status_is_success (guint8 sw3)
{
  return sw3 == BM_SAM_SW3_OK || sw3 == BM_SAM_SW3_FOUND;
}

const char *
bm_sam_status_message (guint8 sw3)
{
  switch (sw3)
    {
    case 0x90: return _("Success.");
    case 0x91: return _("The card does not hold this item.");
    case 0x9F: return _("Card found.");
    case 0x10: return _("The security module reports a checksum error in the command it received.");
    case 0x11: return _("The security module reports a length error in the command it received.");
    case 0x21: return _("The security module rejected the command (bad value or combination).");
    case 0x23: return _("The security module does not allow this operation.");
    case 0x24: return _("The security module reports an unrecognised error.");
    case 0x31: return _("The card failed to authenticate the security module.");
    case 0x32: return _("The security module failed to authenticate the card. The card may be forged or damaged.");
    case 0x33: return _("The card's information failed verification.");
    case 0x37: return _("The card's fingerprint information failed verification.");
    case 0x3F: return _("The card's information has a wrong length.");
    case 0x40: return _("The card type is not recognised. Only identity cards can be read.");
    case 0x41: return _("Reading the card failed. Hold the card still on the reader and try again.");
    case 0x47: return _("The security module could not get a random number from the card.");
    case 0x60: return _("The reader's security module failed its self-test. Unplug the reader and plug it in again.");
    case 0x66: return _("The reader's security module is not authorised.");
    case 0x80: return _("No card found. Place the card on the reader (or take it away and place it again).");
    case 0x81: return _("Selecting the card failed. Place the card on the reader again.");
    default:   return _("The security module answered with an unknown status.");
    }
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* The 16-byte SAM management information as printed on reader labels:
 * AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE. */
char *
bm_sam_format_sam_id (const guint8 *data,
                      gsize         len)
{
  if (len < 16)
    return NULL;
  return g_strdup_printf ("%02u.%02u-%08u-%010u-%010u",
                          (guint) (data[0] | (data[1] << 8)),
                          (guint) (data[2] | (data[3] << 8)),
                          le32 (data + 4), le32 (data + 8), le32 (data + 12));
}

struct _BmSamAssembler {
  GByteArray *buf;
  gsize       want;  /* total length once the header is known, else 0 */
};

BmSamAssembler *
bm_sam_assembler_new (void)
{
  BmSamAssembler *self = g_new0 (BmSamAssembler, 1);

  self->buf = g_byte_array_new ();
  return self;
}

void
bm_sam_assembler_free (BmSamAssembler *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buf);
  g_free (self);
}

void
bm_sam_assembler_reset (BmSamAssembler *self)
{
  g_byte_array_set_size (self->buf, 0);
  self->want = 0;
}

/* How many more bytes to read: the header first, then exactly the rest.
 * Reading no more than this keeps the next frame's bytes in the pipe. */
gsize
bm_sam_assembler_wanted (BmSamAssembler *self)
{
  if (self->want == 0)
    return BM_SAM_HEADER_LEN - self->buf->len;
  return self->want - self->buf->len;
}

BmSamFeedResult
bm_sam_assembler_feed (BmSamAssembler *self,
                       const guint8   *buf,
                       gsize           len,
                       gsize          *consumed,
                       GError        **error)
{
  gsize used = 0;

  while (used < len)
    {
      gsize take = MIN (bm_sam_assembler_wanted (self), len - used);

      if (take == 0)
        break;
      g_byte_array_append (self->buf, buf + used, take);
      used += take;

      if (self->want == 0)
        {
          gssize w = bm_sam_frame_complete_length (self->buf->data, self->buf->len, error);

          if (w < 0)
            {
              if (consumed != NULL)
                *consumed = used;
              return BM_SAM_FEED_ERROR;
            }
          self->want = (gsize) w;
        }
    }
  if (consumed != NULL)
    *consumed = used;
  return (self->want != 0 && self->buf->len == self->want)
         ? BM_SAM_FEED_COMPLETE : BM_SAM_FEED_NEED_MORE;
}

/* Hands over the complete frame and readies the assembler for the next. */
GBytes *
bm_sam_assembler_take (BmSamAssembler *self)
{
  GBytes *frame;

  if (self->want == 0 || self->buf->len != self->want)
    return NULL;
  frame = g_bytes_new (self->buf->data, self->buf->len);
  bm_sam_assembler_reset (self);
  return frame;
}
