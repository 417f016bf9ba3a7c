#pragma once

#include "bm-operator.h"
#include "bm-store.h"

G_BEGIN_DECLS

/* Operator accounts (bm-store-operators.c). An account is created without a
 * password; the password API sets one. */
gboolean bm_store_add_operator (BmStore        *self,
                                const char     *user,
                                const char     *real_name,
                                const char     *id_number,
                                BmOperatorRole  role,
                                const char     *created_by,
                                GError        **error);

/* TRUE when @operator_name is an enabled account that may act as @role:
 * any enabled account acts as a clerk; the supervisor and the officer roles
 * need exactly that role. Otherwise BM_ERROR_PERMISSION (or
 * BM_ERROR_NOT_FOUND for an unknown or disabled account) with a sentence
 * naming the role needed. */
gboolean bm_store_check_role   (BmStore        *self,
                                const char     *operator_name,
                                BmOperatorRole  role,
                                GError        **error);

G_END_DECLS
