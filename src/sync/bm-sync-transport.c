/* HTTPS transport for sync (libcurl). TLS is always verified: peer and host
 * name checks are never switched off; a CA file and a sha256// pin tighten
 * them. Plain HTTP only to a loopback host and only when explicitly allowed.
 * One easy handle, reused, so the TLS connection stays open between
 * requests. */

#include "bm-config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-sync-transport.h"

#define MAX_ANSWER (32 * 1024 * 1024)

G_DEFINE_QUARK (bm-sync-error-quark, bm_sync_error)

struct _BmSyncTransport
{
  GObject  parent_instance;
  CURL    *curl;
  char    *base;          /* server URL without trailing slash */
  char    *ca_file;
  char    *pin;
  gboolean plain_http;
  char    *auth_header;
  guint64  bytes_sent;
  guint64  requests;
  CURLM   *multi;          /* parallel photo uploads */
  CURL    *pool[BM_SYNC_MAX_PARALLEL];
  BmSyncLimits limits;
  const char  *stall;
};

G_DEFINE_FINAL_TYPE (BmSyncTransport, bm_sync_transport, G_TYPE_OBJECT)

const char *
bm_sync_error_code (const GError *error)
{
  if (error == NULL || error->domain != BM_SYNC_ERROR)
    return "protocol";
  switch ((BmSyncError) error->code)
    {
    case BM_SYNC_ERROR_NETWORK: return "network";
    case BM_SYNC_ERROR_BUSY: return "busy";
    case BM_SYNC_ERROR_TLS: return "tls";
    case BM_SYNC_ERROR_PIN: return "pin";
    case BM_SYNC_ERROR_INSECURE: return "insecure";
    case BM_SYNC_ERROR_AUTH: return "auth";
    case BM_SYNC_ERROR_CANCELLED: return "cancelled";
    case BM_SYNC_ERROR_NOT_SET_UP: return "not_set_up";
    case BM_SYNC_ERROR_SLICES_REFUSED: return "slices_refused";
    case BM_SYNC_ERROR_PROTOCOL:
    default: return "protocol";
    }
}

void
bm_sync_response_clear (BmSyncResponse *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  response->status = 0;
  response->retry_after = 0;
}

static void
bm_sync_transport_finalize (GObject *object)
{
  BmSyncTransport *self = BM_SYNC_TRANSPORT (object);

  g_clear_pointer (&self->curl, curl_easy_cleanup);
  for (guint i = 0; i < BM_SYNC_MAX_PARALLEL; i++)
    g_clear_pointer (&self->pool[i], curl_easy_cleanup);
  g_clear_pointer (&self->multi, curl_multi_cleanup);
  g_free (self->base);
  g_free (self->ca_file);
  g_free (self->pin);
  if (self->auth_header)
    memset (self->auth_header, 0, strlen (self->auth_header));
  g_free (self->auth_header);
  G_OBJECT_CLASS (bm_sync_transport_parent_class)->finalize (object);
}

static void
bm_sync_transport_class_init (BmSyncTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_sync_transport_finalize;
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
bm_sync_transport_init (BmSyncTransport *self)
{
  self->limits = (BmSyncLimits) { 15, 100, 30, 300, 0 };
}

void
bm_sync_transport_set_limits (BmSyncTransport *self, const BmSyncLimits *limits)
{
  self->limits = *limits;
}

const char *
bm_sync_transport_get_stall (BmSyncTransport *self)
{
  return self->stall;
}

static gboolean
is_loopback (const char *host)
{
  GInetAddress *addr;
  gboolean loop;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  if (host[0] == '[')
    {
      g_autofree char *inner = g_strndup (host + 1, strlen (host) - 2);
      addr = g_inet_address_new_from_string (inner);
    }
  else
    addr = g_inet_address_new_from_string (host);
  if (addr == NULL)
    return FALSE;
  loop = g_inet_address_get_is_loopback (addr);
  g_object_unref (addr);
  return loop;
}

BmSyncTransport *
bm_sync_transport_new (const char *server_url, const char *ca_file, const char *pin,
                       gboolean allow_plain_http, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(BmSyncTransport) self = NULL;
  const char *scheme;

  uri = server_url ? g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_INSECURE,
                   _("The server address “%s” is not a valid address."), server_url ? server_url : "");
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0
      && !(g_ascii_strcasecmp (scheme, "http") == 0 && allow_plain_http && is_loopback (g_uri_get_host (uri))))
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_INSECURE,
                   _("The server address must start with https:// (plain http is allowed only to this computer, for development)."));
      return NULL;
    }
  if (pin != NULL && *pin != '\0' && !g_str_has_prefix (pin, "sha256//"))
    {
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_INSECURE,
                   _("The public key pin must look like sha256//BASE64."));
      return NULL;
    }
  self = g_object_new (BM_TYPE_SYNC_TRANSPORT, NULL);
  self->curl = curl_easy_init ();
  self->base = g_strdup (server_url);
  while (g_str_has_suffix (self->base, "/"))
    self->base[strlen (self->base) - 1] = '\0';
  self->ca_file = ca_file && *ca_file ? g_strdup (ca_file) : NULL;
  self->pin = pin && *pin ? g_strdup (pin) : NULL;
  self->plain_http = g_ascii_strcasecmp (scheme, "http") == 0;
  return g_steal_pointer (&self);
}

