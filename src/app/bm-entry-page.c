/* Manual entry: the form for a candidate whose identity is typed in (no
 * card, a broken card, another document). It validates with the same core
 * rules as the CLI on every change and says what is wrong in place; saving
 * assigns the 报名顺序号 and shows it with the initial password. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-code-table.h"
#include "bm-entry-page.h"
#include "bm-id-number.h"

typedef enum { FIELD_TEXT, FIELD_CODE, FIELD_CATEGORY } FieldKind;

typedef struct {
  const char *key;
  const char *label;
  FieldKind kind;
  BmCodeTable table;
  gboolean identity;
} Field;

static const Field fields[] = {
  { "id_type", N_("ID _document"), FIELD_CODE, BM_CODE_TABLE_ID_TYPE, TRUE },
  { "id_number", N_("ID _number"), FIELD_TEXT, 0, TRUE },
  { "name", N_("_Name"), FIELD_TEXT, 0, TRUE },
  { "name_en", N_("Name in _English"), FIELD_TEXT, 0, TRUE },
  { "sex", N_("Se_x"), FIELD_CODE, BM_CODE_TABLE_SEX, TRUE },
  { "nation", N_("Na_tion"), FIELD_CODE, BM_CODE_TABLE_NATION, TRUE },
  { "birth_date", N_("_Birth date (YYYY-MM-DD)"), FIELD_TEXT, 0, TRUE },
  { "address", N_("_Address"), FIELD_TEXT, 0, TRUE },
  { "category", N_("Subject _category (科类)"), FIELD_CATEGORY, 0, FALSE },
  { "candidate_class", N_("Candidate c_lass"), FIELD_CODE, BM_CODE_TABLE_CANDIDATE_CLASS, FALSE },
  { "school", N_("Sc_hool"), FIELD_TEXT, 0, FALSE },
  { "phone", N_("_Phone"), FIELD_TEXT, 0, FALSE },
  /* shown only for a card whose number fails its check (issue 13) */
  { "override_reason", N_("O_verride reason (supervisor)"), FIELD_TEXT, 0, FALSE },
};

struct _BmEntryPage
{
  GtkWidget parent_instance;

  BmStore *store;
  BmStation *station;
  GtkWidget *inputs[G_N_ELEMENTS (fields)];
  GtkWidget *labels[G_N_ELEMENTS (fields)];
  char *card_number;          /* the number as read from a card that fails its check */
  GPtrArray *category_codes;
  char *problem;
  gboolean saving;            /* the record is with the station's writer */

  /* Template widgets */
  GtkWidget *content;
  GtkGrid *grid;
  GtkLabel *problem_label;
  GtkLabel *result_label;
  GtkLabel *next_step_label;
};

G_DEFINE_FINAL_TYPE (BmEntryPage, bm_entry_page, GTK_TYPE_WIDGET)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static int
field_index (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      return i;
  return -1;
}

/* Code fields list the table's entries after an empty "choose" row; the
 * sex list offers only the two values a record may hold. */
static gsize
code_count (const Field *field)
{
  gsize n;

  bm_code_table_entries (field->table, &n);
  return field->table == BM_CODE_TABLE_SEX ? 2 : n;
}

static char *
field_value (BmEntryPage *self, gsize i)
{
  const Field *field = &fields[i];
  guint selected;
  gsize n;
  const BmCodeEntry *entries;

  switch (field->kind)
    {
    case FIELD_TEXT:
      return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->inputs[i])));
    case FIELD_CATEGORY:
      selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->inputs[i]));
      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->category_codes->len)
        return NULL;
      return g_strdup (g_ptr_array_index (self->category_codes, selected - 1));
    case FIELD_CODE:
      selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->inputs[i]));
      entries = bm_code_table_entries (field->table, &n);
      if (field->table == BM_CODE_TABLE_ID_TYPE)   /* no empty row: a document type is always chosen */
        return selected < n ? g_strdup (entries[selected].code) : NULL;
      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > code_count (field))
        return NULL;
      return g_strdup (entries[selected - 1].code);
    default:
      g_assert_not_reached ();
    }
}

