/* photo check|import|export */

#include "bm-config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "bm-cli.h"
#include "bm-cli-photo.h"
#include "bm-photo.h"
#include "bm-paths.h"
#include "bm-photo-import.h"
#include "bm-store-photo.h"

void
bm_cli_photo_print_verdict (BmPhoto *photo)
{
  GPtrArray *checks = bm_photo_get_checks (photo);

  g_print (_("Photo: %d bytes, JPEG quality %d."), (int) g_bytes_get_size (bm_photo_get_jpeg (photo)),
           bm_photo_get_quality (photo));
  g_print ("\n");
  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (!c->passed)
        g_print ("  %s %s\n", c->severity == BM_PHOTO_SEVERITY_HARD ? _("[must fix]") : _("[check]"), c->message);
    }
  if (bm_photo_is_acceptable (photo))
    g_print ("%s\n", bm_photo_has_soft_failure (photo) ? _("Accepted with a reason.") : _("The photo meets the standard."));
  else
    g_print ("%s\n", bm_photo_has_hard_failure (photo) ? _("The photo cannot be used.")
                                                       : _("The photo can be used only with a reason."));
}

static gboolean
parse_frame (const char *text, BmPhotoFrame *frame)
{
  return text && sscanf (text, "%d,%d,%d,%d", &frame->x, &frame->y, &frame->width, &frame->height) == 4 &&
         frame->width > 0 && frame->height > 0;
}

static int
photo_check (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BmImage) image = NULL;
  g_autoptr(BmPhoto) photo = NULL;
  g_autofree char *frame_text = NULL, *out_path = NULL;
  g_autofree char *contents = NULL;
  gboolean as_json = FALSE;
  BmPhotoFrame frame;
  gsize len;
  int code;
  const GOptionEntry entries[] = {
    { "frame", 0, 0, G_OPTION_ARG_STRING, &frame_text, N_("Framing in the picture (default: centred 3:4)"), N_("X,Y,W,H") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the 480×640 standard photo here"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Check a JPEG or PNG picture against the photo standard. Exit status 0: it passes; 3: it fails a check (or is not a usable picture)."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one picture file."));
  if (frame_text && !parse_frame (frame_text, &frame))
    return bm_cli_usage (options, _("--frame needs X,Y,W,H."));

  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  image = bm_image_decode (bytes, NULL, &error);
  if (image == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  photo = bm_photo_new_from_image (image, frame_text ? &frame : NULL, bytes, &error);
  if (photo == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (out_path)
    {
      GBytes *jpeg = bm_photo_get_jpeg (photo);
      /* 0600 whatever the umask: a photo is candidate data. */
      if (!bm_paths_write_private (out_path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), &error))
        return bm_cli_fail (g_steal_pointer (&error));
    }
  if (as_json)
    {
      g_autoptr(JsonObject) o = bm_photo_to_json (photo);
      bm_cli_print_json_object (o);
    }
  else
    bm_cli_photo_print_verdict (photo);
  return bm_photo_has_hard_failure (photo) || bm_photo_has_soft_failure (photo) ? BM_CLI_EXIT_INVALID : BM_CLI_EXIT_OK;
}

static int
photo_import (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("FILE|DIR"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *number = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Put the file on this record (a single file only)"), N_("NUMBER") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Import photos taken with a digital camera or sent in as files. A folder is matched by file name (报名顺序号 or ID number, e.g. 01020001.jpg); a single file needs --number unless its name matches. Prints a JSON report; exit status 3 if any file was unmatched or rejected."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one file or folder."));
  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL)
    return bm_cli_fail (g_steal_pointer (&error));

  if (g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    {
      if (number)
        return bm_cli_usage (options, _("--number is for a single file, not a folder."));
      report = bm_photo_import_dir (store, argv[1], ctx->operator_name, &error);
      if (report == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
    }
  else if (number)
    {
      JsonObject *one = bm_photo_import_file (store, argv[1], number, ctx->operator_name, &error);
      if (one == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      report = json_object_new ();
      json_object_set_array_member (report, "matched", json_array_new ());
      json_array_add_object_element (json_object_get_array_member (report, "matched"), one);
      json_object_set_array_member (report, "unmatched", json_array_new ());
      json_object_set_array_member (report, "rejected", json_array_new ());
    }
  else
    {
      /* a single file matched by its name: import its folder's view of it */
      g_autofree char *dir = g_dir_make_tmp ("bm-import-XXXXXX", &error);
      g_autofree char *base = g_path_get_basename (argv[1]);
      g_autofree char *abs = g_canonicalize_filename (argv[1], NULL);
      g_autofree char *link = dir ? g_build_filename (dir, base, NULL) : NULL;

      if (dir == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      if (symlink (abs, link) != 0)
        {
          g_rmdir (dir);
          return bm_cli_fail (g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno)));
        }
      report = bm_photo_import_dir (store, dir, ctx->operator_name, &error);
      g_unlink (link);
      g_rmdir (dir);
      if (report == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
    }
  bm_cli_print_json_object (report);
  return json_array_get_length (json_object_get_array_member (report, "unmatched")) == 0 &&
         json_array_get_length (json_object_get_array_member (report, "rejected")) == 0
         ? BM_CLI_EXIT_OK : BM_CLI_EXIT_INVALID;
}

static int
photo_export (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *out_path = NULL, *sha = NULL;
  gboolean original = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the photo here"), N_("FILE") },
    { "original", 0, 0, G_OPTION_ARG_NONE, &original, N_("The original as taken or imported, not the standard photo"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Write the current photo of a record to a file and print its SHA-256."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || out_path == NULL)
    return bm_cli_usage (options, _("Give one 报名顺序号 and --out FILE."));
  store = bm_cli_open_store (ctx, &error);
  if (store == NULL || (bytes = bm_store_dup_photo (store, argv[1], original ? "original" : "processed", &sha, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  /* 0600 whatever the umask (written to a new file, then renamed over
   * @out_path): the photo is candidate data. */
  if (!bm_paths_write_private (out_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    return bm_cli_fail (g_steal_pointer (&error));
  g_print ("%s\n", sha);
  return BM_CLI_EXIT_OK;
}

int
bm_cli_photo (BmCliContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "check"))
    return photo_check (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return photo_import (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "export"))
    return photo_export (ctx, argc - 1, argv + 1);
  g_printerr ("%s\n", _("Usage: baoming-cli photo check|import|export … (--help for each)"));
  return BM_CLI_EXIT_USAGE;
}
