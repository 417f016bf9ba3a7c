/* camera list|capture */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "bm-camera.h"
#include "bm-cli.h"
#include "bm-cli-photo.h"
#include "bm-photo.h"
#include "bm-store-photo.h"

int
bm_cli_camera_exit_code (const GError *error)
{
  if (error && error->domain == BM_CAMERA_ERROR)
    switch ((BmCameraError) error->code)
      {
      case BM_CAMERA_ERROR_TIMEOUT: return BM_CLI_EXIT_TIMEOUT;
      case BM_CAMERA_ERROR_CANCELLED: return BM_CLI_EXIT_CANCELLED;
      case BM_CAMERA_ERROR_STATE:
      case BM_CAMERA_ERROR_FAILED: return BM_CLI_EXIT_FAILURE;
      default: return BM_CLI_EXIT_UNAVAILABLE;
      }
  return bm_cli_exit_code (error);
}

static int
fail (GError *error)
{
  int code = bm_cli_camera_exit_code (error);

  g_printerr ("baoming-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

static int
camera_list (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  gboolean as_json = FALSE;
  int code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("List the cameras (V4L2 capture devices) with their picture formats."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return bm_cli_usage (options, _("camera list takes no arguments."));

  devices = bm_camera_list_devices ();
  for (guint i = 0; i < devices->len; i++)
    {
      BmCameraInfo *info = g_ptr_array_index (devices, i);
      g_autoptr(BmCamera) camera = bm_camera_new (info->path);
      g_autoptr(GError) error = NULL;
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "path", info->path);
      json_object_set_string_member (o, "card", info->card);
      json_object_set_string_member (o, "driver", info->driver);
      json_object_set_string_member (o, "bus_info", info->bus_info);
      if (bm_camera_open (camera, &error))
        {
          int w, h;
          bm_camera_get_size (camera, &w, &h, NULL);
          json_object_set_int_member (o, "width", w);
          json_object_set_int_member (o, "height", h);
          json_object_set_boolean_member (o, "converting", bm_camera_is_converting (camera));
          json_object_set_array_member (o, "formats", bm_camera_list_formats (camera));
        }
      else
        json_object_set_string_member (o, "error", error->message);
      json_array_add_object_element (out, o);
    }

  if (as_json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (node, out);
      bm_cli_print_json (node);
    }
  else
    for (guint i = 0; i < json_array_get_length (out); i++)
      {
        JsonObject *o = json_array_get_object_element (out, i);
        g_print ("%s\t%s (%s, %s)\n", json_object_get_string_member (o, "path"),
                 json_object_get_string_member (o, "card"), json_object_get_string_member (o, "driver"),
                 json_object_get_string_member (o, "bus_info"));
        if (json_object_has_member (o, "error"))
          g_print ("  %s\n", json_object_get_string_member (o, "error"));
        else
          {
            JsonArray *formats = json_object_get_array_member (o, "formats");
            g_print ("  %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "\n", _("picture:"),
                     json_object_get_int_member (o, "width"), json_object_get_int_member (o, "height"));
            for (guint k = 0; k < json_array_get_length (formats); k++)
              {
                JsonObject *f = json_array_get_object_element (formats, k);
                g_print ("  %s %s%s\n", json_object_get_string_member (f, "fourcc"),
                         json_object_get_string_member (f, "description"),
                         json_object_get_boolean_member (f, "emulated") ? _(" (converted by libv4l)") : "");
              }
          }
      }
  if (devices->len == 0)
    {
      g_printerr ("baoming-cli: %s\n", _("No camera found."));
      return BM_CLI_EXIT_UNAVAILABLE;
    }
  return BM_CLI_EXIT_OK;
}

typedef struct {
  GMainLoop *loop;
  BmCameraFrame *frame;
  GError *error;
  guint timer;
} CaptureWait;

static void
captured (GObject *source, GAsyncResult *result, gpointer data)
{
  CaptureWait *w = data;

  w->frame = bm_camera_capture_finish (BM_CAMERA (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
give_up (gpointer data)
{
  CaptureWait *w = data;

  w->timer = 0;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
write_frame (const BmCameraFrame *frame, const char *path, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autoptr(BmImage) image = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (g_str_has_suffix (lower, ".ppm"))
    {
      g_autoptr(GString) s = g_string_new (NULL);
      const guint8 *px = g_bytes_get_data (frame->pixels, NULL);
      g_string_printf (s, "P6\n%d %d\n255\n", frame->width, frame->height);
      for (int y = 0; y < frame->height; y++)
        g_string_append_len (s, (const char *) px + (gsize) y * frame->stride, frame->width * 3);
      /* A frame of a candidate: 0600 whatever the umask, like every file with candidate data. */
      return g_file_set_contents_full (path, s->str, (gssize) s->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
    }
  image = bm_image_new_from_rgb (frame->width, frame->height, frame->stride, g_bytes_get_data (frame->pixels, NULL));
  bytes = g_str_has_suffix (lower, ".png") ? bm_image_encode_png (image, error)
                                            : bm_image_encode_jpeg (image, 95, FALSE, error);
  return bytes && g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                            G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static int
camera_capture (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmCamera) camera = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(BmPhoto) photo = NULL;
  g_autofree char *device = NULL, *out_path = NULL, *photo_path = NULL, *number = NULL;
  g_autofree char *reason = NULL;
  gboolean as_json = FALSE;
  int width = 1280, height = 960, skip = 5, timeout = 15, code;
  CaptureWait wait = { 0 };
  const GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_FILENAME, &device, N_("Camera device (default: the first one)"), N_("PATH") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the frame here (.ppm exact pixels, .png, or .jpg)"), N_("FILE") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Largest width to negotiate (default 1280)"), N_("PIXELS") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Largest height to negotiate (default 960)"), N_("PIXELS") },
    { "skip", 0, 0, G_OPTION_ARG_INT, &skip, N_("Frames to let pass first, for the exposure to settle (default 5)"), N_("N") },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME, &photo_path, N_("Also write the 480×640 standard photo (centred 3:4 frame)"), N_("FILE") },
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Store the standard photo on this record"), N_("NUMBER") },
    { "accept-reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Accept a photo that fails a soft check, for this reason"), N_("TEXT") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Give up after this many seconds (default 15)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Take one picture from a camera."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1 || (out_path == NULL && photo_path == NULL && number == NULL))
    return bm_cli_usage (options, _("camera capture needs --out FILE (or --photo FILE or --number N)."));
  if (width <= 0 || height <= 0 || skip < 0 || timeout <= 0)
    return bm_cli_usage (options, _("Sizes, --skip and --timeout must be positive."));

  if (device == NULL)
    {
      g_autoptr(GPtrArray) devices = bm_camera_list_devices ();
      if (devices->len == 0)
        {
          g_printerr ("baoming-cli: %s\n", _("No camera found."));
          return BM_CLI_EXIT_UNAVAILABLE;
        }
      device = g_strdup (((BmCameraInfo *) g_ptr_array_index (devices, 0))->path);
    }
  camera = bm_camera_new (device);
  bm_camera_set_max_size (camera, width, height);
  if (!bm_camera_open (camera, &error) || !bm_camera_start (camera, &error))
    return fail (g_steal_pointer (&error));

  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.timer = g_timeout_add_seconds ((guint) timeout, give_up, &wait);
  bm_camera_capture_async (camera, (guint) skip, NULL, captured, &wait);
  g_main_loop_run (wait.loop);
  if (wait.frame == NULL && wait.error == NULL)
    wait.error = g_error_new (BM_CAMERA_ERROR, BM_CAMERA_ERROR_TIMEOUT, _("No picture within %d seconds."), timeout);
  if (wait.timer)
    g_source_remove (wait.timer);
  bm_camera_close (camera);
  g_main_loop_unref (wait.loop);
  if (wait.frame == NULL)
    return fail (wait.error);

  json_object_set_string_member (out, "device", device);
  json_object_set_string_member (out, "card", bm_camera_get_card (camera));
  json_object_set_int_member (out, "width", wait.frame->width);
  json_object_set_int_member (out, "height", wait.frame->height);
  json_object_set_int_member (out, "stride", wait.frame->stride);
  json_object_set_int_member (out, "sequence", wait.frame->sequence);
  json_object_set_boolean_member (out, "converting", bm_camera_is_converting (camera));
  if (out_path && !write_frame (wait.frame, out_path, &error))
    goto fail;
  if (out_path)
    json_object_set_string_member (out, "out", out_path);

  if (photo_path || number)
    {
      g_autoptr(BmImage) image = bm_image_new_from_rgb (wait.frame->width, wait.frame->height, wait.frame->stride,
                                                        g_bytes_get_data (wait.frame->pixels, NULL));
      photo = bm_photo_new_from_image (image, NULL, NULL, &error);
      if (photo == NULL)
        goto fail;
      if (reason)
        bm_photo_set_override_reason (photo, reason);
      json_object_set_object_member (out, "photo", bm_photo_to_json (photo));
      if (photo_path)
        {
          GBytes *jpeg = bm_photo_get_jpeg (photo);
          if (!g_file_set_contents_full (photo_path, g_bytes_get_data (jpeg, NULL), (gssize) g_bytes_get_size (jpeg),
                                         G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
            goto fail;
          json_object_set_string_member (out, "photo_file", photo_path);
        }
      if (number)
        {
          BmStore *store = bm_cli_open_store_as (ctx, &error);
          if (store == NULL || !bm_store_save_photo (store, number, photo, "camera", ctx->operator_name, &error))
            goto fail;
          json_object_set_string_member (out, "number", number);
        }
    }
  bm_camera_frame_free (wait.frame);
  if (as_json)
    bm_cli_print_json_object (out);
  else
    {
      g_print (_("Captured %d×%d from %s."), (int) json_object_get_int_member (out, "width"),
               (int) json_object_get_int_member (out, "height"), device);
      g_print ("\n");
      if (photo)
        bm_cli_photo_print_verdict (photo);
    }
  return BM_CLI_EXIT_OK;

fail:
  bm_camera_frame_free (wait.frame);
  return bm_cli_fail (g_steal_pointer (&error));
}

int
bm_cli_camera (BmCliContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return camera_list (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "capture"))
    return camera_capture (ctx, argc - 1, argv + 1);
  g_printerr ("%s\n", _("Usage: baoming-cli camera list|capture … (--help for each)"));
  return BM_CLI_EXIT_USAGE;
}
