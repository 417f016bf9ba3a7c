#pragma once

/* Shared between the reader object (main context side, bm-card-reader.c)
 * and its worker threads (bm-card-worker.c). Not for other users. */

#include <winscard.h>

#include "bm-card-reader.h"

G_BEGIN_DECLS

#define BM_CARD_PNP_READER        "\\\\?PnP?\\Notification"
#define BM_CARD_RETRY_MS          500
#define BM_CARD_SERIAL_POLL_MS    300

typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  GCond            cond;
  gboolean         stop;
  gboolean         finished;
  SCARDCONTEXT     ctx;
  gboolean         have_ctx;
  GCancellable    *cancellable;
  GMainContext    *main_context;
  GWeakRef         owner;
  /* configuration, fixed at start */
  char            *reader_name;
  char            *serial_device;
  guint            baud;
  BmCardScheme     scheme;
} BmCardWorker;


BmCardWorker *bm_card_worker_ref    (BmCardWorker *w);
void          bm_card_worker_unref  (BmCardWorker *w);
gpointer      bm_card_worker_pcsc   (gpointer      data);
gpointer      bm_card_worker_serial (gpointer      data);

void          bm_card_reader_report (BmCardWorker      *w,
                                     BmCardReaderState  state,
                                     GError            *error,
                                     BmIdentity        *identity,
                                     const char        *reader,
                                     guint              read_serial,
                                     gint64             event_time,
                                     gint64             transport_us);

G_END_DECLS
