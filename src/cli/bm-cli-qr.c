/* verify-qr: is a login card's QR text genuine, and which station issued it
 * (issue 14, docs/qr.md). The station checks with the key beside its store;
 * the county, which has no store, with the station's registered public key. */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-cli.h"
#include "bm-qr-sign.h"
#include "bm-station-keys.h"

static int
refuse (JsonObject *out, const char *reason, GError *error, gboolean as_json)
{
  json_object_set_boolean_member (out, "genuine", FALSE);
  json_object_set_string_member (out, "reason", reason);
  json_object_set_string_member (out, "error", error->message);
  if (as_json)
    bm_cli_print_json_object (out);
  return bm_cli_fail (error);
}

int
bm_cli_verify_qr (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (N_("TEXT"));
  g_autofree char *key_hex = NULL, *name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(BmQrInfo) info = NULL;
  g_autoptr(BmStationKeys) keys = NULL;
  guint8 pk[BM_STATION_PUBLIC_KEY_BYTES];
  gboolean as_json = FALSE;
  int code;
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_STRING, &key_hex, N_("The issuing station's public key (64 hexadecimal digits), instead of this station's store"), N_("HEX") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Also check that the code was issued for this name"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Check the text decoded from a login card's QR code: whether a station signed it, and which (docs/qr.md)."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Use “verify-qr TEXT [--name NAME] [--key PUBLIC_KEY_HEX]”."));
  if (key_hex != NULL)
    {
      if (!bm_key_from_hex (key_hex, pk, sizeof pk))
        return bm_cli_usage (options, _("--key takes a station's public key: 64 hexadecimal digits."));
      json_object_set_string_member (out, "key_source", "key");
    }
  else
    {
      BmStore *store = bm_cli_open_store (ctx, &error);

      if (store == NULL
          || (keys = bm_station_keys_load (bm_store_get_path (store), &error)) == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      memcpy (pk, keys->public_key, sizeof pk);
      json_object_set_string_member (out, "key_source", "store");
      json_object_set_boolean_member (out, "training", keys->training);
    }

  if ((info = bm_qr_parse (argv[1], &error)) == NULL)
    return refuse (out, "malformed", g_steal_pointer (&error), as_json);
  json_object_set_string_member (out, "number", info->number);
  json_object_set_string_member (out, "name_digest", info->name_digest);
  json_object_set_string_member (out, "workstation_id", info->workstation_id);
  if (!bm_qr_verify (argv[1], pk, NULL, &error))
    return refuse (out, "signature", g_steal_pointer (&error), as_json);
  if (name != NULL && !bm_qr_verify (argv[1], pk, name, &error))
    {
      json_object_set_boolean_member (out, "name_matches", FALSE);
      return refuse (out, "name", g_steal_pointer (&error), as_json);
    }
  if (name != NULL)
    json_object_set_boolean_member (out, "name_matches", TRUE);
  json_object_set_boolean_member (out, "genuine", TRUE);
  if (as_json)
    bm_cli_print_json_object (out);
  else
    g_print (_("Genuine: 报名顺序号 %s, issued by workstation %s.\n"), info->number, info->workstation_id);
  return BM_CLI_EXIT_OK;
}
