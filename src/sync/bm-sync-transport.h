#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BM_SYNC_ERROR (bm_sync_error_quark ())

/* Kinds of failure of a sync run. bm_sync_error_code() gives the code that
 * bm_sync_explain() turns into the clerk's sentence. */
typedef enum {
  BM_SYNC_ERROR_NETWORK,     /* unreachable, reset, timeout, truncated: retry later */
  BM_SYNC_ERROR_BUSY,        /* 429/503/5xx after the retries */
  BM_SYNC_ERROR_TLS,         /* certificate not trusted: never retried silently */
  BM_SYNC_ERROR_PIN,         /* public key does not match the pin */
  BM_SYNC_ERROR_INSECURE,    /* plain HTTP to a non-loopback host, or not allowed */
  BM_SYNC_ERROR_AUTH,        /* credentials or refresh token no longer valid */
  BM_SYNC_ERROR_PROTOCOL,    /* an answer we do not understand */
  BM_SYNC_ERROR_CANCELLED,
  BM_SYNC_ERROR_NOT_SET_UP,
  BM_SYNC_ERROR_SLICES_REFUSED, /* further numbers the workstation may not use */
} BmSyncError;

GQuark      bm_sync_error_quark (void);
const char *bm_sync_error_code  (const GError *error);

#define BM_TYPE_SYNC_TRANSPORT (bm_sync_transport_get_type ())
G_DECLARE_FINAL_TYPE (BmSyncTransport, bm_sync_transport, BM, SYNC_TRANSPORT, GObject)

typedef struct {
  long     status;
  GBytes  *body;
  int      retry_after;   /* seconds from the Retry-After header, 0 if none */
} BmSyncResponse;

void bm_sync_response_clear (BmSyncResponse *response);

#define BM_SYNC_MAX_PARALLEL 8

typedef struct {
  const char *path;
  GBytes     *body;
  const char *method;         /* NULL: PUT */
  const char *content_type;   /* NULL: image/jpeg */
  long        status;         /* 0 when the request did not complete */
  GBytes     *answer;         /* the response body, owned by the caller */
} BmSyncPut;

BmSyncTransport *bm_sync_transport_new       (const char       *server_url,
                                              const char       *ca_file,
                                              const char       *pin,
                                              gboolean          allow_plain_http,
                                              GError          **error);
void             bm_sync_transport_set_token (BmSyncTransport  *self,
                                              const char       *token);
gboolean         bm_sync_transport_request   (BmSyncTransport  *self,
                                              const char       *method,
                                              const char       *path,
                                              GBytes           *body,
                                              const char       *content_type,
                                              BmSyncResponse   *response,
                                              GCancellable     *cancellable,
                                              GError          **error);
gboolean         bm_sync_transport_put_many  (BmSyncTransport  *self,
                                              BmSyncPut        *items,
                                              guint             n,
                                              guint             parallel,
                                              GCancellable     *cancellable,
                                              GError          **error);
/* Bounds of each request (docs/sync-protocol.md §2). A transfer slower than
 * low_speed_bytes per second for low_speed_s is abandoned (a slow-loris
 * server), as is one still running after request_s; no request runs past
 * the run's deadline (monotonic microseconds, 0 = none). */
typedef struct {
  guint  connect_s;
  guint  low_speed_bytes;
  guint  low_speed_s;
  guint  request_s;
  gint64 deadline;
} BmSyncLimits;

void             bm_sync_transport_set_limits (BmSyncTransport    *self,
                                               const BmSyncLimits *limits);
/* What the server did in the last failed request that timed out:
 * "server_silent" (no answer at all), "server_stalled" (an answer that
 * stopped or crawled), "run_deadline" (the run's time was up), or NULL. */
const char      *bm_sync_transport_get_stall  (BmSyncTransport    *self);
guint64          bm_sync_transport_get_bytes_sent (BmSyncTransport *self);
guint64          bm_sync_transport_get_requests   (BmSyncTransport *self);

G_END_DECLS
