#include "tree_sitter/parser.h"

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

#define LANGUAGE_VERSION 14
#define STATE_COUNT 160
#define LARGE_STATE_COUNT 2
#define SYMBOL_COUNT 74
#define ALIAS_COUNT 0
#define TOKEN_COUNT 38
#define EXTERNAL_TOKEN_COUNT 17
#define FIELD_COUNT 6
#define MAX_ALIAS_SEQUENCE_LENGTH 5
#define PRODUCTION_ID_COUNT 10

enum ts_symbol_identifiers {
  anon_sym_COLON_COLON = 1,
  anon_sym_prose = 2,
  anon_sym_POUND = 3,
  anon_sym_instruction = 4,
  anon_sym_preference = 5,
  anon_sym_image = 6,
  anon_sym_audio = 7,
  sym_fence_name = 8,
  sym_adapter_name = 9,
  anon_sym_EQ = 10,
  sym_attribute_name = 11,
  sym_attribute_value = 12,
  anon_sym_DASH_DASH_GT = 13,
  anon_sym_LT_BANG_DASH_DASH = 14,
  anon_sym_SPACE = 15,
  anon_sym_COLON = 16,
  anon_sym_dlm_DASHauto_DASHsynth = 17,
  anon_sym_dlm_DASHauto_DASHmined = 18,
  anon_sym_dlm_DASHauto_DASHharvest = 19,
  sym__ws = 20,
  sym__frontmatter_open = 21,
  sym_yaml = 22,
  sym__frontmatter_close = 23,
  sym__marker_start = 24,
  sym__marker_raw_start = 25,
  sym_marker_text = 26,
  sym__line_end = 27,
  sym_text_line = 28,
  sym_blank_line = 29,
  sym__code_fence_open = 30,
  sym__code_fence_close = 31,
  sym_code_line = 32,
  sym_q_header = 33,
  sym_a_header = 34,
  sym_prompt_header = 35,
  sym_chosen_header = 36,
  sym_rejected_header = 37,
  sym_document = 38,
  sym_frontmatter = 39,
  aux_sym__implicit_prose = 40,
  sym__section = 41,
  sym_prose_section = 42,
  sym_image_section = 43,
  sym_audio_section = 44,
  sym_unknown_section = 45,
  sym_instruction_section = 46,
  sym_preference_section = 47,
  sym_question = 48,
  sym_answer = 49,
  sym_prompt = 50,
  sym_chosen = 51,
  sym_rejected = 52,
  sym__body_line = 53,
  sym__prose_line = 54,
  sym_code_block = 55,
  sym__prose_fence = 56,
  sym__instruction_fence = 57,
  sym__preference_fence = 58,
  sym__image_fence = 59,
  sym__audio_fence = 60,
  sym__unknown_fence = 61,
  sym_attribute = 62,
  sym_marker = 63,
  sym__marker_head = 64,
  sym_marker_kind = 65,
  aux_sym_document_repeat1 = 66,
  aux_sym_prose_section_repeat1 = 67,
  aux_sym_instruction_section_repeat1 = 68,
  aux_sym_instruction_section_repeat2 = 69,
  aux_sym_instruction_section_repeat3 = 70,
  aux_sym_preference_section_repeat1 = 71,
  aux_sym_code_block_repeat1 = 72,
  aux_sym__prose_fence_repeat1 = 73,
};

static const char * const ts_symbol_names[] = {
  [ts_builtin_sym_end] = "end",
  [anon_sym_COLON_COLON] = "::",
  [anon_sym_prose] = "section_type",
  [anon_sym_POUND] = "#",
  [anon_sym_instruction] = "section_type",
  [anon_sym_preference] = "section_type",
  [anon_sym_image] = "section_type",
  [anon_sym_audio] = "section_type",
  [sym_fence_name] = "section_type",
  [sym_adapter_name] = "adapter_name",
  [anon_sym_EQ] = "=",
  [sym_attribute_name] = "attribute_name",
  [sym_attribute_value] = "attribute_value",
  [anon_sym_DASH_DASH_GT] = " -->",
  [anon_sym_LT_BANG_DASH_DASH] = "<!--",
  [anon_sym_SPACE] = " ",
  [anon_sym_COLON] = ":",
  [anon_sym_dlm_DASHauto_DASHsynth] = "dlm-auto-synth",
  [anon_sym_dlm_DASHauto_DASHmined] = "dlm-auto-mined",
  [anon_sym_dlm_DASHauto_DASHharvest] = "dlm-auto-harvest",
  [sym__ws] = "_ws",
  [sym__frontmatter_open] = "frontmatter_delimiter",
  [sym_yaml] = "yaml",
  [sym__frontmatter_close] = "frontmatter_delimiter",
  [sym__marker_start] = "_marker_start",
  [sym__marker_raw_start] = "_marker_raw_start",
  [sym_marker_text] = "marker_text",
  [sym__line_end] = "_line_end",
  [sym_text_line] = "text_line",
  [sym_blank_line] = "blank_line",
  [sym__code_fence_open] = "code_fence",
  [sym__code_fence_close] = "code_fence",
  [sym_code_line] = "code_line",
  [sym_q_header] = "q_header",
  [sym_a_header] = "a_header",
  [sym_prompt_header] = "prompt_header",
  [sym_chosen_header] = "chosen_header",
  [sym_rejected_header] = "rejected_header",
  [sym_document] = "document",
  [sym_frontmatter] = "frontmatter",
  [aux_sym__implicit_prose] = "_implicit_prose",
  [sym__section] = "_section",
  [sym_prose_section] = "prose_section",
  [sym_image_section] = "image_section",
  [sym_audio_section] = "audio_section",
  [sym_unknown_section] = "unknown_section",
  [sym_instruction_section] = "instruction_section",
  [sym_preference_section] = "preference_section",
  [sym_question] = "question",
  [sym_answer] = "answer",
  [sym_prompt] = "prompt",
  [sym_chosen] = "chosen",
  [sym_rejected] = "rejected",
  [sym__body_line] = "_body_line",
  [sym__prose_line] = "_prose_line",
  [sym_code_block] = "code_block",
  [sym__prose_fence] = "fence",
  [sym__instruction_fence] = "fence",
  [sym__preference_fence] = "fence",
  [sym__image_fence] = "fence",
  [sym__audio_fence] = "fence",
  [sym__unknown_fence] = "fence",
  [sym_attribute] = "attribute",
  [sym_marker] = "marker",
  [sym__marker_head] = "_marker_head",
  [sym_marker_kind] = "marker_kind",
  [aux_sym_document_repeat1] = "document_repeat1",
  [aux_sym_prose_section_repeat1] = "prose_section_repeat1",
  [aux_sym_instruction_section_repeat1] = "instruction_section_repeat1",
  [aux_sym_instruction_section_repeat2] = "instruction_section_repeat2",
  [aux_sym_instruction_section_repeat3] = "instruction_section_repeat3",
  [aux_sym_preference_section_repeat1] = "preference_section_repeat1",
  [aux_sym_code_block_repeat1] = "code_block_repeat1",
  [aux_sym__prose_fence_repeat1] = "_prose_fence_repeat1",
};

static const TSSymbol ts_symbol_map[] = {
  [ts_builtin_sym_end] = ts_builtin_sym_end,
  [anon_sym_COLON_COLON] = anon_sym_COLON_COLON,
  [anon_sym_prose] = anon_sym_prose,
  [anon_sym_POUND] = anon_sym_POUND,
  [anon_sym_instruction] = anon_sym_prose,
  [anon_sym_preference] = anon_sym_prose,
  [anon_sym_image] = anon_sym_prose,
  [anon_sym_audio] = anon_sym_prose,
  [sym_fence_name] = anon_sym_prose,
  [sym_adapter_name] = sym_adapter_name,
  [anon_sym_EQ] = anon_sym_EQ,
  [sym_attribute_name] = sym_attribute_name,
  [sym_attribute_value] = sym_attribute_value,
  [anon_sym_DASH_DASH_GT] = anon_sym_DASH_DASH_GT,
  [anon_sym_LT_BANG_DASH_DASH] = anon_sym_LT_BANG_DASH_DASH,
  [anon_sym_SPACE] = anon_sym_SPACE,
  [anon_sym_COLON] = anon_sym_COLON,
  [anon_sym_dlm_DASHauto_DASHsynth] = anon_sym_dlm_DASHauto_DASHsynth,
  [anon_sym_dlm_DASHauto_DASHmined] = anon_sym_dlm_DASHauto_DASHmined,
  [anon_sym_dlm_DASHauto_DASHharvest] = anon_sym_dlm_DASHauto_DASHharvest,
  [sym__ws] = sym__ws,
  [sym__frontmatter_open] = sym__frontmatter_open,
  [sym_yaml] = sym_yaml,
  [sym__frontmatter_close] = sym__frontmatter_open,
  [sym__marker_start] = sym__marker_start,
  [sym__marker_raw_start] = sym__marker_raw_start,
  [sym_marker_text] = sym_marker_text,
  [sym__line_end] = sym__line_end,
  [sym_text_line] = sym_text_line,
  [sym_blank_line] = sym_blank_line,
  [sym__code_fence_open] = sym__code_fence_open,
  [sym__code_fence_close] = sym__code_fence_open,
  [sym_code_line] = sym_code_line,
  [sym_q_header] = sym_q_header,
  [sym_a_header] = sym_a_header,
  [sym_prompt_header] = sym_prompt_header,
  [sym_chosen_header] = sym_chosen_header,
  [sym_rejected_header] = sym_rejected_header,
  [sym_document] = sym_document,
  [sym_frontmatter] = sym_frontmatter,
  [aux_sym__implicit_prose] = aux_sym__implicit_prose,
  [sym__section] = sym__section,
  [sym_prose_section] = sym_prose_section,
  [sym_image_section] = sym_image_section,
  [sym_audio_section] = sym_audio_section,
  [sym_unknown_section] = sym_unknown_section,
  [sym_instruction_section] = sym_instruction_section,
  [sym_preference_section] = sym_preference_section,
  [sym_question] = sym_question,
  [sym_answer] = sym_answer,
  [sym_prompt] = sym_prompt,
  [sym_chosen] = sym_chosen,
  [sym_rejected] = sym_rejected,
  [sym__body_line] = sym__body_line,
  [sym__prose_line] = sym__prose_line,
  [sym_code_block] = sym_code_block,
  [sym__prose_fence] = sym__prose_fence,
  [sym__instruction_fence] = sym__prose_fence,
  [sym__preference_fence] = sym__prose_fence,
  [sym__image_fence] = sym__prose_fence,
  [sym__audio_fence] = sym__prose_fence,
  [sym__unknown_fence] = sym__prose_fence,
  [sym_attribute] = sym_attribute,
  [sym_marker] = sym_marker,
  [sym__marker_head] = sym__marker_head,
  [sym_marker_kind] = sym_marker_kind,
  [aux_sym_document_repeat1] = aux_sym_document_repeat1,
  [aux_sym_prose_section_repeat1] = aux_sym_prose_section_repeat1,
  [aux_sym_instruction_section_repeat1] = aux_sym_instruction_section_repeat1,
  [aux_sym_instruction_section_repeat2] = aux_sym_instruction_section_repeat2,
  [aux_sym_instruction_section_repeat3] = aux_sym_instruction_section_repeat3,
  [aux_sym_preference_section_repeat1] = aux_sym_preference_section_repeat1,
  [aux_sym_code_block_repeat1] = aux_sym_code_block_repeat1,
  [aux_sym__prose_fence_repeat1] = aux_sym__prose_fence_repeat1,
};

