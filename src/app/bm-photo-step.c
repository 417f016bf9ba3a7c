/* The photo step of the counter flow: live preview with the standard's
 * guide (3:4 frame, head-top and eye bands, face width), Space to take the
 * photo, the verdict at once, Escape to retake. A photo that passes every
 * check is kept at once (issue 13: the fast path is one key for the photo);
 * one that fails a soft check waits for a reason and Enter. A kept photo is
 * stored once: a further Enter does nothing. The camera runs only while the step is
 * on screen; a camera that fails or is unplugged is said so, and the step
 * comes back by itself when one is plugged in. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-camera.h"
#include "bm-camera-monitor.h"
#include "bm-photo-step.h"
#include "bm-station.h"
#include "bm-store-photo.h"

struct _BmPhotoStep
{
  GtkWidget parent_instance;

  BmStation *station;
  BmStore *store;
  char *number;
  char *operator_name;
  char *device;
  BmCamera *camera;
  BmCameraMonitor *monitor;
  GCancellable *cancellable;
  BmPhoto *photo;
  BmPhotoFrame frame;         /* the clerk's framing, in camera pixels */
  int cam_w, cam_h;
  guint frames_shown;
  gboolean capturing;
  gboolean saving;            /* the accepted photo is with the writer */
  gboolean stored;            /* ... and the writer has stored it */
  char *status;
  char *camera_line;          /* what the camera said last; shown again for the next record */

  /* Template widgets */
  GtkWidget *content;
  GtkPicture *preview;
  GtkDrawingArea *guide;
  GtkPicture *chip;
  GtkLabel *status_label;
  GtkLabel *verdict_label;
  GtkEntry *reason_entry;
  GtkWidget *retry_button;
  GtkWidget *capture_button;
  GtkWidget *retake_button;
  GtkWidget *accept_button;
  GtkWidget *later_button;
  GtkEntry *later_entry;
};

G_DEFINE_FINAL_TYPE (BmPhotoStep, bm_photo_step, GTK_TYPE_WIDGET)

enum { PHOTO_SAVED, PHOTO_DEFERRED, STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_camera (BmPhotoStep *self);

static void
set_status (BmPhotoStep *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text ? text : "");
}

static void
update_actions (BmPhotoStep *self)
{
  gboolean streaming = self->camera && bm_camera_get_state (self->camera) == BM_CAMERA_STATE_STREAMING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.capture",
                                 streaming && !self->photo && !self->capturing && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.retake", self->photo != NULL && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.accept",
                                 self->photo != NULL && self->number != NULL && !bm_photo_has_hard_failure (self->photo)
                                 && !self->saving && !self->stored);
  /* without a camera only what can help is shown (and the row fits) */
  gtk_widget_set_visible (self->retry_button, !streaming && self->photo == NULL);
  gtk_widget_set_visible (self->capture_button, streaming || self->photo != NULL);
  gtk_widget_set_visible (self->retake_button, streaming || self->photo != NULL);
  gtk_widget_set_visible (self->accept_button, self->photo != NULL && !self->stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.later",
                                 self->number != NULL && self->photo == NULL && !self->saving && !self->stored);
  gtk_widget_set_visible (self->later_button, self->number != NULL && self->photo == NULL && !self->stored);
  if (self->number == NULL || self->photo != NULL || self->stored)
    gtk_widget_set_visible (GTK_WIDGET (self->later_entry), FALSE);
  g_signal_emit (self, signals[STATE_CHANGED], 0);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_entry), self->photo != NULL && bm_photo_has_soft_failure (self->photo)
                                                            && !bm_photo_has_hard_failure (self->photo));
}

