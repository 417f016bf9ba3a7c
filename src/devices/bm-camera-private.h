#pragma once

/* Shared between bm-camera.c (device, format, controls) and
 * bm-camera-stream.c (buffers, worker thread, capture). */

#include <glib-object.h>

#include "bm-camera.h"

#define BM_CAMERA_NBUF 4
/* after this many EIO in a row with the node still present: bad frames */
#define BM_CAMERA_MAX_EIO 5
#define BM_CAMERA_MAX_SHORT 15

struct _BmCamera
{
  GObject parent_instance;

  char *path;
  char *card;
  BmCameraState state;
  GError *error;
  int max_w, max_h;
  guint frame_timeout_ms;

  int fd;
  int width, height, stride;
  gboolean converting;
  struct { void *start; size_t len; } bufs[BM_CAMERA_NBUF];
  int nbufs;

  GThread *thread;
  int wake[2];
  gint stop;
  GMainContext *context;

  GMutex lock;                 /* guards everything below */
  BmCameraFrame *latest;
  gboolean dispatch_pending;
  GList *captures;             /* GTask*, oldest first */
  GError *thread_error;
  guint64 dropped;
  guint64 delivered;
};

int  _bm_camera_xioctl (int fd, unsigned long req, void *arg);
void _bm_camera_set_errno_error (GError **error, int err, const char *path, const char *what);
void _bm_camera_set_state (BmCamera *self, BmCameraState state);