static const TSSymbolMetadata ts_symbol_metadata[] = {
  [ts_builtin_sym_end] = {
    .visible = false,
    .named = true,
  },
  [anon_sym_COLON_COLON] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_prose] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_POUND] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_instruction] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_preference] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_image] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_audio] = {
    .visible = true,
    .named = true,
  },
  [sym_fence_name] = {
    .visible = true,
    .named = true,
  },
  [sym_adapter_name] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_EQ] = {
    .visible = true,
    .named = false,
  },
  [sym_attribute_name] = {
    .visible = true,
    .named = true,
  },
  [sym_attribute_value] = {
    .visible = true,
    .named = true,
  },
  [anon_sym_DASH_DASH_GT] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_LT_BANG_DASH_DASH] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_SPACE] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_COLON] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_dlm_DASHauto_DASHsynth] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_dlm_DASHauto_DASHmined] = {
    .visible = true,
    .named = false,
  },
  [anon_sym_dlm_DASHauto_DASHharvest] = {
    .visible = true,
    .named = false,
  },
  [sym__ws] = {
    .visible = false,
    .named = true,
  },
  [sym__frontmatter_open] = {
    .visible = true,
    .named = true,
  },
  [sym_yaml] = {
    .visible = true,
    .named = true,
  },
  [sym__frontmatter_close] = {
    .visible = true,
    .named = true,
  },
  [sym__marker_start] = {
    .visible = false,
    .named = true,
  },
  [sym__marker_raw_start] = {
    .visible = false,
    .named = true,
  },
  [sym_marker_text] = {
    .visible = true,
    .named = true,
  },
  [sym__line_end] = {
    .visible = false,
    .named = true,
  },
  [sym_text_line] = {
    .visible = true,
    .named = true,
  },
  [sym_blank_line] = {
    .visible = true,
    .named = true,
  },
  [sym__code_fence_open] = {
    .visible = true,
    .named = true,
  },
  [sym__code_fence_close] = {
    .visible = true,
    .named = true,
  },
  [sym_code_line] = {
    .visible = true,
    .named = true,
  },
  [sym_q_header] = {
    .visible = true,
    .named = true,
  },
  [sym_a_header] = {
    .visible = true,
    .named = true,
  },
  [sym_prompt_header] = {
    .visible = true,
    .named = true,
  },
  [sym_chosen_header] = {
    .visible = true,
    .named = true,
  },
  [sym_rejected_header] = {
    .visible = true,
    .named = true,
  },
  [sym_document] = {
    .visible = true,
    .named = true,
  },
  [sym_frontmatter] = {
    .visible = true,
    .named = true,
  },
  [aux_sym__implicit_prose] = {
    .visible = false,
    .named = false,
  },
  [sym__section] = {
    .visible = false,
    .named = true,
  },
  [sym_prose_section] = {
    .visible = true,
    .named = true,
  },
  [sym_image_section] = {
    .visible = true,
    .named = true,
  },
  [sym_audio_section] = {
    .visible = true,
    .named = true,
  },
  [sym_unknown_section] = {
    .visible = true,
    .named = true,
  },
  [sym_instruction_section] = {
    .visible = true,
    .named = true,
  },
  [sym_preference_section] = {
    .visible = true,
    .named = true,
  },
  [sym_question] = {
    .visible = true,
    .named = true,
  },
  [sym_answer] = {
    .visible = true,
    .named = true,
  },
  [sym_prompt] = {
    .visible = true,
    .named = true,
  },
  [sym_chosen] = {
    .visible = true,
    .named = true,
  },
  [sym_rejected] = {
    .visible = true,
    .named = true,
  },
  [sym__body_line] = {
    .visible = false,
    .named = true,
  },
  [sym__prose_line] = {
    .visible = false,
    .named = true,
  },
  [sym_code_block] = {
    .visible = true,
    .named = true,
  },
  [sym__prose_fence] = {
    .visible = true,
    .named = true,
  },
  [sym__instruction_fence] = {
    .visible = true,
    .named = true,
  },
  [sym__preference_fence] = {
    .visible = true,
    .named = true,
  },
  [sym__image_fence] = {
    .visible = true,
    .named = true,
  },
  [sym__audio_fence] = {
    .visible = true,
    .named = true,
  },
  [sym__unknown_fence] = {
    .visible = true,
    .named = true,
  },
  [sym_attribute] = {
    .visible = true,
    .named = true,
  },
  [sym_marker] = {
    .visible = true,
    .named = true,
  },
  [sym__marker_head] = {
    .visible = false,
    .named = true,
  },
  [sym_marker_kind] = {
    .visible = true,
    .named = true,
  },
  [aux_sym_document_repeat1] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_prose_section_repeat1] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_instruction_section_repeat1] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_instruction_section_repeat2] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_instruction_section_repeat3] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_preference_section_repeat1] = {
    .visible = false,
    .named = false,
  },
  [aux_sym_code_block_repeat1] = {
    .visible = false,
    .named = false,
  },
  [aux_sym__prose_fence_repeat1] = {
    .visible = false,
    .named = false,
  },
};

enum ts_field_identifiers {
  field_adapter = 1,
  field_fence = 2,
  field_kind = 3,
  field_name = 4,
  field_type = 5,
  field_value = 6,
};

static const char * const ts_field_names[] = {
  [0] = NULL,
  [field_adapter] = "adapter",
  [field_fence] = "fence",
  [field_kind] = "kind",
  [field_name] = "name",
  [field_type] = "type",
  [field_value] = "value",
};

static const TSFieldMapSlice ts_field_map_slices[PRODUCTION_ID_COUNT] = {
  [3] = {.index = 0, .length = 3},
  [4] = {.index = 3, .length = 1},
  [5] = {.index = 4, .length = 1},
  [6] = {.index = 5, .length = 2},
  [7] = {.index = 7, .length = 2},
  [8] = {.index = 9, .length = 1},
  [9] = {.index = 10, .length = 1},
};

static const TSFieldMapEntry ts_field_map_entries[] = {
  [0] =
    {field_adapter, 0, .inherited = true},
    {field_fence, 0},
    {field_type, 0, .inherited = true},
  [3] =
    {field_type, 1},
  [4] =
    {field_adapter, 2},
  [5] =
    {field_adapter, 3},
    {field_type, 1},
  [7] =
    {field_name, 0},
    {field_value, 2},
  [9] =
    {field_kind, 1, .inherited = true},
  [10] =
    {field_kind, 2},
};

static const TSSymbol ts_alias_sequences[PRODUCTION_ID_COUNT][MAX_ALIAS_SEQUENCE_LENGTH] = {
  [0] = {0},
  [1] = {
    [0] = sym_prose_section,
  },
  [2] = {
    [1] = sym_prose_section,
  },
};

static const uint16_t ts_non_terminal_alias_map[] = {
  aux_sym__implicit_prose, 2,
    aux_sym__implicit_prose,
    sym_prose_section,
  0,
};

static const TSStateId ts_primary_state_ids[STATE_COUNT] = {
  [0] = 0,
  [1] = 1,
  [2] = 2,
  [3] = 3,
  [4] = 4,
  [5] = 5,
  [6] = 6,
  [7] = 7,
  [8] = 8,
  [9] = 9,
  [10] = 10,
  [11] = 11,
  [12] = 12,
  [13] = 13,
  [14] = 14,
  [15] = 15,
  [16] = 16,
  [17] = 17,
  [18] = 18,
  [19] = 16,
  [20] = 20,
  [21] = 21,
  [22] = 22,
  [23] = 23,
  [24] = 24,
  [25] = 25,
  [26] = 26,
  [27] = 27,
  [28] = 28,
  [29] = 27,
  [30] = 30,
  [31] = 21,
  [32] = 32,
  [33] = 33,
  [34] = 34,
  [35] = 35,
  [36] = 36,
  [37] = 37,
  [38] = 38,
  [39] = 39,
  [40] = 40,
  [41] = 41,
  [42] = 42,
  [43] = 43,
  [44] = 44,
  [45] = 45,
  [46] = 46,
  [47] = 47,
  [48] = 48,
  [49] = 49,
  [50] = 50,
  [51] = 51,
  [52] = 52,
  [53] = 53,
  [54] = 54,
  [55] = 55,
  [56] = 56,
  [57] = 57,
  [58] = 58,
  [59] = 59,
  [60] = 60,
  [61] = 61,
  [62] = 62,
  [63] = 63,
  [64] = 64,
  [65] = 65,
  [66] = 66,
  [67] = 67,
  [68] = 68,
  [69] = 69,
  [70] = 70,
  [71] = 71,
  [72] = 72,
  [73] = 72,
  [74] = 74,
  [75] = 75,
  [76] = 76,
  [77] = 77,
  [78] = 78,
  [79] = 79,
  [80] = 80,
  [81] = 81,
  [82] = 82,
  [83] = 83,
  [84] = 84,
  [85] = 85,
  [86] = 86,
  [87] = 87,
  [88] = 88,
  [89] = 89,
  [90] = 90,
  [91] = 91,
  [92] = 92,
  [93] = 93,
  [94] = 94,
  [95] = 95,
  [96] = 96,
  [97] = 97,
  [98] = 98,
  [99] = 99,
  [100] = 100,
  [101] = 101,
  [102] = 102,
  [103] = 103,
  [104] = 104,
  [105] = 105,
  [106] = 106,
  [107] = 107,
  [108] = 108,
  [109] = 109,
  [110] = 110,
  [111] = 111,
  [112] = 112,
  [113] = 113,
  [114] = 114,
  [115] = 115,
  [116] = 116,
  [117] = 117,
  [118] = 118,
  [119] = 119,
  [120] = 120,
  [121] = 121,
  [122] = 122,
  [123] = 123,
  [124] = 124,
  [125] = 125,
  [126] = 126,
  [127] = 127,
  [128] = 128,
  [129] = 129,
  [130] = 130,
  [131] = 131,
  [132] = 132,
  [133] = 133,
  [134] = 134,
  [135] = 135,
  [136] = 136,
  [137] = 137,
  [138] = 138,
  [139] = 139,
  [140] = 140,
  [141] = 141,
  [142] = 142,
  [143] = 143,
  [144] = 144,
  [145] = 145,
  [146] = 146,
  [147] = 147,
  [148] = 148,
  [149] = 149,
  [150] = 103,
  [151] = 151,
  [152] = 152,
  [153] = 153,
  [154] = 154,
  [155] = 155,
  [156] = 147,
  [157] = 155,
  [158] = 108,
  [159] = 159,
};

static TSCharacterRange sym__ws_character_set_1[] = {
  {'\t', '\r'}, {0x1c, ' '}, {0x85, 0x85}, {0xa0, 0xa0}, {0x1680, 0x1680}, {0x2000, 0x200a}, {0x2028, 0x2029}, {0x202f, 0x202f},
  {0x205f, 0x205f}, {0x3000, 0x3000},
};

