#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BM_CAMERA_ERROR (bm_camera_error_quark ())

/**
 * BmCameraError:
 * @BM_CAMERA_ERROR_FAILED: anything else (the message says what)
 * @BM_CAMERA_ERROR_NOT_FOUND: no such device, or it cannot capture video
 * @BM_CAMERA_ERROR_PERMISSION: the user may not open the device
 * @BM_CAMERA_ERROR_BUSY: another program (or another operation here) uses it
 * @BM_CAMERA_ERROR_DISCONNECTED: unplugged or dead (ENODEV, EIO)
 * @BM_CAMERA_ERROR_NO_FORMAT: no RGB24 picture obtainable, even through libv4l2's conversion
 * @BM_CAMERA_ERROR_TIMEOUT: no frame arrived in time
 * @BM_CAMERA_ERROR_BAD_FRAMES: only short or corrupt frames arrive
 * @BM_CAMERA_ERROR_STATE: the call does not fit the current state
 * @BM_CAMERA_ERROR_CANCELLED: the operation was cancelled or the camera stopped
 */
typedef enum {
  BM_CAMERA_ERROR_FAILED,
  BM_CAMERA_ERROR_NOT_FOUND,
  BM_CAMERA_ERROR_PERMISSION,
  BM_CAMERA_ERROR_BUSY,
  BM_CAMERA_ERROR_DISCONNECTED,
  BM_CAMERA_ERROR_NO_FORMAT,
  BM_CAMERA_ERROR_TIMEOUT,
  BM_CAMERA_ERROR_BAD_FRAMES,
  BM_CAMERA_ERROR_STATE,
  BM_CAMERA_ERROR_CANCELLED,
} BmCameraError;

GQuark bm_camera_error_quark (void);

/**
 * BmCameraState:
 * @BM_CAMERA_STATE_CLOSED: no device open (initial and final state)
 * @BM_CAMERA_STATE_READY: open, format negotiated, not streaming
 * @BM_CAMERA_STATE_STREAMING: frames flow to the main context
 * @BM_CAMERA_STATE_FAILED: an error stopped the stream; see bm_camera_get_error()
 *
 * See docs/camera.md for the transitions.
 */
typedef enum {
  BM_CAMERA_STATE_CLOSED,
  BM_CAMERA_STATE_READY,
  BM_CAMERA_STATE_STREAMING,
  BM_CAMERA_STATE_FAILED,
} BmCameraState;

const char *bm_camera_state_to_string (BmCameraState state);

/**
 * BmCameraFrame:
 * @pixels: RGB24, @stride bytes per row
 * @width: pixels
 * @height: pixels
 * @stride: bytes per row (>= 3 × @width)
 * @sequence: the driver's frame counter
 * @timestamp_us: g_get_monotonic_time() when dequeued
 */
typedef struct {
  GBytes *pixels;
  int width;
  int height;
  int stride;
  guint32 sequence;
  gint64 timestamp_us;
} BmCameraFrame;

#define BM_TYPE_CAMERA_FRAME (bm_camera_frame_get_type ())
GType          bm_camera_frame_get_type (void) G_GNUC_CONST;
BmCameraFrame *bm_camera_frame_copy     (const BmCameraFrame *frame);
void           bm_camera_frame_free     (BmCameraFrame       *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmCameraFrame, bm_camera_frame_free)

/**
 * BmCameraInfo:
 * @path: device node
 * @card: the device's name as the driver gives it
 * @driver: kernel driver name
 * @bus_info: where it is plugged in
 */
typedef struct {
  char *path;
  char *card;
  char *driver;
  char *bus_info;
} BmCameraInfo;

void       bm_camera_info_free        (BmCameraInfo *info);
GPtrArray *bm_camera_list_devices     (void);
GPtrArray *bm_camera_list_devices_in  (const char   *dir);

typedef enum {
  BM_CAMERA_CONTROL_BRIGHTNESS,
  BM_CAMERA_CONTROL_EXPOSURE,
} BmCameraControl;

#define BM_TYPE_CAMERA (bm_camera_get_type ())
G_DECLARE_FINAL_TYPE (BmCamera, bm_camera, BM, CAMERA, GObject)

BmCamera      *bm_camera_new              (const char          *path);
const char    *bm_camera_get_path         (BmCamera            *self);
BmCameraState  bm_camera_get_state        (BmCamera            *self);
const GError  *bm_camera_get_error        (BmCamera            *self);
void           bm_camera_set_max_size     (BmCamera            *self,
                                           int                  width,
                                           int                  height);
void           bm_camera_set_frame_timeout (BmCamera           *self,
                                           guint                msec);
gboolean       bm_camera_open             (BmCamera            *self,
                                           GError             **error);
void           bm_camera_get_size         (BmCamera            *self,
                                           int                 *width,
                                           int                 *height,
                                           int                 *stride);
const char    *bm_camera_get_card         (BmCamera            *self);
JsonArray     *bm_camera_list_formats     (BmCamera            *self);
gboolean       bm_camera_is_converting    (BmCamera            *self);
gboolean       bm_camera_start            (BmCamera            *self,
                                           GError             **error);
void           bm_camera_stop             (BmCamera            *self);
void           bm_camera_close            (BmCamera            *self);
void           bm_camera_capture_async    (BmCamera            *self,
                                           guint                skip_frames,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
BmCameraFrame *bm_camera_capture_finish   (BmCamera            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean       bm_camera_get_control_range (BmCamera           *self,
                                           BmCameraControl      control,
                                           int                 *min,
                                           int                 *max,
                                           int                 *def);
gboolean       bm_camera_get_control      (BmCamera            *self,
                                           BmCameraControl      control,
                                           int                 *value,
                                           GError             **error);
gboolean       bm_camera_set_control      (BmCamera            *self,
                                           BmCameraControl      control,
                                           int                  value,
                                           GError             **error);
guint64        bm_camera_get_dropped_frames (BmCamera          *self);
guint64        bm_camera_get_delivered_frames (BmCamera        *self);

G_END_DECLS
