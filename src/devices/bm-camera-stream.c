/* bm-camera-stream.c: mmap streaming on a worker thread, frame hand-off to
 * the main context and still capture. */
#define G_LOG_DOMAIN "app-camera"

#include "bm-config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "bm-camera-private.h"

typedef struct {
  guint skip;
  gulong handler;
  GCancellable *cancellable;
} CaptureData;

static void
capture_data_free (CaptureData *data)
{
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Called with the lock held; completes the capture tasks a new frame satisfies. */
static GList *
take_due_captures (BmCamera *self, gboolean all)
{
  GList *due = NULL;

  for (GList *l = self->captures; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;
      CaptureData *data = g_task_get_task_data (task);

      if (all || data->skip == 0)
        {
          self->captures = g_list_remove_link (self->captures, l);
          due = g_list_concat (due, l);
        }
      else
        data->skip--;
      l = next;
    }
  return due;
}

/* In the main context, outside the lock: disconnecting may wait for a
 * running cancel handler. */
static void
finish_captures (GList *tasks, const BmCameraFrame *frame, const GError *error)
{
  for (GList *l = tasks; l != NULL; l = l->next)
    {
      GTask *task = l->data;
      CaptureData *data = g_task_get_task_data (task);

      if (data->cancellable && data->handler)
        g_cancellable_disconnect (data->cancellable, data->handler);
      if (frame)
        g_task_return_pointer (task, bm_camera_frame_copy (frame), (GDestroyNotify) bm_camera_frame_free);
      else
        g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_list_free (tasks);
}

typedef struct {
  GList *tasks;
  BmCameraFrame *frame;
  GError *error;
} Delivery;

static void
delivery_free (Delivery *d)
{
  bm_camera_frame_free (d->frame);
  g_clear_error (&d->error);
  g_free (d);
}

static gboolean
dispatch_captures (gpointer user_data)
{
  Delivery *d = user_data;

  finish_captures (g_steal_pointer (&d->tasks), d->frame, d->error);
  return G_SOURCE_REMOVE;
}

static void post_delivery (BmCamera *self, GList *tasks, const BmCameraFrame *frame, const GError *error);

static gboolean
dispatch_frame (gpointer user_data)
{
  BmCamera *self = user_data;
  BmCameraFrame *frame;

  g_mutex_lock (&self->lock);
  frame = g_steal_pointer (&self->latest);
  self->dispatch_pending = FALSE;
  if (frame)
    self->delivered++;
  g_mutex_unlock (&self->lock);
  if (frame && self->state == BM_CAMERA_STATE_STREAMING)
    g_signal_emit_by_name (self, "frame", frame);
  bm_camera_frame_free (frame);
  return G_SOURCE_REMOVE;
}

static void teardown_stream (BmCamera *self);

static gboolean
dispatch_error (gpointer user_data)
{
  BmCamera *self = user_data;
  GError *error;

  g_mutex_lock (&self->lock);
  error = g_steal_pointer (&self->thread_error);
  g_mutex_unlock (&self->lock);
  if (error == NULL || self->state != BM_CAMERA_STATE_STREAMING)
    {
      g_clear_error (&error);
      return G_SOURCE_REMOVE;
    }
  g_info ("%s: %s", self->path, error->message);
  teardown_stream (self);
  g_clear_error (&self->error);
  self->error = error;
  _bm_camera_set_state (self, BM_CAMERA_STATE_FAILED);
  return G_SOURCE_REMOVE;
}

static void
post (BmCamera *self, GSourceFunc func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[bm-camera] dispatch");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Captures are completed in the main context: the worker must never drop
 * what may be the last reference to a task (and through it the camera). */
static void
post_delivery (BmCamera *self, GList *tasks, const BmCameraFrame *frame, const GError *error)
{
  Delivery *d = g_new0 (Delivery, 1);
  GSource *source = g_idle_source_new ();

  d->tasks = tasks;
  d->frame = frame ? bm_camera_frame_copy (frame) : NULL;
  d->error = error ? g_error_copy (error) : NULL;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch_captures, d, (GDestroyNotify) delivery_free);
  g_source_set_static_name (source, "[bm-camera] capture");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
thread_fail (BmCamera *self, GError *error)
{
  GList *due;

  g_mutex_lock (&self->lock);
  due = take_due_captures (self, TRUE);
  g_clear_error (&self->thread_error);
  self->thread_error = g_error_copy (error);
  g_mutex_unlock (&self->lock);
  if (due)
    post_delivery (self, due, NULL, error);
  post (self, dispatch_error);
  g_error_free (error);
}

static void
deliver (BmCamera *self, const struct v4l2_buffer *b)
{
  BmCameraFrame *frame = g_new0 (BmCameraFrame, 1), *copy;
  GList *due;

  frame->width = self->width;
  frame->height = self->height;
  frame->stride = self->stride;
  frame->sequence = b->sequence;
  frame->timestamp_us = g_get_monotonic_time ();
  frame->pixels = g_bytes_new (self->bufs[b->index].start, (gsize) self->stride * self->height);

  g_mutex_lock (&self->lock);
  due = take_due_captures (self, FALSE);
  /* copy under the lock: once unlocked the main context may free `frame` */
  copy = due ? bm_camera_frame_copy (frame) : NULL;
  if (self->latest)
    {
      /* the UI has not taken the previous one yet: it is stale now */
      self->dropped++;
      bm_camera_frame_free (self->latest);
    }
  self->latest = frame;
  if (!self->dispatch_pending)
    {
      self->dispatch_pending = TRUE;
      post (self, dispatch_frame);
    }
  g_mutex_unlock (&self->lock);
  if (due)
    {
      post_delivery (self, due, copy, NULL);
      bm_camera_frame_free (copy);
    }
}

static gpointer
stream_thread (gpointer user_data)
{
  BmCamera *self = user_data;
  gint64 last_frame = g_get_monotonic_time ();
  gsize expect = (gsize) self->stride * self->height;
  int eio = 0, shorts = 0;

  while (!g_atomic_int_get (&self->stop))
    {
      fd_set fds;
      struct timeval tv = { 0, 200 * 1000 };
      struct v4l2_buffer b;
      int r;

      FD_ZERO (&fds);
      FD_SET (self->fd, &fds);
      FD_SET (self->wake[0], &fds);
      r = select (MAX (self->fd, self->wake[0]) + 1, &fds, NULL, NULL, &tv);
      if (g_atomic_int_get (&self->stop))
        break;
      if (r < 0 && errno != EINTR)
        {
          thread_fail (self, g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_FAILED, "select: %s", g_strerror (errno)));
          return NULL;
        }
      if (g_get_monotonic_time () - last_frame > (gint64) self->frame_timeout_ms * 1000)
        {
          thread_fail (self, g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_TIMEOUT,
                                          _("Camera %s sent no picture for %u seconds. Unplug it, plug it in again and retry."),
                                          self->path, MAX (self->frame_timeout_ms / 1000, 1)));
          return NULL;
        }
      if (r <= 0 || !FD_ISSET (self->fd, &fds))
        continue;

      memset (&b, 0, sizeof b);
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      if (_bm_camera_xioctl (self->fd, VIDIOC_DQBUF, &b) != 0)
        {
          int err = errno;
          GError *error = NULL;

          if (err == EAGAIN)
            {
              /* ready yet nothing to dequeue (libv4l2 dropped a bad frame) */
              g_usleep (2000);
              continue;
            }
          /* EIO with the node still there: the camera answers, but with
           * damaged frames (libv4l2 also turns repeated decode errors into
           * EIO); an answer, so not a timeout */
          if (err == EIO && ++eio < BM_CAMERA_MAX_EIO && g_file_test (self->path, G_FILE_TEST_EXISTS))
            {
              last_frame = g_get_monotonic_time ();
              continue;
            }
          if (err == EIO && g_file_test (self->path, G_FILE_TEST_EXISTS))
            error = g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_BAD_FRAMES,
                                 _("Camera %s delivers only damaged pictures. Unplug it, plug it in again and retry."),
                                 self->path);
          else
            _bm_camera_set_errno_error (&error, err, self->path, "VIDIOC_DQBUF");
          thread_fail (self, error);
          return NULL;
        }
      eio = 0;
      /* a short frame is still a sign of life: it counts towards
       * BAD_FRAMES, not towards the timeout */
      last_frame = g_get_monotonic_time ();
      if (b.index >= (guint) self->nbufs)
        continue;
      if (b.bytesused < expect || (b.flags & V4L2_BUF_FLAG_ERROR))
        {
          (void) _bm_camera_xioctl (self->fd, VIDIOC_QBUF, &b);
          g_mutex_lock (&self->lock);
          self->dropped++;
          g_mutex_unlock (&self->lock);
          if (++shorts >= BM_CAMERA_MAX_SHORT)
            {
              thread_fail (self, g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_BAD_FRAMES,
                                              _("Camera %s delivers only incomplete pictures. Unplug it, plug it in again and retry."),
                                              self->path));
              return NULL;
            }
          continue;
        }
      shorts = 0;
      deliver (self, &b);
      if (_bm_camera_xioctl (self->fd, VIDIOC_QBUF, &b) != 0)
        {
          GError *error = NULL;
          _bm_camera_set_errno_error (&error, errno, self->path, "VIDIOC_QBUF");
          thread_fail (self, error);
          return NULL;
        }
    }
  return NULL;
}

