/* The station's writes off the main thread. A commit with
 * synchronous=FULL waits for fsync, and a write may wait for the sync
 * worker's transaction: on the main thread both stall the counter page
 * (tests/bench/bench-stall measured up to 241 ms). The writer runs every
 * write on one thread of its own, with its own connection, in the order
 * they were asked for (a record before its photo); the main thread keeps
 * its connection for reads. Committed changes are announced as
 * BmStoreWriter::store-changed on the context that made the writer. */

#include "bm-config.h"

#include "bm-store-writer.h"

struct _BmStoreWriter {
  GObject       parent_instance;
  char         *path;
  gboolean      training;
  BmStore      *store;      /* opened and used only on the writer thread */
  GThreadPool  *pool;       /* one thread: writes keep their order */
  GMainContext *context;
};

G_DEFINE_FINAL_TYPE (BmStoreWriter, bm_store_writer, G_TYPE_OBJECT)

enum { STORE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  BmStoreWriteFunc func;
  gpointer         data;
  GDestroyNotify   data_free;
} Write;

static void
write_free (Write *write)
{
  if (write->data_free != NULL)
    write->data_free (write->data);
  g_free (write);
}

typedef struct {
  BmStoreWriter *self;
  char          *kind;
  char          *uuid;
} Change;

static gboolean
emit_change (gpointer data)
{
  Change *change = data;

  g_signal_emit (change->self, signals[STORE_CHANGED], 0, change->kind, change->uuid);
  g_object_unref (change->self);
  g_free (change->kind);
  g_free (change->uuid);
  g_free (change);
  return G_SOURCE_REMOVE;
}

/* On the writer thread, after a commit. */
static void
on_store_changed (BmStore *store, const char *kind, const char *uuid, BmStoreWriter *self)
{
  Change *change = g_new0 (Change, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  change->self = g_object_ref (self);
  change->kind = g_strdup (kind);
  change->uuid = g_strdup (uuid);
  /* A source, not g_main_context_invoke(), which would run it here. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_change, change, NULL);
  g_source_attach (source, self->context);
}

static void
run_write (gpointer data, gpointer user_data)
{
  g_autoptr(GTask) task = data;
  BmStoreWriter *self = g_task_get_source_object (task);
  Write *write = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->store == NULL)
    {
      /* Opened here, off the main thread; a failure is this write's error
       * and the next write tries again. */
      self->store = bm_store_open (self->path, self->training, &error);
      if (self->store == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_signal_connect (self->store, "changed", G_CALLBACK (on_store_changed), self);
    }
  if (write->func (self->store, write->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
bm_store_writer_finalize (GObject *object)
{
  BmStoreWriter *self = BM_STORE_WRITER (object);

  /* Every queued write holds a reference, so the pool is idle here. */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_free (self->path);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (bm_store_writer_parent_class)->finalize (object);
}

static void
bm_store_writer_class_init (BmStoreWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_store_writer_finalize;

  /**
   * BmStoreWriter::store-changed:
   * @kind: the change, as BmStore::changed names it
   * @uuid: (nullable): the record
   *
   * A write committed a change; delivered on the context that made the
   * writer, before the write's callback.
   */
  signals[STORE_CHANGED] = g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
bm_store_writer_init (BmStoreWriter *self)
{
}

/**
 * bm_store_writer_new:
 * @path: the store file, already opened (and so checked and migrated) by
 *   the station's main connection
 * @training: the store's mode
 *
 * Returns: (transfer full): a writer; it opens its own connection with the
 *   first write
 */
BmStoreWriter *
bm_store_writer_new (const char *path, gboolean training)
{
  BmStoreWriter *self = g_object_new (BM_TYPE_STORE_WRITER, NULL);

  self->path = g_strdup (path);
  self->training = training;
  self->context = g_main_context_ref_thread_default ();
  /* A non-exclusive pool starts its thread on demand and cannot fail. */
  self->pool = g_thread_pool_new (run_write, NULL, 1, FALSE, NULL);
  return self;
}

/**
 * bm_store_writer_write_async:
 * @func: the write, run on the writer's thread
 * @data: (nullable): passed to @func; owned by the writer from now on
 * @data_free: (nullable): frees @data once the write is done
 *
 * Queues a write behind those asked for before. Cancelling skips a write
 * that has not started; one that has started commits or fails as a whole.
 */
void
bm_store_writer_write_async (BmStoreWriter *self, BmStoreWriteFunc func, gpointer data, GDestroyNotify data_free,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  Write *write;

  g_return_if_fail (BM_IS_STORE_WRITER (self));
  g_return_if_fail (func != NULL);

  write = g_new0 (Write, 1);
  write->func = func;
  write->data = data;
  write->data_free = data_free;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bm_store_writer_write_async);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  /* The callback goes after the store-changed emissions of the write: both
   * are idle sources of the same priority, queued in order. */
  g_task_set_priority (task, G_PRIORITY_DEFAULT);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

gboolean
bm_store_writer_write_finish (BmStoreWriter *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  BmCandidate *candidate;
  char        *operator_name;
} AddCandidate;

static void
add_candidate_free (gpointer data)
{
  AddCandidate *add = data;

  g_object_unref (add->candidate);
  g_free (add->operator_name);
  g_free (add);
}

static gboolean
add_candidate_write (BmStore *store, gpointer data, GError **error)
{
  AddCandidate *add = data;

  return bm_store_add_candidate (store, add->candidate, add->operator_name, error);
}

/**
 * bm_store_writer_add_candidate_async:
 * @candidate: the record to store; the writer's thread fills in its number
 *   and password, so the caller reads it again only in @callback
 *
 * bm_store_add_candidate() on the writer's thread, as the counter and the
 * manual-entry page both register. Finish with bm_store_writer_write_finish().
 */
void
bm_store_writer_add_candidate_async (BmStoreWriter *self, BmCandidate *candidate, const char *operator_name,
                                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  AddCandidate *add = g_new0 (AddCandidate, 1);

  add->candidate = g_object_ref (candidate);
  add->operator_name = g_strdup (operator_name);
  bm_store_writer_write_async (self, add_candidate_write, add, add_candidate_free, cancellable, callback, user_data);
}
