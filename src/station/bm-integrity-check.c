/* The daily full check of the store (issue 17), off the start path: a
 * while after the station starts, if today's check has not run, PRAGMA
 * integrity_check runs on a worker thread with its own read-only
 * connection, and its verdict is recorded through the writer. A store
 * found damaged is refused from its next open on (bm-store.c, cheap_check),
 * and `baoming-cli db check` runs the same check on request. */

#include "bm-config.h"

#include "bm-error.h"
#include "bm-integrity-check.h"

typedef struct {
  char *path;
  BmStoreWriter *writer;
  gboolean ok;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->path);
  g_clear_object (&check->writer);
  g_free (check);
}

static void
run_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Check *check = data;
  g_autoptr(GError) error = NULL;

  check->ok = bm_store_run_integrity_check (check->path, &error);
  if (!check->ok && !g_error_matches (error, BM_ERROR, BM_ERROR_STORE_DAMAGED))
    {
      /* Could not check (busy, I/O): no verdict; tomorrow's start tries again. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!check->ok)
    g_warning ("The daily integrity check found the database damaged: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static gboolean
record (BmStore *store, gpointer data, GError **error)
{
  return bm_store_record_integrity_check (store, GPOINTER_TO_INT (data), error);
}

static void
on_recorded (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error))
    g_warning ("The daily integrity check could not be recorded: %s", error->message);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("The daily integrity check did not run: %s", error->message);
      return;
    }
  bm_store_writer_write_async (check->writer, record, GINT_TO_POINTER (check->ok), NULL, NULL, on_recorded, NULL);
}

static gboolean
start_check (gpointer data)
{
  Check *check = data;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_checked, NULL);
  Check *copy = g_new0 (Check, 1);

  copy->path = g_strdup (check->path);
  copy->writer = g_object_ref (check->writer);
  g_task_set_task_data (task, copy, check_free);
  g_task_run_in_thread (task, run_in_thread);
  return G_SOURCE_REMOVE;
}

/* Schedules today's full check @delay_seconds from now, if it is due;
 * returns the timeout's id (0 if not due), for g_source_remove(). */
guint
bm_integrity_check_schedule (BmStore *store, BmStoreWriter *writer, guint delay_seconds)
{
  Check *check;

  if (!bm_store_integrity_check_due (store))
    return 0;
  check = g_new0 (Check, 1);
  check->path = g_strdup (bm_store_get_path (store));
  check->writer = g_object_ref (writer);
  return g_timeout_add_seconds_full (G_PRIORITY_LOW, delay_seconds, start_check, check, check_free);
}
