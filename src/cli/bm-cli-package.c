/* export, package verify, package receipt: the outage hand-over of issue 14
 * (docs/package.md; keys and exit codes in docs/cli.md). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-package-export.h"
#include "bm-station-keys.h"
#include "bm-store-operators.h"

/* A package refusal: the JSON form names its code (docs/cli.md). */
static int
package_fail (GError *error, gboolean as_json)
{
  if (as_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      const char *code = bm_package_error_code (error);
      json_object_set_boolean_member (o, "ok", FALSE);
      json_object_set_string_member (o, "error_code", code ? code : "failed");
      json_object_set_string_member (o, "error", error->message);
      bm_cli_print_json_object (o);
    }
  return bm_cli_fail (error);
}

int
bm_cli_export (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autofree char *to = NULL, *since = NULL, *path = NULL;
  gboolean as_json = FALSE;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("Folder to write the package to (a USB stick, a disc staging folder)"), N_("DIR") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only what changed since package ID (records no package up to it carried at their current version, later audit entries)"), N_("PACKAGE_ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the manifest and the file as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Write one signed export package of this workstation's records, photos and audit entries, encrypted to the county (docs/package.md). Supervisor only."), entries, &argc, &argv, &code))
    return code;
  if (argc != 1 || to == NULL)
    return bm_cli_usage (options, _("Give the folder with --to DIR."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || (manifest = bm_package_export (store, ctx->operator_name, to, since, &path, &error)) == NULL)
    return package_fail (g_steal_pointer (&error), as_json);
  if (as_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      json_object_set_boolean_member (o, "ok", TRUE);
      json_object_set_string_member (o, "file", path);
      json_object_set_object_member (o, "manifest", json_object_ref (manifest));
      bm_cli_print_json_object (o);
    }
  else
    g_print (_("Package %s written to %s: %lld records, read back and verified.\n"),
             json_object_get_string_member (manifest, "package_id"), path,
             (long long) json_object_get_int_member (manifest, "records"));
  return BM_CLI_EXIT_OK;
}

typedef struct
{
  JsonArray *records;
  gint64 photos, audit, records_n;
  JsonObject *end;
  char *audit_hash;
} Listing;

static gboolean
list_item (JsonObject *item, GBytes *bytes, gpointer data, GError **error)
{
  Listing *l = data;
  const char *t = json_object_get_string_member_with_default (item, "t", "");

  if (l->end != NULL)
    goto bad;
  if (g_str_equal (t, "record") && json_object_has_member (item, "item")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (item, "item")))
    {
      JsonObject *it = json_object_get_object_member (item, "item");
      JsonNode *rn = json_object_get_member (it, "record");
      JsonObject *rec = rn && JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "uuid", json_object_get_string_member_with_default (it, "uuid", ""));
      json_object_set_int_member (o, "version", json_object_get_int_member_with_default (it, "version", 0));
      json_object_set_string_member (o, "number", rec ? json_object_get_string_member_with_default (rec, "number", "") : "");
      json_object_set_string_member (o, "category", rec ? json_object_get_string_member_with_default (rec, "category", "") : "");
      json_array_add_object_element (l->records, o);
      l->records_n++;
      return TRUE;
    }
  if (g_str_equal (t, "photo") && bytes != NULL)
    {
      const char *sha = json_object_get_string_member_with_default (item, "sha256", "");
      g_autofree char *got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      if (g_strcmp0 (got, sha) != 0)
        goto bad;
      l->photos++;
      return TRUE;
    }
  if (g_str_equal (t, "audit"))
    {
      JsonNode *e = json_object_get_member (item, "entry");
      l->audit++;
      return bm_package_audit_step (&l->audit_hash, e && JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL,
                                    error);
    }
  if (g_str_equal (t, "end") && json_object_has_member (item, "counts")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (item, "counts")))
    {
      l->end = json_object_ref (json_object_get_object_member (item, "counts"));
      return TRUE;
    }
bad:
  g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED,
               _("The package was altered after the station signed it (%s); it must not be imported. Ask the point for a new copy."),
               _("item"));
  return FALSE;
}

static gboolean
read_secret_key (const char *path, guint8 *sk, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  g_strstrip (text);
  ok = bm_key_from_hex (text, sk, BM_PACKAGE_KEY_BYTES);
  sodium_memzero (text, len);
  if (!ok)
    g_set_error (error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_KEY,
                 _("The key file %s does not hold a county secret key (64 hexadecimal digits)."), path);
  return ok;
}

