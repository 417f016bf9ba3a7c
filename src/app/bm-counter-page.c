/* The counter page (采集): the path a clerk runs for every candidate with a
 * card. The identity shows as read (locked, marked as from the card), the
 * checks say what is wrong, Enter on a 科类 assigns the number, Space takes
 * the photo and Ctrl+P prints the login card. The line at the bottom always
 * says what to do next. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-card-check.h"
#include "bm-card-status.h"
#include "bm-card-text.h"
#include "bm-code-table.h"
#include "bm-correction-dialog.h"
#include "bm-counter-page.h"
#include "bm-intake.h"

typedef struct {
  const char *key;
  const char *label;
} IdentityRow;

static const IdentityRow identity_rows[] = {
  { "name", N_("Name") },
  { "name_en", N_("English name") },
  { "sex", N_("Sex") },
  { "nation", N_("Nation") },
  { "birth_date", N_("Born") },
  { "id_number", N_("ID number") },
  { "address", N_("Address") },
  { "authority", N_("Issued by") },
  { "valid_to", N_("Valid") },
};

static const char *step_titles[] = {
  N_("Read the ID card"),
  N_("Check for duplicates"),
  N_("Choose the 科类 (Enter)"),
  N_("Assign the 报名顺序号"),
  N_("Take the photo (Space)"),
  N_("Print the login card (Ctrl+P)"),
};

struct _BmCounterPage
{
  GtkWidget parent_instance;

  BmStation *station;
  BmStore *store;
  BmIntake *intake;
  BmPhotoStep *photo_step;
  GPtrArray *category_codes;
  GtkWidget *values[G_N_ELEMENTS (identity_rows)];
  GtkWidget *step_labels[G_N_ELEMENTS (step_titles)];

  /* Template widgets */
  GtkWidget *content;
  GtkPicture *chip_photo;
  GtkLabel *chip_photo_note;
  GtkGrid *identity_grid;
  GtkLabel *warning_label;
  GtkListBox *category_list;
  GtkBox *photo_box;
  GtkBox *steps_box;
  GtkLabel *number_label;
  GtkLabel *password_label;
  GtkLabel *next_step_label;
};

G_DEFINE_FINAL_TYPE (BmCounterPage, bm_counter_page, GTK_TYPE_WIDGET)

/* How far along the steps list is: index of the step in progress. */
static guint
steps_done (BmIntakeState state)
{
  switch (state)
    {
    case BM_INTAKE_WAITING: return 0;
    case BM_INTAKE_BLOCKED: return 1;
    case BM_INTAKE_CHOOSE_CATEGORY: return 2;
    case BM_INTAKE_NUMBERING: return 3;
    case BM_INTAKE_PHOTO: return 4;
    case BM_INTAKE_PRINT:
    case BM_INTAKE_PRINTING: return 5;
    case BM_INTAKE_DONE: return 6;
    default: g_assert_not_reached ();
    }
}

static void
update_steps (BmCounterPage *self)
{
  BmIntakeState state = bm_intake_get_state (self->intake);
  guint done = steps_done (state);

  for (guint i = 0; i < G_N_ELEMENTS (step_titles); i++)
    {
      const char *mark = i < done ? "✓" : (i == done ? (state == BM_INTAKE_BLOCKED ? "✗" : "▶") : "  ");
      g_autofree char *text = g_strdup_printf ("%s %s", mark, _(step_titles[i]));

      gtk_label_set_text (GTK_LABEL (self->step_labels[i]), text);
      if (i == done)
        gtk_widget_add_css_class (self->step_labels[i], "current-step");
      else
        gtk_widget_remove_css_class (self->step_labels[i], "current-step");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->category_list), state == BM_INTAKE_CHOOSE_CATEGORY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->photo_step), state == BM_INTAKE_PHOTO || state == BM_INTAKE_PRINT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.print",
                                 bm_intake_get_number (self->intake) != NULL && state != BM_INTAKE_PRINTING);
}

/* Dates as a person reads them in Chinese (2019年10月28日); files keep ISO. */
static char *
chinese_date (const char *iso)
{
  int y, m, d;

  if (iso == NULL)
    return NULL;
  if (g_str_equal (iso, "long-term"))
    return g_strdup (_("long-term"));
  if (sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3)
    return g_strdup (iso);
  return g_strdup_printf (_("%d年%d月%d日"), y, m, d);
}

