#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BM_ERROR (bm_error_quark ())

/**
 * BmError:
 * @BM_ERROR_FAILED: anything not listed below
 * @BM_ERROR_INVALID: input failed a domain rule (ID number, field length, code)
 * @BM_ERROR_NOT_FOUND: no such record
 * @BM_ERROR_DUPLICATE: a live record already holds this ID number
 * @BM_ERROR_RANGE_EXHAUSTED: no 报名顺序号 left for the 科类 on this workstation
 * @BM_ERROR_ILLEGAL_TRANSITION: the record lifecycle forbids the change
 * @BM_ERROR_STORE_DAMAGED: the database file failed its integrity check
 * @BM_ERROR_STORE_IO: the database could not be read or written (disk full, read-only, locked)
 * @BM_ERROR_MODE_MISMATCH: training data and real data must never meet
 * @BM_ERROR_PERMISSION: the operator's role may not do this
 * @BM_ERROR_INCOMPLETE: the record lacks what the final submission needs
 * @BM_ERROR_DEADLINE_PASSED: a deadline of the point profile has passed
 * @BM_ERROR_NUMBERING_HELD: a store restored from a backup issues no 报名顺序号
 *   until the supervisor (or the server) says where numbering continues
 *
 * Errors of the domain core. Other layers define their own domains and may
 * pass these through.
 */
typedef enum {
  BM_ERROR_FAILED,
  BM_ERROR_INVALID,
  BM_ERROR_NOT_FOUND,
  BM_ERROR_DUPLICATE,
  BM_ERROR_RANGE_EXHAUSTED,
  BM_ERROR_ILLEGAL_TRANSITION,
  BM_ERROR_STORE_DAMAGED,
  BM_ERROR_STORE_IO,
  BM_ERROR_MODE_MISMATCH,
  BM_ERROR_PERMISSION,
  BM_ERROR_INCOMPLETE,
  BM_ERROR_DEADLINE_PASSED,
  BM_ERROR_NUMBERING_HELD,
} BmError;

GQuark bm_error_quark (void);

G_END_DECLS