static BmCandidate *
candidate_from_form (BmEntryPage *self)
{
  g_autoptr(BmIdentity) identity = bm_identity_new ();
  BmCandidate *candidate = bm_candidate_new (identity);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = field_value (self, i);

      if (g_str_equal (fields[i].key, "override_reason")
          && (self->card_number == NULL
              || g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->inputs[field_index ("id_number")])),
                            self->card_number) != 0))
        continue;   /* the override is for the number as read, never for a typed one */
      if (fields[i].identity)
        bm_identity_set (identity, fields[i].key, value);
      else
        bm_candidate_set (candidate, fields[i].key, value);
    }
  bm_candidate_set (candidate, "source", "manual");
  return candidate;
}

static void
set_problem (BmEntryPage *self, const char *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem);
  gtk_label_set_text (self->problem_label, problem ? problem : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save", problem == NULL && !self->saving);
  gtk_label_set_text (self->next_step_label,
                      problem ? _("Complete the form: the line above says what is missing.")
                              : _("Check the details with the candidate, then press Enter to save and assign the number."));
}

/* Fill birth date and sex from a valid resident ID number when they are
 * still empty: the clerk types the number once. */
static void
derive_from_id_number (BmEntryPage *self)
{
  g_autofree char *id_type = field_value (self, field_index ("id_type"));
  g_autofree char *number = field_value (self, field_index ("id_number"));
  g_autofree char *birth = field_value (self, field_index ("birth_date"));
  int y, m, d;

  if (g_strcmp0 (id_type, "resident_card") != 0 && g_strcmp0 (id_type, "hmt_permit") != 0)
    return;
  if (number == NULL || strlen (number) != 18)
    return;
  {
    g_autofree char *upper = g_ascii_strup (number, -1);
    if (!bm_id_number_validate (id_type, upper, NULL))
      return;
  }
  if ((birth == NULL || *birth == '\0') && bm_id_number_get_birth_date (number, &y, &m, &d))
    {
      g_autofree char *text = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
      gtk_editable_set_text (GTK_EDITABLE (self->inputs[field_index ("birth_date")]), text);
    }
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->inputs[field_index ("sex")])) == 0)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->inputs[field_index ("sex")]), bm_id_number_get_sex (number));
}

static void
revalidate (BmEntryPage *self)
{
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(GError) error = NULL;

  derive_from_id_number (self);
  candidate = candidate_from_form (self);
  if (self->card_number != NULL
      && g_strcmp0 (bm_identity_get (bm_candidate_get_identity (candidate), "id_number"), self->card_number) == 0
      && !bm_candidate_overrides_check (candidate))
    set_problem (self, _("The ID number on the card fails its check character. To keep it as read, the point "
                         "supervisor logs in and gives the reason for the override; the county then reviews the "
                         "record."));
  else if (!bm_candidate_validate (candidate, &error))
    set_problem (self, error->message);
  else
    set_problem (self, NULL);
}

static void
on_input_changed (GObject *object, GParamSpec *pspec, BmEntryPage *self)
{
  gtk_label_set_text (self->result_label, "");
  revalidate (self);
}

static void
on_entry_changed (GtkEditable *editable, BmEntryPage *self)
{
  on_input_changed (G_OBJECT (editable), NULL, self);
}

static void
on_entry_activate (GtkEntry *entry, BmEntryPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "entry.save", NULL);
}

