#pragma once

#include "bm-photo.h"

G_BEGIN_DECLS

void bm_cli_photo_print_verdict (BmPhoto      *photo);
int  bm_cli_camera_exit_code    (const GError *error);

G_END_DECLS