static bool ts_lex(TSLexer *lexer, TSStateId state) {
  START_LEXER();
  eof = lexer->eof(lexer);
  switch (state) {
    case 0:
      if (eof) ADVANCE(35);
      ADVANCE_MAP(
        ' ', 136,
        '"', 3,
        '#', 39,
        ':', 138,
        '<', 2,
        '=', 130,
        'a', 120,
        'd', 86,
        'i', 87,
        'p', 101,
      );
      if (('b' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      if (set_contains(sym__ws_character_set_1, 10, lookahead)) ADVANCE(146);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_') ADVANCE(128);
      END_STATE();
    case 1:
      if (lookahead == ' ') ADVANCE(135);
      if (lookahead == ':') ADVANCE(137);
      if (lookahead == 'd') ADVANCE(21);
      END_STATE();
    case 2:
      if (lookahead == '!') ADVANCE(8);
      END_STATE();
    case 3:
      if (lookahead == '"') ADVANCE(132);
      if (lookahead != 0 &&
          lookahead != '\n' &&
          lookahead != '\r') ADVANCE(3);
      END_STATE();
    case 4:
      if (lookahead == '-') ADVANCE(12);
      END_STATE();
    case 5:
      if (lookahead == '-') ADVANCE(134);
      END_STATE();
    case 6:
      if (lookahead == '-') ADVANCE(13);
      END_STATE();
    case 7:
      if (lookahead == '-') ADVANCE(19);
      END_STATE();
    case 8:
      if (lookahead == '-') ADVANCE(5);
      END_STATE();
    case 9:
      if (lookahead == ':') ADVANCE(36);
      END_STATE();
    case 10:
      if (lookahead == ':') ADVANCE(9);
      if (('a' <= lookahead && lookahead <= 'z')) ADVANCE(131);
      END_STATE();
    case 11:
      if (lookahead == ':') ADVANCE(9);
      if (lookahead == '#' ||
          lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(129);
      END_STATE();
    case 12:
      if (lookahead == '>') ADVANCE(133);
      END_STATE();
    case 13:
      if (lookahead == 'a') ADVANCE(31);
      END_STATE();
    case 14:
      if (lookahead == 'a') ADVANCE(26);
      END_STATE();
    case 15:
      if (lookahead == 'd') ADVANCE(141);
      END_STATE();
    case 16:
      if (lookahead == 'e') ADVANCE(15);
      END_STATE();
    case 17:
      if (lookahead == 'e') ADVANCE(27);
      END_STATE();
    case 18:
      if (lookahead == 'h') ADVANCE(139);
      END_STATE();
    case 19:
      if (lookahead == 'h') ADVANCE(14);
      if (lookahead == 'm') ADVANCE(20);
      if (lookahead == 's') ADVANCE(33);
      END_STATE();
    case 20:
      if (lookahead == 'i') ADVANCE(23);
      END_STATE();
    case 21:
      if (lookahead == 'l') ADVANCE(22);
      END_STATE();
    case 22:
      if (lookahead == 'm') ADVANCE(6);
      END_STATE();
    case 23:
      if (lookahead == 'n') ADVANCE(16);
      END_STATE();
    case 24:
      if (lookahead == 'n') ADVANCE(29);
      END_STATE();
    case 25:
      if (lookahead == 'o') ADVANCE(7);
      END_STATE();
    case 26:
      if (lookahead == 'r') ADVANCE(32);
      END_STATE();
    case 27:
      if (lookahead == 's') ADVANCE(30);
      END_STATE();
    case 28:
      if (lookahead == 't') ADVANCE(25);
      END_STATE();
    case 29:
      if (lookahead == 't') ADVANCE(18);
      END_STATE();
    case 30:
      if (lookahead == 't') ADVANCE(143);
      END_STATE();
    case 31:
      if (lookahead == 'u') ADVANCE(28);
      END_STATE();
    case 32:
      if (lookahead == 'v') ADVANCE(17);
      END_STATE();
    case 33:
      if (lookahead == 'y') ADVANCE(24);
      END_STATE();
    case 34:
      if (eof) ADVANCE(35);
      if (lookahead == ' ') ADVANCE(145);
      if (lookahead == '#') ADVANCE(39);
      if (lookahead == ':') ADVANCE(9);
      if (lookahead == 'a') ADVANCE(124);
      if (lookahead == 'i') ADVANCE(89);
      if (lookahead == 'p') ADVANCE(103);
      if (set_contains(sym__ws_character_set_1, 10, lookahead)) ADVANCE(146);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('b' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 35:
      ACCEPT_TOKEN(ts_builtin_sym_end);
      END_STATE();
    case 36:
      ACCEPT_TOKEN(anon_sym_COLON_COLON);
      END_STATE();
    case 37:
      ACCEPT_TOKEN(anon_sym_prose);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 38:
      ACCEPT_TOKEN(anon_sym_prose);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 39:
      ACCEPT_TOKEN(anon_sym_POUND);
      END_STATE();
    case 40:
      ACCEPT_TOKEN(anon_sym_instruction);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 41:
      ACCEPT_TOKEN(anon_sym_instruction);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 42:
      ACCEPT_TOKEN(anon_sym_preference);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 43:
      ACCEPT_TOKEN(anon_sym_preference);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 44:
      ACCEPT_TOKEN(anon_sym_image);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 45:
      ACCEPT_TOKEN(anon_sym_image);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 46:
      ACCEPT_TOKEN(anon_sym_audio);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 47:
      ACCEPT_TOKEN(anon_sym_audio);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 48:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == '-') ADVANCE(51);
      if (('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 49:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == '-') ADVANCE(80);
      if (('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 50:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'a') ADVANCE(77);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('b' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 51:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'a') ADVANCE(121);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('b' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 52:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'a') ADVANCE(102);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('b' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 53:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'a') ADVANCE(78);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('b' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 54:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'c') ADVANCE(119);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 55:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'c') ADVANCE(65);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 56:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'c') ADVANCE(117);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 57:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'c') ADVANCE(71);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 58:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'd') ADVANCE(81);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 59:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'd') ADVANCE(142);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 60:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'd') ADVANCE(84);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 61:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(75);
      if (lookahead == 'o') ADVANCE(109);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 62:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(44);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 63:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(37);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 64:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(94);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 65:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(42);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 66:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(59);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 67:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(110);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 68:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(76);
      if (lookahead == 'o') ADVANCE(112);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 69:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(45);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 70:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(38);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 71:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(43);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 72:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(106);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 73:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(95);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 74:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'e') ADVANCE(107);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 75:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'f') ADVANCE(72);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 76:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'f') ADVANCE(74);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 77:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'g') ADVANCE(62);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 78:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'g') ADVANCE(69);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 79:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'h') ADVANCE(140);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 80:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'h') ADVANCE(52);
      if (lookahead == 'm') ADVANCE(82);
      if (lookahead == 's') ADVANCE(126);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 81:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'i') ADVANCE(96);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 82:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'i') ADVANCE(91);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 83:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'i') ADVANCE(99);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 84:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'i') ADVANCE(98);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 85:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'i') ADVANCE(100);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 86:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'l') ADVANCE(88);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 87:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'm') ADVANCE(50);
      if (lookahead == 'n') ADVANCE(108);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 88:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'm') ADVANCE(48);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 89:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'm') ADVANCE(53);
      if (lookahead == 'n') ADVANCE(111);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 90:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(40);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 91:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(66);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 92:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(41);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 93:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(114);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 94:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(55);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 95:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'n') ADVANCE(57);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 96:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'o') ADVANCE(46);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 97:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'o') ADVANCE(49);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 98:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'o') ADVANCE(47);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 99:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'o') ADVANCE(90);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 100:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'o') ADVANCE(92);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 101:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(61);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 102:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(125);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 103:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(68);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 104:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(122);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 105:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(123);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 106:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(64);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 107:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'r') ADVANCE(73);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 108:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 's') ADVANCE(116);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 109:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 's') ADVANCE(63);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 110:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 's') ADVANCE(115);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 111:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 's') ADVANCE(118);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 112:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 's') ADVANCE(70);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 113:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(97);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 114:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(79);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 115:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(144);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 116:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(104);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 117:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(85);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 118:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(105);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 119:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 't') ADVANCE(83);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 120:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'u') ADVANCE(58);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 121:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'u') ADVANCE(113);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 122:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'u') ADVANCE(54);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 123:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'u') ADVANCE(56);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 124:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'u') ADVANCE(60);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 125:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'v') ADVANCE(67);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 126:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == 'y') ADVANCE(93);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 127:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == '-' ||
          ('A' <= lookahead && lookahead <= 'Z')) ADVANCE(128);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(127);
      END_STATE();
    case 128:
      ACCEPT_TOKEN(sym_fence_name);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 129:
      ACCEPT_TOKEN(sym_adapter_name);
      if (lookahead == '#' ||
          lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(129);
      END_STATE();
    case 130:
      ACCEPT_TOKEN(anon_sym_EQ);
      END_STATE();
    case 131:
      ACCEPT_TOKEN(sym_attribute_name);
      if (('0' <= lookahead && lookahead <= '9') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(131);
      END_STATE();
    case 132:
      ACCEPT_TOKEN(sym_attribute_value);
      END_STATE();
    case 133:
      ACCEPT_TOKEN(anon_sym_DASH_DASH_GT);
      END_STATE();
    case 134:
      ACCEPT_TOKEN(anon_sym_LT_BANG_DASH_DASH);
      END_STATE();
    case 135:
      ACCEPT_TOKEN(anon_sym_SPACE);
      END_STATE();
    case 136:
      ACCEPT_TOKEN(anon_sym_SPACE);
      if (lookahead == '-') ADVANCE(4);
      if (set_contains(sym__ws_character_set_1, 10, lookahead)) ADVANCE(146);
      END_STATE();
    case 137:
      ACCEPT_TOKEN(anon_sym_COLON);
      END_STATE();
    case 138:
      ACCEPT_TOKEN(anon_sym_COLON);
      if (lookahead == ':') ADVANCE(36);
      END_STATE();
    case 139:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHsynth);
      END_STATE();
    case 140:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHsynth);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 141:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHmined);
      END_STATE();
    case 142:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHmined);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 143:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHharvest);
      END_STATE();
    case 144:
      ACCEPT_TOKEN(anon_sym_dlm_DASHauto_DASHharvest);
      if (lookahead == '-' ||
          ('0' <= lookahead && lookahead <= '9') ||
          ('A' <= lookahead && lookahead <= 'Z') ||
          lookahead == '_' ||
          ('a' <= lookahead && lookahead <= 'z')) ADVANCE(128);
      END_STATE();
    case 145:
      ACCEPT_TOKEN(sym__ws);
      if (lookahead == '-') ADVANCE(4);
      if (set_contains(sym__ws_character_set_1, 10, lookahead)) ADVANCE(146);
      END_STATE();
    case 146:
      ACCEPT_TOKEN(sym__ws);
      if (set_contains(sym__ws_character_set_1, 10, lookahead)) ADVANCE(146);
      END_STATE();
    default:
      return false;
  }
}

