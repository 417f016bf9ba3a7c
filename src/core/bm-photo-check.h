#pragma once

#include <json-glib/json-glib.h>

#include "bm-image.h"

G_BEGIN_DECLS

/* The MOE standard (domain.md §4.1), in pixels of the 480×640 result. */
#define BM_PHOTO_WIDTH          480
#define BM_PHOTO_HEIGHT         640
#define BM_PHOTO_MIN_QUALITY    60
/* "20-40 KB": a checker may count KB as 1000 or 1024 bytes, so we keep
 * inside both readings. */
#define BM_PHOTO_MIN_BYTES      (20 * 1024)
#define BM_PHOTO_MAX_BYTES      (40 * 1000)
#define BM_PHOTO_HEAD_TOP_MIN   50
#define BM_PHOTO_HEAD_TOP_MAX   110
#define BM_PHOTO_EYES_MIN       200
#define BM_PHOTO_EYES_MAX       300
#define BM_PHOTO_FACE_MIN       180
#define BM_PHOTO_FACE_MAX       300

/**
 * BmPhotoSeverity:
 * @BM_PHOTO_SEVERITY_HARD: the photo cannot be used (wrong size, black and white, ...)
 * @BM_PHOTO_SEVERITY_SOFT: a heuristic said no; the clerk may accept it with a reason
 */
typedef enum {
  BM_PHOTO_SEVERITY_HARD,
  BM_PHOTO_SEVERITY_SOFT,
} BmPhotoSeverity;

/**
 * BmPhotoCheck:
 * @id: stable identifier (resolution, colour, file_size, brightness, blur,
 *   background, face, head_top, eyes, face_width, face_centre)
 * @severity: what a failure means
 * @passed: whether the photo passed
 * @value: the measured number (meaning depends on @id)
 * @message: (nullable): translated explanation for the clerk when it failed
 */
typedef struct {
  const char *id;
  BmPhotoSeverity severity;
  gboolean passed;
  double value;
  char *message;
} BmPhotoCheck;

void bm_photo_check_free (BmPhotoCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmPhotoCheck, bm_photo_check_free)

/**
 * BmFaceEstimate:
 * @found: a skin-coloured region big enough for a face was found
 * @head_top: first row of the head (hair) from the top
 * @eyes: estimated eye line
 * @left: face left edge
 * @right: face right edge
 */
typedef struct {
  gboolean found;
  int head_top;
  int eyes;
  int left;
  int right;
} BmFaceEstimate;

void       bm_photo_estimate_face    (BmImage        *photo,
                                      BmFaceEstimate *face);
double     bm_photo_laplacian_variance (BmImage      *photo);
GPtrArray *bm_photo_check_image      (BmImage        *photo,
                                      int             source_width,
                                      int             source_height,
                                      gsize           jpeg_size);
JsonArray *bm_photo_checks_to_json   (GPtrArray      *checks);

G_END_DECLS
