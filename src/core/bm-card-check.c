/* bm-card-check.c: what the clerk must be warned about after a card read.
 * The read itself is never refused for these: the clerk decides. */
#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "bm-card-check.h"
#include "bm-card-text.h"

/**
 * bm_card_check_identity:
 * @store: (nullable): the point's store, to find the number already registered
 * @today: (nullable): the date to check validity against; NULL for today
 *
 * Returns: (transfer full) (element-type utf8): translated warnings, possibly
 *   none: expired card, check character mismatch, ID number already
 *   registered here (naming its 报名顺序号)
 */
GPtrArray *
bm_card_check_identity (BmIdentity *identity,
                        BmStore    *store,
                        GDate      *today)
{
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  const char *number = bm_identity_get (identity, "id_number");
  GDate now;

  if (today == NULL)
    {
      g_date_clear (&now, 1);
      g_date_set_time_t (&now, time (NULL));
      today = &now;
    }
  if (bm_card_identity_is_expired (identity, today))
    {
      const char *valid_to = bm_identity_get (identity, "valid_to");
      int y, m, d;
      g_autofree char *date = valid_to != NULL && sscanf (valid_to, "%d-%d-%d", &y, &m, &d) == 3
                                ? g_strdup_printf (_("%d年%d月%d日"), y, m, d)
                                : g_strdup (valid_to ? valid_to : "");

      /* the date as the clerk reads it, and what to do (issue 13) */
      g_ptr_array_add (warnings, g_strdup_printf (_("The card expired on %s: ask the candidate for a valid ID card "
                                                    "or a temporary ID card, or continue with the point "
                                                    "supervisor's consent."), date));
    }
  if (number != NULL && !bm_card_identity_number_valid (identity))
    g_ptr_array_add (warnings, g_strdup (_("The ID number on the card fails its check character or birth date. Check the card; the record will need county review.")));
  if (number != NULL && store != NULL)
    {
      g_autoptr(BmCandidate) existing = bm_store_find_by_id_number (store, number, NULL);

      if (existing != NULL)
        g_ptr_array_add (warnings, g_strdup_printf (_("This ID number is already registered at this point as %s."),
                                                    bm_candidate_get (existing, "number")));
    }
  return warnings;
}
