/* bm-intake.c: the counter flow, one candidate with a card at a time
 *
 * The states and the events that move between them are one table
 * (transitions[] below, drawn in docs/counter-flow.md). Each event is
 * accepted only in the states the table lists; its handler does the work
 * (checks, the store, the print service) and says where the flow goes.
 * The counter page is a view of this object: it binds to the properties
 * and turns keys into events. No GTK here, so the whole flow is tested
 * with the real store, the emulated reader and the private cupsd.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-candidate.h"
#include "bm-card-check.h"
#include "bm-card-text.h"
#include "bm-intake.h"
#include "bm-print-error.h"
#include "bm-record-state.h"
#include "bm-store-lifecycle.h"

struct _BmIntake
{
  GObject parent_instance;

  BmStore *store;            /* reads only: writes go through the writer */
  BmStoreWriter *writer;
  BmPrintService *print_service;
  GCancellable *cancellable;
  char *operator_name;

  BmIntakeState state;
  BmIdentity *identity;
  BmIdentity *pending_identity;   /* a card read while numbering or printing */
  char *number;
  char *initial_password;
  char *warnings;
  char *next_step;
};

G_DEFINE_FINAL_TYPE (BmIntake, bm_intake, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_IDENTITY,
  PROP_NUMBER,
  PROP_INITIAL_PASSWORD,
  PROP_WARNINGS,
  PROP_NEXT_STEP,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

typedef enum {
  EVENT_CARD_READ,
  EVENT_CATEGORY_CHOSEN,
  EVENT_NUMBERED,
  EVENT_NUMBERING_FAILED,
  EVENT_PHOTO_SAVED,
  EVENT_PHOTO_DEFERRED,
  EVENT_PRINT,
  EVENT_PRINTED,
  EVENT_PRINT_FAILED,
  EVENT_NEXT_CANDIDATE,
} Event;

typedef struct {
  BmIdentity *identity;
  BmCandidate *candidate;   /* the stored record (numbered) */
  const char *text;    /* category code, photo's number, print or store error */
  gboolean eligibility_checked;   /* confirmed with the 科类 (EVENT_CATEGORY_CHOSEN) */
  gboolean fee_paid;
} EventData;

typedef BmIntakeState (*Handler) (BmIntake *self, const EventData *data);

static BmIntakeState on_card_read (BmIntake *self, const EventData *data);
static BmIntakeState on_category_chosen (BmIntake *self, const EventData *data);
static BmIntakeState on_numbered (BmIntake *self, const EventData *data);
static BmIntakeState on_numbering_failed (BmIntake *self, const EventData *data);
static BmIntakeState on_photo_saved (BmIntake *self, const EventData *data);
static BmIntakeState on_photo_deferred (BmIntake *self, const EventData *data);
static BmIntakeState on_print (BmIntake *self, const EventData *data);
static BmIntakeState on_printed (BmIntake *self, const EventData *data);
static BmIntakeState on_print_failed (BmIntake *self, const EventData *data);
static BmIntakeState on_next_candidate (BmIntake *self, const EventData *data);

#define IN(s) (1u << BM_INTAKE_##s)

/* Which event is taken in which states. Everything not listed is refused
 * (the event's function returns FALSE and nothing changes). */
static const struct {
  Event event;
  guint from;
  Handler handler;
} transitions[] = {
  /* → BLOCKED or CHOOSE_CATEGORY; while NUMBERING or PRINTING the card
   * waits its turn */
  { EVENT_CARD_READ, IN (WAITING) | IN (CHOOSE_CATEGORY) | IN (BLOCKED) | IN (PHOTO) | IN (PRINT) | IN (DONE)
                     | IN (NUMBERING) | IN (PRINTING), on_card_read },
  /* → NUMBERING: the record goes to the writer. Not taken while NUMBERING,
   * so a second Enter cannot assign a second number. */
  { EVENT_CATEGORY_CHOSEN, IN (CHOOSE_CATEGORY), on_category_chosen },
  /* → PHOTO */
  { EVENT_NUMBERED, IN (NUMBERING), on_numbered },
  /* → CHOOSE_CATEGORY, with the store's refusal as the next step */
  { EVENT_NUMBERING_FAILED, IN (NUMBERING), on_numbering_failed },
  /* → PRINT; a retaken photo leaves a printed card DONE */
  { EVENT_PHOTO_SAVED, IN (PHOTO) | IN (PRINT) | IN (DONE), on_photo_saved },
  /* → PRINT: "photo later", with a reason the store keeps (issue 13) */
  { EVENT_PHOTO_DEFERRED, IN (PHOTO), on_photo_deferred },
  /* → PRINTING; a card may be printed before its photo */
  { EVENT_PRINT, IN (PHOTO) | IN (PRINT) | IN (DONE), on_print },
  /* → DONE */
  { EVENT_PRINTED, IN (PRINTING), on_printed },
  /* → PRINT, with the reason */
  { EVENT_PRINT_FAILED, IN (PRINTING), on_print_failed },
  /* → WAITING; never while a number waits for its photo or a card prints */
  { EVENT_NEXT_CANDIDATE, IN (WAITING) | IN (CHOOSE_CATEGORY) | IN (BLOCKED) | IN (PRINT) | IN (DONE),
                          on_next_candidate },
};

/* Registered, so the "state" property is typed and bindable. */
G_DEFINE_ENUM_TYPE (BmIntakeState, bm_intake_state,
  G_DEFINE_ENUM_VALUE (BM_INTAKE_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_CHOOSE_CATEGORY, "choose-category"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_NUMBERING, "numbering"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_BLOCKED, "blocked"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_PHOTO, "photo"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_PRINT, "print"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_PRINTING, "printing"),
  G_DEFINE_ENUM_VALUE (BM_INTAKE_DONE, "done"))

const char *
bm_intake_state_to_string (BmIntakeState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (BM_TYPE_INTAKE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  /* Nicks are static strings of the type, valid after the unref. */
  return value != NULL ? value->value_nick : "unknown";
}

static void
set_string (BmIntake *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_next_step (BmIntake *self, const char *text)
{
  set_string (self, &self->next_step, text, PROP_NEXT_STEP);
}

static void
set_identity (BmIntake *self, BmIdentity *identity)
{
  if (self->identity == identity)
    return;
  g_clear_object (&self->identity);
  self->identity = identity ? bm_identity_copy (identity) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDENTITY]);
}

static gboolean
dispatch (BmIntake *self, Event event, const EventData *data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      BmIntakeState next;

      if (transitions[i].event != event)
        continue;
      if (!(transitions[i].from & (1u << self->state)))
        return FALSE;
      g_object_freeze_notify (G_OBJECT (self));
      next = transitions[i].handler (self, data);
      if (next != self->state)
        {
          self->state = next;
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
        }
      g_object_thaw_notify (G_OBJECT (self));
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

static void
clear_candidate (BmIntake *self)
{
  set_identity (self, NULL);
  set_string (self, &self->number, NULL, PROP_NUMBER);
  set_string (self, &self->initial_password, NULL, PROP_INITIAL_PASSWORD);
  set_string (self, &self->warnings, NULL, PROP_WARNINGS);
}

static BmIntakeState
on_next_candidate (BmIntake *self, const EventData *data)
{
  clear_candidate (self);
  set_next_step (self, _("Place the candidate's ID card on the reader."));
  return BM_INTAKE_WAITING;
}

static BmIntakeState
on_card_read (BmIntake *self, const EventData *data)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(BmCandidate) existing = NULL;

  /* The same card read again (the reader service restarted under a card
   * that never left) is the candidate already in hand, not a new one. */
  if (self->identity != NULL && self->state != BM_INTAKE_BLOCKED
      && g_strcmp0 (bm_identity_get (self->identity, "id_number"), bm_identity_get (data->identity, "id_number")) == 0)
    return self->state;
  if (self->state == BM_INTAKE_PRINTING || self->state == BM_INTAKE_NUMBERING)
    {
      /* The job or the write is followed to its end first; then this card. */
      g_set_object (&self->pending_identity, data->identity);
      return self->state;
    }
  clear_candidate (self);
  set_identity (self, data->identity);

  warnings = bm_card_check_identity (data->identity, self->store, NULL);
  g_ptr_array_add (warnings, NULL);
  {
    g_autofree char *joined = g_strjoinv ("\n", (char **) warnings->pdata);
    set_string (self, &self->warnings, *joined ? joined : NULL, PROP_WARNINGS);
  }

  existing = bm_store_find_by_id_number (self->store, bm_identity_get (data->identity, "id_number"), NULL);
  if (existing != NULL)
    {
      BmRecordState state = BM_RECORD_STATE_COLLECTED;
      g_autofree char *text = NULL;

      bm_record_state_from_string (bm_candidate_get (existing, "state"), &state);
      /* which record, in which state, and the way to it (issue 13) */
      text = g_strdup_printf (_("Already registered: 报名顺序号 %s (%s). Press Ctrl+O to open the record."),
                              bm_candidate_get (existing, "number"), bm_record_state_get_label (state));
      set_next_step (self, text);
      return BM_INTAKE_BLOCKED;
    }
  if (!bm_card_identity_number_valid (data->identity))
    {
      set_next_step (self, _("The number on this card fails its check: press Ctrl+M for manual entry with the card's "
                             "data; the point supervisor keeps the number with a reason, for county review."));
      return BM_INTAKE_BLOCKED;
    }
  set_next_step (self, _("Choose the 科类, then press Enter to assign the 报名顺序号."));
  return BM_INTAKE_CHOOSE_CATEGORY;
}

static void
pass_pending_card (BmIntake *self)
{
  g_autoptr(BmIdentity) pending = g_steal_pointer (&self->pending_identity);

  if (pending != NULL)
    bm_intake_card_read (self, pending);
}

typedef struct {
  BmIntake *self;
  BmCandidate *candidate;   /* numbered by the write */
  gboolean eligibility_checked;
  gboolean fee_paid;
} Numbering;

static void
numbering_free (Numbering *call)
{
  g_clear_object (&call->self);
  g_clear_object (&call->candidate);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Numbering, numbering_free)

typedef struct {
  char *number;
  char *operator_name;
  gboolean eligibility_checked;
  gboolean fee_paid;
} Confirming;

static void
confirming_free (gpointer data)
{
  Confirming *c = data;

  g_free (c->number);
  g_free (c->operator_name);
  g_free (c);
}

/* On the writer's thread: the 资格审查 and the fee the clerk confirmed
 * with the 科类's Enter, through the one lifecycle path (each audited). */
static gboolean
confirm_write (BmStore *store, gpointer data, GError **error)
{
  Confirming *c = data;

  if (c->eligibility_checked
      && !bm_store_record_event (store, c->number, BM_RECORD_EVENT_ELIGIBILITY_RECORDED, c->operator_name, error))
    return FALSE;
  if (c->fee_paid
      && !bm_store_record_event (store, c->number, BM_RECORD_EVENT_FEE_RECORDED, c->operator_name, error))
    return FALSE;
  return TRUE;
}

static void
confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Numbering) call = user_data;
  g_autoptr(GError) error = NULL;
  EventData data = { NULL, call->candidate, NULL, FALSE, FALSE };
  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error);
  BmIntake *self = call->self;

  if (self->store == NULL)
    return;
  dispatch (self, EVENT_NUMBERED, &data);
  /* numbered either way; what was not recorded is said, for the 考生 page */
  if (!ok)
    set_string (self, &self->warnings, error->message, PROP_WARNINGS);
  pass_pending_card (self);
}