static char *
display_value (BmIdentity *identity, const char *key)
{
  const char *value = bm_identity_get (identity, key);

  if (g_str_equal (key, "sex"))
    return g_strdup (bm_code_table_lookup (BM_CODE_TABLE_SEX, value));
  if (g_str_equal (key, "nation"))
    return g_strdup (bm_code_table_lookup (BM_CODE_TABLE_NATION, value));
  if (g_str_equal (key, "birth_date"))
    return chinese_date (value);
  if (g_str_equal (key, "id_number") && value != NULL)
    return g_strdup_printf ("%s %s", value, bm_card_identity_number_valid (identity) ? "✓" : "✗");
  if (g_str_equal (key, "address") && bm_identity_get (identity, "appended_address") != NULL)
    return g_strdup_printf ("%s\n%s", value ? value : "", bm_identity_get (identity, "appended_address"));
  if (g_str_equal (key, "valid_to") && value != NULL)
    {
      g_autofree char *from = chinese_date (bm_identity_get (identity, "valid_from"));
      g_autofree char *to = chinese_date (value);
      return g_strdup_printf ("%s – %s", from ? from : "", to);
    }
  return g_strdup (value);
}

static void
show_identity (BmCounterPage *self)
{
  BmIdentity *identity = bm_intake_get_identity (self->intake);

  for (guint i = 0; i < G_N_ELEMENTS (identity_rows); i++)
    {
      g_autofree char *value = identity ? display_value (identity, identity_rows[i].key) : NULL;

      gtk_label_set_text (GTK_LABEL (self->values[i]), value ? value : "");
    }

  gtk_picture_set_paintable (self->chip_photo, NULL);
  bm_photo_step_set_chip_photo (self->photo_step, NULL);
  gtk_label_set_text (self->chip_photo_note, "");
  if (identity != NULL && bm_identity_get_photo_wlt (identity) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = bm_card_status_decode_photo (identity, &error);

      if (texture != NULL)
        {
          gtk_picture_set_paintable (self->chip_photo, GDK_PAINTABLE (texture));
          bm_photo_step_set_chip_photo (self->photo_step, GDK_PAINTABLE (texture));
        }
      else
        gtk_label_set_text (self->chip_photo_note, error->message);
    }
  if (identity != NULL)
    gtk_label_set_text (self->chip_photo_note,
                        *gtk_label_get_text (self->chip_photo_note)
                          ? gtk_label_get_text (self->chip_photo_note)
                          : _("Read from the ID card; these fields are locked."));
}

static void
fill_categories (BmCounterPage *self)
{
  g_autoptr(GPtrArray) categories = bm_store_list_categories (self->store, NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_list))) != NULL)
    gtk_list_box_remove (self->category_list, child);
  g_ptr_array_set_size (self->category_codes, 0);
  for (guint i = 0; categories && i < categories->len; i++)
    {
      BmCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *text = g_strdup_printf (_("%s %s (%u left)"), category->code, category->name, category->remaining);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 6);
      gtk_list_box_append (self->category_list, label);
      g_ptr_array_add (self->category_codes, g_strdup (category->code));
    }
}

/* ---- the view follows the intake ------------------------------------------ */

static void
on_state (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  update_steps (self);
  switch (bm_intake_get_state (intake))
    {
    case BM_INTAKE_CHOOSE_CATEGORY:
      gtk_widget_grab_focus (GTK_WIDGET (self->category_list));
      break;
    case BM_INTAKE_PHOTO:
      gtk_widget_grab_focus (GTK_WIDGET (self->photo_step));
      break;
    default:
      break;
    }
}

static void
on_identity (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  show_identity (self);
}

static void
on_number (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  const char *number = bm_intake_get_number (intake);
  const char *password = bm_intake_get_initial_password (intake);
  g_autofree char *number_text = number ? g_strdup_printf (_("报名顺序号\n%s"), number) : NULL;
  g_autofree char *password_text = password ? g_strdup_printf (_("Initial password: %s"), password) : NULL;

  gtk_label_set_text (self->number_label, number_text ? number_text : "");
  gtk_label_set_text (self->password_label, password_text ? password_text : "");
  bm_photo_step_set_record (self->photo_step, number);
  update_steps (self);
}

static void
on_warnings (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  const char *warnings = bm_intake_get_warnings (intake);

  gtk_label_set_text (self->warning_label, warnings ? warnings : "");
}

static void
on_category_activated (GtkListBox *list, GtkListBoxRow *row, BmCounterPage *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->category_codes->len)
    bm_intake_choose_category (self->intake, g_ptr_array_index (self->category_codes, index));
}

