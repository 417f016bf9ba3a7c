/* 进度: how far the point has come — counts by lifecycle state and by 科类,
 * registrations per day as bars, and the days left before registration
 * closes when the province's profile gives the deadline. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-progress-page.h"
#include "bm-store-stats.h"

#define DAYS_SHOWN 14

struct _BmProgressPage
{
  GtkWidget parent_instance;

  BmStore *store;

  /* Template widgets */
  GtkWidget *content;
  GtkLabel *summary_label;
  GtkLabel *deadline_label;
  GtkGrid *state_grid;
  GtkGrid *category_grid;
  GtkGrid *day_grid;
};

G_DEFINE_FINAL_TYPE (BmProgressPage, bm_progress_page, GTK_TYPE_WIDGET)

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

/* A row: name, count, and a bar relative to the largest count. */
static void
add_row (GtkGrid *grid, int row, const char *name, gint64 count, gint64 largest)
{
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *text = g_strdup_printf ("%lld", (long long) count);
  GtkWidget *number = gtk_label_new (text);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (largest, 1));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), count);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, number, 1, row, 1, 1);
  gtk_grid_attach (grid, bar, 2, row, 1, 1);
}

static void
show_deadline (BmProgressPage *self, const BmProgress *progress)
{
  const char *closes = progress->registration_closes;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = NULL;

  if (closes != NULL)
    when = g_date_time_new_from_iso8601 (closes, NULL);
  gtk_widget_set_css_classes (GTK_WIDGET (self->deadline_label),
                              (const char *[]) { when ? "next-step" : "dim-label", NULL });
  if (when == NULL)
    {
      gtk_label_set_text (self->deadline_label, _("The registration deadline comes with the province's profile when this workstation syncs."));
      return;
    }
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (when);
    g_autofree char *date = g_date_time_format (local, _("%Y年%-m月%-d日 %H:%M"));
    gint64 days = g_date_time_difference (when, now) / G_TIME_SPAN_DAY;

    if (g_date_time_compare (when, now) <= 0)
      text = g_strdup_printf (_("Registration closed on %s."), date);
    else
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld day left: registration closes on %s.",
                                           "%lld days left: registration closes on %s.", days),
                              (long long) days, date);
  }
  gtk_label_set_text (self->deadline_label, text);
}

/* The figures count every record: only for a page that is shown (it
 * refreshes when mapped), never before the window's first frame (issue 17). */
static void
refresh_now (BmProgressPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmProgress) progress = bm_store_dup_progress (self->store, &error);
  g_autoptr(GPtrArray) categories = NULL;
  g_autofree char *summary = NULL;
  gint64 largest = 0;
  guint first;
  int row = 0;

  clear_grid (self->state_grid);
  clear_grid (self->category_grid);
  clear_grid (self->day_grid);
  if (progress == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }

  summary = g_strdup_printf (_("%lld registered · %lld awaiting county review · %lld voided"),
                             (long long) progress->registered, (long long) progress->review_pending,
                             (long long) progress->voided);
  gtk_label_set_text (self->summary_label, summary);
  show_deadline (self, progress);

  for (int s = 0; s < BM_N_RECORD_STATES; s++)
    add_row (self->state_grid, row++, bm_record_state_get_label (s),
             bm_progress_count (progress->by_state, bm_record_state_to_string (s)),
             bm_progress_largest (progress->by_state));

  categories = bm_store_list_categories (self->store, NULL);
  row = 0;
  for (guint i = 0; categories && i < categories->len; i++)
    {
      BmCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *name = g_strdup_printf ("%s %s", category->code, category->name);

      add_row (self->category_grid, row++, name, bm_progress_count (progress->by_category, category->code),
               bm_progress_largest (progress->by_category));
    }

  first = progress->by_day->len > DAYS_SHOWN ? progress->by_day->len - DAYS_SHOWN : 0;
  for (guint i = first; i < progress->by_day->len; i++)
    largest = MAX (largest, g_array_index (progress->by_day, BmCount, i).count);
  row = 0;
  for (guint i = first; i < progress->by_day->len; i++)
    add_row (self->day_grid, row++, g_array_index (progress->by_day, BmCount, i).key,
             g_array_index (progress->by_day, BmCount, i).count, largest);
}

void
bm_progress_page_refresh (BmProgressPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_now (self);
}

static void
bm_progress_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bm_progress_page_parent_class)->map (widget);
  refresh_now (BM_PROGRESS_PAGE (widget));
}

static void
bm_progress_page_dispose (GObject *object)
{
  BmProgressPage *self = BM_PROGRESS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_PROGRESS_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bm_progress_page_parent_class)->dispose (object);
}

static void
bm_progress_page_class_init (BmProgressPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_progress_page_dispose;
  widget_class->map = bm_progress_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, state_grid);
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, category_grid);
  gtk_widget_class_bind_template_child (widget_class, BmProgressPage, day_grid);
}

static void
bm_progress_page_init (BmProgressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BmProgressPage *
bm_progress_page_new (BmStore *store)
{
  BmProgressPage *self = g_object_new (BM_TYPE_PROGRESS_PAGE, NULL);

  self->store = g_object_ref (store);
  bm_progress_page_refresh (self);
  return self;
}

const char *
bm_progress_page_get_summary (BmProgressPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_now (self);
  return gtk_label_get_text (self->summary_label);
}
