/* bm-card-pcsc.c: reading an identity card through pcscd
 *
 * Two schemes (docs/card-reader.md): the page scheme (FF B0 P1 00 00, the
 * reader did the SAM work) and the frame tunnel (whole SAM frames in
 * SCardTransmit). A plain contactless reader only yields the chip serial.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-card-error.h"
#include "bm-card-pcsc.h"
#include "bm-card-text.h"
#include "bm-sam-session.h"

/* pcsc-lite's MAX_BUFFER_SIZE_EXTENDED: the largest answer it will carry. */
#define RECV_MAX 65548

/* ATRs of the ID card seen through a reader without a SAM (pcsc-tools'
 * smartcard_list.txt, idcard.md §5.3). */
static const guint8 atr_id_typeb[] = {
  0x3B, 0x88, 0x80, 0x01, 0xD1, 0x03, 0x86, 0x05, 0x00, 0x80, 0x80, 0x00, 0x58,
};
static const guint8 atr_id_storage[] = {
  0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x07,
  0xFF, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x20,
};

gboolean
bm_card_scheme_from_string (const char   *s,
                            BmCardScheme *scheme)
{
  if (g_strcmp0 (s, "auto") == 0)
    *scheme = BM_CARD_SCHEME_AUTO;
  else if (g_strcmp0 (s, "page") == 0)
    *scheme = BM_CARD_SCHEME_PAGE;
  else if (g_strcmp0 (s, "tunnel") == 0)
    *scheme = BM_CARD_SCHEME_TUNNEL;
  else
    return FALSE;
  return TRUE;
}

void
bm_card_pcsc_set_error (GError **error,
                        LONG     rv)
{
  switch (rv)
    {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_SERVICE,
                           _("The card reading service (pcscd) is not running. Start it with “sudo systemctl start pcscd”, or ask the administrator."));
      break;
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                           _("No card reader is connected. Plug in the reader and wait a moment."));
      break;
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_REMOVED,
                           _("The card was taken away during reading. Place it on the reader again and hold it still."));
      break;
    case SCARD_E_TIMEOUT:
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_TIMEOUT,
                           _("The card reader did not answer in time."));
      break;
    case SCARD_E_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled."));
      break;
    default:
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_IO,
                   _("The card reader failed: %s"), pcsc_stringify_error (rv));
      break;
    }
}

/* Returns: (transfer full): reader names; an empty list when none */
char **
bm_card_pcsc_list_readers (SCARDCONTEXT   ctx,
                           GError       **error)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *buf = NULL;
  DWORD len = 0;
  LONG rv;

  rv = SCardListReaders (ctx, NULL, NULL, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return g_strv_builder_end (b);
  if (rv != SCARD_S_SUCCESS)
    {
      bm_card_pcsc_set_error (error, rv);
      return NULL;
    }
  buf = g_malloc0 (len + 2);
  rv = SCardListReaders (ctx, NULL, buf, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return g_strv_builder_end (b);
  if (rv != SCARD_S_SUCCESS)
    {
      bm_card_pcsc_set_error (error, rv);
      return NULL;
    }
  /* A multi-string: "a\0b\0\0". */
  for (const char *p = buf; *p != '\0'; p += strlen (p) + 1)
    g_strv_builder_add (b, p);
  return g_strv_builder_end (b);
}

typedef struct {
  SCARDHANDLE  card;
  DWORD        protocol;
  guint8      *rbuf;
  gint64      *transport_us;
} Conn;

static GBytes *
transmit (Conn         *c,
          const guint8 *cmd,
          gsize         len,
          GError      **error)
{
  const SCARD_IO_REQUEST *pci = c->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  DWORD rlen = RECV_MAX;
  gint64 t0 = g_get_monotonic_time ();
  LONG rv;

  rv = SCardTransmit (c->card, pci, cmd, len, NULL, c->rbuf, &rlen);
  if (c->transport_us != NULL)
    *c->transport_us += g_get_monotonic_time () - t0;
  if (rv != SCARD_S_SUCCESS)
    {
      DWORD state = 0, proto = 0, n = 0, alen = 0;

      /* pcscd reports a card torn away mid-command in several ways; ask. */
      if (rv == SCARD_E_NOT_TRANSACTED || rv == SCARD_F_COMM_ERROR)
        {
          LONG st = SCardStatus (c->card, NULL, &n, &state, &proto, NULL, &alen);
          if (st != SCARD_S_SUCCESS || !(state & SCARD_PRESENT))
            rv = SCARD_W_REMOVED_CARD;
        }
      bm_card_pcsc_set_error (error, rv);
      return NULL;
    }
  /* No bytes at all, not even a status word: the card left the field
   * mid-command (this is how vpcd and contactless readers report it). */
  if (rlen == 0)
    {
      bm_card_pcsc_set_error (error, SCARD_W_REMOVED_CARD);
      return NULL;
    }
  return g_bytes_new (c->rbuf, rlen);
}

static GBytes *
tunnel_transceive (gpointer       user_data,
                   GBytes        *request,
                   guint          timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  Conn *c = user_data;
  gsize len, rlen;
  g_autoptr(GBytes) reply = NULL;
  const guint8 *r;
  const guint8 *req = g_bytes_get_data (request, &len);
  gssize want;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  reply = transmit (c, req, len, error);
  if (reply == NULL)
    return NULL;
  /* Some readers append an ISO status word after the frame; drop it. */
  r = g_bytes_get_data (reply, &rlen);
  want = rlen >= BM_SAM_HEADER_LEN ? bm_sam_frame_complete_length (r, rlen, NULL) : -1;
  if (want > 0 && rlen == (gsize) want + 2 && r[rlen - 2] == 0x90 && r[rlen - 1] == 0x00)
    return g_bytes_new_from_bytes (reply, 0, want);
  return g_steal_pointer (&reply);
}

static gboolean
ends_9000 (GBytes *b)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);

  return len >= 2 && p[len - 2] == 0x90 && p[len - 1] == 0x00;
}

