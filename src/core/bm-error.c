#include "bm-error.h"

G_DEFINE_QUARK (bm-error-quark, bm_error)
