/* The national code tables a registration record refers to (domain.md §2).
 * Names are the official Chinese names; they are data, not UI strings, so
 * they are not translated. 科类 are not here: they come from the county with
 * the point profile and live in the store. */

#include "bm-code-table.h"

static const BmCodeEntry sex[] = {
  { "1", "男" }, { "2", "女" }, { "0", "未知" }, { "9", "未说明" },
};

static const BmCodeEntry nation[] = {
  { "01", "汉族" }, { "02", "蒙古族" }, { "03", "回族" }, { "04", "藏族" },
  { "05", "维吾尔族" }, { "06", "苗族" }, { "07", "彝族" }, { "08", "壮族" },
  { "09", "布依族" }, { "10", "朝鲜族" }, { "11", "满族" }, { "12", "侗族" },
  { "13", "瑶族" }, { "14", "白族" }, { "15", "土家族" }, { "16", "哈尼族" },
  { "17", "哈萨克族" }, { "18", "傣族" }, { "19", "黎族" }, { "20", "傈僳族" },
  { "21", "佤族" }, { "22", "畲族" }, { "23", "高山族" }, { "24", "拉祜族" },
  { "25", "水族" }, { "26", "东乡族" }, { "27", "纳西族" }, { "28", "景颇族" },
  { "29", "柯尔克孜族" }, { "30", "土族" }, { "31", "达斡尔族" }, { "32", "仫佬族" },
  { "33", "羌族" }, { "34", "布朗族" }, { "35", "撒拉族" }, { "36", "毛南族" },
  { "37", "仡佬族" }, { "38", "锡伯族" }, { "39", "阿昌族" }, { "40", "普米族" },
  { "41", "塔吉克族" }, { "42", "怒族" }, { "43", "乌孜别克族" }, { "44", "俄罗斯族" },
  { "45", "鄂温克族" }, { "46", "德昂族" }, { "47", "保安族" }, { "48", "裕固族" },
  { "49", "京族" }, { "50", "塔塔尔族" }, { "51", "独龙族" }, { "52", "鄂伦春族" },
  { "53", "赫哲族" }, { "54", "门巴族" }, { "55", "珞巴族" }, { "56", "基诺族" },
  { "97", "其他" }, { "98", "外国血统中国籍人士" },
};

static const BmCodeEntry political_status[] = {
  { "01", "中国共产党党员" }, { "02", "中国共产党预备党员" },
  { "03", "中国共产主义青年团团员" }, { "04", "中国国民党革命委员会会员" },
  { "05", "中国民主同盟盟员" }, { "06", "中国民主建国会会员" },
  { "07", "中国民主促进会会员" }, { "08", "中国农工民主党党员" },
  { "09", "中国致公党党员" }, { "10", "九三学社社员" },
  { "11", "台湾民主自治同盟盟员" }, { "12", "无党派民主人士" }, { "13", "群众" },
};

static const BmCodeEntry candidate_class[] = {
  { "1", "城镇应届" }, { "2", "农村应届" }, { "3", "城镇往届" }, { "4", "农村往届" },
};

static const BmCodeEntry foreign_language[] = {
  { "1", "英语" }, { "2", "俄语" }, { "3", "日语" }, { "4", "德语" },
  { "5", "法语" }, { "6", "西班牙语" }, { "9", "其他" },
};

static const BmCodeEntry id_type[] = {
  { "resident_card", "居民身份证" },
  { "hmt_permit", "港澳台居民居住证" },
  { "foreign_pr", "外国人永久居留身份证" },
  { "hk_macau_pass", "港澳居民来往内地通行证" },
  { "taiwan_pass", "台湾居民来往大陆通行证" },
  { "passport", "护照" },
};

static const BmCodeEntry card_type[] = {
  { "resident", "居民身份证" },
  { "hmt_permit", "港澳台居民居住证" },
  { "foreign_pr_2017", "外国人永久居留身份证 (2017版)" },
  { "foreign_pr_2023", "外国人永久居留身份证 (2023版)" },
};

static const BmCodeEntry graduation_type[] = {
  { "0", "普通高中" }, { "1", "中等师范" }, { "2", "中等专业学校" }, { "3", "职业高中" },
  { "4", "技工学校" }, { "5", "其他中等学校" },
};

static const BmCodeEntry exam_type[] = {
  { "1", "普通高考" }, { "2", "对口招生" }, { "3", "少年班" },
};

static const struct {
  const BmCodeEntry *entries;
  gsize n_entries;
} tables[BM_N_CODE_TABLES] = {
  [BM_CODE_TABLE_SEX] = { sex, G_N_ELEMENTS (sex) },
  [BM_CODE_TABLE_NATION] = { nation, G_N_ELEMENTS (nation) },
  [BM_CODE_TABLE_POLITICAL_STATUS] = { political_status, G_N_ELEMENTS (political_status) },
  [BM_CODE_TABLE_CANDIDATE_CLASS] = { candidate_class, G_N_ELEMENTS (candidate_class) },
  [BM_CODE_TABLE_FOREIGN_LANGUAGE] = { foreign_language, G_N_ELEMENTS (foreign_language) },
  [BM_CODE_TABLE_ID_TYPE] = { id_type, G_N_ELEMENTS (id_type) },
  [BM_CODE_TABLE_CARD_TYPE] = { card_type, G_N_ELEMENTS (card_type) },
  [BM_CODE_TABLE_GRADUATION_TYPE] = { graduation_type, G_N_ELEMENTS (graduation_type) },
  [BM_CODE_TABLE_EXAM_TYPE] = { exam_type, G_N_ELEMENTS (exam_type) },
};

const BmCodeEntry *
bm_code_table_entries (BmCodeTable table, gsize *n_entries)
{
  *n_entries = 0;
  g_return_val_if_fail (table < BM_N_CODE_TABLES, NULL);

  *n_entries = tables[table].n_entries;
  return tables[table].entries;
}

const char *
bm_code_table_lookup (BmCodeTable table, const char *code)
{
  gsize n = 0;
  const BmCodeEntry *entries;

  if (code == NULL)
    return NULL;
  entries = bm_code_table_entries (table, &n);
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (entries[i].code, code))
      return entries[i].name;
  return NULL;
}
