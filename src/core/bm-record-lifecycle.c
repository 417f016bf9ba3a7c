/* The record lifecycle driven by events (docs/lifecycle.md): which event
 * moves which state, and what each needs first. The one place in core that
 * writes a record's state; bm-record-state.c keeps the names and labels. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-operator.h"
#include "bm-record-lifecycle.h"

#define S(x) (1u << BM_RECORD_STATE_##x)
#define ALL_STATES ((1u << BM_N_RECORD_STATES) - 1)
/* States in which the point still works on the record. */
#define AT_POINT (S (NUMBERED) | S (PHOTOGRAPHED) | S (CARD_PRINTED) | S (FILLED_ONLINE) | S (COMMENTED) \
                  | S (PROOF_PRINTED) | S (SIGNED) | S (RETURNED))
#define AFTER_CARD (S (CARD_PRINTED) | S (FILLED_ONLINE) | S (COMMENTED) | S (PROOF_PRINTED) | S (SIGNED) \
                    | S (SUBMITTED) | S (COUNTY_REVIEWED) | S (RETURNED))

/* For each event: the states it moves (to @to), the states it leaves as
 * they are (the event is recorded, a reprint, a retake), and whether only
 * the provincial server causes it. Every other state refuses it. */
static const struct {
  const char    *name;
  const char    *label;
  guint          moves;
  BmRecordState  to;
  guint          stays;
  gboolean       province;
} events[BM_N_RECORD_EVENTS] = {
  [BM_RECORD_EVENT_NUMBER_ASSIGNED] = { "number_assigned", N_("number assigned"),
    S (COLLECTED), BM_RECORD_STATE_NUMBERED, 0, FALSE },
  [BM_RECORD_EVENT_PHOTO_SAVED] = { "photo_saved", N_("photo saved"),
    S (NUMBERED), BM_RECORD_STATE_PHOTOGRAPHED, ALL_STATES & ~(S (COLLECTED) | S (NUMBERED)), FALSE },
  [BM_RECORD_EVENT_CARD_PRINTED] = { "card_printed", N_("login card printed"),
    S (PHOTOGRAPHED), BM_RECORD_STATE_CARD_PRINTED, AFTER_CARD, FALSE },
  [BM_RECORD_EVENT_CARD_HANDED_OVER] = { "card_handed_over", N_("login card handed over"),
    0, 0, AFTER_CARD & AT_POINT, FALSE },
  [BM_RECORD_EVENT_FEE_RECORDED] = { "fee_recorded", N_("fee recorded"),
    0, 0, AT_POINT, FALSE },
  [BM_RECORD_EVENT_ELIGIBILITY_RECORDED] = { "eligibility_recorded", N_("资格审查 recorded"),
    0, 0, AT_POINT, FALSE },
  [BM_RECORD_EVENT_REVIEW_DECIDED] = { "review_decided", N_("review decided"),
    0, 0, AT_POINT, FALSE },
  [BM_RECORD_EVENT_ONLINE_FIELDS_PULLED] = { "online_fields_pulled", N_("online fields pulled"),
    S (CARD_PRINTED), BM_RECORD_STATE_FILLED_ONLINE, ALL_STATES & ~S (CARD_PRINTED), TRUE },
  [BM_RECORD_EVENT_COMMENT_SAVED] = { "comment_saved", N_("评语 saved"),
    S (CARD_PRINTED) | S (FILLED_ONLINE), BM_RECORD_STATE_COMMENTED,
    ALL_STATES & ~(S (CARD_PRINTED) | S (FILLED_ONLINE) | S (COLLECTED)), FALSE },
  [BM_RECORD_EVENT_PROOF_PRINTED] = { "proof_printed", N_("校对表 printed"),
    S (FILLED_ONLINE) | S (COMMENTED) | S (RETURNED), BM_RECORD_STATE_PROOF_PRINTED,
    S (PROOF_PRINTED) | S (SIGNED) | S (SUBMITTED) | S (COUNTY_REVIEWED), FALSE },
  [BM_RECORD_EVENT_SIGNATURE_CONFIRMED] = { "signature_confirmed", N_("signature confirmed"),
    S (PROOF_PRINTED), BM_RECORD_STATE_SIGNED, 0, FALSE },
  [BM_RECORD_EVENT_PHONE_CONFIRMED] = { "phone_confirmed", N_("confirmed by phone"),
    S (PROOF_PRINTED), BM_RECORD_STATE_SIGNED, 0, FALSE },
  [BM_RECORD_EVENT_RECORD_CHANGED] = { "record_changed", N_("record changed"),
    S (SIGNED), BM_RECORD_STATE_PROOF_PRINTED, ALL_STATES & ~S (SIGNED), FALSE },
  [BM_RECORD_EVENT_COUNTY_APPROVED] = { "county_approved", N_("approved by the county"),
    S (SUBMITTED), BM_RECORD_STATE_COUNTY_REVIEWED, 0, TRUE },
  [BM_RECORD_EVENT_COUNTY_RETURNED] = { "county_returned", N_("returned for correction"),
    S (SUBMITTED), BM_RECORD_STATE_RETURNED, 0, TRUE },
  [BM_RECORD_EVENT_SUBMISSION_ACCEPTED] = { "submission_accepted", N_("final submission accepted"),
    S (SIGNED), BM_RECORD_STATE_SUBMITTED, 0, TRUE },
};

