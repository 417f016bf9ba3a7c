#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bm-json-input.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Exit codes: stable, documented in docs/cli.md. */
typedef enum {
  BM_CLI_EXIT_OK = 0,
  BM_CLI_EXIT_FAILURE = 1,
  BM_CLI_EXIT_USAGE = 2,
  BM_CLI_EXIT_INVALID = 3,
  BM_CLI_EXIT_NOT_FOUND = 4,
  BM_CLI_EXIT_CONFLICT = 5,
  BM_CLI_EXIT_RANGE_EXHAUSTED = 6,
  BM_CLI_EXIT_STORE = 7,
  BM_CLI_EXIT_UNAVAILABLE = 8,
  BM_CLI_EXIT_TIMEOUT = 9,
  BM_CLI_EXIT_CANCELLED = 10,
  BM_CLI_EXIT_PERMISSION = 11,
  BM_CLI_EXIT_NUMBERING_HELD = 12,
  BM_CLI_EXIT_PACKAGE = 13,      /* a package or receipt refused (issue 14) */
} BmCliExit;

typedef struct {
  char *db_path;
  gboolean training;
  BmStore *store;
  /* Log-in (bm-cli-auth.c): the options as given, and the operator once
   * the password was checked. */
  char *auth_operator;
  char *auth_password_file;
  gboolean auth_allow_must_change;
  char *operator_name;
} BmCliContext;

/* The two log-in options every writing command takes; the option name
 * --operator is the one scripts used before log-in existed. */
#define BM_CLI_AUTH_OPTIONS(ctx) \
  { "operator", 0, 0, G_OPTION_ARG_STRING, &(ctx)->auth_operator, \
    N_("Operator who is working (or BAOMING_OPERATOR); the training clerk on a training store"), N_("NAME") }, \
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &(ctx)->auth_password_file, \
    N_("Read the operator’s password from this file (one line, at most 1 KiB); or BAOMING_PASSWORD, or the terminal"), N_("FILE") }

typedef int (*BmCliCommand) (BmCliContext *ctx, int argc, char **argv);

BmStore *bm_cli_open_store       (BmCliContext  *ctx,
                                  GError       **error);
/* Opens the store and logs the operator in (bm-cli-auth.c): every command
 * that changes data calls this instead of bm_cli_open_store, then passes
 * ctx->operator_name to the store. Wrong password, locked or unknown
 * account: BM_ERROR_PERMISSION (exit 11). */
BmStore *bm_cli_open_store_as    (BmCliContext  *ctx,
                                  GError       **error);
char    *bm_cli_read_password    (const char    *file,
                                  const char    *env_name,
                                  const char    *prompt,
                                  GError       **error);
void     bm_cli_password_free    (char          *password);
int      bm_cli_fail             (GError        *error);
int      bm_cli_usage            (GOptionContext *options,
                                  const char    *message);
int      bm_cli_exit_code        (const GError  *error);
void     bm_cli_print_json       (JsonNode      *node);
void     bm_cli_print_json_object (JsonObject   *object);
gboolean bm_cli_parse            (GOptionContext *options,
                                  int           *argc,
                                  char        ***argv,
                                  int           *exit_code);
gboolean bm_cli_parse_entries    (GOptionContext     *options,
                                  const char         *summary,
                                  const GOptionEntry *entries,
                                  int                *argc,
                                  char             ***argv,
                                  int                *exit_code);
JsonObject *bm_cli_read_json_object (const char *path,
                                     BmJsonInputKind kind,
                                     GError    **error);

/* One entry point per command group; each lives in bm-cli-<group>.c. */
int bm_cli_init      (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate (BmCliContext *ctx, int argc, char **argv);
/* lifecycle events of `candidate` (bm-cli-lifecycle.c) */
int bm_cli_candidate_fee            (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate_eligibility    (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate_hand_over      (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate_sign           (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate_confirm_phone  (BmCliContext *ctx, int argc, char **argv);
int bm_cli_candidate_correct_state  (BmCliContext *ctx, int argc, char **argv);
int bm_cli_audit     (BmCliContext *ctx, int argc, char **argv);
int bm_cli_db        (BmCliContext *ctx, int argc, char **argv);
int bm_cli_progress  (BmCliContext *ctx, int argc, char **argv);
int bm_cli_card      (BmCliContext *ctx, int argc, char **argv);
int bm_cli_printers  (BmCliContext *ctx, int argc, char **argv);
int bm_cli_print     (BmCliContext *ctx, int argc, char **argv);
int bm_cli_setup     (BmCliContext *ctx, int argc, char **argv);
int bm_cli_sync      (BmCliContext *ctx, int argc, char **argv);
int bm_cli_camera    (BmCliContext *ctx, int argc, char **argv);
int bm_cli_photo     (BmCliContext *ctx, int argc, char **argv);
int bm_cli_submit    (BmCliContext *ctx, int argc, char **argv);
int bm_cli_profile   (BmCliContext *ctx, int argc, char **argv);
int bm_cli_operator  (BmCliContext *ctx, int argc, char **argv);
/* backup and numbering resume (bm-cli-backup.c) */
int bm_cli_backup    (BmCliContext *ctx, int argc, char **argv);
int bm_cli_numbering (BmCliContext *ctx, int argc, char **argv);
int bm_cli_export    (BmCliContext *ctx, int argc, char **argv);
int bm_cli_package   (BmCliContext *ctx, int argc, char **argv);
int bm_cli_verify_qr (BmCliContext *ctx, int argc, char **argv);

G_END_DECLS