static const TSLexMode ts_lex_modes[STATE_COUNT] = {
  [0] = {.lex_state = 0, .external_lex_state = 1},
  [1] = {.lex_state = 34, .external_lex_state = 2},
  [2] = {.lex_state = 34, .external_lex_state = 3},
  [3] = {.lex_state = 34, .external_lex_state = 3},
  [4] = {.lex_state = 34, .external_lex_state = 3},
  [5] = {.lex_state = 34, .external_lex_state = 4},
  [6] = {.lex_state = 34, .external_lex_state = 4},
  [7] = {.lex_state = 34, .external_lex_state = 5},
  [8] = {.lex_state = 34, .external_lex_state = 5},
  [9] = {.lex_state = 34},
  [10] = {.lex_state = 34},
  [11] = {.lex_state = 34},
  [12] = {.lex_state = 34},
  [13] = {.lex_state = 34},
  [14] = {.lex_state = 34, .external_lex_state = 6},
  [15] = {.lex_state = 34, .external_lex_state = 6},
  [16] = {.lex_state = 34, .external_lex_state = 4},
  [17] = {.lex_state = 34, .external_lex_state = 7},
  [18] = {.lex_state = 34, .external_lex_state = 7},
  [19] = {.lex_state = 34, .external_lex_state = 5},
  [20] = {.lex_state = 34, .external_lex_state = 6},
  [21] = {.lex_state = 34, .external_lex_state = 6},
  [22] = {.lex_state = 34, .external_lex_state = 6},
  [23] = {.lex_state = 34, .external_lex_state = 6},
  [24] = {.lex_state = 34, .external_lex_state = 6},
  [25] = {.lex_state = 34, .external_lex_state = 6},
  [26] = {.lex_state = 34, .external_lex_state = 6},
  [27] = {.lex_state = 34, .external_lex_state = 4},
  [28] = {.lex_state = 34, .external_lex_state = 7},
  [29] = {.lex_state = 34, .external_lex_state = 5},
  [30] = {.lex_state = 34, .external_lex_state = 7},
  [31] = {.lex_state = 34, .external_lex_state = 7},
  [32] = {.lex_state = 34, .external_lex_state = 7},
  [33] = {.lex_state = 34, .external_lex_state = 7},
  [34] = {.lex_state = 34},
  [35] = {.lex_state = 34, .external_lex_state = 8},
  [36] = {.lex_state = 34, .external_lex_state = 8},
  [37] = {.lex_state = 34, .external_lex_state = 8},
  [38] = {.lex_state = 34, .external_lex_state = 8},
  [39] = {.lex_state = 34, .external_lex_state = 8},
  [40] = {.lex_state = 34, .external_lex_state = 3},
  [41] = {.lex_state = 34, .external_lex_state = 3},
  [42] = {.lex_state = 34, .external_lex_state = 3},
  [43] = {.lex_state = 34, .external_lex_state = 3},
  [44] = {.lex_state = 34, .external_lex_state = 3},
  [45] = {.lex_state = 34, .external_lex_state = 3},
  [46] = {.lex_state = 34, .external_lex_state = 3},
  [47] = {.lex_state = 34, .external_lex_state = 9},
  [48] = {.lex_state = 34, .external_lex_state = 9},
  [49] = {.lex_state = 34, .external_lex_state = 3},
  [50] = {.lex_state = 34, .external_lex_state = 3},
  [51] = {.lex_state = 34, .external_lex_state = 3},
  [52] = {.lex_state = 34, .external_lex_state = 9},
  [53] = {.lex_state = 34, .external_lex_state = 10},
  [54] = {.lex_state = 34, .external_lex_state = 11},
  [55] = {.lex_state = 34, .external_lex_state = 10},
  [56] = {.lex_state = 34, .external_lex_state = 10},
  [57] = {.lex_state = 34, .external_lex_state = 10},
  [58] = {.lex_state = 34, .external_lex_state = 10},
  [59] = {.lex_state = 34, .external_lex_state = 12},
  [60] = {.lex_state = 34, .external_lex_state = 3},
  [61] = {.lex_state = 34, .external_lex_state = 3},
  [62] = {.lex_state = 34, .external_lex_state = 3},
  [63] = {.lex_state = 34, .external_lex_state = 3},
  [64] = {.lex_state = 34, .external_lex_state = 3},
  [65] = {.lex_state = 34},
  [66] = {.lex_state = 34},
  [67] = {.lex_state = 34},
  [68] = {.lex_state = 34},
  [69] = {.lex_state = 34},
  [70] = {.lex_state = 34},
  [71] = {.lex_state = 34},
  [72] = {.lex_state = 1},
  [73] = {.lex_state = 1},
  [74] = {.lex_state = 34},
  [75] = {.lex_state = 10},
  [76] = {.lex_state = 34},
  [77] = {.lex_state = 10},
  [78] = {.lex_state = 34},
  [79] = {.lex_state = 10},
  [80] = {.lex_state = 10},
  [81] = {.lex_state = 10},
  [82] = {.lex_state = 10},
  [83] = {.lex_state = 34},
  [84] = {.lex_state = 34},
  [85] = {.lex_state = 34},
  [86] = {.lex_state = 10},
  [87] = {.lex_state = 34},
  [88] = {.lex_state = 34},
  [89] = {.lex_state = 34},
  [90] = {.lex_state = 34},
  [91] = {.lex_state = 10},
  [92] = {.lex_state = 11},
  [93] = {.lex_state = 11},
  [94] = {.lex_state = 34},
  [95] = {.lex_state = 34, .external_lex_state = 13},
  [96] = {.lex_state = 11},
  [97] = {.lex_state = 11},
  [98] = {.lex_state = 11},
  [99] = {.lex_state = 11},
  [100] = {.lex_state = 11},
  [101] = {.lex_state = 0},
  [102] = {.lex_state = 0},
  [103] = {.lex_state = 34, .external_lex_state = 13},
  [104] = {.lex_state = 0, .external_lex_state = 14},
  [105] = {.lex_state = 0},
  [106] = {.lex_state = 0, .external_lex_state = 14},
  [107] = {.lex_state = 0, .external_lex_state = 14},
  [108] = {.lex_state = 1},
  [109] = {.lex_state = 0, .external_lex_state = 14},
  [110] = {.lex_state = 34},
  [111] = {.lex_state = 0, .external_lex_state = 14},
  [112] = {.lex_state = 0, .external_lex_state = 14},
  [113] = {.lex_state = 0, .external_lex_state = 14},
  [114] = {.lex_state = 0, .external_lex_state = 14},
  [115] = {.lex_state = 0, .external_lex_state = 14},
  [116] = {.lex_state = 34},
  [117] = {.lex_state = 0, .external_lex_state = 14},
  [118] = {.lex_state = 0, .external_lex_state = 14},
  [119] = {.lex_state = 0, .external_lex_state = 14},
  [120] = {.lex_state = 34},
  [121] = {.lex_state = 0, .external_lex_state = 14},
  [122] = {.lex_state = 0, .external_lex_state = 14},
  [123] = {.lex_state = 0, .external_lex_state = 14},
  [124] = {.lex_state = 0},
  [125] = {.lex_state = 34},
  [126] = {.lex_state = 0, .external_lex_state = 14},
  [127] = {.lex_state = 0, .external_lex_state = 14},
  [128] = {.lex_state = 34},
  [129] = {.lex_state = 0, .external_lex_state = 14},
  [130] = {.lex_state = 0, .external_lex_state = 14},
  [131] = {.lex_state = 0, .external_lex_state = 14},
  [132] = {.lex_state = 0, .external_lex_state = 14},
  [133] = {.lex_state = 0, .external_lex_state = 14},
  [134] = {.lex_state = 0, .external_lex_state = 14},
  [135] = {.lex_state = 0, .external_lex_state = 14},
  [136] = {.lex_state = 0, .external_lex_state = 14},
  [137] = {.lex_state = 0, .external_lex_state = 14},
  [138] = {.lex_state = 0, .external_lex_state = 14},
  [139] = {.lex_state = 0, .external_lex_state = 14},
  [140] = {.lex_state = 0, .external_lex_state = 14},
  [141] = {.lex_state = 34},
  [142] = {.lex_state = 34},
  [143] = {.lex_state = 0, .external_lex_state = 14},
  [144] = {.lex_state = 0},
  [145] = {.lex_state = 0, .external_lex_state = 14},
  [146] = {.lex_state = 1},
  [147] = {.lex_state = 1},
  [148] = {.lex_state = 0, .external_lex_state = 14},
  [149] = {.lex_state = 0, .external_lex_state = 14},
  [150] = {.lex_state = 34},
  [151] = {.lex_state = 0, .external_lex_state = 14},
  [152] = {.lex_state = 0, .external_lex_state = 14},
  [153] = {.lex_state = 0, .external_lex_state = 14},
  [154] = {.lex_state = 34},
  [155] = {.lex_state = 0, .external_lex_state = 14},
  [156] = {.lex_state = 1},
  [157] = {.lex_state = 0, .external_lex_state = 14},
  [158] = {.lex_state = 1},
  [159] = {.lex_state = 0, .external_lex_state = 14},
};

static const uint16_t ts_parse_table[LARGE_STATE_COUNT][SYMBOL_COUNT] = {
  [0] = {
    [ts_builtin_sym_end] = ACTIONS(1),
    [anon_sym_COLON_COLON] = ACTIONS(1),
    [anon_sym_prose] = ACTIONS(1),
    [anon_sym_POUND] = ACTIONS(1),
    [anon_sym_instruction] = ACTIONS(1),
    [anon_sym_preference] = ACTIONS(1),
    [anon_sym_image] = ACTIONS(1),
    [anon_sym_audio] = ACTIONS(1),
    [sym_fence_name] = ACTIONS(1),
    [anon_sym_EQ] = ACTIONS(1),
    [sym_attribute_name] = ACTIONS(1),
    [sym_attribute_value] = ACTIONS(1),
    [anon_sym_DASH_DASH_GT] = ACTIONS(1),
    [anon_sym_LT_BANG_DASH_DASH] = ACTIONS(1),
    [anon_sym_SPACE] = ACTIONS(1),
    [anon_sym_COLON] = ACTIONS(1),
    [anon_sym_dlm_DASHauto_DASHsynth] = ACTIONS(1),
    [anon_sym_dlm_DASHauto_DASHmined] = ACTIONS(1),
    [anon_sym_dlm_DASHauto_DASHharvest] = ACTIONS(1),
    [sym__ws] = ACTIONS(1),
    [sym__frontmatter_open] = ACTIONS(1),
    [sym_yaml] = ACTIONS(1),
    [sym__frontmatter_close] = ACTIONS(1),
    [sym__marker_start] = ACTIONS(1),
    [sym__marker_raw_start] = ACTIONS(1),
    [sym_marker_text] = ACTIONS(1),
    [sym__line_end] = ACTIONS(1),
    [sym_text_line] = ACTIONS(1),
    [sym_blank_line] = ACTIONS(1),
    [sym__code_fence_open] = ACTIONS(1),
    [sym__code_fence_close] = ACTIONS(1),
    [sym_code_line] = ACTIONS(1),
    [sym_q_header] = ACTIONS(1),
    [sym_a_header] = ACTIONS(1),
    [sym_prompt_header] = ACTIONS(1),
    [sym_chosen_header] = ACTIONS(1),
    [sym_rejected_header] = ACTIONS(1),
  },
  [1] = {
    [sym_document] = STATE(144),
    [sym_frontmatter] = STATE(3),
    [aux_sym__implicit_prose] = STATE(2),
    [sym__section] = STATE(11),
    [sym_prose_section] = STATE(11),
    [sym_image_section] = STATE(11),
    [sym_audio_section] = STATE(11),
    [sym_unknown_section] = STATE(11),
    [sym_instruction_section] = STATE(11),
    [sym_preference_section] = STATE(11),
    [sym__prose_line] = STATE(60),
    [sym_code_block] = STATE(60),
    [sym__prose_fence] = STATE(152),
    [sym__instruction_fence] = STATE(153),
    [sym__preference_fence] = STATE(121),
    [sym__image_fence] = STATE(122),
    [sym__audio_fence] = STATE(111),
    [sym__unknown_fence] = STATE(140),
    [aux_sym_document_repeat1] = STATE(11),
    [ts_builtin_sym_end] = ACTIONS(3),
    [anon_sym_COLON_COLON] = ACTIONS(5),
    [sym__frontmatter_open] = ACTIONS(7),
    [sym_text_line] = ACTIONS(9),
    [sym_blank_line] = ACTIONS(9),
    [sym__code_fence_open] = ACTIONS(11),
  },
};