static const char * const lifecycle_keys[] = {
  "review_level", "reviewed_by", "card_handed_over_at", "online_pulled_at", "card_matched_at",
  "confirmation_method", "confirmed_by", "confirmed_at", "confirmation_phone", "confirmation_approved_by",
  NULL,
};

const char * const *
bm_record_lifecycle_keys (void)
{
  return lifecycle_keys;
}

const char *
bm_record_event_to_string (BmRecordEvent event)
{
  g_return_val_if_fail (event < BM_N_RECORD_EVENTS, NULL);
  return events[event].name;
}

const char *
bm_record_event_get_label (BmRecordEvent event)
{
  g_return_val_if_fail (event < BM_N_RECORD_EVENTS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, events[event].label);
}

const char *
bm_record_lifecycle_review_level (BmCandidate *candidate)
{
  if (g_strcmp0 (bm_candidate_get (candidate, "source"), "card") == 0)
    return NULL;
  return bm_candidate_get_flag (candidate, "migrant_child") ? "county" : "city";
}

static gboolean
has (BmCandidate *candidate, const char *key)
{
  const char *value = bm_candidate_get (candidate, key);

  return value != NULL && *value != '\0';
}

static gboolean
refuse (GError **error, const char *sentence)
{
  g_set_error_literal (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION, sentence);
  return FALSE;
}

/* What the event needs from the record, whatever its state. */
gboolean
bm_record_lifecycle_check_preconditions (BmCandidate *candidate, BmRecordEvent event, GError **error)
{
  const char *review = bm_candidate_get (candidate, "review_state");

  switch (event)
    {
    case BM_RECORD_EVENT_CARD_HANDED_OVER:
      if (!bm_candidate_get_flag (candidate, "eligibility_checked"))
        return refuse (error, _("The 资格审查 has not been recorded: the login card cannot be handed over yet."));
      if (!bm_candidate_get_flag (candidate, "fee_paid"))
        return refuse (error, _("The fee has not been recorded as paid: the login card cannot be handed over yet."));
      if (g_strcmp0 (review, "not_required") != 0 && g_strcmp0 (review, "approved") != 0)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                       g_strcmp0 (bm_candidate_get (candidate, "review_level"), "county") == 0
                       ? _("This record was typed in by hand: the county must approve it (随迁子女 review) before the login card is handed over.")
                       : _("This record was typed in by hand: the city must approve its documents before the login card is handed over."));
          return FALSE;
        }
      return TRUE;
    case BM_RECORD_EVENT_FEE_RECORDED:
      if (bm_candidate_get_flag (candidate, "fee_paid"))
        return refuse (error, _("The fee has already been recorded."));
      return TRUE;
    case BM_RECORD_EVENT_ELIGIBILITY_RECORDED:
      if (bm_candidate_get_flag (candidate, "eligibility_checked"))
        return refuse (error, _("The 资格审查 has already been recorded."));
      return TRUE;
    case BM_RECORD_EVENT_REVIEW_DECIDED:
      if (g_strcmp0 (review, "pending") != 0 && g_strcmp0 (review, "rejected") != 0)
        return refuse (error, _("This record is not waiting for review."));
      return TRUE;
    case BM_RECORD_EVENT_PROOF_PRINTED:
      if (!has (candidate, "online_pulled_at"))
        return refuse (error, _("The online fields have not arrived from the 网报 site: the 校对表 cannot be printed yet."));
      if (!has (candidate, "comment"))
        return refuse (error, _("No 评语 has been saved: the 校对表 cannot be printed yet."));
      return TRUE;
    case BM_RECORD_EVENT_SIGNATURE_CONFIRMED:
      if (g_strcmp0 (bm_candidate_get (candidate, "source"), "card") != 0 && !has (candidate, "card_matched_at"))
        return refuse (error, _("This record was typed in by hand: the candidate's own ID card must be placed on the reader and match the record before the signature is confirmed."));
      return TRUE;
    default:
      return TRUE;
    }
}

