#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BM_CARD_ERROR (bm_card_error_quark ())

/**
 * BmCardError:
 * @BM_CARD_ERROR_FRAME: a SAM frame was garbled (preamble, length, checksum, truncated)
 * @BM_CARD_ERROR_SAM: the security module answered with a failure status (SW3)
 * @BM_CARD_ERROR_BAD_DATA: the text block could not be decoded
 * @BM_CARD_ERROR_NO_SERVICE: pcscd is not running
 * @BM_CARD_ERROR_NO_READER: no reader is connected, or the named one is missing
 * @BM_CARD_ERROR_REMOVED: the card left the reader during the read
 * @BM_CARD_ERROR_TIMEOUT: no answer, or no card, within the time allowed
 * @BM_CARD_ERROR_NO_SAM: the reader has no security module (chip serial only)
 * @BM_CARD_ERROR_UNSUPPORTED: the reader speaks neither known scheme
 * @BM_CARD_ERROR_IO: the transport failed (serial port, PC/SC call)
 * @BM_CARD_ERROR_BUSY: another operation is running on this reader
 * @BM_CARD_ERROR_NO_DECODER: no WLT photo decoder is installed
 *
 * Errors of the card reading domain; every message is translated and tells
 * the clerk what to do.
 */
typedef enum {
  BM_CARD_ERROR_FRAME,
  BM_CARD_ERROR_SAM,
  BM_CARD_ERROR_BAD_DATA,
  BM_CARD_ERROR_NO_SERVICE,
  BM_CARD_ERROR_NO_READER,
  BM_CARD_ERROR_REMOVED,
  BM_CARD_ERROR_TIMEOUT,
  BM_CARD_ERROR_NO_SAM,
  BM_CARD_ERROR_UNSUPPORTED,
  BM_CARD_ERROR_IO,
  BM_CARD_ERROR_BUSY,
  BM_CARD_ERROR_NO_DECODER,
} BmCardError;

GQuark bm_card_error_quark (void);

G_END_DECLS