static const uint16_t ts_small_parse_table[] = {
  [0] = 13,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(13), 1,
      ts_builtin_sym_end,
    STATE(50), 1,
      aux_sym__implicit_prose,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    ACTIONS(9), 2,
      sym_text_line,
      sym_blank_line,
    STATE(60), 2,
      sym__prose_line,
      sym_code_block,
    STATE(10), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [49] = 13,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(15), 1,
      ts_builtin_sym_end,
    STATE(4), 1,
      aux_sym__implicit_prose,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    ACTIONS(9), 2,
      sym_text_line,
      sym_blank_line,
    STATE(60), 2,
      sym__prose_line,
      sym_code_block,
    STATE(9), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [98] = 13,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(17), 1,
      ts_builtin_sym_end,
    STATE(50), 1,
      aux_sym__implicit_prose,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    ACTIONS(9), 2,
      sym_text_line,
      sym_blank_line,
    STATE(60), 2,
      sym__prose_line,
      sym_code_block,
    STATE(13), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [147] = 11,
    ACTIONS(21), 1,
      sym__marker_start,
    ACTIONS(23), 1,
      sym__marker_raw_start,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    STATE(6), 1,
      aux_sym_instruction_section_repeat1,
    STATE(155), 1,
      sym_marker,
    ACTIONS(19), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(14), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(35), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
    ACTIONS(25), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [190] = 11,
    ACTIONS(21), 1,
      sym__marker_start,
    ACTIONS(23), 1,
      sym__marker_raw_start,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    STATE(16), 1,
      aux_sym_instruction_section_repeat1,
    STATE(155), 1,
      sym_marker,
    ACTIONS(33), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(15), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(37), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
    ACTIONS(35), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [233] = 10,
    ACTIONS(21), 1,
      sym__marker_start,
    ACTIONS(23), 1,
      sym__marker_raw_start,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    STATE(8), 1,
      aux_sym_instruction_section_repeat1,
    STATE(157), 1,
      sym_marker,
    ACTIONS(37), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(18), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(57), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
    ACTIONS(39), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [272] = 10,
    ACTIONS(21), 1,
      sym__marker_start,
    ACTIONS(23), 1,
      sym__marker_raw_start,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    STATE(19), 1,
      aux_sym_instruction_section_repeat1,
    STATE(157), 1,
      sym_marker,
    ACTIONS(45), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(17), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(55), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
    ACTIONS(47), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [311] = 9,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(49), 1,
      ts_builtin_sym_end,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    STATE(12), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [346] = 9,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(51), 1,
      ts_builtin_sym_end,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    STATE(12), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [381] = 9,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(15), 1,
      ts_builtin_sym_end,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    STATE(12), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [416] = 9,
    ACTIONS(53), 1,
      ts_builtin_sym_end,
    ACTIONS(55), 1,
      anon_sym_COLON_COLON,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    STATE(12), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [451] = 9,
    ACTIONS(5), 1,
      anon_sym_COLON_COLON,
    ACTIONS(58), 1,
      ts_builtin_sym_end,
    STATE(111), 1,
      sym__audio_fence,
    STATE(121), 1,
      sym__preference_fence,
    STATE(122), 1,
      sym__image_fence,
    STATE(140), 1,
      sym__unknown_fence,
    STATE(152), 1,
      sym__prose_fence,
    STATE(153), 1,
      sym__instruction_fence,
    STATE(12), 8,
      sym__section,
      sym_prose_section,
      sym_image_section,
      sym_audio_section,
      sym_unknown_section,
      sym_instruction_section,
      sym_preference_section,
      aux_sym_document_repeat1,
  [486] = 7,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(33), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(38), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
    ACTIONS(60), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [517] = 7,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(62), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(36), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
    ACTIONS(60), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [548] = 5,
    ACTIONS(66), 1,
      sym__marker_start,
    ACTIONS(69), 1,
      sym__marker_raw_start,
    STATE(16), 1,
      aux_sym_instruction_section_repeat1,
    STATE(155), 1,
      sym_marker,
    ACTIONS(64), 10,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [573] = 6,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(72), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(31), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(58), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
    ACTIONS(74), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [600] = 6,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(45), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(31), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    STATE(53), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
    ACTIONS(74), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [627] = 5,
    ACTIONS(66), 1,
      sym__marker_start,
    ACTIONS(69), 1,
      sym__marker_raw_start,
    STATE(19), 1,
      aux_sym_instruction_section_repeat1,
    STATE(157), 1,
      sym_marker,
    ACTIONS(64), 9,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [651] = 3,
    STATE(22), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(76), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(78), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [670] = 3,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(80), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(82), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [689] = 3,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(60), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
    ACTIONS(85), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [708] = 3,
    STATE(26), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(87), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(89), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [727] = 3,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(60), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
    ACTIONS(91), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [746] = 3,
    STATE(24), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(93), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(95), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [765] = 3,
    STATE(21), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(60), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
    ACTIONS(97), 5,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [784] = 1,
    ACTIONS(64), 12,
      sym__marker_start,
      sym__marker_raw_start,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
      sym_prompt_header,
      sym_chosen_header,
      sym_rejected_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [799] = 3,
    STATE(31), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(99), 4,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(74), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [817] = 1,
    ACTIONS(64), 11,
      sym__marker_start,
      sym__marker_raw_start,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [831] = 3,
    STATE(28), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(101), 4,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(103), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [849] = 3,
    STATE(31), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(80), 4,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(105), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [867] = 3,
    STATE(31), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(108), 4,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(74), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [885] = 3,
    STATE(32), 2,
      sym__body_line,
      aux_sym_instruction_section_repeat2,
    ACTIONS(110), 4,
      sym_q_header,
      sym_a_header,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(112), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      sym_code_line,
  [903] = 10,
    ACTIONS(114), 1,
      anon_sym_COLON_COLON,
    ACTIONS(116), 1,
      anon_sym_prose,
    ACTIONS(118), 1,
      anon_sym_POUND,
    ACTIONS(120), 1,
      anon_sym_instruction,
    ACTIONS(122), 1,
      anon_sym_preference,
    ACTIONS(124), 1,
      anon_sym_image,
    ACTIONS(126), 1,
      anon_sym_audio,
    ACTIONS(128), 1,
      sym_fence_name,
    ACTIONS(130), 1,
      sym__ws,
    STATE(76), 1,
      aux_sym__prose_fence_repeat1,
  [934] = 5,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(33), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(39), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
  [954] = 5,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(132), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(39), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
  [974] = 5,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(62), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(39), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
  [994] = 5,
    ACTIONS(27), 1,
      sym_prompt_header,
    ACTIONS(29), 1,
      sym_chosen_header,
    ACTIONS(31), 1,
      sym_rejected_header,
    ACTIONS(62), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(39), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
  [1014] = 5,
    ACTIONS(136), 1,
      sym_prompt_header,
    ACTIONS(139), 1,
      sym_chosen_header,
    ACTIONS(142), 1,
      sym_rejected_header,
    ACTIONS(134), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(39), 4,
      sym_prompt,
      sym_chosen,
      sym_rejected,
      aux_sym_preference_section_repeat1,
  [1034] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(145), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(147), 2,
      sym_text_line,
      sym_blank_line,
    STATE(49), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1051] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(149), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(151), 2,
      sym_text_line,
      sym_blank_line,
    STATE(43), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1068] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(153), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(155), 2,
      sym_text_line,
      sym_blank_line,
    STATE(45), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1085] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(155), 2,
      sym_text_line,
      sym_blank_line,
    ACTIONS(157), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(45), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1102] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(155), 2,
      sym_text_line,
      sym_blank_line,
    ACTIONS(159), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(45), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1119] = 4,
    ACTIONS(166), 1,
      sym__code_fence_open,
    ACTIONS(161), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(163), 2,
      sym_text_line,
      sym_blank_line,
    STATE(45), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1136] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(169), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(171), 2,
      sym_text_line,
      sym_blank_line,
    STATE(44), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1153] = 3,
    ACTIONS(175), 1,
      sym_code_line,
    STATE(47), 1,
      aux_sym_code_block_repeat1,
    ACTIONS(173), 6,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      sym__code_fence_close,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1168] = 4,
    ACTIONS(180), 1,
      sym__code_fence_close,
    ACTIONS(182), 1,
      sym_code_line,
    STATE(47), 1,
      aux_sym_code_block_repeat1,
    ACTIONS(178), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1185] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(155), 2,
      sym_text_line,
      sym_blank_line,
    ACTIONS(184), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(45), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1202] = 5,
    ACTIONS(191), 1,
      sym__code_fence_open,
    STATE(50), 1,
      aux_sym__implicit_prose,
    ACTIONS(186), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(188), 2,
      sym_text_line,
      sym_blank_line,
    STATE(60), 2,
      sym__prose_line,
      sym_code_block,
  [1221] = 4,
    ACTIONS(11), 1,
      sym__code_fence_open,
    ACTIONS(194), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    ACTIONS(196), 2,
      sym_text_line,
      sym_blank_line,
    STATE(42), 3,
      sym__prose_line,
      sym_code_block,
      aux_sym_prose_section_repeat1,
  [1238] = 4,
    ACTIONS(200), 1,
      sym__code_fence_close,
    ACTIONS(202), 1,
      sym_code_line,
    STATE(48), 1,
      aux_sym_code_block_repeat1,
    ACTIONS(198), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1255] = 4,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(72), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(56), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
  [1271] = 3,
    ACTIONS(206), 1,
      sym_yaml,
    ACTIONS(208), 1,
      sym__frontmatter_close,
    ACTIONS(204), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1285] = 4,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(72), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(56), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
  [1301] = 4,
    ACTIONS(212), 1,
      sym_q_header,
    ACTIONS(215), 1,
      sym_a_header,
    ACTIONS(210), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(56), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
  [1317] = 4,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(45), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(56), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
  [1333] = 4,
    ACTIONS(41), 1,
      sym_q_header,
    ACTIONS(43), 1,
      sym_a_header,
    ACTIONS(218), 2,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
    STATE(56), 3,
      sym_question,
      sym_answer,
      aux_sym_instruction_section_repeat3,
  [1349] = 2,
    ACTIONS(222), 1,
      sym__frontmatter_close,
    ACTIONS(220), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1360] = 1,
    ACTIONS(224), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1368] = 1,
    ACTIONS(226), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1376] = 1,
    ACTIONS(228), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1384] = 1,
    ACTIONS(220), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1392] = 1,
    ACTIONS(178), 5,
      sym_text_line,
      sym_blank_line,
      sym__code_fence_open,
      ts_builtin_sym_end,
      anon_sym_COLON_COLON,
  [1400] = 3,
    ACTIONS(232), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
    ACTIONS(230), 2,
      anon_sym_COLON_COLON,
      anon_sym_DASH_DASH_GT,
  [1411] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(235), 1,
      anon_sym_COLON_COLON,
    ACTIONS(237), 1,
      anon_sym_POUND,
    STATE(87), 1,
      aux_sym__prose_fence_repeat1,
  [1424] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(239), 1,
      anon_sym_COLON_COLON,
    ACTIONS(241), 1,
      anon_sym_POUND,
    STATE(89), 1,
      aux_sym__prose_fence_repeat1,
  [1437] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(243), 1,
      anon_sym_COLON_COLON,
    ACTIONS(245), 1,
      anon_sym_POUND,
    STATE(78), 1,
      aux_sym__prose_fence_repeat1,
  [1450] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(247), 1,
      anon_sym_COLON_COLON,
    ACTIONS(249), 1,
      anon_sym_POUND,
    STATE(83), 1,
      aux_sym__prose_fence_repeat1,
  [1463] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(251), 1,
      anon_sym_COLON_COLON,
    ACTIONS(253), 1,
      anon_sym_POUND,
    STATE(85), 1,
      aux_sym__prose_fence_repeat1,
  [1476] = 4,
    ACTIONS(130), 1,
      sym__ws,
    ACTIONS(255), 1,
      anon_sym_COLON_COLON,
    ACTIONS(257), 1,
      anon_sym_POUND,
    STATE(90), 1,
      aux_sym__prose_fence_repeat1,
  [1489] = 2,
    STATE(147), 1,
      sym_marker_kind,
    ACTIONS(259), 3,
      anon_sym_dlm_DASHauto_DASHsynth,
      anon_sym_dlm_DASHauto_DASHmined,
      anon_sym_dlm_DASHauto_DASHharvest,
  [1498] = 2,
    STATE(156), 1,
      sym_marker_kind,
    ACTIONS(259), 3,
      anon_sym_dlm_DASHauto_DASHsynth,
      anon_sym_dlm_DASHauto_DASHmined,
      anon_sym_dlm_DASHauto_DASHharvest,
  [1507] = 2,
    ACTIONS(263), 1,
      sym__ws,
    ACTIONS(261), 2,
      anon_sym_COLON_COLON,
      anon_sym_DASH_DASH_GT,
  [1515] = 3,
    ACTIONS(265), 1,
      anon_sym_COLON_COLON,
    ACTIONS(267), 1,
      sym_attribute_name,
    STATE(88), 1,
      sym_attribute,
  [1525] = 3,
    ACTIONS(269), 1,
      anon_sym_COLON_COLON,
    ACTIONS(271), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1535] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(273), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1545] = 3,
    ACTIONS(275), 1,
      anon_sym_COLON_COLON,
    ACTIONS(277), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1555] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(279), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1565] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(281), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1575] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(283), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1585] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(285), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1595] = 3,
    ACTIONS(287), 1,
      anon_sym_COLON_COLON,
    ACTIONS(289), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1605] = 3,
    ACTIONS(291), 1,
      anon_sym_DASH_DASH_GT,
    ACTIONS(293), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1615] = 3,
    ACTIONS(295), 1,
      anon_sym_COLON_COLON,
    ACTIONS(297), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1625] = 3,
    ACTIONS(267), 1,
      sym_attribute_name,
    ACTIONS(299), 1,
      anon_sym_COLON_COLON,
    STATE(88), 1,
      sym_attribute,
  [1635] = 3,
    ACTIONS(301), 1,
      anon_sym_COLON_COLON,
    ACTIONS(303), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1645] = 2,
    ACTIONS(305), 1,
      sym__ws,
    ACTIONS(230), 2,
      anon_sym_COLON_COLON,
      anon_sym_DASH_DASH_GT,
  [1653] = 3,
    ACTIONS(307), 1,
      anon_sym_COLON_COLON,
    ACTIONS(309), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1663] = 3,
    ACTIONS(311), 1,
      anon_sym_COLON_COLON,
    ACTIONS(313), 1,
      sym__ws,
    STATE(65), 1,
      aux_sym__prose_fence_repeat1,
  [1673] = 2,
    ACTIONS(267), 1,
      sym_attribute_name,
    STATE(88), 1,
      sym_attribute,
  [1680] = 2,
    ACTIONS(275), 1,
      anon_sym_COLON_COLON,
    ACTIONS(315), 1,
      sym_adapter_name,
  [1687] = 2,
    ACTIONS(287), 1,
      anon_sym_COLON_COLON,
    ACTIONS(317), 1,
      sym_adapter_name,
  [1694] = 2,
    ACTIONS(130), 1,
      sym__ws,
    STATE(84), 1,
      aux_sym__prose_fence_repeat1,
  [1701] = 2,
    ACTIONS(319), 1,
      anon_sym_DASH_DASH_GT,
    ACTIONS(321), 1,
      sym_marker_text,
  [1708] = 2,
    ACTIONS(295), 1,
      anon_sym_COLON_COLON,
    ACTIONS(323), 1,
      sym_adapter_name,
  [1715] = 2,
    ACTIONS(311), 1,
      anon_sym_COLON_COLON,
    ACTIONS(325), 1,
      sym_adapter_name,
  [1722] = 2,
    ACTIONS(301), 1,
      anon_sym_COLON_COLON,
    ACTIONS(327), 1,
      sym_adapter_name,
  [1729] = 2,
    ACTIONS(269), 1,
      anon_sym_COLON_COLON,
    ACTIONS(329), 1,
      sym_adapter_name,
  [1736] = 2,
    ACTIONS(307), 1,
      anon_sym_COLON_COLON,
    ACTIONS(331), 1,
      sym_adapter_name,
  [1743] = 2,
    ACTIONS(333), 1,
      anon_sym_LT_BANG_DASH_DASH,
    STATE(94), 1,
      sym__marker_head,
  [1750] = 2,
    ACTIONS(335), 1,
      anon_sym_LT_BANG_DASH_DASH,
    STATE(95), 1,
      sym__marker_head,
  [1757] = 1,
    ACTIONS(337), 2,
      sym_marker_text,
      anon_sym_DASH_DASH_GT,
  [1762] = 1,
    ACTIONS(339), 1,
      sym__line_end,
  [1766] = 1,
    ACTIONS(341), 1,
      sym_attribute_value,
  [1770] = 1,
    ACTIONS(343), 1,
      sym__line_end,
  [1774] = 1,
    ACTIONS(345), 1,
      sym__line_end,
  [1778] = 1,
    ACTIONS(347), 1,
      anon_sym_SPACE,
  [1782] = 1,
    ACTIONS(349), 1,
      sym__line_end,
  [1786] = 1,
    ACTIONS(351), 1,
      anon_sym_COLON_COLON,
  [1790] = 1,
    ACTIONS(353), 1,
      sym__line_end,
  [1794] = 1,
    ACTIONS(355), 1,
      sym__line_end,
  [1798] = 1,
    ACTIONS(357), 1,
      sym__line_end,
  [1802] = 1,
    ACTIONS(359), 1,
      sym__line_end,
  [1806] = 1,
    ACTIONS(361), 1,
      sym__line_end,
  [1810] = 1,
    ACTIONS(363), 1,
      anon_sym_COLON_COLON,
  [1814] = 1,
    ACTIONS(365), 1,
      sym__line_end,
  [1818] = 1,
    ACTIONS(367), 1,
      sym__line_end,
  [1822] = 1,
    ACTIONS(369), 1,
      sym__line_end,
  [1826] = 1,
    ACTIONS(371), 1,
      anon_sym_COLON_COLON,
  [1830] = 1,
    ACTIONS(373), 1,
      sym__line_end,
  [1834] = 1,
    ACTIONS(375), 1,
      sym__line_end,
  [1838] = 1,
    ACTIONS(377), 1,
      sym__line_end,
  [1842] = 1,
    ACTIONS(379), 1,
      anon_sym_EQ,
  [1846] = 1,
    ACTIONS(381), 1,
      anon_sym_COLON_COLON,
  [1850] = 1,
    ACTIONS(383), 1,
      sym__line_end,
  [1854] = 1,
    ACTIONS(385), 1,
      sym__line_end,
  [1858] = 1,
    ACTIONS(387), 1,
      anon_sym_COLON_COLON,
  [1862] = 1,
    ACTIONS(389), 1,
      sym__line_end,
  [1866] = 1,
    ACTIONS(391), 1,
      sym__line_end,
  [1870] = 1,
    ACTIONS(393), 1,
      sym__line_end,
  [1874] = 1,
    ACTIONS(395), 1,
      sym__line_end,
  [1878] = 1,
    ACTIONS(397), 1,
      sym__line_end,
  [1882] = 1,
    ACTIONS(399), 1,
      sym__line_end,
  [1886] = 1,
    ACTIONS(401), 1,
      sym__line_end,
  [1890] = 1,
    ACTIONS(403), 1,
      sym__line_end,
  [1894] = 1,
    ACTIONS(405), 1,
      sym__line_end,
  [1898] = 1,
    ACTIONS(407), 1,
      sym__line_end,
  [1902] = 1,
    ACTIONS(409), 1,
      sym__line_end,
  [1906] = 1,
    ACTIONS(411), 1,
      sym__line_end,
  [1910] = 1,
    ACTIONS(413), 1,
      anon_sym_COLON_COLON,
  [1914] = 1,
    ACTIONS(415), 1,
      anon_sym_DASH_DASH_GT,
  [1918] = 1,
    ACTIONS(417), 1,
      sym__line_end,
  [1922] = 1,
    ACTIONS(419), 1,
      ts_builtin_sym_end,
  [1926] = 1,
    ACTIONS(421), 1,
      sym__line_end,
  [1930] = 1,
    ACTIONS(423), 1,
      anon_sym_COLON,
  [1934] = 1,
    ACTIONS(425), 1,
      anon_sym_COLON,
  [1938] = 1,
    ACTIONS(427), 1,
      sym__line_end,
  [1942] = 1,
    ACTIONS(427), 1,
      sym__line_end,
  [1946] = 1,
    ACTIONS(337), 1,
      sym__ws,
  [1950] = 1,
    ACTIONS(429), 1,
      sym__line_end,
  [1954] = 1,
    ACTIONS(431), 1,
      sym__line_end,
  [1958] = 1,
    ACTIONS(433), 1,
      sym__line_end,
  [1962] = 1,
    ACTIONS(435), 1,
      anon_sym_COLON_COLON,
  [1966] = 1,
    ACTIONS(437), 1,
      sym__line_end,
  [1970] = 1,
    ACTIONS(439), 1,
      anon_sym_COLON,
  [1974] = 1,
    ACTIONS(441), 1,
      sym__line_end,
  [1978] = 1,
    ACTIONS(443), 1,
      anon_sym_SPACE,
  [1982] = 1,
    ACTIONS(445), 1,
      sym__line_end,
};

