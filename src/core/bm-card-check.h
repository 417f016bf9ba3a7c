#pragma once

#include "bm-identity.h"
#include "bm-store.h"

G_BEGIN_DECLS

GPtrArray *bm_card_check_identity (BmIdentity *identity,
                                   BmStore    *store,
                                   GDate      *today);

G_END_DECLS
