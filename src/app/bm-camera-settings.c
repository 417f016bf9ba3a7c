/* Camera settings: which camera, its brightness and exposure (when it has
 * them), and a test shot with the photo checks' verdict, so the counter can
 * set up lamps and backdrop before the first candidate. The choice is kept
 * in GSettings (camera-device; empty = the first camera found). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-camera.h"
#include "bm-camera-monitor.h"
#include "bm-camera-settings.h"
#include "bm-photo.h"
#include "bm-station.h"

struct _BmCameraSettings
{
  GtkWidget parent_instance;

  GSettings *settings;
  BmStation *station;
  BmCameraMonitor *monitor;
  BmCamera *camera;
  GCancellable *cancellable;
  GPtrArray *paths;
  char *device;
  char *verdict;
  gboolean filling;

  /* Template widgets */
  GtkWidget *content;
  GtkDropDown *camera_dropdown;
  GtkStringList *camera_names;
  GtkPicture *preview;
  GtkScale *controls[2];
  GtkWidget *control_rows[2];
  GtkLabel *verdict_label;
};

G_DEFINE_FINAL_TYPE (BmCameraSettings, bm_camera_settings, GTK_TYPE_WIDGET)

static void
set_verdict (BmCameraSettings *self, const char *text)
{
  g_free (self->verdict);
  self->verdict = g_strdup (text);
  gtk_label_set_text (self->verdict_label, text);
}

static void
on_frame (BmCamera *camera, BmCameraFrame *frame, gpointer data)
{
  BmCameraSettings *self = data;
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (frame->width, frame->height, GDK_MEMORY_R8G8B8,
                                                           frame->pixels, frame->stride);

  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
}

static void
close_camera (BmCameraSettings *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->camera)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      bm_station_release_camera (self->station, self->camera);
      g_clear_object (&self->camera);
    }
  for (int c = 0; c < 2; c++)
    gtk_widget_set_visible (self->control_rows[c], FALSE);
}

static void
open_camera (BmCameraSettings *self)
{
  g_autoptr(GError) error = NULL;

  close_camera (self);
  if (self->device == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->camera = bm_station_hold_camera (self->station, self->device, &error);
  if (self->camera == NULL)
    {
      set_verdict (self, error->message);
      return;
    }
  g_object_ref (self->camera);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->camera, "frame", G_CALLBACK (on_frame), self);
  for (int c = 0; c < 2; c++)
    {
      int min, max, def, value;
      gboolean has = bm_camera_get_control_range (self->camera, c, &min, &max, &def);
      gtk_widget_set_visible (self->control_rows[c], has);
      if (has && max > min)
        {
          self->filling = TRUE;
          gtk_range_set_range (GTK_RANGE (self->controls[c]), min, max);
          if (bm_camera_get_control (self->camera, c, &value, NULL))
            gtk_range_set_value (GTK_RANGE (self->controls[c]), value);
          self->filling = FALSE;
        }
    }
}

static void
fill_list (BmCameraSettings *self)
{
  GPtrArray *devices = bm_camera_monitor_get_devices (self->monitor);
  g_autofree char *saved = self->settings ? g_settings_get_string (self->settings, "camera-device") : NULL;
  guint selected = 0;

  self->filling = TRUE;
  gtk_string_list_splice (self->camera_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->camera_names)), NULL);
  g_ptr_array_set_size (self->paths, 0);
  for (guint i = 0; i < devices->len; i++)
    {
      BmCameraInfo *info = g_ptr_array_index (devices, i);
      g_autofree char *name = g_strdup_printf ("%s (%s)", info->card, info->path);
      gtk_string_list_append (self->camera_names, name);
      g_ptr_array_add (self->paths, g_strdup (info->path));
      if (saved && g_str_equal (saved, info->path))
        selected = i;
    }
  if (devices->len == 0)
    {
      gtk_string_list_append (self->camera_names, _("No camera found"));
      g_clear_pointer (&self->device, g_free);
    }
  else
    {
      g_free (self->device);
      self->device = g_strdup (g_ptr_array_index (self->paths, selected));
    }
  gtk_drop_down_set_selected (self->camera_dropdown, selected);
  self->filling = FALSE;
  open_camera (self);
}

static void
on_devices_changed (BmCameraMonitor *monitor, const char *path, gpointer data)
{
  fill_list (data);
}

static void
on_selected (GtkDropDown *dropdown, GParamSpec *pspec, gpointer data)
{
  BmCameraSettings *self = data;
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->filling || i >= self->paths->len)
    return;
  g_free (self->device);
  self->device = g_strdup (g_ptr_array_index (self->paths, i));
  if (self->settings)
    g_settings_set_string (self->settings, "camera-device", self->device);
  open_camera (self);
}

static void
on_control_changed (GtkRange *range, gpointer data)
{
  BmCameraSettings *self = data;
  int c = range == GTK_RANGE (self->controls[0]) ? BM_CAMERA_CONTROL_BRIGHTNESS : BM_CAMERA_CONTROL_EXPOSURE;
  g_autoptr(GError) error = NULL;

  if (self->filling || self->camera == NULL)
    return;
  if (!bm_camera_set_control (self->camera, c, (int) gtk_range_get_value (range), &error))
    set_verdict (self, error->message);
}