static void
numbered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Numbering) call = user_data;
  BmIntake *self = call->self;
  g_autoptr(GError) error = NULL;
  EventData data = { NULL, call->candidate, NULL, FALSE, FALSE };
  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), result, &error);

  if (self->store == NULL)
    return;    /* disposed meanwhile */
  if (ok && (call->eligibility_checked || call->fee_paid))
    {
      Confirming *c = g_new0 (Confirming, 1);

      c->number = g_strdup (bm_candidate_get (call->candidate, "number"));
      c->operator_name = g_strdup (self->operator_name);
      c->eligibility_checked = call->eligibility_checked;
      c->fee_paid = call->fee_paid;
      bm_store_writer_write_async (BM_STORE_WRITER (source), confirm_write, c, confirming_free, NULL, confirmed,
                                   g_steal_pointer (&call));
      return;
    }
  if (ok)
    dispatch (self, EVENT_NUMBERED, &data);
  else
    {
      data.text = error->message;
      dispatch (self, EVENT_NUMBERING_FAILED, &data);
    }
  pass_pending_card (self);
}

static BmIntakeState
on_category_chosen (BmIntake *self, const EventData *data)
{
  g_autoptr(BmIdentity) identity = bm_identity_copy (self->identity);
  Numbering *call = g_new0 (Numbering, 1);

  call->self = g_object_ref (self);
  call->eligibility_checked = data->eligibility_checked;
  call->fee_paid = data->fee_paid;
  call->candidate = bm_candidate_new (identity);
  bm_candidate_set (call->candidate, "category", data->text);
  bm_candidate_set (call->candidate, "source", "card");
  set_next_step (self, _("Assigning the 报名顺序号…"));
  bm_store_writer_add_candidate_async (self->writer, call->candidate, self->operator_name,
                                       self->cancellable, numbered, call);
  return BM_INTAKE_NUMBERING;
}

