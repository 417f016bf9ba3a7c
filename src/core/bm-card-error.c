#include "bm-config.h"

#include "bm-card-error.h"

G_DEFINE_QUARK (bm-card-error-quark, bm_card_error)
