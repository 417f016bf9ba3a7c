#include "bm-config.h"

#include "bm-print-error.h"

G_DEFINE_QUARK (bm-print-error-quark, bm_print_error)
