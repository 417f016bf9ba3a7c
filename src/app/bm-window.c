/* The main window: header with point, mode and counts; a sidebar of the
 * pages that work; the training banner when the store is a training one. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-window.h"

struct _BmWindow
{
  GtkApplicationWindow parent_instance;

  BmStore *store;
  BmEntryPage *entry_page;
  BmCandidatesPage *candidates_page;

  /* Template widgets */
  GtkLabel *point_label;
  GtkLabel *counts_label;
  GtkWidget *training_banner;
  GtkStack *stack;
};

G_DEFINE_FINAL_TYPE (BmWindow, bm_window, GTK_TYPE_APPLICATION_WINDOW)

static void
update_counts (BmWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("%lld registered"),
                                           (long long) bm_store_count_candidates (self->store, FALSE));

  gtk_label_set_text (self->counts_label, text);
}

static void
on_candidate_saved (BmEntryPage *page, BmCandidate *candidate, BmWindow *self)
{
  bm_candidates_page_reload (self->candidates_page);
  update_counts (self);
}

static void
show_entry_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmWindow *self = BM_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "entry");
  bm_entry_page_focus_first (self->entry_page);
}

static void
show_candidates_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmWindow *self = BM_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "candidates");
  bm_candidates_page_focus_search (self->candidates_page);
}

static void
bm_window_dispose (GObject *object)
{
  BmWindow *self = BM_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_WINDOW);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bm_window_parent_class)->dispose (object);
}

static void
bm_window_class_init (BmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BmWindow, point_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, training_banner);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, stack);

  gtk_widget_class_install_action (widget_class, "win.show-entry", NULL, show_entry_action);
  gtk_widget_class_install_action (widget_class, "win.show-candidates", NULL, show_candidates_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "win.show-entry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.show-entry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F3, 0, "win.show-candidates", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.show-candidates", NULL);
}

static void
bm_window_init (BmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BmWindow *
bm_window_new (GtkApplication *application, BmStore *store)
{
  BmWindow *self = g_object_new (BM_TYPE_WINDOW, "application", application, NULL);
  g_autoptr(BmPointProfile) profile = bm_store_get_point_profile (store, NULL);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/cn/baoming/Client/ui/bm-shortcuts-window.ui");
  g_autofree char *subtitle = NULL;

  self->store = g_object_ref (store);
  self->entry_page = bm_entry_page_new (store);
  self->candidates_page = bm_candidates_page_new (store);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->entry_page), "entry", _("New candidate"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->candidates_page), "candidates", _("Candidates"));
  g_signal_connect (self->entry_page, "saved", G_CALLBACK (on_candidate_saved), self);

  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  if (profile != NULL)
    {
      subtitle = g_strdup_printf (_("%s · workstation %s"), profile->name, profile->workstation_id);
      gtk_label_set_text (self->point_label, subtitle);
      gtk_widget_set_visible (self->training_banner, profile->training);
      if (profile->training)
        {
          g_autofree char *title = g_strdup_printf (_("%s (training)"), _("Registration point client"));
          gtk_window_set_title (GTK_WINDOW (self), title);
        }
    }
  update_counts (self);
  gtk_stack_set_visible_child_name (self->stack, "entry");
  bm_entry_page_focus_first (self->entry_page);
  return self;
}

BmEntryPage *
bm_window_get_entry_page (BmWindow *self)
{
  return self->entry_page;
}

BmCandidatesPage *
bm_window_get_candidates_page (BmWindow *self)
{
  return self->candidates_page;
}