static GBytes *
read_page (Conn     *c,
           guint8    page,
           gsize     min_len,
           GError  **error)
{
  const guint8 cmd[5] = { 0xFF, 0xB0, page, 0x00, 0x00 };
  g_autoptr(GBytes) r = transmit (c, cmd, sizeof cmd, error);

  if (r == NULL)
    return NULL;
  if (!ends_9000 (r))
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_SAM,
                           _("Reading the card failed. Hold the card still on the reader and try again."));
      return NULL;
    }
  if (g_bytes_get_size (r) - 2 < min_len)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader's answer was cut short. Try again."));
      return NULL;
    }
  return g_bytes_new_from_bytes (r, 0, g_bytes_get_size (r) - 2);
}

/* Pages (idcard.md §5.4): 0 = 4-byte header + text; 1 = header + photo
 * 0..251; 2..4 = 256 photo bytes each; 5 = the last 4. */
static BmIdentity *
page_read (Conn    *c,
           GBytes  *page0,
           GError **error)
{
  g_autoptr(GBytes) p0 = page0 != NULL ? g_bytes_ref (page0) : read_page (c, 0, 4 + BM_CARD_TEXT_LEN, error);
  g_autoptr(GByteArray) photo = g_byte_array_sized_new (BM_CARD_PHOTO_LEN);
  g_autoptr(BmIdentity) id = NULL;
  g_autoptr(GBytes) wlt = NULL;

  if (p0 == NULL)
    return NULL;
  if (g_bytes_get_size (p0) < 4 + BM_CARD_TEXT_LEN)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                           _("The reader's answer was cut short. Try again."));
      return NULL;
    }
  for (guint8 page = 1; page <= 5; page++)
    {
      static const gsize skip[] = { 0, 4, 0, 0, 0, 0 };
      static const gsize take[] = { 0, 252, 256, 256, 256, 4 };
      g_autoptr(GBytes) r = read_page (c, page, skip[page] + take[page], error);

      if (r == NULL)
        return NULL;
      g_byte_array_append (photo, (const guint8 *) g_bytes_get_data (r, NULL) + skip[page], take[page]);
    }
  id = bm_card_text_parse ((const guint8 *) g_bytes_get_data (p0, NULL) + 4, BM_CARD_TEXT_LEN, error);
  if (id == NULL)
    return NULL;
  wlt = g_byte_array_free_to_bytes (g_steal_pointer (&photo));
  bm_identity_set_photo_wlt (id, wlt);
  return g_steal_pointer (&id);
}

static gboolean
atr_is (const guint8 *atr, DWORD len, const guint8 *want, gsize want_len)
{
  return len == want_len && memcmp (atr, want, want_len) == 0;
}

static void
set_no_sam_error (Conn    *c,
                  GError **error)
{
  static const guint8 get_serial[] = { 0x00, 0x36, 0x00, 0x00, 0x08 };
  g_autoptr(GBytes) r = transmit (c, get_serial, sizeof get_serial, NULL);

  /* The chip serial proves an ID card is there; it is not an identity and
   * is deliberately neither shown nor logged. */
  if (r != NULL && g_bytes_get_size (r) == 10 && ends_9000 (r))
    g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_SAM,
                         _("An ID card was detected, but this reader has no security module and cannot read the identity on it. Use a certified ID card reader (with SAM)."));
  else
    g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_SAM,
                         _("This reader has no security module and cannot read ID cards. Use a certified ID card reader (with SAM)."));
}

