/* backup now|list|restore|code|set-dir and numbering resume|status
 * (issue 14, docs/backup.md). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-backup.h"
#include "bm-cli.h"
#include "bm-error.h"

static void
print_code (const char *code, const char *key_id)
{
  g_print ("\n%s\n\n    %s\n\n",
           _("RECOVERY CODE: write it on paper now and keep it locked away. It is shown only this once; without it no backup can be opened:"),
           code);
  g_print (_("Key id: %s\n\n"), key_id);
}

/* A supervisor makes the recovery code; returns it (printed by the caller). */
static char *
make_code (BmCliContext *ctx, GError **error)
{
  BmStore *store = bm_cli_open_store_as (ctx, error);

  if (store == NULL)
    return NULL;
  return bm_backup_key_create (store, ctx->operator_name, error);
}

static int
backup_now (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmBackupKey) key = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(JsonObject) output = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *code = NULL;
  gboolean as_json = FALSE;
  int keep = BM_BACKUP_KEEP_DEFAULT;
  int status;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &dir, N_("Write the backup into this folder (default: the folder set with “backup set-dir”)"), N_("DIR") },
    { "keep", 0, 0, G_OPTION_ARG_INT, &keep, N_("Generations to keep besides one a day (default 10)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Back up the database now, encrypted, into the backup folder. The first backup of a workstation without a recovery code needs a supervisor, who gets the code."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1 || keep < 1)
    return bm_cli_usage (options, _("backup now takes no arguments; --keep is at least 1."));
  if ((store = bm_cli_open_store (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (dir == NULL && (dir = bm_backup_dup_dir (store)) == NULL)
    return bm_cli_usage (options, _("No backup folder: give --to DIR, or set one with “baoming-cli backup set-dir DIR”."));
  key = bm_backup_key_load (store, &error);
  if (key == NULL && g_error_matches (error, BM_ERROR, BM_ERROR_NOT_FOUND))
    {
      /* A store made before backups existed: its first backup makes the code. */
      g_clear_error (&error);
      if ((code = make_code (ctx, &error)) == NULL || (key = bm_backup_key_load (store, &error)) == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
    }
  else if (key == NULL)
    return bm_cli_fail (g_steal_pointer (&error));

  info = bm_backup_create (bm_store_get_path (store), key, dir, (guint) keep, &error);
  if (info == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  output = bm_backup_info_to_json (info);
  json_object_set_boolean_member (output, "new_code", code != NULL);
  if (code != NULL)
    json_object_set_string_member (output, "recovery_code", code);
  if (as_json)
    bm_cli_print_json_object (output);
  else
    {
      if (code != NULL)
        print_code (code, bm_backup_key_get_id (key));
      g_print (_("Backup written: %s (%lld records, %lld audit entries).\n"),
               info->path, (long long) info->records, (long long) info->audit_entries);
    }
  return BM_CLI_EXIT_OK;
}

static int
backup_list (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  g_autofree char *dir = NULL;
  gboolean as_json = FALSE;
  JsonArray *array;
  int status;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, N_("List the backups in this folder (default: the folder set with “backup set-dir”)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the list as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("List the backups in a folder, newest first, from their headers (no recovery code needed)."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return bm_cli_usage (options, _("backup list takes no arguments."));
  if (dir == NULL)
    {
      BmStore *store = bm_cli_open_store (ctx, &error);

      if (store == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
      if ((dir = bm_backup_dup_dir (store)) == NULL)
        return bm_cli_usage (options, _("No backup folder: give --dir DIR, or set one with “baoming-cli backup set-dir DIR”."));
    }
  if ((list = bm_backup_list (dir, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  array = json_array_new ();
  for (guint i = 0; i < list->len; i++)
    json_array_add_object_element (array, bm_backup_info_to_json (list->pdata[i]));
  json_object_set_string_member (output, "dir", dir);
  json_object_set_array_member (output, "backups", array);
  if (as_json)
    {
      bm_cli_print_json_object (output);
      return BM_CLI_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const BmBackupInfo *info = list->pdata[i];

      g_print ("%s  %s  %lld  %s\n", info->created, info->point, (long long) info->records, info->path);
    }
  return BM_CLI_EXIT_OK;
}

static int
backup_restore (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BmBackupInfo) header = NULL;
  g_autoptr(BmBackupInfo) info = NULL;
  g_autoptr(BmStore) store = NULL;
  g_autoptr(JsonObject) output = NULL;
  g_auto(BmAuditReport) report = { 0 };
  g_autofree char *to = NULL;
  g_autofree char *code_file = NULL;
  g_autofree char *store_path = NULL;
  char *code = NULL;
  gboolean as_json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("The new database: a file ending in .db, or a folder (the usual file name is used)"), N_("PATH") },
    { "code-file", 0, 0, G_OPTION_ARG_FILENAME, &code_file, N_("Read the recovery code from this file; or BAOMING_RECOVERY_CODE, or the terminal"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Restore a backup into a new database, with the recovery code. The restored workstation issues no 报名顺序号 until the supervisor runs “baoming-cli numbering resume”."), entries, &argc, &argv, &status))
    return status;
  if (argc != 2 || to == NULL)
    return bm_cli_usage (options, _("backup restore needs FILE and --to PATH."));
  if ((header = bm_backup_read_header (argv[1], &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  if (g_str_has_suffix (to, ".db"))
    store_path = g_strdup (to);
  else
    store_path = g_build_filename (to, header->training ? "training.db" : "baoming.db", NULL);
  code = bm_cli_read_password (code_file, "BAOMING_RECOVERY_CODE", _("Recovery code: "), &error);
  if (code == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  info = bm_backup_restore (argv[1], code, store_path, &error);
  bm_cli_password_free (code);
  if (info == NULL)
    return bm_cli_fail (g_steal_pointer (&error));

  /* What the new database holds, checked as `audit verify` does. */
  if ((store = bm_store_open (store_path, info->training, &error)) == NULL
      || !bm_store_audit_verify_full (store, &report, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  output = json_object_new ();
  json_object_set_object_member (output, "backup", bm_backup_info_to_json (info));
  json_object_set_string_member (output, "db", store_path);
  json_object_set_int_member (output, "records", bm_store_count_candidates (store, TRUE));
  json_object_set_int_member (output, "audit_entries", report.entries);
  json_object_set_boolean_member (output, "audit_ok", report.altered->len == 0);
  json_object_set_array_member (output, "numbering_held", bm_store_list_numbering_holds (store, NULL));
  if (as_json)
    bm_cli_print_json_object (output);
  else
    g_print (_("Restored %s into %s: %lld records, %lld audit entries. No 报名顺序号 is issued until the supervisor runs “baoming-cli numbering resume” for each 科类.\n"),
             argv[1], store_path, (long long) bm_store_count_candidates (store, TRUE), (long long) report.entries);
  return report.altered->len == 0 ? BM_CLI_EXIT_OK : BM_CLI_EXIT_STORE;
}

static int
backup_code (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmBackupKey) key = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  g_autofree char *code = NULL;
  gboolean renew = FALSE, as_json = FALSE;
  int status;
  BmStore *store;
  const GOptionEntry entries[] = {
    { "renew", 0, 0, G_OPTION_ARG_NONE, &renew, N_("Make a new code even though one exists (older backups keep needing the old one)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the result as JSON"), NULL },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The supervisor makes the backup recovery code (shown once), or sees which one is in use."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return bm_cli_usage (options, _("backup code takes no arguments."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  key = bm_backup_key_load (store, &error);
  if (key == NULL && !g_error_matches (error, BM_ERROR, BM_ERROR_NOT_FOUND))
    return bm_cli_fail (g_steal_pointer (&error));
  g_clear_error (&error);
  if (key == NULL || renew)
    {
      g_clear_pointer (&key, bm_backup_key_free);
      if ((code = bm_backup_key_create (store, ctx->operator_name, &error)) == NULL
          || (key = bm_backup_key_load (store, &error)) == NULL)
        return bm_cli_fail (g_steal_pointer (&error));
    }
  json_object_set_string_member (output, "key_id", bm_backup_key_get_id (key));
  json_object_set_boolean_member (output, "new_code", code != NULL);
  if (code != NULL)
    json_object_set_string_member (output, "recovery_code", code);
  if (as_json)
    bm_cli_print_json_object (output);
  else if (code != NULL)
    print_code (code, bm_backup_key_get_id (key));
  else
    g_print (_("A recovery code is in use (key id %s). It is not shown again; “--renew” makes a new one.\n"),
             bm_backup_key_get_id (key));
  return BM_CLI_EXIT_OK;
}

static int
backup_set_dir (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("DIR"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  BmStore *store;
  int status;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The supervisor sets the folder the continuous backup writes to (a second disk or a USB stick); \"\" turns it off."), entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return bm_cli_usage (options, _("backup set-dir needs DIR."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || !bm_backup_set_dir (store, argv[1], ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_string_member (output, "dir", argv[1]);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

int
bm_cli_backup (BmCliContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "now"))
    return backup_now (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return backup_list (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "restore"))
    return backup_restore (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "code"))
    return backup_code (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "set-dir"))
    return backup_set_dir (ctx, argc - 1, argv + 1);
  g_printerr ("%s\n", _("Usage: baoming-cli backup now|list|restore|code|set-dir …"));
  return BM_CLI_EXIT_USAGE;
}

static int
numbering_resume (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  g_autofree char *category = NULL;
  g_autofree char *last = NULL;
  g_autofree char *next = NULL;
  BmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "kelei", 0, 0, G_OPTION_ARG_STRING, &category, N_("The 科类 code"), N_("CODE") },
    { "last", 0, 0, G_OPTION_ARG_STRING, &last, N_("The last 报名顺序号 of that 科类 printed on paper (0: none was issued)"), N_("NUMBER") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("After a restore, the supervisor types the last 报名顺序号 printed on paper for a 科类; numbering continues after it."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1 || category == NULL || last == NULL)
    return bm_cli_usage (options, _("numbering resume needs --kelei CODE and --last NUMBER."));
  if ((store = bm_cli_open_store_as (ctx, &error)) == NULL
      || (next = bm_store_resume_numbering (store, category, last, ctx->operator_name, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_string_member (output, "category", category);
  json_object_set_string_member (output, "last_number", last);
  json_object_set_string_member (output, "next_number", next);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

static int
numbering_status (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) output = json_object_new ();
  JsonArray *holds;
  BmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Which 科类 wait for “numbering resume” (JSON)."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return bm_cli_usage (options, _("numbering status takes no arguments."));
  if ((store = bm_cli_open_store (ctx, &error)) == NULL
      || (holds = bm_store_list_numbering_holds (store, &error)) == NULL)
    return bm_cli_fail (g_steal_pointer (&error));
  json_object_set_array_member (output, "held", holds);
  bm_cli_print_json_object (output);
  return BM_CLI_EXIT_OK;
}

int
bm_cli_numbering (BmCliContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "resume"))
    return numbering_resume (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "status"))
    return numbering_status (ctx, argc - 1, argv + 1);
  g_printerr ("%s\n", _("Usage: baoming-cli numbering resume|status …"));
  return BM_CLI_EXIT_USAGE;
}
