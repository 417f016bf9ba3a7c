/* bench-startup: time from exec to the first drawn frame of a program's
 * first top-level window, on the X display of the environment (run it under
 * tests/ui/xvfb-run.sh), and the program's memory once it has settled.
 *   bench-startup RUNS SETTLE_MS -- COMMAND [ARGS...]
 * "First drawn frame" is the first XDamage report on the first top-level
 * window mapped after the exec: the same measure for any X client, so
 * baoming and a reference program (gnome-text-editor) compare directly.
 * When the program prints "BM_FIRST_FRAME <monotonic µs>" (baoming does with
 * BM_BENCH_FIRST_FRAME=1), that time is reported too.
 * After SETTLE_MS the program's VmRSS is read and the program is ended.
 * Prints one line per run and a median line:
 *   median: frame <ms> ms, marker <ms> ms, rss <KiB> KiB */

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long
read_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

/* The window may be gone by the time its damage is dropped: not an error here. */
static int
ignore_x_error (Display *dpy, XErrorEvent *event)
{
  return 0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n ? v[n / 2] : -1;
}

int
main (int argc, char **argv)
{
  int runs, settle_ms, damage_event, damage_error;
  Display *dpy;
  double frames[64], markers[64], rss[64];

  if (argc < 5 || !g_str_equal (argv[3], "--"))
    {
      g_printerr ("usage: bench-startup RUNS SETTLE_MS -- COMMAND [ARGS...]\n");
      return 2;
    }
  runs = CLAMP (atoi (argv[1]), 1, 64);
  settle_ms = atoi (argv[2]);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL || !XDamageQueryExtension (dpy, &damage_event, &damage_error))
    {
      g_printerr ("bench-startup: no X display with the DAMAGE extension\n");
      return 1;
    }
  XSetErrorHandler (ignore_x_error);
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  XSync (dpy, False);

  for (int r = 0; r < runs; r++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0, frame_us = -1, marker_us = -1, deadline;
      GPid pid;
      int out_fd, status;
      Window window = None;
      Damage damage = None;
      GString *out = g_string_new (NULL);

      t0 = g_get_monotonic_time ();
      if (!g_spawn_async_with_pipes (NULL, argv + 4, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                     NULL, NULL, &pid, NULL, &out_fd, NULL, &error))
        {
          g_printerr ("bench-startup: %s\n", error->message);
          return 1;
        }
      deadline = t0 + 120 * G_USEC_PER_SEC;
      while ((frame_us < 0 || (marker_us < 0 && out_fd >= 0 && g_getenv ("BM_BENCH_FIRST_FRAME")))
             && g_get_monotonic_time () < deadline)
        {
          struct pollfd fds[2] = { { ConnectionNumber (dpy), POLLIN, 0 }, { out_fd, POLLIN, 0 } };

          if (XPending (dpy) == 0)
            poll (fds, out_fd >= 0 ? 2 : 1, 100);
          while (XPending (dpy) > 0)
            {
              XEvent ev;

              XNextEvent (dpy, &ev);
              if (ev.type == MapNotify && window == None && !ev.xmap.override_redirect)
                {
                  window = ev.xmap.window;
                  damage = XDamageCreate (dpy, window, XDamageReportNonEmpty);
                }
              else if (ev.type == damage_event + XDamageNotify && window != None && frame_us < 0
                       && ((XDamageNotifyEvent *) &ev)->drawable == window)
                frame_us = g_get_monotonic_time () - t0;
            }
          if (out_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)))
            {
              char buf[256];
              ssize_t got = read (out_fd, buf, sizeof buf - 1);
              const char *mark;

              if (got <= 0)
                {
                  close (out_fd);
                  out_fd = -1;
                  continue;
                }
              g_string_append_len (out, buf, got);
              if (marker_us < 0 && (mark = strstr (out->str, "BM_FIRST_FRAME ")) != NULL && strchr (mark, '\n'))
                marker_us = g_ascii_strtoll (mark + 15, NULL, 10) - t0;
            }
        }
      g_usleep (settle_ms * 1000);
      rss[r] = read_rss_kib (pid);
      frames[r] = frame_us / 1000.0;
      markers[r] = marker_us / 1000.0;
      printf ("run %d: frame %.0f ms, marker %.0f ms, rss %.0f KiB\n", r + 1, frames[r], markers[r], rss[r]);
      fflush (stdout);
      if (damage != None)
        XDamageDestroy (dpy, damage);
      kill (pid, SIGTERM);
      for (int i = 0; i < 50 && waitpid (pid, &status, WNOHANG) == 0; i++)
        g_usleep (100 * 1000);
      if (waitpid (pid, &status, WNOHANG) == 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
        }
      if (out_fd >= 0)
        close (out_fd);
      g_string_free (out, TRUE);
      /* Forget the windows of this run before the next one. */
      XSync (dpy, True);
    }
  printf ("median: frame %.0f ms, marker %.0f ms, rss %.0f KiB\n",
          median (frames, runs), median (markers, runs), median (rss, runs));
  return 0;
}
