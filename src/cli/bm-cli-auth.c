/* Who is working: every command that changes registration data logs its
 * operator in here, right after opening the store (issue 12: no write
 * without an operator). The password comes from --password-file (small,
 * bounded), BAOMING_PASSWORD, or the terminal without echo; it is never
 * printed, logged or kept after the check. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-login.h"
#include "bm-sync-client.h"

/* A password file holds one line; anything bigger is not a password file. */
#define PASSWORD_FILE_MAX 1024

static char *
read_password_file (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  char buf[PASSWORD_FILE_MAX + 1];
  gsize got = 0;
  char *out;

  if (in == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (in), buf, sizeof buf, &got, NULL, error))
    return NULL;
  if (got > PASSWORD_FILE_MAX)
    {
      memset (buf, 0, sizeof buf);
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("The password file is larger than %d bytes; it must hold only the password."), PASSWORD_FILE_MAX);
      return NULL;
    }
  buf[got] = '\0';
  buf[strcspn (buf, "\r\n")] = '\0';
  out = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return out;
}

static char *
read_terminal (const char *prompt, GError **error)
{
  char buf[256];
  struct termios old, quiet;
  FILE *tty;
  gboolean restore;
  char *out;

  if ((tty = fopen ("/dev/tty", "r+")) == NULL)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   _("No terminal to read the password from; use --password-file or BAOMING_PASSWORD."));
      return NULL;
    }
  fputs (prompt, tty);
  fflush (tty);
  restore = tcgetattr (fileno (tty), &old) == 0;
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  if (restore)
    tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  if (fgets (buf, sizeof buf, tty) == NULL)
    buf[0] = '\0';
  if (restore)
    tcsetattr (fileno (tty), TCSAFLUSH, &old);
  fputc ('\n', tty);
  fclose (tty);
  buf[strcspn (buf, "\r\n")] = '\0';
  out = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return out;
}

char *
bm_cli_read_password (const char *file, const char *env_name, const char *prompt, GError **error)
{
  const char *env = env_name ? g_getenv (env_name) : NULL;

  if (file != NULL)
    return read_password_file (file, error);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return read_terminal (prompt, error);
}

void
bm_cli_password_free (char *password)
{
  if (password == NULL)
    return;
  memset (password, 0, strlen (password));
  g_free (password);
}

BmStore *
bm_cli_open_store_as (BmCliContext *ctx, GError **error)
{
  BmStore *store = bm_cli_open_store (ctx, error);
  const char *name;
  char *password = NULL;
  gboolean must_change = FALSE;
  gboolean ok;

  if (store == NULL)
    return NULL;
  if (ctx->operator_name != NULL)
    return store;
  name = ctx->auth_operator ? ctx->auth_operator : g_getenv ("BAOMING_OPERATOR");
  if (name == NULL || *name == '\0')
    {
      /* Training must stay one command to try: its clerk has no password. */
      if (!bm_store_is_training (store))
        {
          g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                       _("This command changes registration data: give --operator NAME (or BAOMING_OPERATOR) and the operator’s password."));
          return NULL;
        }
      name = BM_TRAINING_CLERK;
    }
  if (ctx->auth_password_file != NULL || g_getenv ("BAOMING_PASSWORD") != NULL || !bm_store_is_training (store))
    {
      g_autofree char *prompt = g_strdup_printf (_("Password for %s: "), name);

      password = bm_cli_read_password (ctx->auth_password_file, "BAOMING_PASSWORD", prompt, error);
      if (password == NULL)
        return NULL;
    }
  /* An account the point profile brought logs in the first time with the
   * password the county gave it, checked by the provincial server; its
   * hash is kept, so later log-ins work offline. */
  if (password != NULL && bm_store_operator_awaits_password (store, name)
      && (!bm_sync_check_account (store, name, password, NULL, error)
          || !bm_store_set_password (store, name, password, FALSE, BM_ACTOR_PROVINCE, error)))
    {
      bm_cli_password_free (password);
      return NULL;
    }
  ok = bm_store_verify_password (store, name, password, &must_change, error);
  bm_cli_password_free (password);
  if (!ok)
    return NULL;
  if (must_change && !ctx->auth_allow_must_change)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   _("“%s” logs in with a one-time password: set your own first with “baoming-cli operator passwd”."),
                   name);
      return NULL;
    }
  /* A log-in that leaves no trace is not one (issue 12: successful
   * log-ins are audited like the failures). */
  if (!bm_store_audit_session (store, name, BM_SESSION_LOG_IN, "cli", NULL, NULL, error))
    return NULL;
  ctx->operator_name = g_strdup (name);
  return store;
}
