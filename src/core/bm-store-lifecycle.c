/* Lifecycle events recorded in the store (bm-store-lifecycle.h): the
 * preconditions and moves are bm-record-lifecycle.c's; here are the roles,
 * the data each event carries, and the audit. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-error.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

gboolean
bm_store_apply_event_uuid (BmStore *self, const char *uuid, BmRecordEvent event, const char *actor,
                           JsonObject *detail, GError **error)
{
  g_autoptr(BmCandidate) candidate = bm_store_find_by_uuid (self, uuid, error);

  return candidate != NULL
         && bm_record_lifecycle_apply (candidate, event, actor, detail, error)
         && bm_store_write_candidate (self, candidate, FALSE, error);
}

typedef struct {
  BmRecordEvent  event;
  const char    *operator_name;
} EventData;

static gboolean
event_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  EventData *e = data;

  return bm_record_lifecycle_apply (candidate, e->event, e->operator_name, detail, error);
}

gboolean
bm_store_record_event (BmStore *self, const char *number, BmRecordEvent event,
                       const char *operator_name, GError **error)
{
  EventData e = { event, operator_name };

  g_return_val_if_fail (event == BM_RECORD_EVENT_CARD_PRINTED || event == BM_RECORD_EVENT_PROOF_PRINTED
                        || event == BM_RECORD_EVENT_CARD_HANDED_OVER || event == BM_RECORD_EVENT_FEE_RECORDED
                        || event == BM_RECORD_EVENT_ELIGIBILITY_RECORDED, FALSE);
  return bm_store_mutate_candidate (self, number, bm_record_event_to_string (event), operator_name,
                                    event_mutation, &e, error);
}

typedef struct {
  gboolean    approved;
  const char *operator_name;
} ReviewData;

static gboolean
review_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  ReviewData *r = data;
  const char *to = r->approved ? "approved" : "rejected";

  if (!bm_record_lifecycle_apply (candidate, BM_RECORD_EVENT_REVIEW_DECIDED, r->operator_name, detail, error))
    return FALSE;
  bm_candidate_set (candidate, "review_state", to);
  bm_candidate_set (candidate, "reviewed_by", r->operator_name);
  json_object_set_string_member (detail, "review_state", to);
  if (bm_candidate_get (candidate, "review_level") != NULL)
    json_object_set_string_member (detail, "review_level", bm_candidate_get (candidate, "review_level"));
  return TRUE;
}

gboolean
bm_store_set_review (BmStore *self, const char *number, gboolean approved,
                     const char *operator_name, GError **error)
{
  ReviewData r = { approved, operator_name };

  /* Seed 三: the county or the city decides; at the point only through
   * the account of its officer who is present. */
  if (!bm_store_check_role (self, operator_name, BM_OPERATOR_ROLE_OFFICER, error))
    return FALSE;
  return bm_store_mutate_candidate (self, number, "review", operator_name, review_mutation, &r, error);
}

typedef struct {
  BmIdentity *card;
  const char *operator_name;
} SignatureData;

static gboolean
signature_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  SignatureData *s = data;
  BmIdentity *identity = bm_candidate_get_identity (candidate);

  if (s->card != NULL)
    {
      const char *card_number = bm_identity_get (s->card, "id_number");
      const char *card_name = bm_identity_get (s->card, "name");

      if (card_number == NULL || g_ascii_strcasecmp (card_number, bm_identity_get (identity, "id_number") ?: "") != 0
          || g_strcmp0 (card_name, bm_identity_get (identity, "name")) != 0)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                       _("The ID card on the reader is not this candidate's: its ID number or name differs from the record. The signature is not confirmed."));
          return FALSE;
        }
      if (g_strcmp0 (bm_candidate_get (candidate, "source"), "card") != 0)
        {
          g_autofree char *now = bm_store_now_iso8601 ();

          /* The record now rests on the chip: its fields and provenance. */
          for (const char * const *k = bm_identity_keys (); *k; k++)
            if (bm_identity_get (s->card, *k) != NULL)
              bm_identity_set (identity, *k, bm_identity_get (s->card, *k));
          if (bm_identity_get_photo_wlt (s->card) != NULL)
            {
              g_autofree char *sum = g_strdup (bm_identity_get (s->card, "photo_wlt_sha256"));
              bm_identity_set_photo_wlt (identity, bm_identity_get_photo_wlt (s->card));
              if (sum != NULL)
                bm_identity_set (identity, "photo_wlt_sha256", sum);
            }
          bm_candidate_set (candidate, "source", "card");
          bm_candidate_set (candidate, "card_matched_at", now);
          json_object_set_boolean_member (detail, "card_matched", TRUE);
        }
    }
  return bm_record_lifecycle_apply (candidate, BM_RECORD_EVENT_SIGNATURE_CONFIRMED, s->operator_name, detail, error);
}