static BmIntakeState
on_numbered (BmIntake *self, const EventData *data)
{
  set_string (self, &self->number, bm_candidate_get (data->candidate, "number"), PROP_NUMBER);
  set_string (self, &self->initial_password, bm_candidate_get (data->candidate, "initial_password"),
              PROP_INITIAL_PASSWORD);
  set_next_step (self, _("Ask the candidate to look at the camera, then press Space to take the photo."));
  return BM_INTAKE_PHOTO;
}

static BmIntakeState
on_numbering_failed (BmIntake *self, const EventData *data)
{
  set_string (self, &self->warnings, data->text, PROP_WARNINGS);
  set_next_step (self, data->text);
  return BM_INTAKE_CHOOSE_CATEGORY;
}

static BmIntakeState
on_photo_saved (BmIntake *self, const EventData *data)
{
  if (g_strcmp0 (data->text, self->number) != 0)
    return self->state;    /* another record's photo (the list page) */
  if (self->state == BM_INTAKE_DONE)
    return BM_INTAKE_DONE;
  set_next_step (self, _("Photo saved. Press Ctrl+P to print the login card."));
  return BM_INTAKE_PRINT;
}

static BmIntakeState
on_photo_deferred (BmIntake *self, const EventData *data)
{
  if (g_strcmp0 (data->text, self->number) != 0)
    return self->state;
  set_next_step (self, _("The photo is taken later. Press Ctrl+P to print the login card."));
  return BM_INTAKE_PRINT;
}