static void
show_verdict (BmPhotoStep *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GPtrArray *checks;

  if (self->photo == NULL)
    {
      gtk_label_set_text (self->verdict_label, "");
      return;
    }
  checks = bm_photo_get_checks (self->photo);
  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (!c->passed)
        g_string_append_printf (text, "%s %s\n", c->severity == BM_PHOTO_SEVERITY_HARD ? "✗" : "⚠", c->message);
    }
  if (text->len == 0)
    /* kept at once (accept_action), so no Enter is asked for */
    g_string_append_printf (text, "✓ %s", _("The photo meets the standard and is kept. Press Esc to take it again."));
  else if (bm_photo_has_hard_failure (self->photo))
    g_string_append (text, _("Press Esc to take it again."));
  else
    g_string_append (text, _("Press Esc to take it again, or give a reason and press Enter to keep it."));
  gtk_label_set_text (self->verdict_label, text->str);
}

/* The picture's displayed rectangle inside the preview (content is
 * centred, aspect kept), as scale and offset. */
static gboolean
picture_geometry (BmPhotoStep *self, int width, int height, double *scale, double *dx, double *dy,
                  double *pw, double *ph)
{
  GdkPaintable *p = gtk_picture_get_paintable (self->preview);

  if (p == NULL)
    return FALSE;
  *pw = gdk_paintable_get_intrinsic_width (p);
  *ph = gdk_paintable_get_intrinsic_height (p);
  if (*pw <= 0 || *ph <= 0)
    return FALSE;
  *scale = MIN (width / *pw, height / *ph);
  *dx = (width - *pw * *scale) / 2;
  *dy = (height - *ph * *scale) / 2;
  return TRUE;
}

static void
draw_guide (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  BmPhotoStep *self = data;
  double s, dx, dy, pw, ph, fx, fy, fw, fh, cx;

  if (!picture_geometry (self, width, height, &s, &dx, &dy, &pw, &ph))
    return;
  if (self->photo)
    {
      fx = 0; fy = 0; fw = pw; fh = ph;
    }
  else
    {
      fx = self->frame.x; fy = self->frame.y; fw = self->frame.width; fh = self->frame.height;
    }
  fx = dx + fx * s; fy = dy + fy * s; fw *= s; fh *= s;
  cx = fx + fw / 2;

  /* dim what will be cut away */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.45);
  cairo_rectangle (cr, dx, dy, pw * s, ph * s);
  cairo_rectangle (cr, fx, fy, fw, fh);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_fill (cr);

  cairo_set_line_width (cr, 2);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_rectangle (cr, fx, fy, fw, fh);
  cairo_stroke (cr);

  /* the standard, in 480x640 units: head top 50-110, eyes 200-300, face 180-300 wide */
#define Y(v) (fy + (v) * fh / BM_PHOTO_HEIGHT)
#define X(v) ((v) * fw / BM_PHOTO_WIDTH)
  cairo_set_source_rgba (cr, 0.2, 0.8, 1.0, 0.25);
  cairo_rectangle (cr, fx, Y (BM_PHOTO_HEAD_TOP_MIN), fw, Y (BM_PHOTO_HEAD_TOP_MAX) - Y (BM_PHOTO_HEAD_TOP_MIN));
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 0.2, 1.0, 0.4, 0.25);
  cairo_rectangle (cr, fx, Y (BM_PHOTO_EYES_MIN), fw, Y (BM_PHOTO_EYES_MAX) - Y (BM_PHOTO_EYES_MIN));
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
  cairo_set_line_width (cr, 1);
  for (int side = -1; side <= 1; side += 2)
    {
      cairo_move_to (cr, cx + side * X (BM_PHOTO_FACE_MIN / 2), Y (BM_PHOTO_EYES_MIN));
      cairo_line_to (cr, cx + side * X (BM_PHOTO_FACE_MIN / 2), Y (BM_PHOTO_EYES_MAX));
      cairo_move_to (cr, cx + side * X (BM_PHOTO_FACE_MAX / 2), Y (BM_PHOTO_HEAD_TOP_MAX));
      cairo_line_to (cr, cx + side * X (BM_PHOTO_FACE_MAX / 2), Y (BM_PHOTO_EYES_MAX + 100));
    }
  cairo_stroke (cr);
  cairo_move_to (cr, cx, fy);
  cairo_line_to (cr, cx, fy + fh);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.35);
  cairo_stroke (cr);
#undef X
#undef Y
}