gboolean
bm_store_confirm_signature (BmStore *self, const char *number, BmIdentity *card,
                            const char *operator_name, GError **error)
{
  SignatureData s = { card, operator_name };

  return bm_store_mutate_candidate (self, number, "signature", operator_name, signature_mutation, &s, error);
}

typedef struct {
  const char *phone;
  const char *approved_by;
  const char *operator_name;
} PhoneData;

static gboolean
phone_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  PhoneData *p = data;

  if (!bm_record_lifecycle_apply (candidate, BM_RECORD_EVENT_PHONE_CONFIRMED, p->operator_name, detail, error))
    return FALSE;
  bm_candidate_set (candidate, "confirmation_phone", p->phone);
  bm_candidate_set (candidate, "confirmation_approved_by", p->approved_by);
  /* The number called stays in the record, not in the log. */
  json_object_set_string_member (detail, "approved_by", p->approved_by);
  return TRUE;
}

static gboolean
phone_number_ok (const char *phone)
{
  gsize digits = 0;

  if (phone == NULL || strlen (phone) > 20)
    return FALSE;
  for (const char *c = phone; *c; c++)
    {
      if (g_ascii_isdigit (*c))
        digits++;
      else if (*c != '-' && *c != '+' && *c != ' ')
        return FALSE;
    }
  return digits >= 5;
}

gboolean
bm_store_confirm_by_phone (BmStore *self, const char *number, const char *phone_number,
                           const char *approved_by, const char *operator_name, GError **error)
{
  g_autofree char *phone = g_strstrip (g_strdup (phone_number ? phone_number : ""));
  PhoneData p = { phone, approved_by, operator_name };

  if (!phone_number_ok (phone))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("Give the telephone number that was called (digits, up to 20 characters)."));
      return FALSE;
    }
  if (approved_by == NULL || *approved_by == '\0')
    {
      g_set_error (error, BM_ERROR, BM_ERROR_PERMISSION,
                   _("A confirmation by phone needs the approval of the point's supervisor."));
      return FALSE;
    }
  if (!bm_store_check_role (self, approved_by, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  return bm_store_mutate_candidate (self, number, "phone_confirmation", operator_name, phone_mutation, &p, error);
}

typedef struct {
  BmRecordState  to;
  const char    *reason;
} CorrectionData;

static gboolean
correction_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  CorrectionData *c = data;
  BmRecordState from = bm_candidate_get_state (candidate);

  if (!bm_record_lifecycle_check_correction (from, c->to, error))
    return FALSE;
  bm_candidate_set (candidate, "state", bm_record_state_to_string (c->to));
  /* A correction never stands in for the candidate's own confirmation. */
  if (c->to != BM_RECORD_STATE_SIGNED)
    {
      bm_candidate_set_flag (candidate, "signature_confirmed", FALSE);
      for (const char * const *k = bm_record_lifecycle_keys (); *k; k++)
        if (g_str_has_prefix (*k, "confirm"))
          bm_candidate_set (candidate, *k, NULL);
    }
  json_object_set_string_member (detail, "from", bm_record_state_to_string (from));
  json_object_set_string_member (detail, "to", bm_record_state_to_string (c->to));
  json_object_set_string_member (detail, "reason", c->reason);
  return TRUE;
}

gboolean
bm_store_correct_state (BmStore *self, const char *number, BmRecordState state, const char *reason,
                        const char *operator_name, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));
  CorrectionData c = { state, trimmed };

  g_return_val_if_fail (state < BM_N_RECORD_STATES, FALSE);
  if (*trimmed == '\0')
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Give a reason for correcting the state."));
      return FALSE;
    }
  if (!bm_store_check_role (self, operator_name, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  return bm_store_mutate_candidate (self, number, "state_correction", operator_name, correction_mutation, &c, error);
}