/* @status: the answer to 11 FF when probing already asked, else NULL. */
static BmIdentity *
tunnel_read (Conn          *c,
             BmSamResponse *status,
             GCancellable  *cancellable,
             GError       **error)
{
  BmSamSession s = { tunnel_transceive, c, 0 };
  g_auto(BmSamResponse) own = { 0 };
  g_autoptr(BmIdentity) id = NULL;
  g_autofree char *sam_id = NULL;
  g_autoptr(GError) local = NULL;
  gint64 *keep = c->transport_us;
  gboolean found = FALSE;

  /* The session measures its own transport time; avoid counting twice. */
  c->transport_us = NULL;
  if (status == NULL
      && bm_sam_session_command (&s, BM_SAM_CMD_STATUS, 1000, &own, cancellable, error))
    status = &own;
  if (status == NULL || !bm_sam_session_expect (status, BM_SAM_SW3_OK, error))
    goto out;
  /* A SAM that refuses 12 FF can still read cards; only the provenance is
   * lost. Transport failures are real failures. */
  sam_id = bm_sam_session_sam_id (&s, cancellable, &local);
  if (sam_id == NULL && !g_error_matches (local, BM_CARD_ERROR, BM_CARD_ERROR_SAM))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      goto out;
    }
  if (!bm_sam_session_find (&s, &found, cancellable, error))
    goto out;
  if (!found)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_SAM,
                           bm_sam_status_message (BM_SAM_SW3_FIND_FAIL));
      goto out;
    }
  id = bm_sam_session_read (&s, cancellable, error);
  if (id != NULL && sam_id != NULL)
    bm_identity_set (id, "sam_id", sam_id);

out:
  c->transport_us = keep;
  if (keep != NULL)
    *keep += s.transport_us;
  return g_steal_pointer (&id);
}

/**
 * bm_card_pcsc_read:
 * @transport_us: (out) (optional): microseconds spent in pcscd calls
 *
 * Connects to the card in @reader, picks the scheme and reads it.
 *
 * Returns: (transfer full): the identity, or NULL with @error set
 */
BmIdentity *
bm_card_pcsc_read (SCARDCONTEXT   ctx,
                   const char    *reader,
                   BmCardScheme   scheme,
                   gint64        *transport_us,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree guint8 *rbuf = g_malloc (RECV_MAX);
  Conn c = { 0, 0, rbuf, transport_us };
  guint8 atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state = 0, rlen = 0;
  BmIdentity *id = NULL;
  gint64 t0 = g_get_monotonic_time ();
  LONG rv;

  rv = SCardConnect (ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                     &c.card, &c.protocol);
  /* A SAM conversation is a sequence of commands: another process (the
   * CLI next to the app) must not interleave its own. */
  if (rv == SCARD_S_SUCCESS)
    rv = SCardBeginTransaction (c.card);
  if (rv == SCARD_S_SUCCESS)
    rv = SCardStatus (c.card, NULL, &rlen, &state, &c.protocol, atr, &atr_len);
  if (transport_us != NULL)
    *transport_us += g_get_monotonic_time () - t0;
  if (rv != SCARD_S_SUCCESS)
    {
      bm_card_pcsc_set_error (error, rv);
      if (c.card != 0)
        SCardDisconnect (c.card, SCARD_LEAVE_CARD);
      return NULL;
    }

  if (atr_is (atr, atr_len, atr_id_typeb, sizeof atr_id_typeb)
      || atr_is (atr, atr_len, atr_id_storage, sizeof atr_id_storage))
    set_no_sam_error (&c, error);
  else if (scheme == BM_CARD_SCHEME_PAGE
           || (scheme == BM_CARD_SCHEME_AUTO && atr_len >= 15 && atr[13] == 0x90 && atr[14] == 0x00))
    id = page_read (&c, NULL, error);
  else if (scheme == BM_CARD_SCHEME_TUNNEL)
    id = tunnel_read (&c, NULL, cancellable, error);
  else
    {
      /* Probe: a SAM status frame first (harmless to a SAM), then page 0. */
      g_autoptr(GBytes) status = bm_sam_frame_build_request (BM_SAM_CMD_STATUS, NULL, 0);
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) r = tunnel_transceive (&c, status, 1000, cancellable, &local);
      g_auto(BmSamResponse) parsed = { 0 };
      static const guint8 page0[] = { 0xFF, 0xB0, 0x00, 0x00, 0x00 };

      if (r == NULL && !g_error_matches (local, BM_CARD_ERROR, BM_CARD_ERROR_IO))
        g_propagate_error (error, g_steal_pointer (&local));
      else if (r != NULL && bm_sam_frame_parse_response (g_bytes_get_data (r, NULL), g_bytes_get_size (r), &parsed, NULL))
        id = tunnel_read (&c, &parsed, cancellable, error);
      else
        {
          g_autoptr(GBytes) p0 = transmit (&c, page0, sizeof page0, NULL);

          if (p0 != NULL && g_bytes_get_size (p0) == 2 + 4 + BM_CARD_TEXT_LEN && ends_9000 (p0))
            {
              g_autoptr(GBytes) body = g_bytes_new_from_bytes (p0, 0, g_bytes_get_size (p0) - 2);
              id = page_read (&c, body, error);
            }
          else
            g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_UNSUPPORTED,
                                 _("This reader is not supported: it answers neither the page scheme nor SAM frames. Choose the scheme in the settings, or use another reader."));
        }
    }
  t0 = g_get_monotonic_time ();
  SCardEndTransaction (c.card, SCARD_LEAVE_CARD);
  SCardDisconnect (c.card, SCARD_LEAVE_CARD);
  if (transport_us != NULL)
    *transport_us += g_get_monotonic_time () - t0;
  return id;
}
