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
} BmCliExit;

typedef struct {
  char *db_path;
  gboolean training;
  BmStore *store;
} BmCliContext;

typedef int (*BmCliCommand) (BmCliContext *ctx, int argc, char **argv);

BmStore *bm_cli_open_store       (BmCliContext  *ctx,
                                  GError       **error);
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

G_END_DECLS
