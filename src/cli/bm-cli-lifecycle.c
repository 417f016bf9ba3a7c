/* candidate correct-state|fee|eligibility|hand-over|sign|confirm-phone:
 * lifecycle events from the command line (docs/lifecycle.md). There is no
 * free state setter: each command is the event that causes the move. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-cli.h"
#include "bm-error.h"
#include "bm-store-lifecycle.h"

static int
simple_event (BmCliContext *ctx, int argc, char **argv, BmRecordEvent event, const char *summary)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, summary, entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one 报名顺序号."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL || !bm_store_record_event (store, argv[1], event, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_candidate_fee (BmCliContext *ctx, int argc, char **argv)
{
  return simple_event (ctx, argc, argv, BM_RECORD_EVENT_FEE_RECORDED,
                       _("Record that the candidate paid the registration fee."));
}

int
bm_cli_candidate_eligibility (BmCliContext *ctx, int argc, char **argv)
{
  return simple_event (ctx, argc, argv, BM_RECORD_EVENT_ELIGIBILITY_RECORDED,
                       _("Record that the 资格审查 (eligibility check) was done."));
}

int
bm_cli_candidate_hand_over (BmCliContext *ctx, int argc, char **argv)
{
  return simple_event (ctx, argc, argv, BM_RECORD_EVENT_CARD_HANDED_OVER,
                       _("Record that the printed login card was handed to the candidate. Needs the 资格审查, the fee and, for a record typed in by hand, the review decision."));
}

int
bm_cli_candidate_sign (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("Confirm that the candidate signed the printed 校对表. A record typed in by hand needs the candidate's own ID card on the reader: confirm it at the station."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return bm_cli_usage (options, _("Give one 报名顺序号."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL || !bm_store_confirm_signature (store, argv[1], NULL, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_candidate_confirm_phone (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER"));
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *approved_by = NULL;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("The telephone number that was called"), N_("NUMBER") },
    { "approved-by", 0, 0, G_OPTION_ARG_STRING, &approved_by, N_("The supervisor account that approved the confirmation by phone"), N_("NAME") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The candidate cannot come to sign (seed 四): record that the printed 校对表 was confirmed with the candidate by phone, with the supervisor's approval."), entries, &argc, &argv, &code))
    return code;
  if (argc != 2 || phone == NULL || approved_by == NULL)
    return bm_cli_usage (options, _("Give one 报名顺序号, --phone NUMBER and --approved-by NAME."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL || !bm_store_confirm_by_phone (store, argv[1], phone, approved_by, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}

int
bm_cli_candidate_correct_state (BmCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("NUMBER STATE"));
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  BmRecordState state;
  BmStore *store;
  int code;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the state is corrected (required)"), N_("TEXT") },
    BM_CLI_AUTH_OPTIONS (ctx),
    { NULL },
  };

  if (!bm_cli_parse_entries (options, _("The exceptional case: a supervisor corrects a record's state by hand, with a reason. Never submitted, county_reviewed or returned."), entries, &argc, &argv, &code))
    return code;
  if (argc != 3 || reason == NULL)
    return bm_cli_usage (options, _("Give one 报名顺序号, one state and --reason TEXT."));
  if (!bm_record_state_from_string (argv[2], &state))
    return bm_cli_usage (options, _("Unknown state."));

  store = bm_cli_open_store_as (ctx, &error);
  if (store == NULL || !bm_store_correct_state (store, argv[1], state, reason, ctx->operator_name, &error))
    return bm_cli_fail (g_steal_pointer (&error));
  return BM_CLI_EXIT_OK;
}
