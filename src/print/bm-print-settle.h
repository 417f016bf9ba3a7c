/* bm-print-settle.h: print intents left behind by a process that died */
#pragma once

#include "bm-store-print.h"

G_BEGIN_DECLS

/* "pid:start-time" of this process: a pid alone may be reused. */
char     *bm_print_owner_self  (void);
/* Whether the process named by @owner (from bm_print_owner_self) still runs. */
gboolean  bm_print_owner_alive (const char  *owner);

/* Settles every print intent whose process is gone by asking CUPS what
 * became of its job (docs/printing.md): completed, aborted and cancelled
 * jobs are logged as such; a job still waiting, held or stopped is
 * cancelled; a job printing right now is left for the next start.
 * @n_settled and @n_waiting may be NULL. */
gboolean  bm_print_settle      (BmStore     *store,
                                guint       *n_settled,
                                guint       *n_waiting,
                                GError     **error);

G_END_DECLS
