/* bm-sam-session.c: the SAM conversation, independent of the transport
 *
 * find (20 01) -> select (20 02) -> read text+photo (30 01) -> appended
 * address (30 03). Fingerprints (30 10) are never requested.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-card-error.h"
#include "bm-card-text.h"
#include "bm-sam-session.h"

/* Timeouts from the Synjones SDK (idcard.md §2.2), rounded up. */
#define TIMEOUT_SHORT_MS  1000
#define TIMEOUT_READ_MS   4000

gboolean
bm_sam_session_command (BmSamSession  *session,
                        BmSamCommand   command,
                        guint          timeout_ms,
                        BmSamResponse *response,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GBytes) request = bm_sam_frame_build_request (command, NULL, 0);
  g_autoptr(GBytes) reply = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gsize len;
  const guint8 *p;

  reply = session->transceive (session->user_data, request, timeout_ms, cancellable, error);
  session->transport_us += g_get_monotonic_time () - t0;
  if (reply == NULL)
    return FALSE;
  p = g_bytes_get_data (reply, &len);
  return bm_sam_frame_parse_response (p, len, response, error);
}

gboolean
bm_sam_session_expect (BmSamResponse *r,
        guint8         sw3,
        GError       **error)
{
  if (r->sw3 == sw3)
    return TRUE;
  g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_SAM, bm_sam_status_message (r->sw3));
  return FALSE;
}

char *
bm_sam_session_sam_id (BmSamSession  *session,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_auto(BmSamResponse) r = { 0 };
  gsize len;
  const guint8 *p;
  char *id;

  if (!bm_sam_session_command (session, BM_SAM_CMD_SAM_ID, TIMEOUT_SHORT_MS, &r, cancellable, error)
      || !bm_sam_session_expect (&r, BM_SAM_SW3_OK, error))
    return NULL;
  p = g_bytes_get_data (r.data, &len);
  id = bm_sam_format_sam_id (p, len);
  if (id == NULL)
    g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                         _("The reader sent a garbled answer (impossible length)."));
  return id;
}

/* @found is FALSE when no card is in the field, or the card already read is
 * still there (the SAM answers 80 to both). */
gboolean
bm_sam_session_find (BmSamSession  *session,
                     gboolean      *found,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(BmSamResponse) r = { 0 };

  if (!bm_sam_session_command (session, BM_SAM_CMD_FIND, TIMEOUT_SHORT_MS, &r, cancellable, error))
    return FALSE;
  *found = r.sw3 == BM_SAM_SW3_FOUND;
  if (!*found && r.sw3 != BM_SAM_SW3_FIND_FAIL)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_SAM, bm_sam_status_message (r.sw3));
      return FALSE;
    }
  return TRUE;
}

static BmIdentity *
parse_base (GBytes  *data,
            GError **error)
{
  gsize len, text_len, photo_len;
  const guint8 *p = g_bytes_get_data (data, &len);
  g_autoptr(BmIdentity) id = NULL;
  g_autoptr(GBytes) photo = NULL;

  if (len < 4)
    goto short_data;
  text_len = (p[0] << 8) | p[1];
  photo_len = (p[2] << 8) | p[3];
  if (text_len != BM_CARD_TEXT_LEN || photo_len > BM_CARD_PHOTO_LEN || len != 4 + text_len + photo_len)
    goto short_data;
  id = bm_card_text_parse (p + 4, text_len, error);
  if (id == NULL)
    return NULL;
  if (photo_len > 0)
    {
      photo = g_bytes_new (p + 4 + text_len, photo_len);
      bm_identity_set_photo_wlt (id, photo);
    }
  return g_steal_pointer (&id);

short_data:
  g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                       _("The reader's answer was cut short. Try again."));
  return NULL;
}

/**
 * bm_sam_session_read:
 *
 * Reads the card in the field: select, text+photo, appended address. The
 * caller has found the card (or knows from PC/SC that one is present).
 *
 * Returns: (transfer full): the identity, or NULL with @error set; never a
 *   half-read identity
 */
BmIdentity *
bm_sam_session_read (BmSamSession  *session,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(BmSamResponse) sel = { 0 };
  g_auto(BmSamResponse) base = { 0 };
  g_auto(BmSamResponse) app = { 0 };
  g_autoptr(BmIdentity) id = NULL;

  if (!bm_sam_session_command (session, BM_SAM_CMD_SELECT, TIMEOUT_SHORT_MS, &sel, cancellable, error)
      || !bm_sam_session_expect (&sel, BM_SAM_SW3_OK, error))
    return NULL;
  if (!bm_sam_session_command (session, BM_SAM_CMD_READ_BASE, TIMEOUT_READ_MS, &base, cancellable, error)
      || !bm_sam_session_expect (&base, BM_SAM_SW3_OK, error))
    return NULL;
  id = parse_base (base.data, error);
  if (id == NULL)
    return NULL;

  if (!bm_sam_session_command (session, BM_SAM_CMD_READ_APPENDED, TIMEOUT_SHORT_MS, &app, cancellable, error))
    return NULL;
  if (app.sw3 == BM_SAM_SW3_OK)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (app.data, &len);
      g_autofree char *addr = bm_card_text_parse_appended (p, len, error);

      if (addr == NULL)
        return NULL;
      if (*addr != '\0')
        bm_identity_set (id, "appended_address", addr);
    }
  else if (app.sw3 != BM_SAM_SW3_NO_ITEM)
    {
      g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_SAM, bm_sam_status_message (app.sw3));
      return NULL;
    }
  return g_steal_pointer (&id);
}