static int
package_verify (BmCliContext *ctx, const char *path, const char *key_file, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  BmStore *store = NULL;
  Listing l = { 0 };

  /* The station's own key and point are checked when its store is named
   * (--db); the county's machine has no store. */
  if (ctx->db_path != NULL && (store = bm_cli_open_store (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if ((manifest = bm_package_verify_file (store, path, &error)) == NULL)
    return package_fail (g_steal_pointer (&error), as_json);
  json_object_set_boolean_member (out, "ok", TRUE);
  json_object_set_boolean_member (out, "decrypted", key_file != NULL);
  json_object_set_object_member (out, "manifest", json_object_ref (manifest));
  if (key_file != NULL)
    {
      guint8 sk[BM_PACKAGE_KEY_BYTES];
      FILE *f;
      gboolean ok;

      if (!read_secret_key (key_file, sk, &error))
        return package_fail (g_steal_pointer (&error), as_json);
      if ((f = g_fopen (path, "rb")) == NULL)
        return bm_cli_fail (g_error_new (G_FILE_ERROR, G_FILE_ERROR_NOENT, _("Cannot open %s"), path));
      l.records = json_array_new ();
      ok = bm_package_decrypt (f, sk, list_item, &l, &error)
           && bm_package_audit_end (l.audit_hash, manifest, &error);
      g_free (l.audit_hash);
      sodium_memzero (sk, sizeof sk);
      fclose (f);
      if (ok && (l.end == NULL || json_object_get_int_member_with_default (l.end, "records", -1) != l.records_n
                 || json_object_get_int_member_with_default (l.end, "photos", -1) != l.photos
                 || json_object_get_int_member_with_default (l.end, "audit_entries", -1) != l.audit
                 || json_object_get_int_member_with_default (manifest, "records", -1) != l.records_n
                 || json_object_get_int_member_with_default (manifest, "photos", -1) != l.photos
                 || json_object_get_int_member_with_default (manifest, "audit_entries", -1) != l.audit))
        {
          ok = FALSE;
          g_set_error (&error, BM_PACKAGE_ERROR, BM_PACKAGE_ERROR_ALTERED,
                       _("The package was altered after the station signed it (%s); it must not be imported. Ask the point for a new copy."),
                       _("counts"));
        }
      g_clear_pointer (&l.end, json_object_unref);
      if (!ok)
        {
          json_array_unref (l.records);
          return package_fail (g_steal_pointer (&error), as_json);
        }
      json_object_set_array_member (out, "records", l.records);
      json_object_set_int_member (out, "photos", l.photos);
      json_object_set_int_member (out, "audit_entries", l.audit);
    }
  if (as_json)
    bm_cli_print_json_object (out);
  else
    {
      g_print (_("Package %s from point %s, workstation %s: signature and every part intact.\n"),
               json_object_get_string_member_with_default (manifest, "package_id", ""),
               json_object_get_string_member_with_default (manifest, "point_code", ""),
               json_object_get_string_member_with_default (manifest, "workstation_id", ""));
      g_print (_("%lld records, %lld photos, %lld audit entries.\n"),
               (long long) json_object_get_int_member_with_default (manifest, "records", 0),
               (long long) json_object_get_int_member_with_default (manifest, "photos", 0),
               (long long) json_object_get_int_member_with_default (manifest, "audit_entries", 0));
      if (json_object_has_member (out, "records"))
        {
          JsonArray *a = json_object_get_array_member (out, "records");
          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonObject *r = json_array_get_object_element (a, i);
              g_print ("%s %s v%lld\n", json_object_get_string_member (r, "number"),
                       json_object_get_string_member (r, "category"),
                       (long long) json_object_get_int_member (r, "version"));
            }
        }
    }
  return BM_CLI_EXIT_OK;
}

static int
package_receipt (BmCliContext *ctx, const char *path, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) out = NULL;
  BmStore *store;

  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || (out = bm_package_apply_receipt (store, ctx->operator_name, path, &error)) == NULL)
    return package_fail (g_steal_pointer (&error), as_json);
  if (as_json)
    {
      json_object_set_boolean_member (out, "ok", TRUE);
      bm_cli_print_json_object (out);
    }
  else if (json_object_get_boolean_member (out, "already_applied"))
    g_print (_("The receipt for package %s was applied before; nothing changed.\n"),
             json_object_get_string_member (out, "package_id"));
  else
    g_print (_("Receipt for package %s applied: %lld accepted, %lld rejected, %lld in conflict.\n"),
             json_object_get_string_member (out, "package_id"),
             (long long) json_object_get_int_member (out, "accepted"),
             (long long) json_object_get_int_member (out, "rejected"),
             (long long) json_object_get_int_member (out, "conflict"));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_package (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (N_("verify FILE | receipt FILE"));
  g_autofree char *key_file = NULL;
  gboolean as_json = FALSE;
  int code;
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("verify: the county's secret key, to decrypt and list the records"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Verify an export package (signature, manifest, every part; with --key, decrypt and list), or apply the province's signed receipt for one (docs/package.md)."), entries, &argc, &argv, &code))
    return code;
  if (argc == 3 && g_str_equal (argv[1], "verify"))
    return package_verify (ctx, argv[2], key_file, as_json);
  if (argc == 3 && g_str_equal (argv[1], "receipt"))
    return package_receipt (ctx, argv[2], as_json);
  return bm_cli_usage (options, _("Use “package verify FILE [--key FILE]” or “package receipt FILE”."));
}
