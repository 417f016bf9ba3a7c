/* Photo import for outages and disasters (seed 四): photos taken with a
 * digital camera or sent in as files, put onto records one by one or a
 * whole folder at a time, matched by file name to the 报名顺序号 or the ID
 * number. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-id-number.h"
#include "bm-photo.h"
#include "bm-photo-import.h"
#include "bm-store-photo.h"

static gboolean
has_image_extension (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg") || g_str_has_suffix (lower, ".png");
}

static GBytes *
read_limited (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("%s is not a file."), path);
      return NULL;
    }
  {
    g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, error);
    if (map == NULL)
      return NULL;
    if (g_mapped_file_get_length (map) > BM_PHOTO_IMPORT_MAX_FILE)
      {
        g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The file is larger than 40 MB."));
        return NULL;
      }
  }
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static char *
hard_failures (BmPhoto *photo)
{
  GPtrArray *checks = bm_photo_get_checks (photo);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (!c->passed && c->severity == BM_PHOTO_SEVERITY_HARD)
        g_string_append_printf (s, "%s%s", s->len ? " " : "", c->message);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Decode, process, check and store one file onto one record. */
static JsonObject *
import_one (BmStore *store, const char *path, const char *number, const char *operator_name, GError **error)
{
  g_autoptr(GBytes) bytes = read_limited (path, error);
  g_autoptr(BmPhoto) photo = NULL;
  g_autoptr(JsonArray) warnings = json_array_new ();
  GPtrArray *checks;
  JsonObject *result;

  if (bytes == NULL)
    return NULL;
  if (bm_image_sniff_format (bytes) == BM_IMAGE_FORMAT_UNKNOWN)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Only JPEG and PNG photos can be imported."));
      return NULL;
    }
  photo = bm_photo_new_from_file_bytes (bytes, error);
  if (photo == NULL)
    return NULL;
  if (bm_photo_has_hard_failure (photo))
    {
      g_autofree char *why = hard_failures (photo);
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, "%s", why);
      return NULL;
    }
  /* Nobody frames an imported photo at the counter: soft failures are
   * stored with this reason and reported as warnings for a later retake. */
  checks = bm_photo_get_checks (photo);
  for (guint i = 0; i < checks->len; i++)
    {
      BmPhotoCheck *c = g_ptr_array_index (checks, i);
      if (!c->passed)
        json_array_add_string_element (warnings, c->message);
    }
  if (json_array_get_length (warnings) > 0)
    bm_photo_set_override_reason (photo, _("Imported from a file during an outage"));
  if (!bm_store_save_photo (store, number, photo, "import", operator_name, error))
    return NULL;
  result = json_object_new ();
  json_object_set_string_member (result, "number", number);
  json_object_set_string_member (result, "sha256", bm_photo_get_sha256 (photo));
  json_object_set_string_member (result, "original_sha256", bm_photo_get_original_sha256 (photo));
  json_object_set_int_member (result, "bytes", (gint64) g_bytes_get_size (bm_photo_get_jpeg (photo)));
  json_object_set_int_member (result, "quality", bm_photo_get_quality (photo));
  json_object_set_array_member (result, "warnings", g_steal_pointer (&warnings));
  return result;
}

/**
 * bm_photo_import_file:
 * @number: the record's 报名顺序号
 *
 * Returns: (transfer full): {"file","number","sha256","original_sha256","bytes","quality","warnings":[...]}
 */
JsonObject *
bm_photo_import_file (BmStore     *store,
                      const char  *path,
                      const char  *number,
                      const char  *operator_name,
                      GError     **error)
{
  g_autoptr(BmCandidate) candidate = bm_store_find_by_number (store, number, error);
  JsonObject *result;

  if (candidate == NULL)
    return NULL;
  result = import_one (store, path, number, operator_name, error);
  if (result)
    json_object_set_string_member (result, "file", path);
  return result;
}

/* The record a file name stands for: 8 digits are a 报名顺序号, anything
 * else is tried as an ID number (15-digit resident numbers are widened). */
static BmCandidate *
match (BmStore *store, const char *stem)
{
  g_autofree char *upper = g_ascii_strup (stem, -1);
  BmCandidate *found = NULL;

  if (strlen (upper) == 8 && strspn (upper, "0123456789") == 8)
    return bm_store_find_by_number (store, upper, NULL);
  found = bm_store_find_by_id_number (store, upper, NULL);
  if (found == NULL && strlen (upper) == 15 && strspn (upper, "0123456789") == 15)
    {
      g_autofree char *wide = bm_id_number_from_15 (upper);
      if (wide)
        found = bm_store_find_by_id_number (store, wide, NULL);
    }
  return found;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
add_rejected (JsonArray *arr, const char *name, const char *reason)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "file", name);
  json_object_set_string_member (o, "reason", reason);
  json_array_add_object_element (arr, o);
}

/**
 * bm_photo_import_dir:
 *
 * Every regular, non-hidden file of @dir (not recursive) is either matched
 * and stored, unmatched (no live record for its name) or rejected (not a
 * JPEG/PNG, unreadable, fails a hard check, record voided or without a
 * number). One bad file never stops the rest.
 *
 * Returns: (transfer full): {"matched":[...],"unmatched":[{"file"}],"rejected":[{"file","reason"}]}
 */
JsonObject *
bm_photo_import_dir (BmStore     *store,
                     const char  *dir,
                     const char  *operator_name,
                     GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonArray *matched, *unmatched, *rejected;
  JsonObject *report;
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  report = json_object_new ();
  matched = json_array_new ();
  unmatched = json_array_new ();
  rejected = json_array_new ();
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *stem = g_strdup (file);
      g_autoptr(BmCandidate) candidate = NULL;
      g_autoptr(GError) local = NULL;
      JsonObject *result;
      char *dot;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!has_image_extension (file))
        {
          add_rejected (rejected, file, _("Only JPEG and PNG photos can be imported."));
          continue;
        }
      if ((dot = strrchr (stem, '.')) != NULL)
        *dot = '\0';
      candidate = match (store, stem);
      if (candidate == NULL)
        {
          JsonObject *o = json_object_new ();
          json_object_set_string_member (o, "file", file);
          json_array_add_object_element (unmatched, o);
          continue;
        }
      if (bm_candidate_get (candidate, "number") == NULL)
        {
          add_rejected (rejected, file, _("The record has no registration number yet."));
          continue;
        }
      result = import_one (store, path, bm_candidate_get (candidate, "number"), operator_name, &local);
      if (result == NULL)
        {
          add_rejected (rejected, file, local->message);
          continue;
        }
      json_object_set_string_member (result, "file", file);
      json_array_add_object_element (matched, result);
    }
  json_object_set_array_member (report, "matched", matched);
  json_object_set_array_member (report, "unmatched", unmatched);
  json_object_set_array_member (report, "rejected", rejected);
  return report;
}