void
bm_sync_transport_set_token (BmSyncTransport *self, const char *token)
{
  if (self->auth_header)
    memset (self->auth_header, 0, strlen (self->auth_header));
  g_free (self->auth_header);
  self->auth_header = token ? g_strconcat ("Authorization: Bearer ", token, NULL) : NULL;
}

guint64
bm_sync_transport_get_bytes_sent (BmSyncTransport *self)
{
  return self->bytes_sent;
}

guint64
bm_sync_transport_get_requests (BmSyncTransport *self)
{
  return self->requests;
}

typedef struct {
  GByteArray   *data;
  int           retry_after;
  GCancellable *cancellable;
  gboolean      too_big;
  gboolean      answered;   /* a status line arrived */
} Exchange;

static size_t
on_data (char *ptr, size_t size, size_t n, void *user)
{
  Exchange *x = user;

  if (x->data->len + size * n > MAX_ANSWER)
    {
      x->too_big = TRUE;
      return 0;
    }
  g_byte_array_append (x->data, (const guint8 *) ptr, size * n);
  return size * n;
}

static size_t
on_header (char *buf, size_t size, size_t n, void *user)
{
  Exchange *x = user;
  size_t len = size * n;

  x->answered = TRUE;
  if (len > 12 && g_ascii_strncasecmp (buf, "Retry-After:", 12) == 0)
    {
      g_autofree char *v = g_strstrip (g_strndup (buf + 12, len - 12));
      gint64 s = g_ascii_strtoll (v, NULL, 10);
      /* An HTTP date instead of seconds counts as "a while". The client
       * caps the wait (and says so); it needs the value the server sent. */
      x->retry_after = s > 0 ? (int) MIN (s, G_MAXINT / 1000) : (g_ascii_isdigit (v[0]) ? 0 : 30);
    }
  return len;
}

static int
on_progress (void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  Exchange *x = user;
  return g_cancellable_is_cancelled (x->cancellable) ? 1 : 0;
}

/* A timeout: say which kind, so the status can tell the clerk (and the
 * county IT office) what the server did. */
static void
note_stall (BmSyncTransport *self, CURL *c, CURLcode rc, const Exchange *x)
{
  long sent = 0;

  if (rc != CURLE_OPERATION_TIMEDOUT)
    return;
  /* A connect timeout is an unreachable server, not a silent one. */
  curl_easy_getinfo (c, CURLINFO_REQUEST_SIZE, &sent);
  if (self->limits.deadline > 0 && g_get_monotonic_time () >= self->limits.deadline - G_USEC_PER_SEC / 10)
    self->stall = "run_deadline";
  else if (sent <= 0)
    return;
  else if (!x->answered && x->data->len == 0)
    self->stall = "server_silent";
  else
    self->stall = "server_stalled";
}

static void
set_curl_error (CURLcode rc, gboolean too_big, GError **error)
{
  switch (rc)
    {
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK,
                   _("The provincial server did not answer in time (%s)."), curl_easy_strerror (rc));
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_CANCELLED, _("Sync was cancelled."));
      break;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_PIN,
                   _("The server's public key does not match the configured pin (%s)."), curl_easy_strerror (rc));
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_TLS,
                   _("The server's certificate could not be verified (%s)."), curl_easy_strerror (rc));
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_INSECURE, _("The server address uses a protocol that is not allowed."));
      break;
    case CURLE_WRITE_ERROR:
      g_set_error (error, BM_SYNC_ERROR, too_big ? BM_SYNC_ERROR_PROTOCOL : BM_SYNC_ERROR_NETWORK,
                   _("The server's answer was too large or could not be received."));
      break;
    default:
      g_set_error (error, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK,
                   _("The provincial server could not be reached (%s)."), curl_easy_strerror (rc));
      break;
    }
}

