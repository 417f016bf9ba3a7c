/* bm-print-settle.c: print intents left behind by a process that died.
 *
 * A print is recorded as an intent (print_log row, outcome "submitting")
 * before the job goes to CUPS. When the process is killed after that, the
 * paper may exist while the log says nothing: at the next start CUPS is
 * asked what became of the job, found by id or by the "[bm:TAG]" its title
 * carries, and the intent is settled with that outcome, audited per record.
 * A job that has not reached paper yet (pending, held, stopped) is
 * cancelled: nobody is standing at the printer for it any more, and login
 * cards with passwords must not come out unseen. See docs/printing.md. */
#include "bm-config.h"

#include <cups/cups.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "bm-print-settle.h"

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
static char *
process_start_time (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  /* comm (field 2) may contain spaces: count from its closing parenthesis. */
  after_comm = strrchr (text, ')');
  if (after_comm == NULL)
    return NULL;
  fields = g_strsplit (after_comm + 2, " ", 0);
  /* fields[0] is field 3 (state), so field 22 is fields[19]. */
  if (g_strv_length (fields) < 20)
    return NULL;
  return g_strdup (fields[19]);
}

char *
bm_print_owner_self (void)
{
  g_autofree char *start = process_start_time (getpid ());

  return g_strdup_printf ("%d:%s", (int) getpid (), start ? start : "?");
}

gboolean
bm_print_owner_alive (const char *owner)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *start = NULL;
  gint64 pid;

  if (owner == NULL)
    return FALSE;
  parts = g_strsplit (owner, ":", 2);
  if (g_strv_length (parts) != 2 || !g_ascii_string_to_signed (parts[0], 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;
  start = process_start_time ((pid_t) pid);
  return start != NULL && g_str_equal (start, parts[1]);
}

static const cups_job_t *
find_job (const cups_job_t *jobs,
          int               n_jobs,
          const BmPrintIntent *intent)
{
  g_autofree char *mark = g_strdup_printf ("[bm:%s]", intent->intent);

  /* The tag must match too: a restarted cupsd with a fresh state directory
   * hands out the same job ids again. */
  for (int i = 0; i < n_jobs; i++)
    if ((intent->job_id <= 0 || jobs[i].id == intent->job_id)
        && jobs[i].title != NULL && strstr (jobs[i].title, mark) != NULL)
      return &jobs[i];
  return NULL;
}

gboolean
bm_print_settle (BmStore  *store,
                 guint    *n_settled,
                 guint    *n_waiting,
                 GError  **error)
{
  g_autoptr(GPtrArray) intents = bm_store_print_intents_unsettled (store, error);
  cups_job_t *jobs = NULL;
  int n_jobs;
  guint settled = 0, waiting = 0;
  gboolean ok = TRUE;

  if (intents == NULL)
    return FALSE;
  if (n_settled != NULL)
    *n_settled = 0;
  if (n_waiting != NULL)
    *n_waiting = 0;
  if (intents->len == 0)
    return TRUE;

  n_jobs = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, NULL, 0, CUPS_WHICHJOBS_ALL);
  if (n_jobs < 0)
    {
      /* Without CUPS nothing can be known: the intents wait for the next
       * start, and nothing new prints now anyway. */
      if (n_waiting != NULL)
        *n_waiting = intents->len;
      return TRUE;
    }

  for (guint i = 0; ok && i < intents->len; i++)
    {
      const BmPrintIntent *intent = intents->pdata[i];
      const cups_job_t *job;
      g_autofree char *detail = NULL;
      const char *outcome;
      int job_id = intent->job_id;

      if (bm_print_owner_alive (intent->owner))
        {
          waiting++;   /* still being printed by a live process */
          continue;
        }
      job = find_job (jobs, n_jobs, intent);
      if (job == NULL)
        {
          outcome = intent->job_id > 0 ? "unknown" : "failed";
          detail = intent->job_id > 0
                   ? g_strdup_printf (_("Settled at start: CUPS no longer knows job %d, so whether it printed is unknown."),
                                      intent->job_id)
                   : g_strdup (_("Settled at start: the program stopped before the job reached the printer."));
        }
      else
        {
          job_id = job->id;
          switch (job->state)
            {
            case IPP_JSTATE_COMPLETED:
              outcome = "completed";
              detail = g_strdup_printf (_("Settled at start: CUPS completed job %d."), job->id);
              break;
            case IPP_JSTATE_ABORTED:
              outcome = "aborted";
              detail = g_strdup_printf (_("Settled at start: CUPS aborted job %d."), job->id);
              break;
            case IPP_JSTATE_CANCELED:
              outcome = "canceled";
              detail = g_strdup_printf (_("Settled at start: job %d was cancelled."), job->id);
              break;
            case IPP_JSTATE_PROCESSING:
              waiting++;   /* on paper right now: its end is known next time */
              continue;
            case IPP_JSTATE_PENDING:
            case IPP_JSTATE_HELD:
            case IPP_JSTATE_STOPPED:
            default:
              cupsCancelJob2 (CUPS_HTTP_DEFAULT, job->dest, job->id, 0);
              outcome = "canceled";
              detail = g_strdup_printf (_("Settled at start: job %d had not printed when the program that sent it stopped; it was cancelled."),
                                        job->id);
              break;
            }
        }
      ok = bm_store_print_intent_settle (store, intent->log_id, job_id, job ? job->dest : NULL,
                                         outcome, detail, TRUE, error);
      if (ok)
        settled++;
    }
  cupsFreeJobs (n_jobs, jobs);
  if (n_settled != NULL)
    *n_settled = settled;
  if (n_waiting != NULL)
    *n_waiting = waiting;
  return ok;
}