static void
unmap_buffers (BmCamera *self)
{
  struct v4l2_requestbuffers req = { 0 };

  for (int i = 0; i < self->nbufs; i++)
    if (self->bufs[i].start && self->bufs[i].start != MAP_FAILED)
      v4l2_munmap (self->bufs[i].start, self->bufs[i].len);
  memset (self->bufs, 0, sizeof self->bufs);
  if (self->nbufs > 0 && self->fd >= 0)
    {
      req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      req.memory = V4L2_MEMORY_MMAP;
      (void) _bm_camera_xioctl (self->fd, VIDIOC_REQBUFS, &req);
    }
  self->nbufs = 0;
}

/* Joins the worker, stops the device and fails whatever capture still waits. */
static void
teardown_stream (BmCamera *self)
{
  enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  g_autoptr(GError) cancelled = g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_CANCELLED, _("The camera was stopped."));
  GList *due;

  if (self->thread)
    {
      g_atomic_int_set (&self->stop, 1);
      if (self->wake[1] >= 0)
        (void) !write (self->wake[1], "x", 1);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  if (self->fd >= 0)
    (void) _bm_camera_xioctl (self->fd, VIDIOC_STREAMOFF, &type);
  unmap_buffers (self);
  for (int i = 0; i < 2; i++)
    if (self->wake[i] >= 0)
      {
        close (self->wake[i]);
        self->wake[i] = -1;
      }
  g_mutex_lock (&self->lock);
  due = take_due_captures (self, TRUE);
  g_clear_pointer (&self->latest, bm_camera_frame_free);
  g_mutex_unlock (&self->lock);
  finish_captures (due, NULL, cancelled);
  g_clear_pointer (&self->context, g_main_context_unref);
}