static void
configure (BmSyncTransport *self, CURL *c, const char *url, Exchange *xp)
{
  curl_easy_reset (c);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, self->plain_http ? "http" : "https");
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (self->ca_file)
    {
      curl_easy_setopt (c, CURLOPT_CAINFO, self->ca_file);
      curl_easy_setopt (c, CURLOPT_CAPATH, NULL);
    }
  if (self->pin)
    curl_easy_setopt (c, CURLOPT_PINNEDPUBLICKEY, self->pin);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  {
    /* Every request ends: connect, crawl and total bounds, and never past
     * the run's deadline (a server that accepts and never answers, or
     * answers a byte a second, must not hold the run). */
    gint64 total_ms = (gint64) MAX (self->limits.request_s, 1) * 1000;
    if (self->limits.deadline > 0)
      total_ms = CLAMP ((self->limits.deadline - g_get_monotonic_time ()) / 1000, 1, total_ms);
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) MIN ((gint64) MAX (self->limits.connect_s, 1) * 1000, total_ms));
    curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, (long) MAX (self->limits.low_speed_bytes, 1));
    curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, (long) MAX (self->limits.low_speed_s, 1));
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) total_ms);
  }
  curl_easy_setopt (c, CURLOPT_USERAGENT, "baoming/" PACKAGE_VERSION);
  curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, xp);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, xp);
  curl_easy_setopt (c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (c, CURLOPT_XFERINFODATA, xp);
  curl_easy_setopt (c, CURLOPT_NOPROGRESS, 0L);
}

gboolean
bm_sync_transport_request (BmSyncTransport *self, const char *method, const char *path, GBytes *body,
                           const char *content_type, BmSyncResponse *response, GCancellable *cancellable,
                           GError **error)
{
  g_autofree char *url = g_strconcat (self->base, path, NULL);
  g_autofree char *ctype = NULL;
  struct curl_slist *headers = NULL;
  Exchange x = { g_byte_array_new (), 0, cancellable, FALSE, FALSE };
  gsize body_len = 0;
  const void *body_data = body ? g_bytes_get_data (body, &body_len) : NULL;
  CURL *c = self->curl;
  CURLcode rc;

  memset (response, 0, sizeof *response);
  self->stall = NULL;
  configure (self, c, url, &x);

  if (self->auth_header)
    headers = curl_slist_append (headers, self->auth_header);
  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");
  if (body != NULL)
    {
      ctype = g_strconcat ("Content-Type: ", content_type ? content_type : "application/json", NULL);
      headers = curl_slist_append (headers, ctype);
    }
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);

  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (c, CURLOPT_NOBODY, 1L);
  else if (g_str_equal (method, "GET"))
    curl_easy_setopt (c, CURLOPT_HTTPGET, 1L);
  else
    {
      curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body_data ? body_data : "");
    }

  rc = curl_easy_perform (c);
  curl_slist_free_all (headers);
  self->requests++;
  if (rc != CURLE_OK)
    {
      note_stall (self, c, rc, &x);
      g_byte_array_unref (x.data);
      set_curl_error (rc, x.too_big, error);
      return FALSE;
    }
  self->bytes_sent += body_len;
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &response->status);
  response->retry_after = x.retry_after;
  response->body = g_byte_array_free_to_bytes (x.data);
  return TRUE;
}

typedef struct {
  CURL              *easy;
  Exchange           x;
  struct curl_slist *headers;
  char              *url;
  char              *ctype;
  guint              item;
  gboolean           busy;
} Slot;

static void
slot_finish (BmSyncTransport *self, Slot *slot)
{
  curl_multi_remove_handle (self->multi, slot->easy);
  curl_slist_free_all (slot->headers);
  slot->headers = NULL;
  g_clear_pointer (&slot->url, g_free);
  g_clear_pointer (&slot->ctype, g_free);
  g_clear_pointer (&slot->x.data, g_byte_array_unref);
  slot->busy = FALSE;
}