static void
on_frame (BmCamera *camera, BmCameraFrame *frame, gpointer data)
{
  BmPhotoStep *self = data;
  g_autoptr(GdkTexture) texture = NULL;

  if (self->photo)
    return;
  if (frame->width != self->cam_w || frame->height != self->cam_h)
    {
      self->cam_w = frame->width;
      self->cam_h = frame->height;
      bm_photo_frame_auto (self->cam_w, self->cam_h, &self->frame);
    }
  /* RGB24 straight from the camera's GBytes: no conversion, no copy */
  texture = gdk_memory_texture_new (frame->width, frame->height, GDK_MEMORY_R8G8B8, frame->pixels, frame->stride);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  self->frames_shown++;
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

static void
close_camera (BmPhotoStep *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->camera)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      bm_station_release_camera (self->station, self->camera);
      g_clear_object (&self->camera);
    }
  self->capturing = FALSE;
}

static void
on_state (BmCamera *camera, GParamSpec *pspec, gpointer data)
{
  BmPhotoStep *self = data;

  if (bm_camera_get_state (camera) == BM_CAMERA_STATE_FAILED)
    {
      const GError *error = bm_camera_get_error (camera);
      set_status (self, error ? error->message : _("The camera stopped."));
      close_camera (self);
      /* no stale picture that looks live */
      if (self->photo == NULL)
        gtk_picture_set_paintable (self->preview, NULL);
    }
  update_actions (self);
}

static void
start_camera (BmPhotoStep *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (self->device);

  if (self->camera || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (path == NULL)
    {
      GPtrArray *devices = bm_camera_monitor_get_devices (self->monitor);
      if (devices->len == 0)
        {
          set_status (self, _("No camera found. Plug one in; the picture appears by itself."));
          g_free (self->camera_line);
          self->camera_line = g_strdup (self->status);
          update_actions (self);
          return;
        }
      path = g_strdup (((BmCameraInfo *) g_ptr_array_index (devices, 0))->path);
    }
  self->camera = bm_station_hold_camera (self->station, path, &error);
  if (self->camera == NULL)
    set_status (self, error->message);
  else
    {
      g_autofree char *text = g_strdup_printf (_("Camera: %s. Press Space to take the photo."),
                                               bm_camera_get_card (self->camera));

      g_object_ref (self->camera);
      self->cancellable = g_cancellable_new ();
      g_signal_connect (self->camera, "frame", G_CALLBACK (on_frame), self);
      g_signal_connect (self->camera, "notify::state", G_CALLBACK (on_state), self);
      set_status (self, text);
      g_free (self->camera_line);
      self->camera_line = g_strdup (text);
    }
  update_actions (self);
}

static void
on_device_added (BmCameraMonitor *monitor, const char *path, gpointer data)
{
  BmPhotoStep *self = data;

  if (self->camera == NULL && (self->device == NULL || g_str_equal (self->device, path)))
    start_camera (self);
}

static void
process_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BmCameraFrame *frame = task_data;
  BmPhotoFrame *framing = g_object_get_data (G_OBJECT (task), "framing");
  g_autoptr(BmImage) image = bm_image_new_from_rgb (frame->width, frame->height, frame->stride,
                                                    g_bytes_get_data (frame->pixels, NULL));
  GError *error = NULL;
  BmPhoto *photo = bm_photo_new_from_image (image, framing, NULL, &error);

  if (photo)
    g_task_return_pointer (task, photo, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
processed (GObject *source, GAsyncResult *result, gpointer data)
{
  BmPhotoStep *self = BM_PHOTO_STEP (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmPhoto) photo = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GdkTexture) texture = NULL;

  self->capturing = FALSE;
  /* cancelled: the camera was closed, maybe the widget disposed */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (photo == NULL)
    {
      set_status (self, error->message);
      update_actions (self);
      return;
    }
  g_set_object (&self->photo, photo);
  texture = gdk_texture_new_from_bytes (bm_photo_get_jpeg (photo), NULL);
  if (texture)
    gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), "");
  self->stored = FALSE;
  show_verdict (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
  if (gtk_widget_get_visible (GTK_WIDGET (self->reason_entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
  else if (self->number != NULL && bm_photo_is_acceptable (photo) && !bm_photo_has_soft_failure (photo))
    /* passes every check: kept at once, Esc still retakes */
    gtk_widget_activate_action (GTK_WIDGET (self), "photo.accept", NULL);
}

static void
captured (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BmPhotoStep) self = data;
  g_autoptr(GError) error = NULL;
  BmCameraFrame *frame = bm_camera_capture_finish (BM_CAMERA (source), result, &error);
  g_autoptr(GTask) task = NULL;

  if (frame == NULL)
    {
      self->capturing = FALSE;
      /* cancelled or the camera closed: whoever closed it updates the step */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_CANCELLED))
        return;
      set_status (self, error->message);
      update_actions (self);
      return;
    }
  /* crop, scale, JPEG fit and checks take tens of ms: not on the UI thread */
  task = g_task_new (self, self->cancellable, processed, NULL);
  g_task_set_task_data (task, frame, (GDestroyNotify) bm_camera_frame_free);
  g_object_set_data_full (G_OBJECT (task), "framing", g_memdup2 (&self->frame, sizeof self->frame), g_free);
  g_task_run_in_thread (task, process_in_thread);
}

