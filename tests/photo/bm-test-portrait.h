#pragma once

#include "bm-image.h"

G_BEGIN_DECLS

/* A synthetic head-and-shoulders picture for photo tests and benchmarks.
 * Geometry is given in the 480×640 photo's pixels and scaled to the source
 * size; the portrait sits in the centred 3:4 area of the source. */
typedef struct {
  int width, height;        /* source size */
  guint8 bg[3];             /* backdrop colour */
  gboolean bg_stripes;      /* a patterned backdrop */
  int head_top;             /* top of hair, 480×640 units */
  int eyes;                 /* eye line */
  int face_width;
  int centre_x;
  int noise;                /* ± uniform sensor noise */
  int blur;                 /* 3×3 box blur passes */
  double gain;              /* exposure: 1.0 normal */
  gboolean grey;            /* black and white */
  guint32 seed;
} BmTestPortrait;

void     bm_test_portrait_defaults (BmTestPortrait *p);
BmImage *bm_test_portrait_draw     (const BmTestPortrait *p);

G_END_DECLS
