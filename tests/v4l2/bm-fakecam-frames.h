/* Frames of the fake camera, shared by the libv4l2 plugin (C2) and the
 * libv4lconvert dev_ops test (C1). Plain C: the plugin is loaded into any
 * process that uses libv4l2 and must not drag GLib in. */
#pragma once

#include <stddef.h>

#define FAKECAM_NBARS 4

/* Full-range (JFIF) BT.601 YUV of the bars and the RGB they become;
 * libv4lconvert's YUV->RGB assumes full range (testing-v4l2.md A.6). */
struct fakecam_bar { unsigned char y, u, v, r, g, b; const char *name; };
extern const struct fakecam_bar fakecam_bars[FAKECAM_NBARS];

/* RGB picture: either the bars or a loaded PPM scaled to w×h; brightness
 * (0..255, 128 neutral) is added as an offset like a camera's control. */
unsigned char *fakecam_rgb (const char *ppm_path, int w, int h, int brightness);

/* Convert to the camera's wire formats. Return malloc'd buffers. */
unsigned char *fakecam_yuyv (const unsigned char *rgb, int w, int h);
unsigned char *fakecam_mjpeg (const unsigned char *rgb, int w, int h, unsigned long *len);