static void
capture_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);

  if (self->camera == NULL || self->photo || self->capturing || self->saving)
    return;
  self->capturing = TRUE;
  update_actions (self);
  bm_camera_capture_async (self->camera, 0, self->cancellable, captured, g_object_ref (self));
}

static void
retake_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);

  if (self->saving)
    return;
  g_clear_object (&self->photo);
  self->stored = FALSE;
  show_verdict (self);
  update_actions (self);
  gtk_widget_grab_focus (widget);
}

typedef struct {
  char *number;
  BmPhoto *photo;
  char *operator_name;
} SavePhoto;

static void
save_photo_free (gpointer data)
{
  SavePhoto *save = data;

  g_free (save->number);
  g_object_unref (save->photo);
  g_free (save->operator_name);
  g_free (save);
}

/* On the writer's thread; the photo is not changed meanwhile (retake and
 * accept wait for the write). */
static gboolean
save_photo_write (BmStore *store, gpointer data, GError **error)
{
  SavePhoto *save = data;

  return bm_store_save_photo (store, save->number, save->photo, "camera", save->operator_name, error);
}

typedef struct {
  BmPhotoStep *self;
  char *number;
} Saving;

static void
photo_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Saving *call = user_data;
  g_autoptr(BmPhotoStep) self = call->self;
  g_autofree char *number = call->number;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error);

  g_free (call);
  self->saving = FALSE;
  if (self->station == NULL)
    return;    /* disposed meanwhile; the write stands */
  update_actions (self);
  if (!ok)
    {
      set_status (self, error->message);
      return;
    }
  /* stored once: Enter again does not store it again */
  if (g_strcmp0 (number, self->number) == 0)
    self->stored = TRUE;
  update_actions (self);
  text = g_strdup_printf (_("Photo of %s saved."), number);
  set_status (self, text);
  g_signal_emit (self, signals[PHOTO_SAVED], 0, number);
}

static void
accept_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);
  SavePhoto *save;
  Saving *call;

  if (self->photo == NULL || self->number == NULL || self->saving || self->stored)
    return;
  bm_photo_set_override_reason (self->photo, gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
  if (!bm_photo_is_acceptable (self->photo))
    {
      set_status (self, bm_photo_has_hard_failure (self->photo)
                          ? _("This photo cannot be used. Press Esc to take it again.")
                          : _("Give the reason for keeping this photo, then press Enter."));
      gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
      return;
    }
  save = g_new0 (SavePhoto, 1);
  save->number = g_strdup (self->number);
  save->photo = g_object_ref (self->photo);
  save->operator_name = g_strdup (self->operator_name ? self->operator_name
                                                      : bm_station_get_acting_operator (self->station));
  call = g_new0 (Saving, 1);
  call->self = g_object_ref (self);
  call->number = g_strdup (self->number);
  self->saving = TRUE;
  set_status (self, _("Saving the photo…"));
  update_actions (self);
  /* No cancellable: leaving the page (which stops the camera) must not
   * drop a photo the clerk accepted. */
  bm_store_writer_write_async (bm_station_get_writer (self->station), save_photo_write, save, save_photo_free,
                               NULL, photo_written, call);
}

