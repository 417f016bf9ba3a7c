/* bm-province: development provincial server (HTTPS, libmicrohttpd + GnuTLS).
 * See tests/province/README.md for usage. */
#include "province.h"

#include "bm-package.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GMutex lock;   /* one request at a time touches the SQLite connection */
static gint stopping;  /* SIGTERM: hostile faults let go of their connections */

typedef struct
{
  GByteArray *body;
  gboolean    too_big;
} Request;

typedef struct
{
  char  *data;
  gsize  len;
  gsize  cut;
} Truncated;

static ssize_t
truncated_read (void *cls, uint64_t pos, char *buf, size_t max)
{
  Truncated *t = cls;
  gsize n;

  if (pos >= t->cut)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  n = MIN (max, t->cut - pos);
  memcpy (buf, t->data + pos, n);
  return n;
}

static void
truncated_free (void *cls)
{
  Truncated *t = cls;
  g_free (t->data);
  g_free (t);
}

/* slow: the answer at one byte per p1 ms (1000 if 0), a slow-loris server. */
typedef struct
{
  char  *data;
  gsize  len;
  int    ms;
} Slow;

static ssize_t
slow_read (void *cls, uint64_t pos, char *buf, size_t max)
{
  Slow *s = cls;

  if (pos >= s->len)
    return MHD_CONTENT_READER_END_OF_STREAM;
  for (int waited = 0; waited < s->ms; waited += 50)
    {
      if (g_atomic_int_get (&stopping))
        return MHD_CONTENT_READER_END_WITH_ERROR;
      g_usleep (50 * 1000);
    }
  buf[0] = s->data[pos];
  return 1;
}

static void
slow_free (void *cls)
{
  Slow *s = cls;
  g_free (s->data);
  g_free (s);
}

/* deep: an answer that is valid JSON nested p1 deep (100000 if 0): about
 * 200 KB for the default, which a recursive parser cannot survive. */
static char *
deep_answer (int depth)
{
  GString *out = g_string_sized_new (2 * depth + 64);

  g_string_append (out, "{\"changes\":");
  for (int i = 0; i < depth; i++)
    g_string_append_c (out, '[');
  for (int i = 0; i < depth; i++)
    g_string_append_c (out, ']');
  g_string_append (out, ",\"next_cursor\":\"0\",\"more\":false,\"results\":[]}");
  return g_string_free (out, FALSE);
}

/* endless (changes feed): a page that looks right but never ends.
 * p1 0: the cursor never moves; 1: it moves on one each page, for ever;
 * 2: garbled (a change without its seq). */
static char *
endless_answer (int mode, const char *cursor)
{
  gint64 at = cursor && *cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
  gint64 next = mode == 1 ? at + 1 : at;

  if (mode == 2)
    return g_strdup ("{\"changes\":[{\"kind\":\"noop\"}],\"next_cursor\":\"1\",\"more\":true}");
  return g_strdup_printf ("{\"changes\":[{\"kind\":\"noop\",\"seq\":%" G_GINT64_FORMAT "}],"
                          "\"next_cursor\":\"%" G_GINT64_FORMAT "\",\"more\":true}", next, next);
}

static ProvinceFault *
find_fault (GList *faults, const char *kind)
{
  for (GList *l = faults; l; l = l->next)
    if (g_strcmp0 (((ProvinceFault *) l->data)->kind, kind) == 0)
      return l->data;
  return NULL;
}