static void
on_photo_saved (BmPhotoStep *step, const char *number, BmCounterPage *self)
{
  bm_intake_photo_saved (self->intake, number);
}

static void
print_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  bm_intake_print (BM_COUNTER_PAGE (widget)->intake);
}

/* A chip can hold a mistake the candidate's papers prove wrong: the clerk
 * may correct the registered record, with a reason. */
static void
correct_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCounterPage *self = BM_COUNTER_PAGE (widget);
  const char *number = bm_intake_get_number (self->intake);
  g_autoptr(GError) error = NULL;
  BmCorrectionDialog *dialog;

  if (number == NULL)
    return;
  dialog = bm_correction_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                     bm_station_get_writer (self->station), number,
                                     bm_station_get_acting_operator (self->station), &error);
  if (dialog == NULL)
    {
      gtk_label_set_text (self->warning_label, error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
next_candidate_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  bm_intake_next_candidate (BM_COUNTER_PAGE (widget)->intake);
}

static void
bm_counter_page_dispose (GObject *object)
{
  BmCounterPage *self = BM_COUNTER_PAGE (object);

  if (self->intake != NULL)
    g_signal_handlers_disconnect_by_data (self->intake, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_COUNTER_PAGE);
  g_clear_object (&self->intake);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  g_clear_pointer (&self->category_codes, g_ptr_array_unref);

  G_OBJECT_CLASS (bm_counter_page_parent_class)->dispose (object);
}

static void
bm_counter_page_class_init (BmCounterPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_counter_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-counter-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, chip_photo);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, chip_photo_note);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, identity_grid);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, category_list);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, photo_box);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, steps_box);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, password_label);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, next_step_label);

  gtk_widget_class_install_action (widget_class, "counter.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "counter.next", NULL, next_candidate_action);
  gtk_widget_class_install_action (widget_class, "counter.correct", NULL, correct_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "counter.correct", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "counter.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "counter.next", NULL);
}

static void
bm_counter_page_init (BmCounterPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (identity_rows); i++)
    {
      GtkWidget *label = gtk_label_new (_(identity_rows[i].label));
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_yalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0.0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_add_css_class (value, "card-field");
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_grid_attach (self->identity_grid, label, 0, i, 1, 1);
      gtk_grid_attach (self->identity_grid, value, 1, i, 1, 1);
      self->values[i] = value;
    }
  for (guint i = 0; i < G_N_ELEMENTS (step_titles); i++)
    {
      self->step_labels[i] = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (self->step_labels[i]), 0);
      gtk_box_append (self->steps_box, self->step_labels[i]);
    }
  g_signal_connect (self->category_list, "row-activated", G_CALLBACK (on_category_activated), self);
}

/**
 * bm_counter_page_new:
 * @station: the station whose counter flow (BmIntake) this page shows
 */
BmCounterPage *
bm_counter_page_new (BmStation *station)
{
  BmCounterPage *self = g_object_new (BM_TYPE_COUNTER_PAGE, NULL);

  self->station = g_object_ref (station);
  self->store = g_object_ref (bm_station_get_store (station));
  self->intake = g_object_ref (bm_station_get_intake (station));
  self->photo_step = bm_photo_step_new (station);
  gtk_widget_set_vexpand (GTK_WIDGET (self->photo_step), TRUE);
  gtk_box_append (self->photo_box, GTK_WIDGET (self->photo_step));
  g_signal_connect (self->photo_step, "photo-saved", G_CALLBACK (on_photo_saved), self);
  g_object_bind_property (self->intake, "next-step", self->next_step_label, "label", G_BINDING_SYNC_CREATE);
  g_signal_connect (self->intake, "notify::state", G_CALLBACK (on_state), self);
  g_signal_connect (self->intake, "notify::identity", G_CALLBACK (on_identity), self);
  g_signal_connect (self->intake, "notify::number", G_CALLBACK (on_number), self);
  g_signal_connect (self->intake, "notify::warnings", G_CALLBACK (on_warnings), self);
  fill_categories (self);
  show_identity (self);
  on_number (self->intake, NULL, self);
  on_warnings (self->intake, NULL, self);
  update_steps (self);
  return self;
}

BmPhotoStep *
bm_counter_page_get_photo_step (BmCounterPage *self)
{
  return self->photo_step;
}

BmIntake *
bm_counter_page_get_intake (BmCounterPage *self)
{
  return self->intake;
}

void
bm_counter_page_reload (BmCounterPage *self)
{
  fill_categories (self);
}