/**
 * bm_photo_step_is_saving:
 *
 * Returns: whether an accepted photo is still being stored
 */
gboolean
bm_photo_step_is_saving (BmPhotoStep *self)
{
  g_return_val_if_fail (BM_IS_PHOTO_STEP (self), FALSE);
  return self->saving;
}

/* ---- "photo later" (issue 13) ------------------------------------------- */

typedef struct {
  char *number;
  char *reason;
  char *operator_name;
} DeferPhoto;

static void
defer_photo_free (gpointer data)
{
  DeferPhoto *d = data;

  g_free (d->number);
  g_free (d->reason);
  g_free (d->operator_name);
  g_free (d);
}

static gboolean
defer_photo_write (BmStore *store, gpointer data, GError **error)
{
  DeferPhoto *d = data;

  return bm_store_defer_photo (store, d->number, d->reason, d->operator_name, error);
}

static void
photo_deferred (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Saving *call = user_data;
  g_autoptr(BmPhotoStep) self = call->self;
  g_autofree char *number = call->number;
  g_autoptr(GError) error = NULL;
  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error);

  g_free (call);
  self->saving = FALSE;
  if (self->station == NULL)
    return;
  if (!ok)
    {
      set_status (self, error->message);
      update_actions (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->later_entry), FALSE);
  {
    g_autofree char *text = g_strdup_printf (_("The photo of %s is taken later."), number);
    set_status (self, text);
  }
  update_actions (self);
  g_signal_emit (self, signals[PHOTO_DEFERRED], 0, number);
}

/* The first press shows the reason (filled in when there is no camera);
 * Enter in it, or the button again, stores it. */
static void
later_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);
  DeferPhoto *d;
  Saving *call;

  if (self->number == NULL || self->photo != NULL || self->saving || self->stored)
    return;
  if (!gtk_widget_get_visible (GTK_WIDGET (self->later_entry)))
    {
      gboolean streaming = self->camera && bm_camera_get_state (self->camera) == BM_CAMERA_STATE_STREAMING;

      gtk_editable_set_text (GTK_EDITABLE (self->later_entry), streaming ? "" : _("No camera is working"));
      gtk_widget_set_visible (GTK_WIDGET (self->later_entry), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->later_entry));
      set_status (self, _("Say why the photo is taken later, then press Enter."));
      g_signal_emit (self, signals[STATE_CHANGED], 0);
      return;
    }
  d = g_new0 (DeferPhoto, 1);
  d->number = g_strdup (self->number);
  d->reason = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->later_entry)));
  d->operator_name = g_strdup (self->operator_name ? self->operator_name
                                                   : bm_station_get_acting_operator (self->station));
  call = g_new0 (Saving, 1);
  call->self = g_object_ref (self);
  call->number = g_strdup (self->number);
  self->saving = TRUE;
  update_actions (self);
  bm_store_writer_write_async (bm_station_get_writer (self->station), defer_photo_write, d, defer_photo_free,
                               NULL, photo_deferred, call);
}

static void
on_later_activate (GtkEntry *entry, gpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "photo.later", NULL);
}

/**
 * bm_photo_step_is_asking_later_reason:
 *
 * Returns: whether the "photo later" reason is being asked for
 */
gboolean
bm_photo_step_is_asking_later_reason (BmPhotoStep *self)
{
  g_return_val_if_fail (BM_IS_PHOTO_STEP (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->later_entry));
}

static void
retry_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);

  close_camera (self);
  start_camera (self);
}

