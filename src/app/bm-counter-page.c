/* The counter page (采集): the path a clerk runs for every candidate with a
 * card. The identity shows as read (locked, marked as from the card), the
 * checks say what is wrong, Enter on a 科类 assigns the number, Space takes
 * the photo and Ctrl+P prints the login card. The line at the bottom always
 * says what to do next, and tells the truth about the devices it needs.
 *
 * The fast path is three keys after the card (issue 13): Enter on the 科类
 * (selected and focused after each card: the last one used) assigns the
 * number and confirms the 资格审查 and the fee shown beside it; Space takes
 * the photo and keeps it at once when it passes every check; Ctrl+P prints
 * the login card. A mouse click on a 科类 only selects it. */

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
  GtkCheckButton *eligibility_check;
  GtkCheckButton *fee_check;
  GtkWidget *open_record_button;
  GtkWidget *manual_button;

  char *last_category;        /* the 科类 selected for the next card */
  gboolean photo_stored;      /* the number in hand has its photo */
  gboolean photo_deferred;    /* ... or it is taken later, with a reason */
};

G_DEFINE_FINAL_TYPE (BmCounterPage, bm_counter_page, GTK_TYPE_WIDGET)

enum { MANUAL_ENTRY, OPEN_RECORD, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The record already registered with the card in hand, if any. */
static BmCandidate *
existing_record (BmCounterPage *self)
{
  BmIdentity *identity = bm_intake_get_identity (self->intake);
  const char *id_number = identity ? bm_identity_get (identity, "id_number") : NULL;

  if (id_number == NULL || bm_intake_get_state (self->intake) != BM_INTAKE_BLOCKED)
    return NULL;
  return bm_store_find_by_id_number (self->store, id_number, NULL);
}

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

      /* 照相 is done only with a stored photo: a card printed first leaves
       * it open */
      if (i == 4 && i < done && !self->photo_stored)
        mark = self->photo_deferred ? "…" : "  ";
      g_autofree char *text = g_strdup_printf ("%s %s", mark, _(step_titles[i]));

      gtk_label_set_text (GTK_LABEL (self->step_labels[i]), text);
      if (i == done)
        gtk_widget_add_css_class (self->step_labels[i], "current-step");
      else
        gtk_widget_remove_css_class (self->step_labels[i], "current-step");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->category_list), state == BM_INTAKE_CHOOSE_CATEGORY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->eligibility_check), state == BM_INTAKE_CHOOSE_CATEGORY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fee_check), state == BM_INTAKE_CHOOSE_CATEGORY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.choose", state == BM_INTAKE_CHOOSE_CATEGORY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->photo_step), state == BM_INTAKE_PHOTO || state == BM_INTAKE_PRINT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.print",
                                 bm_intake_get_number (self->intake) != NULL && state != BM_INTAKE_PRINTING);
  /* the ways out of a blocked card (issue 13) */
  {
    g_autoptr(BmCandidate) existing = existing_record (self);
    BmIdentity *identity = bm_intake_get_identity (self->intake);

    gboolean manual = existing == NULL && state == BM_INTAKE_BLOCKED && identity != NULL
                      && !bm_card_identity_number_valid (identity);

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.open-record", existing != NULL);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.manual-from-card", manual);
    /* shown only when they lead somewhere: the counter fits 1024x768 */
    gtk_widget_set_visible (self->open_record_button, existing != NULL);
    gtk_widget_set_visible (self->manual_button, manual);
  }
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
  /* no empty frame where no chip photo can be shown */
  gtk_widget_set_visible (GTK_WIDGET (self->chip_photo), FALSE);
  bm_photo_step_set_chip_photo (self->photo_step, NULL);
  gtk_label_set_text (self->chip_photo_note, "");
  if (identity != NULL && bm_identity_get_photo_wlt (identity) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = bm_card_status_decode_photo (identity, &error);

      if (texture != NULL)
        {
          gtk_widget_set_visible (GTK_WIDGET (self->chip_photo), TRUE);
          gtk_picture_set_paintable (self->chip_photo, GDK_PAINTABLE (texture));
          bm_photo_step_set_chip_photo (self->photo_step, GDK_PAINTABLE (texture));
        }
      else
        /* the clerk's words, not the decoder library's */
        gtk_label_set_text (self->chip_photo_note, _("The chip photo cannot be shown on this computer."));
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
      gtk_widget_set_margin_top (label, 4);
      gtk_widget_set_margin_bottom (label, 4);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_list_box_append (self->category_list, label);
      g_ptr_array_add (self->category_codes, g_strdup (category->code));
    }
}