/* PUT several bodies over up to @parallel connections at once: photo
 * uploads are many small, independent requests, and one at a time leaves
 * the line idle during every round trip. A transport failure of one item
 * only leaves its status 0 (the caller retries it with back-off); TLS, pin
 * and cancellation stop everything and return FALSE. */
gboolean
bm_sync_transport_put_many (BmSyncTransport *self, BmSyncPut *items, guint n, guint parallel,
                            GCancellable *cancellable, GError **error)
{
  Slot slots[BM_SYNC_MAX_PARALLEL] = { 0 };
  guint next = 0, active = 0;
  GError *fatal = NULL;

  parallel = CLAMP (parallel, 1, BM_SYNC_MAX_PARALLEL);
  self->stall = NULL;
  if (self->multi == NULL)
    {
      self->multi = curl_multi_init ();
      curl_multi_setopt (self->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) BM_SYNC_MAX_PARALLEL);
    }
  for (guint i = 0; i < parallel; i++)
    {
      if (self->pool[i] == NULL)
        self->pool[i] = curl_easy_init ();
      slots[i].easy = self->pool[i];
    }
  for (guint i = 0; i < n; i++)
    {
      items[i].status = 0;
      items[i].answer = NULL;
    }

  while ((next < n && fatal == NULL) || active > 0)
    {
      CURLMsg *msg;
      int running, left;

      for (guint i = 0; i < parallel && next < n && fatal == NULL; i++)
        {
          Slot *slot = &slots[i];
          gsize len;
          const void *data;

          if (slot->busy)
            continue;
          slot->item = next++;
          slot->busy = TRUE;
          slot->url = g_strconcat (self->base, items[slot->item].path, NULL);
          slot->x = (Exchange) { g_byte_array_new (), 0, cancellable, FALSE, FALSE };
          configure (self, slot->easy, slot->url, &slot->x);
          if (self->auth_header)
            slot->headers = curl_slist_append (slot->headers, self->auth_header);
          slot->headers = curl_slist_append (slot->headers, "Expect:");
          slot->ctype = g_strconcat ("Content-Type: ", items[slot->item].content_type ? items[slot->item].content_type
                                                                                      : "image/jpeg", NULL);
          slot->headers = curl_slist_append (slot->headers, slot->ctype);
          curl_easy_setopt (slot->easy, CURLOPT_HTTPHEADER, slot->headers);
          data = g_bytes_get_data (items[slot->item].body, &len);
          curl_easy_setopt (slot->easy, CURLOPT_CUSTOMREQUEST,
                            items[slot->item].method ? items[slot->item].method : "PUT");
          curl_easy_setopt (slot->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) len);
          curl_easy_setopt (slot->easy, CURLOPT_POSTFIELDS, data);
          curl_easy_setopt (slot->easy, CURLOPT_PRIVATE, slot);
          curl_multi_add_handle (self->multi, slot->easy);
          active++;
        }
      curl_multi_perform (self->multi, &running);
      while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
        {
          Slot *slot = NULL;

          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
          self->requests++;
          if (msg->data.result == CURLE_OK)
            {
              gsize len = g_bytes_get_size (items[slot->item].body);
              curl_easy_getinfo (slot->easy, CURLINFO_RESPONSE_CODE, &items[slot->item].status);
              items[slot->item].answer = g_bytes_new (slot->x.data->data, slot->x.data->len);
              self->bytes_sent += len;
            }
          else
            {
              g_autoptr(GError) e = NULL;
              note_stall (self, slot->easy, msg->data.result, &slot->x);
              set_curl_error (msg->data.result, slot->x.too_big, &e);
              if (fatal == NULL && !g_error_matches (e, BM_SYNC_ERROR, BM_SYNC_ERROR_NETWORK))
                fatal = g_steal_pointer (&e);
            }
          slot_finish (self, slot);
          active--;
        }
      if (active > 0)
        curl_multi_poll (self->multi, NULL, 0, 100, NULL);
      if (g_cancellable_is_cancelled (cancellable) && fatal == NULL)
        g_set_error (&fatal, BM_SYNC_ERROR, BM_SYNC_ERROR_CANCELLED, _("Sync was cancelled."));
      if (fatal != NULL)
        for (guint i = 0; i < parallel; i++)
          if (slots[i].busy)
            {
              slot_finish (self, &slots[i]);
              active--;
            }
    }
  if (fatal != NULL)
    {
      g_propagate_error (error, fatal);
      return FALSE;
    }
  return TRUE;
}