gboolean
bm_record_lifecycle_next (BmCandidate    *candidate,
                          BmRecordEvent   event,
                          const char     *actor,
                          BmRecordState  *to,
                          GError        **error)
{
  BmRecordState from;

  g_return_val_if_fail (BM_IS_CANDIDATE (candidate), FALSE);
  g_return_val_if_fail (event < BM_N_RECORD_EVENTS, FALSE);

  from = bm_candidate_get_state (candidate);
  if (events[event].province != (g_strcmp0 (actor, BM_ACTOR_PROVINCE) == 0))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   events[event].province
                   ? _("Only the provincial server can record “%s”.")
                   : _("“%s” is recorded at the point, not by the provincial server."),
                   bm_record_event_get_label (event));
      return FALSE;
    }
  if (!bm_record_lifecycle_check_preconditions (candidate, event, error))
    return FALSE;
  if (events[event].moves & (1u << from))
    *to = events[event].to;
  else if (events[event].stays & (1u << from))
    *to = from;
  else
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("A record in the state “%s” cannot take the event “%s”."),
                   bm_record_state_get_label (from), bm_record_event_get_label (event));
      return FALSE;
    }
  return TRUE;
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format_iso8601 (now);
}

gboolean
bm_record_lifecycle_apply (BmCandidate  *candidate,
                           BmRecordEvent event,
                           const char   *actor,
                           JsonObject   *detail,
                           GError      **error)
{
  BmRecordState from, to;
  g_autofree char *now = NULL;

  if (!bm_record_lifecycle_next (candidate, event, actor, &to, error))
    return FALSE;
  from = bm_candidate_get_state (candidate);
  now = now_iso8601 ();
  switch (event)
    {
    case BM_RECORD_EVENT_CARD_HANDED_OVER:
      bm_candidate_set (candidate, "card_handed_over_at", now);
      break;
    case BM_RECORD_EVENT_FEE_RECORDED:
      bm_candidate_set_flag (candidate, "fee_paid", TRUE);
      break;
    case BM_RECORD_EVENT_ELIGIBILITY_RECORDED:
      bm_candidate_set_flag (candidate, "eligibility_checked", TRUE);
      break;
    case BM_RECORD_EVENT_ONLINE_FIELDS_PULLED:
      bm_candidate_set (candidate, "online_pulled_at", now);
      break;
    case BM_RECORD_EVENT_SIGNATURE_CONFIRMED:
    case BM_RECORD_EVENT_PHONE_CONFIRMED:
      bm_candidate_set_flag (candidate, "signature_confirmed", TRUE);
      bm_candidate_set (candidate, "confirmation_method",
                        event == BM_RECORD_EVENT_PHONE_CONFIRMED ? "phone" : "signature");
      bm_candidate_set (candidate, "confirmed_by", actor);
      bm_candidate_set (candidate, "confirmed_at", now);
      if (event == BM_RECORD_EVENT_SIGNATURE_CONFIRMED)
        {
          bm_candidate_set (candidate, "confirmation_phone", NULL);
          bm_candidate_set (candidate, "confirmation_approved_by", NULL);
        }
      break;
    case BM_RECORD_EVENT_RECORD_CHANGED:
      /* The candidate confirmed what was printed; a change needs a new confirmation. */
      if (from == BM_RECORD_STATE_SIGNED)
        {
          bm_candidate_set_flag (candidate, "signature_confirmed", FALSE);
          for (const char * const *k = lifecycle_keys; *k; k++)
            if (g_str_has_prefix (*k, "confirm"))
              bm_candidate_set (candidate, *k, NULL);
        }
      break;
    default:
      break;
    }
  bm_candidate_set (candidate, "state", bm_record_state_to_string (to));
  if (detail != NULL)
    {
      json_object_set_string_member (detail, "event", bm_record_event_to_string (event));
      if (to != from)
        {
          json_object_set_string_member (detail, "from", bm_record_state_to_string (from));
          json_object_set_string_member (detail, "to", bm_record_state_to_string (to));
        }
    }
  return TRUE;
}

gboolean
bm_record_lifecycle_check_correction (BmRecordState from, BmRecordState to, GError **error)
{
  if (to == BM_RECORD_STATE_SUBMITTED || to == BM_RECORD_STATE_COUNTY_REVIEWED || to == BM_RECORD_STATE_RETURNED
      || to == BM_RECORD_STATE_COLLECTED)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("A correction cannot set the state “%s”: only the final submission and the county's decisions lead there."),
                   bm_record_state_get_label (to));
      return FALSE;
    }
  if (from == BM_RECORD_STATE_SUBMITTED || from == BM_RECORD_STATE_COUNTY_REVIEWED)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("The province holds this record (“%s”): ask the county to return it for correction."),
                   bm_record_state_get_label (from));
      return FALSE;
    }
  if (from == to)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("The record is already in the state “%s”."), bm_record_state_get_label (to));
      return FALSE;
    }
  return TRUE;
}
