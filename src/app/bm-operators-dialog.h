#pragma once

#include <gtk/gtk.h>

#include "bm-station.h"

G_BEGIN_DECLS

#define BM_TYPE_OPERATORS_DIALOG (bm_operators_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BmOperatorsDialog, bm_operators_dialog, BM, OPERATORS_DIALOG, GtkWindow)

/* TRUE when the operator working at @station (not locked) is a point
 * supervisor: only they manage accounts (seed 步骤1-3). */
gboolean           bm_operators_dialog_allowed (BmStation   *station);
BmOperatorsDialog *bm_operators_dialog_new     (GtkWindow   *parent,
                                                BmStation   *station);
/* What the buttons do, for tests: each queues one write on the station's
 * writer; the dialog refreshes (or shows the store's refusal) when it is
 * done. pending counts the writes not finished yet. */
void               bm_operators_dialog_add_clerk   (BmOperatorsDialog *self,
                                                    const char        *user,
                                                    const char        *real_name);
void               bm_operators_dialog_set_enabled (BmOperatorsDialog *self,
                                                    const char        *user,
                                                    gboolean           enabled);
void               bm_operators_dialog_unlock      (BmOperatorsDialog *self,
                                                    const char        *user);
guint              bm_operators_dialog_get_pending (BmOperatorsDialog *self);

G_END_DECLS
