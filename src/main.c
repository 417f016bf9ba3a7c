#include "bm-config.h"

#include "bm-application.h"
#include "bm-paths.h"

int
main (int argc, char **argv)
{
  g_autoptr(BmApplication) app = NULL;

  bm_i18n_init ();
  app = bm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