static enum MHD_Result
handler (void *cls, struct MHD_Connection *c, const char *url, const char *method,
         const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
  Province *p = cls;
  Request *req = *con_cls;
  GList *faults;
  ProvinceFault *f;
  ProvinceReply reply = { 0 };
  struct MHD_Response *resp;
  g_autoptr(GBytes) body = NULL;
  enum MHD_Result ret;

  if (req == NULL)
    {
      req = g_new0 (Request, 1);
      req->body = g_byte_array_new ();
      *con_cls = req;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      if (req->body->len + *upload_data_size > PROVINCE_MAX_BODY)
        req->too_big = TRUE;
      else
        g_byte_array_append (req->body, (const guint8 *) upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }

  g_mutex_lock (&lock);
  faults = province_fault_take (p, province_endpoint_name (url));
  g_mutex_unlock (&lock);

  if ((f = find_fault (faults, "delay")) != NULL)
    g_usleep ((gulong) f->p1 * 1000);
  if ((f = find_fault (faults, "silent")) != NULL)
    {
      /* Take the request and say nothing for p1 s (an hour if 0), then drop
       * the connection. */
      gint64 end = g_get_monotonic_time () + (gint64) (f->p1 > 0 ? f->p1 : 3600) * G_USEC_PER_SEC;
      g_message ("%s %s -> silence", method, url);
      while (g_get_monotonic_time () < end && !g_atomic_int_get (&stopping))
        g_usleep (50 * 1000);
      g_list_free_full (faults, (GDestroyNotify) province_fault_free);
      return MHD_NO;
    }
  if (find_fault (faults, "close_before"))
    {
      g_list_free_full (faults, (GDestroyNotify) province_fault_free);
      return MHD_NO;
    }

  body = g_bytes_new (req->body->data, req->body->len);
  g_mutex_lock (&lock);
  if (req->too_big)
    {
      reply.status = 413;
      reply.body = g_strdup ("{\"error\":{\"code\":\"too_large\",\"message\":\"body too large\"}}");
      reply.content_type = g_strdup ("application/json");
    }
  else
    province_handle (p, method, url,
                     MHD_lookup_connection_value (c, MHD_GET_ARGUMENT_KIND, "cursor"),
                     MHD_lookup_connection_value (c, MHD_GET_ARGUMENT_KIND, "limit"),
                     MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
                     body, faults, &reply);
  g_mutex_unlock (&lock);
  if ((f = find_fault (faults, "deep")) != NULL && reply.status == 200)
    {
      g_free (reply.body);
      reply.body = deep_answer (f->p1 > 0 ? f->p1 : 100000);
    }
  if ((f = find_fault (faults, "endless")) != NULL && reply.status == 200)
    {
      g_free (reply.body);
      reply.body = endless_answer (f->p1, MHD_lookup_connection_value (c, MHD_GET_ARGUMENT_KIND, "cursor"));
    }
  g_message ("%s %s -> %d", method, url, reply.status);

  if (find_fault (faults, "close_after"))
    {
      province_reply_clear (&reply);
      g_list_free_full (faults, (GDestroyNotify) province_fault_free);
      return MHD_NO;
    }
  if (find_fault (faults, "truncate") && reply.body != NULL && strlen (reply.body) > 1)
    {
      Truncated *t = g_new0 (Truncated, 1);
      t->len = strlen (reply.body);
      t->cut = t->len / 2;
      t->data = g_steal_pointer (&reply.body);
      resp = MHD_create_response_from_callback (t->len, 4096, truncated_read, t, truncated_free);
    }
  else if ((f = find_fault (faults, "slow")) != NULL && reply.body != NULL)
    {
      Slow *s = g_new0 (Slow, 1);
      s->len = strlen (reply.body);
      s->ms = f->p1 > 0 ? f->p1 : 1000;
      s->data = g_steal_pointer (&reply.body);
      resp = MHD_create_response_from_callback (s->len, 1, slow_read, s, slow_free);
    }
  else
    {
      const char *text = reply.body ? reply.body : "";
      resp = MHD_create_response_from_buffer (strlen (text), (void *) text, MHD_RESPMEM_MUST_COPY);
    }
  if (reply.content_type)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type);
  MHD_add_response_header (resp, "X-Baoming-Protocol", "1.4");
  if (reply.retry_after > 0)
    {
      char buf[16];
      g_snprintf (buf, sizeof buf, "%d", reply.retry_after);
      MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, buf);
    }
  ret = MHD_queue_response (c, reply.status, resp);
  MHD_destroy_response (resp);
  province_reply_clear (&reply);
  g_list_free_full (faults, (GDestroyNotify) province_fault_free);
  return ret;
}