/**
 * bm_camera_start:
 *
 * READY → STREAMING: maps the buffers, starts the stream and the worker.
 * Frames are emitted in the thread-default main context of the caller.
 */
gboolean
bm_camera_start (BmCamera  *self,
                 GError   **error)
{
  struct v4l2_requestbuffers req = { 0 };
  enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (BM_IS_CAMERA (self), FALSE);

  if (self->state == BM_CAMERA_STATE_STREAMING)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_BUSY, _("The camera is already streaming."));
      return FALSE;
    }
  if (self->state != BM_CAMERA_STATE_READY)
    {
      g_set_error (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE, _("The camera is not open."));
      return FALSE;
    }

  req.count = BM_CAMERA_NBUF;
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  req.memory = V4L2_MEMORY_MMAP;
  if (_bm_camera_xioctl (self->fd, VIDIOC_REQBUFS, &req) != 0)
    {
      _bm_camera_set_errno_error (&local, errno, self->path, "VIDIOC_REQBUFS");
      goto fail;
    }
  if (req.count < 2)
    {
      g_set_error (&local, BM_CAMERA_ERROR, BM_CAMERA_ERROR_FAILED, _("Camera %s has too little memory for streaming."), self->path);
      goto fail;
    }
  self->nbufs = (int) MIN (req.count, (guint) BM_CAMERA_NBUF);
  for (int i = 0; i < self->nbufs; i++)
    {
      struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = (guint) i };

      if (_bm_camera_xioctl (self->fd, VIDIOC_QUERYBUF, &b) != 0)
        {
          _bm_camera_set_errno_error (&local, errno, self->path, "VIDIOC_QUERYBUF");
          goto fail;
        }
      self->bufs[i].len = b.length;
      self->bufs[i].start = v4l2_mmap (NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, b.m.offset);
      if (self->bufs[i].start == MAP_FAILED)
        {
          self->bufs[i].start = NULL;
          _bm_camera_set_errno_error (&local, errno, self->path, "mmap");
          goto fail;
        }
      if (b.length < (guint) (self->stride * self->height))
        {
          g_set_error (&local, BM_CAMERA_ERROR, BM_CAMERA_ERROR_NO_FORMAT,
                       _("Camera %s offers no picture format this program can use."), self->path);
          goto fail;
        }
      if (_bm_camera_xioctl (self->fd, VIDIOC_QBUF, &b) != 0)
        {
          _bm_camera_set_errno_error (&local, errno, self->path, "VIDIOC_QBUF");
          goto fail;
        }
    }
  if (_bm_camera_xioctl (self->fd, VIDIOC_STREAMON, &type) != 0)
    {
      _bm_camera_set_errno_error (&local, errno, self->path, "VIDIOC_STREAMON");
      goto fail;
    }
  if (!g_unix_open_pipe (self->wake, FD_CLOEXEC, &local))
    goto fail;
  g_unix_set_fd_nonblocking (self->wake[0], TRUE, NULL);
  self->context = g_main_context_ref_thread_default ();
  g_atomic_int_set (&self->stop, 0);
  self->thread = g_thread_new ("bm-camera", stream_thread, self);
  _bm_camera_set_state (self, BM_CAMERA_STATE_STREAMING);
  return TRUE;