/* Arrow keys move the frame, + and - make it smaller or larger. */
static void
nudge_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmPhotoStep *self = BM_PHOTO_STEP (widget);
  const char *how = g_variant_get_string (param, NULL);
  BmPhotoFrame *f = &self->frame;
  int step = MAX (f->width / 20, 1);

  if (self->photo || self->cam_w == 0)
    return;
  if (g_str_equal (how, "left")) f->x -= step;
  else if (g_str_equal (how, "right")) f->x += step;
  else if (g_str_equal (how, "up")) f->y -= step;
  else if (g_str_equal (how, "down")) f->y += step;
  else
    {
      int w = g_str_equal (how, "in") ? f->width * 9 / 10 : f->width * 10 / 9;
      int h;
      w = CLAMP (w, 120, MIN (self->cam_w, self->cam_h * 3 / 4));
      w -= w % 3;
      h = w * 4 / 3;
      f->x += (f->width - w) / 2;
      f->y += (f->height - h) / 2;
      f->width = w;
      f->height = h;
    }
  f->x = CLAMP (f->x, 0, self->cam_w - f->width);
  f->y = CLAMP (f->y, 0, self->cam_h - f->height);
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

static void
on_reason_activate (GtkEntry *entry, gpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "photo.accept", NULL);
}

static void
bm_photo_step_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bm_photo_step_parent_class)->map (widget);
  start_camera (BM_PHOTO_STEP (widget));
}

static void
bm_photo_step_unmap (GtkWidget *widget)
{
  /* the camera (and its light) is on only while the step is on screen */
  close_camera (BM_PHOTO_STEP (widget));
  GTK_WIDGET_CLASS (bm_photo_step_parent_class)->unmap (widget);
}

static void
bm_photo_step_dispose (GObject *object)
{
  BmPhotoStep *self = BM_PHOTO_STEP (object);

  close_camera (self);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->photo);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_PHOTO_STEP);
  G_OBJECT_CLASS (bm_photo_step_parent_class)->dispose (object);
}

static void
bm_photo_step_finalize (GObject *object)
{
  BmPhotoStep *self = BM_PHOTO_STEP (object);

  g_free (self->number);
  g_free (self->operator_name);
  g_free (self->device);
  g_free (self->status);
  g_free (self->camera_line);
  G_OBJECT_CLASS (bm_photo_step_parent_class)->finalize (object);
}

static void
bm_photo_step_class_init (BmPhotoStepClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint key; const char *how; } nudges[] = {
    { GDK_KEY_Left, "left" }, { GDK_KEY_Right, "right" }, { GDK_KEY_Up, "up" }, { GDK_KEY_Down, "down" },
    { GDK_KEY_plus, "in" }, { GDK_KEY_KP_Add, "in" }, { GDK_KEY_minus, "out" }, { GDK_KEY_KP_Subtract, "out" },
  };

  G_OBJECT_CLASS (klass)->dispose = bm_photo_step_dispose;
  G_OBJECT_CLASS (klass)->finalize = bm_photo_step_finalize;
  widget_class->map = bm_photo_step_map;
  widget_class->unmap = bm_photo_step_unmap;

  /**
   * BmPhotoStep::photo-saved:
   * @number: the record whose photo was stored
   */
  signals[PHOTO_SAVED] = g_signal_new ("photo-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * BmPhotoStep::state-changed:
   *
   * The camera, the photo or its saving changed: what the next step is
   * may have changed with it.
   */
  /**
   * BmPhotoStep::photo-deferred:
   * @number: the record whose photo is taken later (stored with its reason)
   */
  signals[PHOTO_DEFERRED] = g_signal_new ("photo-deferred", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-photo-step.ui");
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, content);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, preview);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, guide);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, chip);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, status_label);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, retry_button);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, capture_button);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, retake_button);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, accept_button);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, later_button);
  gtk_widget_class_bind_template_child (widget_class, BmPhotoStep, later_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_later_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_activate);

  gtk_widget_class_install_action (widget_class, "photo.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "photo.retake", NULL, retake_action);
  gtk_widget_class_install_action (widget_class, "photo.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "photo.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "photo.later", NULL, later_action);
  gtk_widget_class_install_action (widget_class, "photo.nudge", "s", nudge_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "photo.capture", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "photo.retake", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "photo.accept", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "photo.accept", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (nudges); i++)
    gtk_widget_class_add_binding_action (widget_class, nudges[i].key, 0, "photo.nudge", "s", nudges[i].how);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bm_photo_step_init (BmPhotoStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->guide, draw_guide, self, NULL);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

/**
 * bm_photo_step_new:
 *
 * Returns: (transfer full): the step; the camera starts when it is shown.
 */
BmPhotoStep *
bm_photo_step_new (BmStation *station)
{
  BmPhotoStep *self = g_object_new (BM_TYPE_PHOTO_STEP, NULL);

  self->station = g_object_ref (station);
  self->store = g_object_ref (bm_station_get_store (station));
  self->monitor = g_object_ref (bm_station_get_camera_monitor (station));
  g_signal_connect (self->monitor, "device-added", G_CALLBACK (on_device_added), self);
  update_actions (self);
  return self;
}

/**
 * bm_photo_step_set_record:
 * @number: (nullable): the 报名顺序号 the next photo is for
 */
void
bm_photo_step_set_record (BmPhotoStep *self,
                          const char  *number)
{
  g_return_if_fail (BM_IS_PHOTO_STEP (self));
  /* the last record's "saved" is not this one's */
  if (self->camera_line != NULL && g_strcmp0 (self->number, number) != 0)
    set_status (self, self->camera_line);
  g_free (self->number);
  self->number = g_strdup (number);
  g_clear_object (&self->photo);
  self->stored = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->later_entry), FALSE);
  show_verdict (self);
  update_actions (self);
}

