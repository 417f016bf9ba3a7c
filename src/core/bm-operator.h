#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * BmOperatorRole:
 * @BM_OPERATOR_ROLE_CLERK: 报名员: registers candidates at the counter
 * @BM_OPERATOR_ROLE_SUPERVISOR: 报名点负责人: creates clerks, approves
 *   exceptional corrections, voids records
 * @BM_OPERATOR_ROLE_OFFICER: 招考机构: a county or city officer present at
 *   the point; local review decisions are recorded as theirs
 *
 * The roles of seed 步骤1-3. Stored and synced by name.
 */
typedef enum {
  BM_OPERATOR_ROLE_CLERK,
  BM_OPERATOR_ROLE_SUPERVISOR,
  BM_OPERATOR_ROLE_OFFICER,
  BM_N_OPERATOR_ROLES,
} BmOperatorRole;

/* Actors that are not accounts: changes that come from the provincial
 * server, and automatic work the program does at start-up. */
#define BM_ACTOR_PROVINCE "province"
#define BM_ACTOR_SYSTEM   "system"

/* The training clerk and supervisor that every training store has. */
#define BM_TRAINING_CLERK      "training"
#define BM_TRAINING_SUPERVISOR "training-supervisor"

const char *bm_operator_role_to_string   (BmOperatorRole  role);
gboolean    bm_operator_role_from_string (const char     *name,
                                          BmOperatorRole *role);
const char *bm_operator_role_get_label   (BmOperatorRole  role);
gboolean    bm_operator_is_reserved_actor (const char    *name);

G_END_DECLS
