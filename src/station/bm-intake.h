#pragma once

#include <gio/gio.h>

#include "bm-identity.h"
#include "bm-print-service.h"
#include "bm-store.h"
#include "bm-store-writer.h"

G_BEGIN_DECLS

/**
 * BmIntakeState:
 * @BM_INTAKE_WAITING: waiting for a card
 * @BM_INTAKE_CHOOSE_CATEGORY: identity read and checked; the clerk chooses the 科类
 * @BM_INTAKE_NUMBERING: the 科类 is chosen; the record (and its 报名顺序号)
 *   is being stored by the station's writer
 * @BM_INTAKE_BLOCKED: the card cannot be registered here (already
 *   registered, or its number fails the check); the reason is the next step
 * @BM_INTAKE_PHOTO: numbered; the photo is next
 * @BM_INTAKE_PRINT: photo saved (or a print failed); the login card is next
 * @BM_INTAKE_PRINTING: the login card is on its way to the printer
 * @BM_INTAKE_DONE: the login card is printed
 *
 * The counter flow (docs/counter-flow.md).
 */
typedef enum {
  BM_INTAKE_WAITING,
  BM_INTAKE_CHOOSE_CATEGORY,
  BM_INTAKE_NUMBERING,
  BM_INTAKE_BLOCKED,
  BM_INTAKE_PHOTO,
  BM_INTAKE_PRINT,
  BM_INTAKE_PRINTING,
  BM_INTAKE_DONE,
  BM_N_INTAKE_STATES
} BmIntakeState;

#define BM_TYPE_INTAKE_STATE (bm_intake_state_get_type ())
GType       bm_intake_state_get_type  (void);
const char *bm_intake_state_to_string (BmIntakeState state);

#define BM_TYPE_INTAKE (bm_intake_get_type ())
G_DECLARE_FINAL_TYPE (BmIntake, bm_intake, BM, INTAKE, GObject)

BmIntake      *bm_intake_new               (BmStore        *store,
                                            BmStoreWriter  *writer,
                                            BmPrintService *print_service);
void           bm_intake_set_operator      (BmIntake       *self,
                                            const char     *operator_name);
BmIntakeState  bm_intake_get_state         (BmIntake       *self);
BmIdentity    *bm_intake_get_identity      (BmIntake       *self);
const char    *bm_intake_get_number        (BmIntake       *self);
const char    *bm_intake_get_initial_password (BmIntake    *self);
const char    *bm_intake_get_warnings      (BmIntake       *self);
const char    *bm_intake_get_next_step     (BmIntake       *self);

gboolean       bm_intake_card_read         (BmIntake       *self,
                                            BmIdentity     *identity);
gboolean       bm_intake_choose_category   (BmIntake       *self,
                                            const char     *category);
gboolean       bm_intake_choose_category_confirmed (BmIntake *self,
                                            const char     *category,
                                            gboolean        eligibility_checked,
                                            gboolean        fee_paid);
gboolean       bm_intake_photo_saved       (BmIntake       *self,
                                            const char     *number);
gboolean       bm_intake_photo_deferred    (BmIntake       *self,
                                            const char     *number);
gboolean       bm_intake_print             (BmIntake       *self);
gboolean       bm_intake_next_candidate    (BmIntake       *self);

G_END_DECLS
