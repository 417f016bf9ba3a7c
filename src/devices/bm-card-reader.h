#pragma once

#include <gio/gio.h>

#include "bm-card-pcsc.h"
#include "bm-identity.h"

G_BEGIN_DECLS

/**
 * BmCardReaderState:
 * @BM_CARD_READER_STATE_NO_SERVICE: pcscd is not running
 * @BM_CARD_READER_STATE_NO_READER: no (usable) reader
 * @BM_CARD_READER_STATE_WAITING: waiting for a card
 * @BM_CARD_READER_STATE_READING: a card is being read
 * @BM_CARD_READER_STATE_READ: the card on the reader was read; it is not read
 *   again until it has left the reader
 * @BM_CARD_READER_STATE_ERROR: the last read failed; the message says why
 *
 * See docs/card-reader.md for the transitions.
 */
typedef enum {
  BM_CARD_READER_STATE_NO_SERVICE,
  BM_CARD_READER_STATE_NO_READER,
  BM_CARD_READER_STATE_WAITING,
  BM_CARD_READER_STATE_READING,
  BM_CARD_READER_STATE_READ,
  BM_CARD_READER_STATE_ERROR,
} BmCardReaderState;

#define BM_TYPE_CARD_READER (bm_card_reader_get_type ())
G_DECLARE_FINAL_TYPE (BmCardReader, bm_card_reader, BM, CARD_READER, GObject)

const char        *bm_card_reader_state_to_string (BmCardReaderState state);

BmCardReader      *bm_card_reader_new            (void);
void               bm_card_reader_set_reader     (BmCardReader *self,
                                                  const char   *name);
void               bm_card_reader_set_serial     (BmCardReader *self,
                                                  const char   *device,
                                                  guint         baud);
void               bm_card_reader_set_scheme     (BmCardReader *self,
                                                  BmCardScheme  scheme);
void               bm_card_reader_set_read_timeout (BmCardReader *self,
                                                  guint         timeout_ms);
void               bm_card_reader_start          (BmCardReader *self);
void               bm_card_reader_stop           (BmCardReader *self);
gboolean           bm_card_reader_stop_and_wait  (BmCardReader *self,
                                                  guint         timeout_ms);
BmCardReaderState  bm_card_reader_get_state      (BmCardReader *self);
const char        *bm_card_reader_get_message    (BmCardReader *self);
const char        *bm_card_reader_get_reader_name (BmCardReader *self);
const GError      *bm_card_reader_get_error      (BmCardReader *self);
gint64             bm_card_reader_get_last_overhead_us (BmCardReader *self,
                                                        gint64       *handoff_us);

char             **bm_card_reader_list          (gboolean    **present,
                                                  GError      **error);

G_END_DECLS