static const uint32_t ts_small_parse_table_map[] = {
  [SMALL_STATE(2)] = 0,
  [SMALL_STATE(3)] = 49,
  [SMALL_STATE(4)] = 98,
  [SMALL_STATE(5)] = 147,
  [SMALL_STATE(6)] = 190,
  [SMALL_STATE(7)] = 233,
  [SMALL_STATE(8)] = 272,
  [SMALL_STATE(9)] = 311,
  [SMALL_STATE(10)] = 346,
  [SMALL_STATE(11)] = 381,
  [SMALL_STATE(12)] = 416,
  [SMALL_STATE(13)] = 451,
  [SMALL_STATE(14)] = 486,
  [SMALL_STATE(15)] = 517,
  [SMALL_STATE(16)] = 548,
  [SMALL_STATE(17)] = 573,
  [SMALL_STATE(18)] = 600,
  [SMALL_STATE(19)] = 627,
  [SMALL_STATE(20)] = 651,
  [SMALL_STATE(21)] = 670,
  [SMALL_STATE(22)] = 689,
  [SMALL_STATE(23)] = 708,
  [SMALL_STATE(24)] = 727,
  [SMALL_STATE(25)] = 746,
  [SMALL_STATE(26)] = 765,
  [SMALL_STATE(27)] = 784,
  [SMALL_STATE(28)] = 799,
  [SMALL_STATE(29)] = 817,
  [SMALL_STATE(30)] = 831,
  [SMALL_STATE(31)] = 849,
  [SMALL_STATE(32)] = 867,
  [SMALL_STATE(33)] = 885,
  [SMALL_STATE(34)] = 903,
  [SMALL_STATE(35)] = 934,
  [SMALL_STATE(36)] = 954,
  [SMALL_STATE(37)] = 974,
  [SMALL_STATE(38)] = 994,
  [SMALL_STATE(39)] = 1014,
  [SMALL_STATE(40)] = 1034,
  [SMALL_STATE(41)] = 1051,
  [SMALL_STATE(42)] = 1068,
  [SMALL_STATE(43)] = 1085,
  [SMALL_STATE(44)] = 1102,
  [SMALL_STATE(45)] = 1119,
  [SMALL_STATE(46)] = 1136,
  [SMALL_STATE(47)] = 1153,
  [SMALL_STATE(48)] = 1168,
  [SMALL_STATE(49)] = 1185,
  [SMALL_STATE(50)] = 1202,
  [SMALL_STATE(51)] = 1221,
  [SMALL_STATE(52)] = 1238,
  [SMALL_STATE(53)] = 1255,
  [SMALL_STATE(54)] = 1271,
  [SMALL_STATE(55)] = 1285,
  [SMALL_STATE(56)] = 1301,
  [SMALL_STATE(57)] = 1317,
  [SMALL_STATE(58)] = 1333,
  [SMALL_STATE(59)] = 1349,
  [SMALL_STATE(60)] = 1360,
  [SMALL_STATE(61)] = 1368,
  [SMALL_STATE(62)] = 1376,
  [SMALL_STATE(63)] = 1384,
  [SMALL_STATE(64)] = 1392,
  [SMALL_STATE(65)] = 1400,
  [SMALL_STATE(66)] = 1411,
  [SMALL_STATE(67)] = 1424,
  [SMALL_STATE(68)] = 1437,
  [SMALL_STATE(69)] = 1450,
  [SMALL_STATE(70)] = 1463,
  [SMALL_STATE(71)] = 1476,
  [SMALL_STATE(72)] = 1489,
  [SMALL_STATE(73)] = 1498,
  [SMALL_STATE(74)] = 1507,
  [SMALL_STATE(75)] = 1515,
  [SMALL_STATE(76)] = 1525,
  [SMALL_STATE(77)] = 1535,
  [SMALL_STATE(78)] = 1545,
  [SMALL_STATE(79)] = 1555,
  [SMALL_STATE(80)] = 1565,
  [SMALL_STATE(81)] = 1575,
  [SMALL_STATE(82)] = 1585,
  [SMALL_STATE(83)] = 1595,
  [SMALL_STATE(84)] = 1605,
  [SMALL_STATE(85)] = 1615,
  [SMALL_STATE(86)] = 1625,
  [SMALL_STATE(87)] = 1635,
  [SMALL_STATE(88)] = 1645,
  [SMALL_STATE(89)] = 1653,
  [SMALL_STATE(90)] = 1663,
  [SMALL_STATE(91)] = 1673,
  [SMALL_STATE(92)] = 1680,
  [SMALL_STATE(93)] = 1687,
  [SMALL_STATE(94)] = 1694,
  [SMALL_STATE(95)] = 1701,
  [SMALL_STATE(96)] = 1708,
  [SMALL_STATE(97)] = 1715,
  [SMALL_STATE(98)] = 1722,
  [SMALL_STATE(99)] = 1729,
  [SMALL_STATE(100)] = 1736,
  [SMALL_STATE(101)] = 1743,
  [SMALL_STATE(102)] = 1750,
  [SMALL_STATE(103)] = 1757,
  [SMALL_STATE(104)] = 1762,
  [SMALL_STATE(105)] = 1766,
  [SMALL_STATE(106)] = 1770,
  [SMALL_STATE(107)] = 1774,
  [SMALL_STATE(108)] = 1778,
  [SMALL_STATE(109)] = 1782,
  [SMALL_STATE(110)] = 1786,
  [SMALL_STATE(111)] = 1790,
  [SMALL_STATE(112)] = 1794,
  [SMALL_STATE(113)] = 1798,
  [SMALL_STATE(114)] = 1802,
  [SMALL_STATE(115)] = 1806,
  [SMALL_STATE(116)] = 1810,
  [SMALL_STATE(117)] = 1814,
  [SMALL_STATE(118)] = 1818,
  [SMALL_STATE(119)] = 1822,
  [SMALL_STATE(120)] = 1826,
  [SMALL_STATE(121)] = 1830,
  [SMALL_STATE(122)] = 1834,
  [SMALL_STATE(123)] = 1838,
  [SMALL_STATE(124)] = 1842,
  [SMALL_STATE(125)] = 1846,
  [SMALL_STATE(126)] = 1850,
  [SMALL_STATE(127)] = 1854,
  [SMALL_STATE(128)] = 1858,
  [SMALL_STATE(129)] = 1862,
  [SMALL_STATE(130)] = 1866,
  [SMALL_STATE(131)] = 1870,
  [SMALL_STATE(132)] = 1874,
  [SMALL_STATE(133)] = 1878,
  [SMALL_STATE(134)] = 1882,
  [SMALL_STATE(135)] = 1886,
  [SMALL_STATE(136)] = 1890,
  [SMALL_STATE(137)] = 1894,
  [SMALL_STATE(138)] = 1898,
  [SMALL_STATE(139)] = 1902,
  [SMALL_STATE(140)] = 1906,
  [SMALL_STATE(141)] = 1910,
  [SMALL_STATE(142)] = 1914,
  [SMALL_STATE(143)] = 1918,
  [SMALL_STATE(144)] = 1922,
  [SMALL_STATE(145)] = 1926,
  [SMALL_STATE(146)] = 1930,
  [SMALL_STATE(147)] = 1934,
  [SMALL_STATE(148)] = 1938,
  [SMALL_STATE(149)] = 1942,
  [SMALL_STATE(150)] = 1946,
  [SMALL_STATE(151)] = 1950,
  [SMALL_STATE(152)] = 1954,
  [SMALL_STATE(153)] = 1958,
  [SMALL_STATE(154)] = 1962,
  [SMALL_STATE(155)] = 1966,
  [SMALL_STATE(156)] = 1970,
  [SMALL_STATE(157)] = 1974,
  [SMALL_STATE(158)] = 1978,
  [SMALL_STATE(159)] = 1982,
};