static GtkWidget *
make_input (BmEntryPage *self, const Field *field)
{
  GtkWidget *input;

  if (field->kind == FIELD_TEXT)
    {
      input = gtk_entry_new ();
      gtk_widget_set_hexpand (input, TRUE);
      g_signal_connect (input, "changed", G_CALLBACK (on_entry_changed), self);
      g_signal_connect (input, "activate", G_CALLBACK (on_entry_activate), self);
      return input;
    }

  {
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

    if (field->kind == FIELD_CATEGORY)
      {
        g_autoptr(GPtrArray) categories = bm_store_list_categories (self->store, NULL);

        gtk_string_list_append (names, _("— choose —"));
        for (guint i = 0; categories && i < categories->len; i++)
          {
            BmCategory *category = g_ptr_array_index (categories, i);
            g_autofree char *text = g_strdup_printf (_("%s %s (%u left)"), category->code, category->name, category->remaining);
            gtk_string_list_append (names, text);
            g_ptr_array_add (self->category_codes, g_strdup (category->code));
          }
      }
    else
      {
        gsize n;
        const BmCodeEntry *entries = bm_code_table_entries (field->table, &n);

        if (field->table != BM_CODE_TABLE_ID_TYPE)
          gtk_string_list_append (names, _("— choose —"));
        for (gsize i = 0; i < code_count (field); i++)
          gtk_string_list_append (names, entries[i].name);
      }
    input = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
    gtk_drop_down_set_enable_search (GTK_DROP_DOWN (input), field->table == BM_CODE_TABLE_NATION);
    g_signal_connect (input, "notify::selected", G_CALLBACK (on_input_changed), self);
  }
  return input;
}

static void
show_override (BmEntryPage *self, gboolean shown)
{
  int i = field_index ("override_reason");

  gtk_widget_set_visible (self->labels[i], shown);
  gtk_widget_set_visible (self->inputs[i], shown);
}

static void save_action (GtkWidget *widget, const char *action, GVariant *parameter);

static void
clear_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  bm_entry_page_clear (BM_ENTRY_PAGE (widget));
}

static void
bm_entry_page_dispose (GObject *object)
{
  BmEntryPage *self = BM_ENTRY_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_ENTRY_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  g_clear_pointer (&self->category_codes, g_ptr_array_unref);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->card_number, g_free);

  G_OBJECT_CLASS (bm_entry_page_parent_class)->dispose (object);
}

static void
bm_entry_page_class_init (BmEntryPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_entry_page_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, BM_TYPE_CANDIDATE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-entry-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmEntryPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmEntryPage, grid);
  gtk_widget_class_bind_template_child (widget_class, BmEntryPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BmEntryPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, BmEntryPage, next_step_label);

  gtk_widget_class_install_action (widget_class, "entry.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "entry.clear", NULL, clear_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "entry.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "entry.clear", NULL);
}

static void
bm_entry_page_init (BmEntryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_codes = g_ptr_array_new_with_free_func (g_free);
}

BmEntryPage *
bm_entry_page_new (BmStore *store)
{
  BmEntryPage *self = g_object_new (BM_TYPE_ENTRY_PAGE, NULL);

  self->store = g_object_ref (store);
  /* Identity on the left, what the point adds on the right, so the whole
   * form fits a 1366x768 screen without scrolling. */
  for (gsize i = 0, rows[2] = { 0, 0 }; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (_(fields[i].label));
      int side = fields[i].identity ? 0 : 1;

      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      self->inputs[i] = make_input (self, &fields[i]);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->inputs[i]);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (self->inputs[i]),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_grid_attach (self->grid, label, side * 2, rows[side], 1, 1);
      gtk_grid_attach (self->grid, self->inputs[i], side * 2 + 1, rows[side], 1, 1);
      self->labels[i] = label;
      rows[side]++;
    }
  show_override (self, FALSE);
  revalidate (self);
  return self;
}

void
bm_entry_page_set_field (BmEntryPage *self, const char *key, const char *value)
{
  int i = field_index (key);
  const Field *field;

  g_return_if_fail (i >= 0);
  field = &fields[i];
  if (field->kind == FIELD_TEXT)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->inputs[i]), value ? value : "");
      return;
    }
  if (field->kind == FIELD_CATEGORY)
    {
      guint position = 0;
      for (guint c = 0; value && c < self->category_codes->len; c++)
        if (g_str_equal (g_ptr_array_index (self->category_codes, c), value))
          position = c + 1;
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->inputs[i]), position);
      return;
    }
  {
    gsize n;
    const BmCodeEntry *entries = bm_code_table_entries (field->table, &n);
    guint offset = field->table == BM_CODE_TABLE_ID_TYPE ? 0 : 1;
    guint position = 0;

    for (gsize c = 0; value && c < code_count (field); c++)
      if (g_str_equal (entries[c].code, value))
        position = c + offset;
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->inputs[i]), position);
  }
}