/* Selects (and focuses, so Enter and the arrows work at once) the 科类
 * @code; FALSE when there is none. */
static gboolean
select_category (BmCounterPage *self, const char *code, gboolean focus)
{
  for (guint i = 0; code != NULL && i < self->category_codes->len; i++)
    if (g_str_equal (g_ptr_array_index (self->category_codes, i), code))
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->category_list, (int) i);

        gtk_list_box_select_row (self->category_list, row);
        if (focus)
          gtk_widget_grab_focus (GTK_WIDGET (row));
        return TRUE;
      }
  return FALSE;
}

static const char *
selected_category (BmCounterPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->category_list);
  int index = row ? gtk_list_box_row_get_index (row) : -1;

  if (index < 0 || (guint) index >= self->category_codes->len)
    return NULL;
  return g_ptr_array_index (self->category_codes, index);
}

/* The last 科类 used (most candidates at a point take the same one),
 * else the first; the confirmations start as "done" for every card. */
static void
prepare_choice (BmCounterPage *self)
{
  gtk_check_button_set_active (self->eligibility_check, TRUE);
  gtk_check_button_set_active (self->fee_check, TRUE);
  if (!select_category (self, self->last_category, TRUE) && self->category_codes->len > 0)
    select_category (self, g_ptr_array_index (self->category_codes, 0), TRUE);
}

/* ---- the next-step line ------------------------------------------------- */

/* The reader's trouble as the clerk's next step, or NULL when it can read. */
static const char *
reader_problem (BmCounterPage *self)
{
  switch (bm_card_reader_get_state (bm_station_get_card_reader (self->station)))
    {
    case BM_CARD_READER_STATE_NO_SERVICE:
      return _("The card reader cannot be used now (its service is not running): ask the point supervisor to restart "
               "this computer. Meanwhile register by manual entry (F2).");
    case BM_CARD_READER_STATE_NO_READER:
      return _("No card reader is connected: plug it in; it is found by itself. Meanwhile register by manual entry (F2).");
    default:
      return NULL;
    }
}

/* The intake's sentence, unless a device it asks for is missing: then what
 * to do about it (issue 13: the line never asks for what cannot happen). */
static void
update_next_step (BmCounterPage *self)
{
  BmIntakeState state = bm_intake_get_state (self->intake);
  const char *text = bm_intake_get_next_step (self->intake);
  g_autofree char *owned = NULL;

  switch (state)
    {
    case BM_INTAKE_WAITING:
    case BM_INTAKE_DONE:
      if (reader_problem (self) != NULL)
        text = owned = (state == BM_INTAKE_DONE
                          ? g_strdup_printf ("%s %s", _("The login card is printed: hand it over."), reader_problem (self))
                          : g_strdup (reader_problem (self)));
      break;
    case BM_INTAKE_PHOTO:
      if (self->photo_stored)
        text = _("Photo saved. Press Ctrl+P to print the login card.");
      else if (bm_photo_step_get_photo (self->photo_step) != NULL)
        text = _("Check the photo: Enter keeps it, Esc takes it again.");
      else if (bm_photo_step_is_asking_later_reason (self->photo_step))
        text = _("Say why the photo is taken later, then press Enter.");
      else if (!bm_photo_step_get_camera_ready (self->photo_step))
        text = _("No camera is working: plug one in (the picture appears by itself), or press Alt+L to take the "
                 "photo later.");
      break;
    default:
      break;
    }
  if (g_strcmp0 (gtk_label_get_text (self->next_step_label), text ? text : "") == 0)
    return;
  gtk_label_set_text (self->next_step_label, text ? text : "");
  /* a status region: screen readers say the new step */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_step_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text ? text : "", -1);
}