static void
completed (void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  Request *req = *con_cls;

  if (req == NULL)
    return;
  g_byte_array_unref (req->body);
  g_free (req);
  *con_cls = NULL;
}

/* MHD writes the TLS headers and body separately; with Nagle on, the body
 * waits for the client's delayed ACK (40 ms per request on loopback). */
static void
on_connection (void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
  const union MHD_ConnectionInfo *info;
  int one = 1;

  if (code != MHD_CONNECTION_NOTIFY_STARTED)
    return;
  info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (info != NULL)
    setsockopt (info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static gboolean
quit_cb (gpointer data)
{
  g_atomic_int_set (&stopping, 1);
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
serve (Province *p, const char *cert, const char *key, int port, const char *port_file)
{
  g_autofree char *cert_pem = NULL, *key_pem = NULL;
  g_autoptr(GError) err = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct MHD_Daemon *d;
  const union MHD_DaemonInfo *info;

  if (!g_file_get_contents (cert, &cert_pem, NULL, &err) || !g_file_get_contents (key, &key_pem, NULL, &err))
    {
      g_printerr ("bm-province: %s\n", err->message);
      return 1;
    }
  inet_pton (AF_INET, "127.0.0.1", &sa.sin_addr);
  d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_TLS
                        | MHD_USE_ERROR_LOG,
                        0, NULL, NULL, handler, p,
                        MHD_OPTION_SOCK_ADDR, &sa,
                        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int) 1,
                        MHD_OPTION_HTTPS_MEM_KEY, key_pem,
                        MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 60,
                        MHD_OPTION_END);
  if (d == NULL)
    {
      g_printerr ("bm-province: cannot listen on 127.0.0.1:%d\n", port);
      return 1;
    }
  info = MHD_get_daemon_info (d, MHD_DAEMON_INFO_BIND_PORT);
  g_printerr ("bm-province: listening on https://127.0.0.1:%u/\n", info->port);
  if (port_file != NULL)
    {
      g_autofree char *tmp = g_strconcat (port_file, ".tmp", NULL);
      g_autofree char *text = g_strdup_printf ("%u\n", info->port);
      if (!g_file_set_contents (tmp, text, -1, &err) || g_rename (tmp, port_file) != 0)
        {
          g_printerr ("bm-province: cannot write port file\n");
          MHD_stop_daemon (d);
          return 1;
        }
    }
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  MHD_stop_daemon (d);
  return 0;
}

static const char *
opt (int argc, char **argv, const char *name)
{
  for (int i = 0; i < argc - 1; i++)
    if (g_str_equal (argv[i], name))
      return argv[i + 1];
  return NULL;
}

static gboolean
flag (int argc, char **argv, const char *name)
{
  for (int i = 0; i < argc; i++)
    if (g_str_equal (argv[i], name))
      return TRUE;
  return FALSE;
}

static int
usage (void)
{
  g_printerr ("usage: bm-province --db FILE COMMAND ...\n"
              "  serve --cert PEM --key PEM [--port N] [--port-file F] [--token-ttl SECONDS] [--refuse-photo SHA]\n"
              "  provision SPEC.json\n"
              "  fill (--record UUID|NUMBER | --all) --fields JSON\n"
              "  review (--record UUID|NUMBER | --all) --decision approved|rejected|returned [--reason TEXT]\n"
              "  dump [--records]\n"
              "  fault add ENDPOINT KIND [--count N] [--p1 N] [--p2 N]\n"
              "  fault clear\n"
              "  import PACKAGE --receipt OUT [--point CODE]\n"
              "  key county-secret|county-public|province-public OUT\n");
  return 2;
}

int
main (int argc, char **argv)
{
  const char *db = opt (argc, argv, "--db");
  g_autoptr(GError) err = NULL;
  Province *p;
  int cmd = 1, rc = 0;

  if (db == NULL)
    return usage ();
  while (cmd < argc && g_str_has_prefix (argv[cmd], "--"))
    cmd += 2;
  if (cmd >= argc)
    return usage ();
  if ((p = province_open (db, &err)) == NULL)
    {
      g_printerr ("bm-province: %s\n", err->message);
      return 1;
    }
  g_chmod (db, 0600);
  argc -= cmd;
  argv += cmd;

  if (g_str_equal (argv[0], "serve"))
    {
      const char *cert = opt (argc, argv, "--cert"), *key = opt (argc, argv, "--key");
      const char *ttl = opt (argc, argv, "--token-ttl"), *port = opt (argc, argv, "--port");
      if (cert == NULL || key == NULL)
        rc = usage ();
      else
        {
          if (ttl)
            p->token_ttl = atoi (ttl);
          p->refuse_photo = g_strdup (opt (argc, argv, "--refuse-photo"));
          rc = serve (p, cert, key, port ? atoi (port) : 0, opt (argc, argv, "--port-file"));
        }
    }
  else if (g_str_equal (argv[0], "provision") && argc == 2)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, argv[1], &err)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
          || !province_provision (p, json_node_get_object (json_parser_get_root (parser)), &err))
        rc = 1;
    }
  else if (g_str_equal (argv[0], "fill"))
    {
      const char *fields = opt (argc, argv, "--fields");
      g_autoptr(JsonNode) n = fields ? json_from_string (fields, &err) : NULL;
      if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
        rc = err ? 1 : usage ();
      else if (!province_fill (p, opt (argc, argv, "--record"), json_node_get_object (n),
                               flag (argc, argv, "--all"), &err))
        rc = 1;
    }
  else if (g_str_equal (argv[0], "review"))
    {
      if (!province_review (p, opt (argc, argv, "--record"), opt (argc, argv, "--decision"),
                            opt (argc, argv, "--reason"), flag (argc, argv, "--all"), &err))
        rc = 1;
    }
  else if (g_str_equal (argv[0], "dump"))
    {
      g_autoptr(JsonNode) n = province_dump (p, flag (argc, argv, "--records"));
      g_autofree char *text = json_to_string (n, TRUE);
      g_print ("%s\n", text);
    }
  else if (g_str_equal (argv[0], "fault") && argc >= 2 && g_str_equal (argv[1], "clear"))
    rc = province_fault_clear (p, &err) ? 0 : 1;
  else if (g_str_equal (argv[0], "fault") && argc >= 4 && g_str_equal (argv[1], "add"))
    {
      const char *count = opt (argc, argv, "--count"), *p1 = opt (argc, argv, "--p1"), *p2 = opt (argc, argv, "--p2");
      if (!province_fault_add (p, argv[2], argv[3], count ? atoi (count) : 1, p1 ? atoi (p1) : 0,
                               p2 ? atoi (p2) : 0, &err))
        rc = 1;
    }
  else if (g_str_equal (argv[0], "import") && argc >= 4 && opt (argc, argv, "--receipt") != NULL)
    rc = province_import (p, argv[1], opt (argc, argv, "--point"), opt (argc, argv, "--receipt"), &err) ? 0 : 1;
  else if (g_str_equal (argv[0], "key") && argc == 3)
    {
      /* key county-secret | county-public | province-public (tests only) */
      g_auto(GStrv) w = g_strsplit (argv[1], "-", 2);
      g_autofree char *k = g_strv_length (w) == 2 ? province_key (p, w[0], g_str_equal (w[1], "secret")) : NULL;
      if (k == NULL || !g_file_set_contents (argv[2], k, -1, &err))
        rc = err ? 1 : usage ();
    }
  else
    rc = usage ();

  if (rc == 1 && err != NULL && err->domain == BM_PACKAGE_ERROR)
    g_printerr ("bm-province: %s: %s\n", bm_package_error_code (err), err->message);
  else if (rc == 1 && err != NULL)
    g_printerr ("bm-province: %s\n", err->message);
  province_close (p);
  return rc;
}