void
bm_photo_step_set_operator (BmPhotoStep *self,
                            const char  *operator_name)
{
  g_return_if_fail (BM_IS_PHOTO_STEP (self));
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
}

/**
 * bm_photo_step_set_device:
 * @path: (nullable): the camera to use; %NULL for the first one found
 */
void
bm_photo_step_set_device (BmPhotoStep *self,
                          const char  *path)
{
  g_return_if_fail (BM_IS_PHOTO_STEP (self));
  g_free (self->device);
  self->device = g_strdup (path);
  close_camera (self);
  start_camera (self);
}

/**
 * bm_photo_step_set_chip_photo:
 * @paintable: (nullable): the photo decoded from the ID card, shown beside
 *   the preview for comparison
 */
void
bm_photo_step_set_chip_photo (BmPhotoStep  *self,
                              GdkPaintable *paintable)
{
  g_return_if_fail (BM_IS_PHOTO_STEP (self));
  gtk_picture_set_paintable (self->chip, paintable);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->chip)), paintable != NULL);
}

void
bm_photo_step_set_reason (BmPhotoStep *self,
                          const char  *reason)
{
  g_return_if_fail (BM_IS_PHOTO_STEP (self));
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), reason ? reason : "");
}

BmPhoto *bm_photo_step_get_photo (BmPhotoStep *self) { g_return_val_if_fail (BM_IS_PHOTO_STEP (self), NULL); return self->photo; }
/**
 * bm_photo_step_get_camera_ready:
 *
 * Returns: whether a camera is streaming, so Space can take a photo
 */
gboolean
bm_photo_step_get_camera_ready (BmPhotoStep *self)
{
  g_return_val_if_fail (BM_IS_PHOTO_STEP (self), FALSE);
  return self->camera != NULL && bm_camera_get_state (self->camera) == BM_CAMERA_STATE_STREAMING;
}

gboolean bm_photo_step_get_stored (BmPhotoStep *self) { g_return_val_if_fail (BM_IS_PHOTO_STEP (self), FALSE); return self->stored; }
guint bm_photo_step_get_frames_shown (BmPhotoStep *self) { g_return_val_if_fail (BM_IS_PHOTO_STEP (self), 0); return self->frames_shown; }
const char *bm_photo_step_get_status (BmPhotoStep *self) { g_return_val_if_fail (BM_IS_PHOTO_STEP (self), NULL); return self->status; }
