/* bm-card-serial.c: SAM frames over a serial line (termios, raw, 8N1)
 *
 * Many readers are a USB-serial bridge (/dev/ttyUSB*, /dev/ttyACM*). A long
 * answer arrives in pieces; the assembler reads the 7-byte header, then
 * exactly LEN more bytes.
 */
#include "bm-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "bm-card-error.h"
#include "bm-card-serial.h"
#include "bm-sam-frame.h"

struct _BmCardSerial {
  int   fd;
  char *device;
};

static speed_t
speed_for (guint baud)
{
  switch (baud)
    {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return B0;
    }
}

BmCardSerial *
bm_card_serial_open (const char  *device,
                     guint        baud,
                     GError     **error)
{
  struct termios tio;
  speed_t speed = speed_for (baud);
  BmCardSerial *self;
  int fd;

  if (speed == B0)
    {
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_IO,
                   _("Unsupported serial speed %u."), baud);
      return NULL;
    }
  fd = open (device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                   _("The serial card reader %s cannot be opened: %s. Check the cable and the permissions (group dialout)."),
                   device, g_strerror (e));
      return NULL;
    }
  if (tcgetattr (fd, &tio) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                   _("%s is not a serial port: %s."), device, g_strerror (e));
      return NULL;
    }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (fd, TCSANOW, &tio) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_IO,
                   _("The serial port %s cannot be configured: %s."), device, g_strerror (e));
      return NULL;
    }
  tcflush (fd, TCIOFLUSH);

  self = g_new0 (BmCardSerial, 1);
  self->fd = fd;
  self->device = g_strdup (device);
  return self;
}

void
bm_card_serial_close (BmCardSerial *self)
{
  if (self == NULL)
    return;
  close (self->fd);
  g_free (self->device);
  g_free (self);
}

/* Waits for @events on the port or for cancellation, until @deadline. */
static gboolean
wait_fd (BmCardSerial  *self,
         short          events,
         gint64         deadline,
         GCancellable  *cancellable,
         GError       **error)
{
  struct pollfd fds[2] = { { self->fd, events, 0 }, { -1, POLLIN, 0 } };
  int nfds = 1;
  GPollFD cfd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cfd))
    {
      fds[1].fd = cfd.fd;
      nfds = 2;
    }
  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      int n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out_fail;
      if (left <= 0)
        {
          g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_TIMEOUT,
                               _("The card reader did not answer in time."));
          goto out_fail;
        }
      n = poll (fds, nfds, (int) MIN (left + 1, G_MAXINT));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_IO,
                       _("The card reader failed: %s"), g_strerror (e));
          goto out_fail;
        }
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        {
          g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                       _("The serial card reader %s was disconnected."), self->device);
          goto out_fail;
        }
      if (fds[0].revents & events)
        break;
    }
  if (nfds == 2)
    g_cancellable_release_fd (cancellable);
  return TRUE;

out_fail:
  if (nfds == 2)
    g_cancellable_release_fd (cancellable);
  return FALSE;
}

GBytes *
bm_card_serial_transceive (gpointer       user_data,
                           GBytes        *request,
                           guint          timeout_ms,
                           GCancellable  *cancellable,
                           GError       **error)
{
  BmCardSerial *self = user_data;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  static const guint8 preamble[5] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69 };
  g_autoptr(BmSamAssembler) a = bm_sam_assembler_new ();
  gsize len, off = 0, left;
  guint synced = 0;
  const guint8 *p;
  const guint8 *req = g_bytes_get_data (request, &len);

  /* Drop a late answer to an earlier, timed-out command. */
  tcflush (self->fd, TCIFLUSH);
  while (off < len)
    {
      ssize_t n;

      if (!wait_fd (self, POLLOUT, deadline, cancellable, error))
        return NULL;
      n = write (self->fd, req + off, len - off);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n < 0)
        {
          int e = errno;
          g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                       _("The serial card reader %s failed: %s."), self->device, g_strerror (e));
          return NULL;
        }
      off += n;
    }

  for (;;)
    {
      guint8 buf[512];
      gsize want = synced < sizeof preamble ? 1 : MIN (bm_sam_assembler_wanted (a), sizeof buf);
      ssize_t n;

      if (!wait_fd (self, POLLIN, deadline, cancellable, error))
        {
          /* Bytes arrived but not all of them: the answer was cut short. */
          if (g_error_matches (*error, BM_CARD_ERROR, BM_CARD_ERROR_TIMEOUT)
              && bm_sam_assembler_wanted (a) != BM_SAM_HEADER_LEN)
            {
              g_clear_error (error);
              g_set_error_literal (error, BM_CARD_ERROR, BM_CARD_ERROR_FRAME,
                                   _("The reader's answer was cut short. Try again."));
            }
          return NULL;
        }
      n = read (self->fd, buf, want);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        {
          int e = n < 0 ? errno : EIO;
          g_set_error (error, BM_CARD_ERROR, BM_CARD_ERROR_NO_READER,
                       _("The serial card reader %s failed: %s."), self->device, g_strerror (e));
          return NULL;
        }
      /* Hunt for the preamble first: bytes left over from a conversation
       * another program broke off may still be arriving after the flush. */
      p = buf;
      left = (gsize) n;
      while (synced < sizeof preamble && left > 0)
        {
          guint8 b = *p++;

          left--;
          if (b == preamble[synced])
            synced++;
          else if (b == 0xAA)
            synced = synced == 3 ? 3 : 1;   /* AA AA AA AA: still three */
          else
            synced = 0;
          if (synced == sizeof preamble
              && bm_sam_assembler_feed (a, preamble, sizeof preamble, NULL, error) == BM_SAM_FEED_ERROR)
            return NULL;
        }
      if (left == 0)
        continue;
      switch (bm_sam_assembler_feed (a, p, left, NULL, error))
        {
        case BM_SAM_FEED_COMPLETE:
          return bm_sam_assembler_take (a);
        case BM_SAM_FEED_ERROR:
          tcflush (self->fd, TCIFLUSH);
          return NULL;
        case BM_SAM_FEED_NEED_MORE:
        default:
          break;
        }
    }
}