fail:
  teardown_stream (self);
  if (g_error_matches (local, BM_CAMERA_ERROR, BM_CAMERA_ERROR_DISCONNECTED))
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (local);
      _bm_camera_set_state (self, BM_CAMERA_STATE_FAILED);
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/**
 * bm_camera_stop:
 *
 * STREAMING → READY. Pending captures fail with %BM_CAMERA_ERROR_CANCELLED.
 * In other states it does nothing.
 */
void
bm_camera_stop (BmCamera *self)
{
  g_return_if_fail (BM_IS_CAMERA (self));

  if (self->state != BM_CAMERA_STATE_STREAMING)
    return;
  teardown_stream (self);
  _bm_camera_set_state (self, BM_CAMERA_STATE_READY);
}

static void
capture_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  BmCamera *self = g_task_get_source_object (task);
  GList *link;

  g_mutex_lock (&self->lock);
  link = g_list_find (self->captures, task);
  if (link)
    self->captures = g_list_delete_link (self->captures, link);
  g_mutex_unlock (&self->lock);
  if (link)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The capture was cancelled."));
      g_object_unref (task);
    }
}

/**
 * bm_camera_capture_async:
 * @skip_frames: frames to let pass first (auto exposure settling after start)
 *
 * Takes a still from the running stream: the first frame that arrives after
 * @skip_frames more. Only in STREAMING.
 */
void
bm_camera_capture_async (BmCamera            *self,
                         guint                skip_frames,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CaptureData *data;

  g_return_if_fail (BM_IS_CAMERA (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bm_camera_capture_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->state != BM_CAMERA_STATE_STREAMING)
    {
      if (self->state == BM_CAMERA_STATE_FAILED && self->error)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_new_error (task, BM_CAMERA_ERROR, BM_CAMERA_ERROR_STATE, _("The camera is not streaming."));
      return;
    }
  data = g_new0 (CaptureData, 1);
  data->skip = skip_frames;
  data->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) capture_data_free);

  g_mutex_lock (&self->lock);
  self->captures = g_list_append (self->captures, g_object_ref (task));
  g_mutex_unlock (&self->lock);
  if (cancellable)
    data->handler = g_cancellable_connect (cancellable, G_CALLBACK (capture_cancelled),
                                           g_object_ref (task), g_object_unref);
}

/**
 * bm_camera_capture_finish:
 *
 * Returns: (transfer full): the captured frame.
 */
BmCameraFrame *
bm_camera_capture_finish (BmCamera      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