static void
on_next_step (GObject *object, GParamSpec *pspec, BmCounterPage *self)
{
  update_next_step (self);
}

static void
on_reader_state (BmCardReader *reader, BmCounterPage *self)
{
  update_next_step (self);
}

static void
on_photo_state (BmPhotoStep *step, BmCounterPage *self)
{
  update_next_step (self);
}

/* ---- the view follows the intake ------------------------------------------ */

static void
on_state (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  update_steps (self);
  update_next_step (self);
  switch (bm_intake_get_state (intake))
    {
    case BM_INTAKE_CHOOSE_CATEGORY:
      prepare_choice (self);
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
  self->photo_stored = FALSE;
  self->photo_deferred = FALSE;
  bm_photo_step_set_record (self->photo_step, number);
  update_steps (self);
  update_next_step (self);
}

static void
on_warnings (BmIntake *intake, GParamSpec *pspec, BmCounterPage *self)
{
  const char *warnings = bm_intake_get_warnings (intake);

  gtk_label_set_text (self->warning_label, warnings ? warnings : "");
}

/* Enter (or the button): the selected 科类, with the 资格审查 and the fee
 * as the check boxes beside it say. */
static void
choose_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCounterPage *self = BM_COUNTER_PAGE (widget);
  const char *code = selected_category (self);

  if (code == NULL || bm_intake_get_state (self->intake) != BM_INTAKE_CHOOSE_CATEGORY)
    return;
  g_free (self->last_category);
  self->last_category = g_strdup (code);
  bm_intake_choose_category_confirmed (self->intake, code, gtk_check_button_get_active (self->eligibility_check),
                                       gtk_check_button_get_active (self->fee_check));
}

/* Enter on a row (a click only selects: activate-on-single-click is off). */
static void
on_category_activated (GtkListBox *list, GtkListBoxRow *row, BmCounterPage *self)
{
  gtk_list_box_select_row (list, row);
  gtk_widget_activate_action (GTK_WIDGET (self), "counter.choose", NULL);
}

/* A digit picks the 科类 with that code. */
static gboolean
on_category_key (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                 BmCounterPage *self)
{
  guint32 c = gdk_keyval_to_unicode (keyval);
  char code[2] = { 0, 0 };

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || c < '0' || c > '9')
    return GDK_EVENT_PROPAGATE;
  code[0] = (char) c;
  select_category (self, code, TRUE);
  return GDK_EVENT_STOP;
}

static void
on_photo_saved (BmPhotoStep *step, const char *number, BmCounterPage *self)
{
  if (g_strcmp0 (number, bm_intake_get_number (self->intake)) == 0)
    self->photo_stored = TRUE;
  bm_intake_photo_saved (self->intake, number);
  update_steps (self);
  update_next_step (self);
}

static void
on_photo_deferred (BmPhotoStep *step, const char *number, BmCounterPage *self)
{
  if (g_strcmp0 (number, bm_intake_get_number (self->intake)) == 0)
    self->photo_deferred = TRUE;
  bm_intake_photo_deferred (self->intake, number);
  update_steps (self);
  update_next_step (self);
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

/* Ctrl+O: the candidate is already registered; the 考生 page shows the record. */
static void
open_record_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCounterPage *self = BM_COUNTER_PAGE (widget);
  g_autoptr(BmCandidate) existing = existing_record (self);

  if (existing != NULL)
    g_signal_emit (self, signals[OPEN_RECORD], 0, bm_candidate_get (existing, "number"));
}