static const TSParseActionEntry ts_parse_actions[] = {
  [0] = {.entry = {.count = 0, .reusable = false}},
  [1] = {.entry = {.count = 1, .reusable = false}}, RECOVER(),
  [3] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 0, 0, 0),
  [5] = {.entry = {.count = 1, .reusable = true}}, SHIFT(34),
  [7] = {.entry = {.count = 1, .reusable = true}}, SHIFT(54),
  [9] = {.entry = {.count = 1, .reusable = true}}, SHIFT(60),
  [11] = {.entry = {.count = 1, .reusable = true}}, SHIFT(52),
  [13] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 1, 0, 1),
  [15] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 1, 0, 0),
  [17] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 2, 0, 2),
  [19] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_preference_section, 2, 0, 3),
  [21] = {.entry = {.count = 1, .reusable = true}}, SHIFT(101),
  [23] = {.entry = {.count = 1, .reusable = true}}, SHIFT(102),
  [25] = {.entry = {.count = 1, .reusable = true}}, SHIFT(14),
  [27] = {.entry = {.count = 1, .reusable = true}}, SHIFT(20),
  [29] = {.entry = {.count = 1, .reusable = true}}, SHIFT(23),
  [31] = {.entry = {.count = 1, .reusable = true}}, SHIFT(25),
  [33] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_preference_section, 3, 0, 3),
  [35] = {.entry = {.count = 1, .reusable = true}}, SHIFT(15),
  [37] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_instruction_section, 2, 0, 3),
  [39] = {.entry = {.count = 1, .reusable = true}}, SHIFT(18),
  [41] = {.entry = {.count = 1, .reusable = true}}, SHIFT(33),
  [43] = {.entry = {.count = 1, .reusable = true}}, SHIFT(30),
  [45] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_instruction_section, 3, 0, 3),
  [47] = {.entry = {.count = 1, .reusable = true}}, SHIFT(17),
  [49] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 2, 0, 0),
  [51] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 2, 0, 1),
  [53] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_document_repeat1, 2, 0, 0),
  [55] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_document_repeat1, 2, 0, 0), SHIFT_REPEAT(34),
  [58] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_document, 3, 0, 2),
  [60] = {.entry = {.count = 1, .reusable = true}}, SHIFT(21),
  [62] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_preference_section, 4, 0, 3),
  [64] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat1, 2, 0, 0),
  [66] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat1, 2, 0, 0), SHIFT_REPEAT(101),
  [69] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat1, 2, 0, 0), SHIFT_REPEAT(102),
  [72] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_instruction_section, 4, 0, 3),
  [74] = {.entry = {.count = 1, .reusable = true}}, SHIFT(31),
  [76] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_prompt, 1, 0, 0),
  [78] = {.entry = {.count = 1, .reusable = true}}, SHIFT(22),
  [80] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat2, 2, 0, 0),
  [82] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat2, 2, 0, 0), SHIFT_REPEAT(21),
  [85] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_prompt, 2, 0, 0),
  [87] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_chosen, 1, 0, 0),
  [89] = {.entry = {.count = 1, .reusable = true}}, SHIFT(26),
  [91] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_rejected, 2, 0, 0),
  [93] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_rejected, 1, 0, 0),
  [95] = {.entry = {.count = 1, .reusable = true}}, SHIFT(24),
  [97] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_chosen, 2, 0, 0),
  [99] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_answer, 2, 0, 0),
  [101] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_answer, 1, 0, 0),
  [103] = {.entry = {.count = 1, .reusable = true}}, SHIFT(28),
  [105] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat2, 2, 0, 0), SHIFT_REPEAT(31),
  [108] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_question, 2, 0, 0),
  [110] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_question, 1, 0, 0),
  [112] = {.entry = {.count = 1, .reusable = true}}, SHIFT(32),
  [114] = {.entry = {.count = 1, .reusable = true}}, SHIFT(126),
  [116] = {.entry = {.count = 1, .reusable = false}}, SHIFT(68),
  [118] = {.entry = {.count = 1, .reusable = true}}, SHIFT(99),
  [120] = {.entry = {.count = 1, .reusable = false}}, SHIFT(69),
  [122] = {.entry = {.count = 1, .reusable = false}}, SHIFT(70),
  [124] = {.entry = {.count = 1, .reusable = false}}, SHIFT(66),
  [126] = {.entry = {.count = 1, .reusable = false}}, SHIFT(67),
  [128] = {.entry = {.count = 1, .reusable = false}}, SHIFT(71),
  [130] = {.entry = {.count = 1, .reusable = true}}, SHIFT(91),
  [132] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_preference_section, 5, 0, 3),
  [134] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_preference_section_repeat1, 2, 0, 0),
  [136] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_preference_section_repeat1, 2, 0, 0), SHIFT_REPEAT(20),
  [139] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_preference_section_repeat1, 2, 0, 0), SHIFT_REPEAT(23),
  [142] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_preference_section_repeat1, 2, 0, 0), SHIFT_REPEAT(25),
  [145] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_prose_section, 2, 0, 3),
  [147] = {.entry = {.count = 1, .reusable = true}}, SHIFT(49),
  [149] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_audio_section, 2, 0, 3),
  [151] = {.entry = {.count = 1, .reusable = true}}, SHIFT(43),
  [153] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_image_section, 3, 0, 3),
  [155] = {.entry = {.count = 1, .reusable = true}}, SHIFT(45),
  [157] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_audio_section, 3, 0, 3),
  [159] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_unknown_section, 3, 0, 3),
  [161] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_prose_section_repeat1, 2, 0, 0),
  [163] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_prose_section_repeat1, 2, 0, 0), SHIFT_REPEAT(45),
  [166] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_prose_section_repeat1, 2, 0, 0), SHIFT_REPEAT(52),
  [169] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_unknown_section, 2, 0, 3),
  [171] = {.entry = {.count = 1, .reusable = true}}, SHIFT(44),
  [173] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_code_block_repeat1, 2, 0, 0),
  [175] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_code_block_repeat1, 2, 0, 0), SHIFT_REPEAT(47),
  [178] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_code_block, 2, 0, 0),
  [180] = {.entry = {.count = 1, .reusable = true}}, SHIFT(61),
  [182] = {.entry = {.count = 1, .reusable = true}}, SHIFT(47),
  [184] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_prose_section, 3, 0, 3),
  [186] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym__implicit_prose, 2, 0, 0),
  [188] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym__implicit_prose, 2, 0, 0), SHIFT_REPEAT(60),
  [191] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym__implicit_prose, 2, 0, 0), SHIFT_REPEAT(52),
  [194] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_image_section, 2, 0, 3),
  [196] = {.entry = {.count = 1, .reusable = true}}, SHIFT(42),
  [198] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_code_block, 1, 0, 0),
  [200] = {.entry = {.count = 1, .reusable = true}}, SHIFT(64),
  [202] = {.entry = {.count = 1, .reusable = true}}, SHIFT(48),
  [204] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_frontmatter, 1, 0, 0),
  [206] = {.entry = {.count = 1, .reusable = true}}, SHIFT(59),
  [208] = {.entry = {.count = 1, .reusable = true}}, SHIFT(63),
  [210] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat3, 2, 0, 0),
  [212] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat3, 2, 0, 0), SHIFT_REPEAT(33),
  [215] = {.entry = {.count = 2, .reusable = true}}, REDUCE(aux_sym_instruction_section_repeat3, 2, 0, 0), SHIFT_REPEAT(30),
  [218] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_instruction_section, 5, 0, 3),
  [220] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_frontmatter, 2, 0, 0),
  [222] = {.entry = {.count = 1, .reusable = true}}, SHIFT(62),
  [224] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym__implicit_prose, 1, 0, 0),
  [226] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_code_block, 3, 0, 0),
  [228] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_frontmatter, 3, 0, 0),
  [230] = {.entry = {.count = 1, .reusable = true}}, REDUCE(aux_sym__prose_fence_repeat1, 2, 0, 0),
  [232] = {.entry = {.count = 2, .reusable = false}}, REDUCE(aux_sym__prose_fence_repeat1, 2, 0, 0), SHIFT_REPEAT(91),
  [235] = {.entry = {.count = 1, .reusable = true}}, SHIFT(115),
  [237] = {.entry = {.count = 1, .reusable = true}}, SHIFT(98),
  [239] = {.entry = {.count = 1, .reusable = true}}, SHIFT(118),
  [241] = {.entry = {.count = 1, .reusable = true}}, SHIFT(100),
  [243] = {.entry = {.count = 1, .reusable = true}}, SHIFT(117),
  [245] = {.entry = {.count = 1, .reusable = true}}, SHIFT(92),
  [247] = {.entry = {.count = 1, .reusable = true}}, SHIFT(107),
  [249] = {.entry = {.count = 1, .reusable = true}}, SHIFT(93),
  [251] = {.entry = {.count = 1, .reusable = true}}, SHIFT(112),
  [253] = {.entry = {.count = 1, .reusable = true}}, SHIFT(96),
  [255] = {.entry = {.count = 1, .reusable = true}}, SHIFT(104),
  [257] = {.entry = {.count = 1, .reusable = true}}, SHIFT(97),
  [259] = {.entry = {.count = 1, .reusable = true}}, SHIFT(146),
  [261] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_attribute, 3, 0, 7),
  [263] = {.entry = {.count = 1, .reusable = false}}, REDUCE(sym_attribute, 3, 0, 7),
  [265] = {.entry = {.count = 1, .reusable = true}}, SHIFT(159),
  [267] = {.entry = {.count = 1, .reusable = true}}, SHIFT(124),
  [269] = {.entry = {.count = 1, .reusable = true}}, SHIFT(145),
  [271] = {.entry = {.count = 1, .reusable = true}}, SHIFT(86),
  [273] = {.entry = {.count = 1, .reusable = true}}, SHIFT(138),
  [275] = {.entry = {.count = 1, .reusable = true}}, SHIFT(109),
  [277] = {.entry = {.count = 1, .reusable = true}}, SHIFT(75),
  [279] = {.entry = {.count = 1, .reusable = true}}, SHIFT(132),
  [281] = {.entry = {.count = 1, .reusable = true}}, SHIFT(130),
  [283] = {.entry = {.count = 1, .reusable = true}}, SHIFT(136),
  [285] = {.entry = {.count = 1, .reusable = true}}, SHIFT(134),
  [287] = {.entry = {.count = 1, .reusable = true}}, SHIFT(114),
  [289] = {.entry = {.count = 1, .reusable = true}}, SHIFT(80),
  [291] = {.entry = {.count = 1, .reusable = true}}, SHIFT(148),
  [293] = {.entry = {.count = 1, .reusable = false}}, SHIFT(91),
  [295] = {.entry = {.count = 1, .reusable = true}}, SHIFT(119),
  [297] = {.entry = {.count = 1, .reusable = true}}, SHIFT(79),
  [299] = {.entry = {.count = 1, .reusable = true}}, SHIFT(106),
  [301] = {.entry = {.count = 1, .reusable = true}}, SHIFT(123),
  [303] = {.entry = {.count = 1, .reusable = true}}, SHIFT(82),
  [305] = {.entry = {.count = 1, .reusable = false}}, REDUCE(aux_sym__prose_fence_repeat1, 2, 0, 0),
  [307] = {.entry = {.count = 1, .reusable = true}}, SHIFT(139),
  [309] = {.entry = {.count = 1, .reusable = true}}, SHIFT(81),
  [311] = {.entry = {.count = 1, .reusable = true}}, SHIFT(151),
  [313] = {.entry = {.count = 1, .reusable = true}}, SHIFT(77),
  [315] = {.entry = {.count = 1, .reusable = true}}, SHIFT(110),
  [317] = {.entry = {.count = 1, .reusable = true}}, SHIFT(116),
  [319] = {.entry = {.count = 1, .reusable = true}}, SHIFT(143),
  [321] = {.entry = {.count = 1, .reusable = true}}, SHIFT(142),
  [323] = {.entry = {.count = 1, .reusable = true}}, SHIFT(120),
  [325] = {.entry = {.count = 1, .reusable = true}}, SHIFT(154),
  [327] = {.entry = {.count = 1, .reusable = true}}, SHIFT(125),
  [329] = {.entry = {.count = 1, .reusable = true}}, SHIFT(128),
  [331] = {.entry = {.count = 1, .reusable = true}}, SHIFT(141),
  [333] = {.entry = {.count = 1, .reusable = true}}, SHIFT(108),
  [335] = {.entry = {.count = 1, .reusable = true}}, SHIFT(158),
  [337] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__marker_head, 4, 0, 9),
  [339] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 3, 0, 4),
  [341] = {.entry = {.count = 1, .reusable = true}}, SHIFT(74),
  [343] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 4, 0, 0),
  [345] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__instruction_fence, 3, 0, 4),
  [347] = {.entry = {.count = 1, .reusable = true}}, SHIFT(72),
  [349] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__prose_fence, 4, 0, 4),
  [351] = {.entry = {.count = 1, .reusable = true}}, SHIFT(127),
  [353] = {.entry = {.count = 1, .reusable = true}}, SHIFT(41),
  [355] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__preference_fence, 3, 0, 4),
  [357] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 4, 0, 5),
  [359] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__instruction_fence, 4, 0, 4),
  [361] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__image_fence, 3, 0, 4),
  [363] = {.entry = {.count = 1, .reusable = true}}, SHIFT(129),
  [365] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__prose_fence, 3, 0, 4),
  [367] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__audio_fence, 3, 0, 4),
  [369] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__preference_fence, 4, 0, 4),
  [371] = {.entry = {.count = 1, .reusable = true}}, SHIFT(131),
  [373] = {.entry = {.count = 1, .reusable = true}}, SHIFT(5),
  [375] = {.entry = {.count = 1, .reusable = true}}, SHIFT(51),
  [377] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__image_fence, 4, 0, 4),
  [379] = {.entry = {.count = 1, .reusable = true}}, SHIFT(105),
  [381] = {.entry = {.count = 1, .reusable = true}}, SHIFT(133),
  [383] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 2, 0, 0),
  [385] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__prose_fence, 5, 0, 6),
  [387] = {.entry = {.count = 1, .reusable = true}}, SHIFT(113),
  [389] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__instruction_fence, 5, 0, 6),
  [391] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__instruction_fence, 5, 0, 4),
  [393] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__preference_fence, 5, 0, 6),
  [395] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__preference_fence, 5, 0, 4),
  [397] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__image_fence, 5, 0, 6),
  [399] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__image_fence, 5, 0, 4),
  [401] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__audio_fence, 5, 0, 6),
  [403] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__audio_fence, 5, 0, 4),
  [405] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 5, 0, 6),
  [407] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 5, 0, 4),
  [409] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__audio_fence, 4, 0, 4),
  [411] = {.entry = {.count = 1, .reusable = true}}, SHIFT(46),
  [413] = {.entry = {.count = 1, .reusable = true}}, SHIFT(135),
  [415] = {.entry = {.count = 1, .reusable = true}}, SHIFT(149),
  [417] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_marker, 3, 0, 8),
  [419] = {.entry = {.count = 1, .reusable = true}},  ACCEPT_INPUT(),
  [421] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 3, 0, 0),
  [423] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_marker_kind, 1, 0, 0),
  [425] = {.entry = {.count = 1, .reusable = true}}, SHIFT(150),
  [427] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym_marker, 4, 0, 8),
  [429] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__unknown_fence, 4, 0, 4),
  [431] = {.entry = {.count = 1, .reusable = true}}, SHIFT(40),
  [433] = {.entry = {.count = 1, .reusable = true}}, SHIFT(7),
  [435] = {.entry = {.count = 1, .reusable = true}}, SHIFT(137),
  [437] = {.entry = {.count = 1, .reusable = true}}, SHIFT(27),
  [439] = {.entry = {.count = 1, .reusable = true}}, SHIFT(103),
  [441] = {.entry = {.count = 1, .reusable = true}}, SHIFT(29),
  [443] = {.entry = {.count = 1, .reusable = true}}, SHIFT(73),
  [445] = {.entry = {.count = 1, .reusable = true}}, REDUCE(sym__prose_fence, 5, 0, 4),
};