static const char *print_failure_text (const GError *error);

static void
print_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BmIntake) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmIdentity) pending = g_steal_pointer (&self->pending_identity);
  EventData data = { NULL, NULL, NULL, FALSE, FALSE };
  gboolean ok = bm_print_service_print_finish (BM_PRINT_SERVICE (source), result, &error);

  if (self->store == NULL)
    return;    /* disposed while printing: the batch logged the job */
  if (ok)
    dispatch (self, EVENT_PRINTED, &data);
  else
    {
      data.text = print_failure_text (error);
      dispatch (self, EVENT_PRINT_FAILED, &data);
    }
  if (pending != NULL)
    bm_intake_card_read (self, pending);
}

static BmIntakeState
on_print (BmIntake *self, const EventData *data)
{
  set_next_step (self, _("The login card is printing…"));
  bm_print_service_print_records_async (self->print_service, BM_DOCUMENT_LOGIN_CARDS, self->number, NULL,
                                        self->cancellable, print_done, g_object_ref (self));
  return BM_INTAKE_PRINTING;
}

static BmIntakeState
on_printed (BmIntake *self, const EventData *data)
{
  set_next_step (self, _("The login card is printed. Hand it over, then place the next candidate's ID card on the reader."));
  return BM_INTAKE_DONE;
}

static BmIntakeState
on_print_failed (BmIntake *self, const EventData *data)
{
  set_next_step (self, data->text);
  return BM_INTAKE_PRINT;
}

/* What the clerk reads when the login card did not print: what to do, not
 * the print system's own message (a socket path, an IPP status); that goes
 * to the log. */
static const char *
print_failure_text (const GError *error)
{
  g_message ("The login card was not printed: %s", error->message);
  if (g_error_matches (error, BM_PRINT_ERROR, BM_PRINT_ERROR_NO_PRINTER))
    return _("The login card was not printed: no printer can be reached. Registration goes on; print it later from "
             "the Print page (F4), or press Ctrl+P once a printer is connected.");
  if (g_error_matches (error, BM_PRINT_ERROR, BM_PRINT_ERROR_PRINTER_STOPPED))
    return _("The login card was not printed: the printer has stopped (paper, toner or a jam?). Fix it, then press "
             "Ctrl+P to try again.");
  return _("The login card was not printed: the printer did not finish the job. Check the printer, then press Ctrl+P "
           "to try again.");
}

static void
bm_intake_dispose (GObject *object)
{
  BmIntake *self = BM_INTAKE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->writer);
  g_clear_object (&self->print_service);
  g_clear_object (&self->identity);
  g_clear_object (&self->pending_identity);
  G_OBJECT_CLASS (bm_intake_parent_class)->dispose (object);
}

static void
bm_intake_finalize (GObject *object)
{
  BmIntake *self = BM_INTAKE (object);

  g_clear_object (&self->cancellable);
  g_free (self->operator_name);
  g_free (self->number);
  g_free (self->initial_password);
  g_free (self->warnings);
  g_free (self->next_step);
  G_OBJECT_CLASS (bm_intake_parent_class)->finalize (object);
}