/* Ctrl+M: a number that fails its check goes to manual entry with the
 * card's data, where the supervisor may keep it with a reason. */
static void
manual_from_card_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmCounterPage *self = BM_COUNTER_PAGE (widget);
  BmIdentity *identity = bm_intake_get_identity (self->intake);

  if (identity != NULL && bm_intake_get_state (self->intake) == BM_INTAKE_BLOCKED
      && !bm_card_identity_number_valid (identity))
    g_signal_emit (self, signals[MANUAL_ENTRY], 0, identity);
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
  if (self->station != NULL)
    g_signal_handlers_disconnect_by_data (bm_station_get_card_reader (self->station), self);
  if (self->photo_step != NULL)
    g_signal_handlers_disconnect_by_data (self->photo_step, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_COUNTER_PAGE);
  g_clear_object (&self->intake);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  g_clear_pointer (&self->category_codes, g_ptr_array_unref);
  g_clear_pointer (&self->last_category, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, eligibility_check);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, fee_check);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, open_record_button);
  gtk_widget_class_bind_template_child (widget_class, BmCounterPage, manual_button);

  gtk_widget_class_install_action (widget_class, "counter.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "counter.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "counter.next", NULL, next_candidate_action);
  gtk_widget_class_install_action (widget_class, "counter.correct", NULL, correct_action);
  gtk_widget_class_install_action (widget_class, "counter.open-record", NULL, open_record_action);
  gtk_widget_class_install_action (widget_class, "counter.manual-from-card", NULL, manual_from_card_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "counter.open-record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "counter.manual-from-card", NULL);
  /* the window answers: the 考生 page with the record, the manual form */
  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[MANUAL_ENTRY] = g_signal_new ("manual-entry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, BM_TYPE_IDENTITY);
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
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      /* a long address wraps rather than widening the column; the ID
       * number is read as one piece, never broken */
      gtk_label_set_max_width_chars (GTK_LABEL (value), 18);
      if (g_str_equal (identity_rows[i].key, "id_number"))
        gtk_label_set_wrap (GTK_LABEL (value), FALSE);
      /* read-only: not a Tab stop (issue 13) */
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
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_category_key), self);
    gtk_widget_add_controller (GTK_WIDGET (self->category_list), keys);
  }
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
  g_signal_connect (self->photo_step, "state-changed", G_CALLBACK (on_photo_state), self);
  g_signal_connect (self->photo_step, "photo-deferred", G_CALLBACK (on_photo_deferred), self);
  g_signal_connect (self->intake, "notify::next-step", G_CALLBACK (on_next_step), self);
  g_signal_connect (bm_station_get_card_reader (station), "state-changed", G_CALLBACK (on_reader_state), self);
  g_signal_connect (self->intake, "notify::state", G_CALLBACK (on_state), self);
  g_signal_connect (self->intake, "notify::identity", G_CALLBACK (on_identity), self);
  g_signal_connect (self->intake, "notify::number", G_CALLBACK (on_number), self);
  g_signal_connect (self->intake, "notify::warnings", G_CALLBACK (on_warnings), self);
  fill_categories (self);
  show_identity (self);
  on_number (self->intake, NULL, self);
  on_warnings (self->intake, NULL, self);
  update_steps (self);
  update_next_step (self);
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
  const char *code = selected_category (self);
  g_autofree char *keep = g_strdup (code);
  gboolean had_focus = gtk_widget_has_focus (GTK_WIDGET (self->category_list))
                       || gtk_widget_get_focus_child (GTK_WIDGET (self->category_list)) != NULL;

  fill_categories (self);
  /* a refresh (the counts left) keeps the clerk's choice and focus */
  if (keep != NULL)
    select_category (self, keep, had_focus);
}

const char *
bm_counter_page_get_next_step (BmCounterPage *self)
{
  return gtk_label_get_text (self->next_step_label);
}
