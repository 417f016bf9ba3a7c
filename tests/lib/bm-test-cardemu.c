/* Talks to the card emulator (tests/pcsc/cardemu.py) started by
 * tests/pcsc/pcsc-harness.sh: "insert NAME", "remove", "inject …". */

#include "bm-config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "bm-test-cardemu.h"

gboolean
bm_test_cardemu (const char *command)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) addr = g_unix_socket_address_new (g_getenv ("BM_TEST_CARDEMU_CTL"));
  g_autoptr(GSocketConnection) conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr), NULL, NULL);
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  char answer[256] = { 0 };

  if (conn == NULL)
    return FALSE;
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), line, strlen (line), NULL, NULL, NULL);
  g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), answer, sizeof answer - 1, NULL, NULL);
  return g_str_has_prefix (answer, "ok");
}

void
bm_test_pcsc_ctl (const char *what)
{
  const char *argv[] = { g_getenv ("BM_TEST_PCSC_CTL"), what, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}