enum ts_external_scanner_symbol_identifiers {
  ts_external_token__frontmatter_open = 0,
  ts_external_token_yaml = 1,
  ts_external_token__frontmatter_close = 2,
  ts_external_token__marker_start = 3,
  ts_external_token__marker_raw_start = 4,
  ts_external_token_marker_text = 5,
  ts_external_token__line_end = 6,
  ts_external_token_text_line = 7,
  ts_external_token_blank_line = 8,
  ts_external_token__code_fence_open = 9,
  ts_external_token__code_fence_close = 10,
  ts_external_token_code_line = 11,
  ts_external_token_q_header = 12,
  ts_external_token_a_header = 13,
  ts_external_token_prompt_header = 14,
  ts_external_token_chosen_header = 15,
  ts_external_token_rejected_header = 16,
};

static const TSSymbol ts_external_scanner_symbol_map[EXTERNAL_TOKEN_COUNT] = {
  [ts_external_token__frontmatter_open] = sym__frontmatter_open,
  [ts_external_token_yaml] = sym_yaml,
  [ts_external_token__frontmatter_close] = sym__frontmatter_close,
  [ts_external_token__marker_start] = sym__marker_start,
  [ts_external_token__marker_raw_start] = sym__marker_raw_start,
  [ts_external_token_marker_text] = sym_marker_text,
  [ts_external_token__line_end] = sym__line_end,
  [ts_external_token_text_line] = sym_text_line,
  [ts_external_token_blank_line] = sym_blank_line,
  [ts_external_token__code_fence_open] = sym__code_fence_open,
  [ts_external_token__code_fence_close] = sym__code_fence_close,
  [ts_external_token_code_line] = sym_code_line,
  [ts_external_token_q_header] = sym_q_header,
  [ts_external_token_a_header] = sym_a_header,
  [ts_external_token_prompt_header] = sym_prompt_header,
  [ts_external_token_chosen_header] = sym_chosen_header,
  [ts_external_token_rejected_header] = sym_rejected_header,
};

static const bool ts_external_scanner_states[15][EXTERNAL_TOKEN_COUNT] = {
  [1] = {
    [ts_external_token__frontmatter_open] = true,
    [ts_external_token_yaml] = true,
    [ts_external_token__frontmatter_close] = true,
    [ts_external_token__marker_start] = true,
    [ts_external_token__marker_raw_start] = true,
    [ts_external_token_marker_text] = true,
    [ts_external_token__line_end] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
    [ts_external_token_q_header] = true,
    [ts_external_token_a_header] = true,
    [ts_external_token_prompt_header] = true,
    [ts_external_token_chosen_header] = true,
    [ts_external_token_rejected_header] = true,
  },
  [2] = {
    [ts_external_token__frontmatter_open] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
  },
  [3] = {
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
  },
  [4] = {
    [ts_external_token__marker_start] = true,
    [ts_external_token__marker_raw_start] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
    [ts_external_token_prompt_header] = true,
    [ts_external_token_chosen_header] = true,
    [ts_external_token_rejected_header] = true,
  },
  [5] = {
    [ts_external_token__marker_start] = true,
    [ts_external_token__marker_raw_start] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
    [ts_external_token_q_header] = true,
    [ts_external_token_a_header] = true,
  },
  [6] = {
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
    [ts_external_token_prompt_header] = true,
    [ts_external_token_chosen_header] = true,
    [ts_external_token_rejected_header] = true,
  },
  [7] = {
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
    [ts_external_token_q_header] = true,
    [ts_external_token_a_header] = true,
  },
  [8] = {
    [ts_external_token_prompt_header] = true,
    [ts_external_token_chosen_header] = true,
    [ts_external_token_rejected_header] = true,
  },
  [9] = {
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
    [ts_external_token__code_fence_close] = true,
    [ts_external_token_code_line] = true,
  },
  [10] = {
    [ts_external_token_q_header] = true,
    [ts_external_token_a_header] = true,
  },
  [11] = {
    [ts_external_token_yaml] = true,
    [ts_external_token__frontmatter_close] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
  },
  [12] = {
    [ts_external_token__frontmatter_close] = true,
    [ts_external_token_text_line] = true,
    [ts_external_token_blank_line] = true,
    [ts_external_token__code_fence_open] = true,
  },
  [13] = {
    [ts_external_token_marker_text] = true,
  },
  [14] = {
    [ts_external_token__line_end] = true,
  },
};

#ifdef __cplusplus
extern "C" {
#endif
void *tree_sitter_dlm_external_scanner_create(void);
void tree_sitter_dlm_external_scanner_destroy(void *);
bool tree_sitter_dlm_external_scanner_scan(void *, TSLexer *, const bool *);
unsigned tree_sitter_dlm_external_scanner_serialize(void *, char *);
void tree_sitter_dlm_external_scanner_deserialize(void *, const char *, unsigned);

#ifdef TREE_SITTER_HIDE_SYMBOLS
#define TS_PUBLIC
#elif defined(_WIN32)
#define TS_PUBLIC __declspec(dllexport)
#else
#define TS_PUBLIC __attribute__((visibility("default")))
#endif

TS_PUBLIC const TSLanguage *tree_sitter_dlm(void) {
  static const TSLanguage language = {
    .version = LANGUAGE_VERSION,
    .symbol_count = SYMBOL_COUNT,
    .alias_count = ALIAS_COUNT,
    .token_count = TOKEN_COUNT,
    .external_token_count = EXTERNAL_TOKEN_COUNT,
    .state_count = STATE_COUNT,
    .large_state_count = LARGE_STATE_COUNT,
    .production_id_count = PRODUCTION_ID_COUNT,
    .field_count = FIELD_COUNT,
    .max_alias_sequence_length = MAX_ALIAS_SEQUENCE_LENGTH,
    .parse_table = &ts_parse_table[0][0],
    .small_parse_table = ts_small_parse_table,
    .small_parse_table_map = ts_small_parse_table_map,
    .parse_actions = ts_parse_actions,
    .symbol_names = ts_symbol_names,
    .field_names = ts_field_names,
    .field_map_slices = ts_field_map_slices,
    .field_map_entries = ts_field_map_entries,
    .symbol_metadata = ts_symbol_metadata,
    .public_symbol_map = ts_symbol_map,
    .alias_map = ts_non_terminal_alias_map,
    .alias_sequences = &ts_alias_sequences[0][0],
    .lex_modes = ts_lex_modes,
    .lex_fn = ts_lex,
    .external_scanner = {
      &ts_external_scanner_states[0][0],
      ts_external_scanner_symbol_map,
      tree_sitter_dlm_external_scanner_create,
      tree_sitter_dlm_external_scanner_destroy,
      tree_sitter_dlm_external_scanner_scan,
      tree_sitter_dlm_external_scanner_serialize,
      tree_sitter_dlm_external_scanner_deserialize,
    },
    .primary_state_ids = ts_primary_state_ids,
  };
  return &language;
}
#ifdef __cplusplus
}
#endif