static void
bm_intake_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BmIntake *self = BM_INTAKE (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_IDENTITY: g_value_set_object (value, self->identity); break;
    case PROP_NUMBER: g_value_set_string (value, self->number); break;
    case PROP_INITIAL_PASSWORD: g_value_set_string (value, self->initial_password); break;
    case PROP_WARNINGS: g_value_set_string (value, self->warnings); break;
    case PROP_NEXT_STEP: g_value_set_string (value, self->next_step); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_intake_class_init (BmIntakeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bm_intake_dispose;
  object_class->finalize = bm_intake_finalize;
  object_class->get_property = bm_intake_get_property;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, BM_TYPE_INTAKE_STATE, BM_INTAKE_WAITING, flags);
  props[PROP_IDENTITY] = g_param_spec_object ("identity", NULL, NULL, BM_TYPE_IDENTITY, flags);
  props[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  props[PROP_INITIAL_PASSWORD] = g_param_spec_string ("initial-password", NULL, NULL, NULL, flags);
  props[PROP_WARNINGS] = g_param_spec_string ("warnings", NULL, NULL, NULL, flags);
  props[PROP_NEXT_STEP] = g_param_spec_string ("next-step", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
bm_intake_init (BmIntake *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = BM_INTAKE_WAITING;
  self->next_step = g_strdup (_("Place the candidate's ID card on the reader."));
}

BmIntake *
bm_intake_new (BmStore *store, BmStoreWriter *writer, BmPrintService *print_service)
{
  BmIntake *self = g_object_new (BM_TYPE_INTAKE, NULL);

  self->store = g_object_ref (store);
  self->writer = g_object_ref (writer);
  self->print_service = g_object_ref (print_service);
  return self;
}

void
bm_intake_set_operator (BmIntake *self, const char *operator_name)
{
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
}

BmIntakeState bm_intake_get_state (BmIntake *self) { return self->state; }
BmIdentity *bm_intake_get_identity (BmIntake *self) { return self->identity; }
const char *bm_intake_get_number (BmIntake *self) { return self->number; }
const char *bm_intake_get_initial_password (BmIntake *self) { return self->initial_password; }
const char *bm_intake_get_warnings (BmIntake *self) { return self->warnings; }
const char *bm_intake_get_next_step (BmIntake *self) { return self->next_step; }

/* Each returns FALSE when the event is not taken in the current state. */

gboolean
bm_intake_card_read (BmIntake *self, BmIdentity *identity)
{
  EventData data = { identity, NULL, NULL, FALSE, FALSE };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_CARD_READ, &data);
}

gboolean
bm_intake_choose_category (BmIntake *self, const char *category)
{
  return bm_intake_choose_category_confirmed (self, category, FALSE, FALSE);
}

/**
 * bm_intake_choose_category_confirmed:
 * @eligibility_checked: the 资格审查 was done (recorded with the number)
 * @fee_paid: the candidate paid (recorded with the number)
 *
 * The counter's Enter: the 科类, and what the clerk confirmed beside it,
 * in one step (issue 13). The number is assigned first; the confirmations
 * follow through the writer before the flow moves on to the photo.
 */
gboolean
bm_intake_choose_category_confirmed (BmIntake *self, const char *category, gboolean eligibility_checked,
                                     gboolean fee_paid)
{
  EventData data = { NULL, NULL, category, eligibility_checked, fee_paid };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_CATEGORY_CHOSEN, &data);
}

gboolean
bm_intake_photo_saved (BmIntake *self, const char *number)
{
  EventData data = { NULL, NULL, number, FALSE, FALSE };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_PHOTO_SAVED, &data);
}

/* The record's photo is to be taken later (stored by the caller with
 * bm_store_defer_photo()); the login card is next. */
gboolean
bm_intake_photo_deferred (BmIntake *self, const char *number)
{
  EventData data = { NULL, NULL, number, FALSE, FALSE };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_PHOTO_DEFERRED, &data);
}

gboolean
bm_intake_print (BmIntake *self)
{
  EventData data = { NULL, NULL, NULL, FALSE, FALSE };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_PRINT, &data);
}

gboolean
bm_intake_next_candidate (BmIntake *self)
{
  EventData data = { NULL, NULL, NULL, FALSE, FALSE };

  g_return_val_if_fail (BM_IS_INTAKE (self), FALSE);
  return dispatch (self, EVENT_NEXT_CANDIDATE, &data);
}