static void
test_shot_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BmCameraSettings) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCameraFrame) frame = bm_camera_capture_finish (BM_CAMERA (source), result, &error);
  g_autoptr(BmImage) image = NULL;
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GPtrArray *checks;

  if (frame == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, BM_CAMERA_ERROR, BM_CAMERA_ERROR_CANCELLED))
        set_verdict (self, error->message);
      return;
    }
  image = bm_image_new_from_rgb (frame->width, frame->height, frame->stride, g_bytes_get_data (frame->pixels, NULL));
  photo = bm_photo_new_from_image (image, NULL, NULL, &error);
  if (photo == NULL)
    {
      set_verdict (self, error->message);
      return;
    }
  g_string_printf (text, _("Test shot: %d×%d from the camera, photo %d bytes at JPEG quality %d."),
                   frame->width, frame->height, (int) g_bytes_get_size (bm_photo_get_jpeg (photo)),
                   bm_photo_get_quality (photo));
  checks = bm_photo_get_checks (photo);
  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (!c->passed)
        g_string_append_printf (text, "\n%s %s", c->severity == BM_PHOTO_SEVERITY_HARD ? "✗" : "⚠", c->message);
    }
  if (!bm_photo_has_hard_failure (photo) && !bm_photo_has_soft_failure (photo))
    g_string_append_printf (text, "\n✓ %s", _("The set-up gives photos that meet the standard."));
  set_verdict (self, text->str);
}

static void
test_shot_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BmCameraSettings *self = BM_CAMERA_SETTINGS (widget);

  if (self->camera == NULL)
    open_camera (self);
  if (self->camera == NULL)
    return;
  set_verdict (self, _("Taking a test shot…"));
  /* a few frames for a changed brightness or exposure to show */
  bm_camera_capture_async (self->camera, 3, self->cancellable, test_shot_done, g_object_ref (self));
}

static void
bm_camera_settings_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bm_camera_settings_parent_class)->map (widget);
  open_camera (BM_CAMERA_SETTINGS (widget));
}

static void
bm_camera_settings_unmap (GtkWidget *widget)
{
  close_camera (BM_CAMERA_SETTINGS (widget));
  GTK_WIDGET_CLASS (bm_camera_settings_parent_class)->unmap (widget);
}

static void
bm_camera_settings_dispose (GObject *object)
{
  BmCameraSettings *self = BM_CAMERA_SETTINGS (object);

  close_camera (self);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->station);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_CAMERA_SETTINGS);
  G_OBJECT_CLASS (bm_camera_settings_parent_class)->dispose (object);
}

static void
bm_camera_settings_finalize (GObject *object)
{
  BmCameraSettings *self = BM_CAMERA_SETTINGS (object);

  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_free (self->device);
  g_free (self->verdict);
  G_OBJECT_CLASS (bm_camera_settings_parent_class)->finalize (object);
}

static void
bm_camera_settings_class_init (BmCameraSettingsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_camera_settings_dispose;
  G_OBJECT_CLASS (klass)->finalize = bm_camera_settings_finalize;
  widget_class->map = bm_camera_settings_map;
  widget_class->unmap = bm_camera_settings_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-camera-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, BmCameraSettings, content);
  gtk_widget_class_bind_template_child (widget_class, BmCameraSettings, camera_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BmCameraSettings, camera_names);
  gtk_widget_class_bind_template_child (widget_class, BmCameraSettings, preview);
  gtk_widget_class_bind_template_child_full (widget_class, "brightness_scale", FALSE,
                                             G_STRUCT_OFFSET (BmCameraSettings, controls[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "exposure_scale", FALSE,
                                             G_STRUCT_OFFSET (BmCameraSettings, controls[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "brightness_row", FALSE,
                                             G_STRUCT_OFFSET (BmCameraSettings, control_rows[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "exposure_row", FALSE,
                                             G_STRUCT_OFFSET (BmCameraSettings, control_rows[1]));
  gtk_widget_class_bind_template_child (widget_class, BmCameraSettings, verdict_label);
  gtk_widget_class_bind_template_callback (widget_class, on_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_install_action (widget_class, "camera.test-shot", NULL, test_shot_action);
}

static void
bm_camera_settings_init (BmCameraSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->paths = g_ptr_array_new_with_free_func (g_free);
}

/**
 * bm_camera_settings_new:
 * @station: owns the camera monitor and the cameras; its settings
 *   (nullable) keep camera-device
 */
BmCameraSettings *
bm_camera_settings_new (BmStation *station)
{
  BmCameraSettings *self = g_object_new (BM_TYPE_CAMERA_SETTINGS, NULL);
  GSettings *settings = bm_station_get_settings (station);

  self->station = g_object_ref (station);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->monitor = g_object_ref (bm_station_get_camera_monitor (station));
  g_signal_connect (self->monitor, "device-added", G_CALLBACK (on_devices_changed), self);
  g_signal_connect (self->monitor, "device-removed", G_CALLBACK (on_devices_changed), self);
  fill_list (self);
  return self;
}

const char *bm_camera_settings_get_device (BmCameraSettings *self) { g_return_val_if_fail (BM_IS_CAMERA_SETTINGS (self), NULL); return self->device; }
const char *bm_camera_settings_get_verdict (BmCameraSettings *self) { g_return_val_if_fail (BM_IS_CAMERA_SETTINGS (self), NULL); return self->verdict; }

gboolean
bm_camera_settings_has_control (BmCameraSettings *self,
                                int               control)
{
  g_return_val_if_fail (BM_IS_CAMERA_SETTINGS (self), FALSE);
  return control >= 0 && control < 2 && gtk_widget_get_visible (self->control_rows[control]);
}

/* As if the clerk moved the slider. */
void
bm_camera_settings_set_control (BmCameraSettings *self,
                                int               control,
                                int               value)
{
  g_return_if_fail (BM_IS_CAMERA_SETTINGS (self));
  g_return_if_fail (control >= 0 && control < 2);
  gtk_range_set_value (GTK_RANGE (self->controls[control]), value);
}