const char *
bm_entry_page_get_problem (BmEntryPage *self)
{
  return self->problem;
}

static void
set_saving (BmEntryPage *self, gboolean saving)
{
  /* Only the action waits: making the form insensitive under the focused
   * entry trips GtkText (no focus-out). */
  self->saving = saving;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save", self->problem == NULL && !saving);
  if (saving)
    gtk_label_set_text (self->result_label, _("Saving…"));
}

typedef struct {
  BmEntryPage *self;
  BmCandidate *candidate;
} Saving;

static void
saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Saving *call = user_data;
  g_autoptr(BmEntryPage) self = call->self;
  g_autoptr(BmCandidate) candidate = call->candidate;
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  gboolean ok = bm_store_writer_write_finish (BM_STORE_WRITER (source), res, &error);

  g_free (call);
  if (self->store == NULL)
    return;    /* disposed meanwhile; the write stands */
  set_saving (self, FALSE);
  if (!ok)
    {
      gtk_label_set_text (self->result_label, "");
      set_problem (self, error->message);
      return;
    }
  result = g_strdup_printf (_("Saved. 报名顺序号 %s, initial password %s."),
                            bm_candidate_get (candidate, "number"),
                            bm_candidate_get (candidate, "initial_password"));
  bm_entry_page_clear (self);
  gtk_label_set_text (self->result_label, result);
  g_signal_emit (self, signals[SAVED], 0, candidate);
}

/* The record goes to the station's writer: the number is assigned off the
 * main thread, and the save action waits for the outcome. */
static void
save_action (GtkWidget *widget, const char *action, GVariant *parameter)
{
  BmEntryPage *self = BM_ENTRY_PAGE (widget);
  Saving *call;

  if (self->saving || self->station == NULL)
    return;
  call = g_new0 (Saving, 1);
  call->self = g_object_ref (self);
  call->candidate = candidate_from_form (self);
  set_saving (self, TRUE);
  bm_store_writer_add_candidate_async (bm_station_get_writer (self->station), call->candidate,
                                       bm_station_get_acting_operator (self->station), NULL, saved, call);
}

gboolean
bm_entry_page_is_saving (BmEntryPage *self)
{
  g_return_val_if_fail (BM_IS_ENTRY_PAGE (self), FALSE);
  return self->saving;
}

/**
 * bm_entry_page_fill_from_card:
 * @identity: a card read whose number fails its check character
 *
 * The form carries the card's data as read (issue 13: the counter's way out
 * of a dead end); the number is accepted only with the supervisor's override
 * reason, and the record then goes to the county for review.
 */
void
bm_entry_page_fill_from_card (BmEntryPage *self, BmIdentity *identity)
{
  static const char * const keys[] = { "id_number", "name", "name_en", "sex", "nation", "birth_date", "address" };

  bm_entry_page_clear (self);
  g_free (self->card_number);
  self->card_number = g_strdup (bm_identity_get (identity, "id_number"));
  bm_entry_page_set_field (self, "id_type", "resident_card");
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    bm_entry_page_set_field (self, keys[i], bm_identity_get (identity, keys[i]));
  show_override (self, TRUE);
  revalidate (self);
}

void
bm_entry_page_clear (BmEntryPage *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!g_str_equal (fields[i].key, "id_type") && !g_str_equal (fields[i].key, "category"))
      bm_entry_page_set_field (self, fields[i].key, NULL);
  g_clear_pointer (&self->card_number, g_free);
  show_override (self, FALSE);
  gtk_label_set_text (self->result_label, "");
  revalidate (self);
  bm_entry_page_focus_first (self);
}

void
bm_entry_page_focus_first (BmEntryPage *self)
{
  gtk_widget_grab_focus (self->inputs[field_index ("id_number")]);
}

void
bm_entry_page_set_station (BmEntryPage *self, BmStation *station)
{
  g_set_object (&self->station, station);
}
