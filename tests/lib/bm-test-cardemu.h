#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean bm_test_cardemu  (const char *command);
/* The pcsc harness's control script: pcscd-stop, pcscd-start, reader-add,
 * reader-remove. Fails the test when it fails. */
void     bm_test_pcsc_ctl (const char *what);

G_END_DECLS
