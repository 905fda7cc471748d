// A zod issue as a person reads it: our schema's message from the catalogue's `field` area when the issue carries one,
// else a text by the issue's code (ZOD_ISSUE_ZH, ZOD_ISSUE_EN) with the bounds, formats or options the issue names —
// in English too, where zod's own words ("Too small: expected string to have >=1 characters") were passed through
// before. Values sent are never echoed.
import { CATALOGUE } from './catalogue.js';
import { fill, msg, type Localized, type ParamValue } from './message.js';

/** The fields of a zod issue this reads (zod's `$ZodIssue`, or the `params` of a Fastify validation error). */
export interface IssueLike {
  readonly code: string;
  readonly message: string;
}

/** Chinese texts by issue code and shape; `type.*` name the types an issue expects. */
export const ZOD_ISSUE_ZH = {
  missing: '缺少此字段（应为{expected}）',
  invalidType: '类型不对：应为{expected}',
  notEmpty: '不能为空',
  minChars: '至少 {minimum} 个字符',
  maxChars: '最多 {maximum} 个字符',
  minItems: '至少 {minimum} 项',
  maxItems: '最多 {maximum} 项',
  minValue: '不能小于 {minimum}',
  aboveValue: '须大于 {minimum}',
  maxValue: '不能大于 {maximum}',
  belowValue: '须小于 {maximum}',
  tooSmall: '太小',
  tooBig: '太大',
  format: '格式不对',
  formatNamed: '格式不对：应为{format}',
  oneOf: '取值须为以下之一：{values}',
  unknownKeys: '未知字段：{keys}',
  union: '不符合任何允许的形式',
  key: '键无效',
  element: '元素无效',
  multipleOf: '须为 {divisor} 的倍数',
  invalid: '取值无效',
  'type.string': '字符串',
  'type.number': '数字',
  'type.int': '整数',
  'type.bigint': '整数',
  'type.boolean': '布尔值',
  'type.object': '对象',
  'type.array': '数组',
  'type.date': '日期',
  'type.null': 'null',
  'format.datetime': 'ISO 8601 日期时间',
  'format.date': '日期（YYYY-MM-DD）',
  'format.time': '时间（HH:MM:SS）',
  'format.email': '电子邮件地址',
  'format.url': '网址',
  'format.uuid': 'UUID',
} as const satisfies Record<string, string>;
type ZhKey = keyof typeof ZOD_ISSUE_ZH;

/** The same issues in English, worded as our own messages are (zod's own English reads "Too small: expected string…"). */
export const ZOD_ISSUE_EN: { readonly [K in ZhKey]: string } = {
  missing: 'missing (expected {expected})',
  invalidType: 'wrong type: expected {expected}',
  notEmpty: 'must not be empty',
  minChars: 'at least {minimum} characters',
  maxChars: 'at most {maximum} characters',
  minItems: 'at least {minimum} items',
  maxItems: 'at most {maximum} items',
  minValue: 'must be at least {minimum}',
  aboveValue: 'must be more than {minimum}',
  maxValue: 'must be at most {maximum}',
  belowValue: 'must be less than {maximum}',
  tooSmall: 'too small',
  tooBig: 'too big',
  format: 'wrong format',
  formatNamed: 'wrong format: expected {format}',
  oneOf: 'must be one of: {values}',
  unknownKeys: 'unknown fields: {keys}',
  union: 'matches none of the allowed forms',
  key: 'invalid key',
  element: 'invalid element',
  multipleOf: 'must be a multiple of {divisor}',
  invalid: 'invalid value',
  'type.string': 'a string',
  'type.number': 'a number',
  'type.int': 'an integer',
  'type.bigint': 'an integer',
  'type.boolean': 'true or false',
  'type.object': 'an object',
  'type.array': 'an array',
  'type.date': 'a date',
  'type.null': 'null',
  'format.datetime': 'an ISO 8601 date-time',
  'format.date': 'a date (YYYY-MM-DD)',
  'format.time': 'a time (HH:MM:SS)',
  'format.email': 'an email address',
  'format.url': 'a URL',
  'format.uuid': 'a UUID',
};

/** Our schemas' messages (English, as zod reports them) → their catalogue message. */
const OWN_MESSAGES = new Map<string, Localized>(Object.entries(CATALOGUE.field).map(([name, e]) => [e.en, msg(`field.${name as keyof typeof CATALOGUE.field}`)]));

export function issueText(issue: IssueLike): Localized {
  return OWN_MESSAGES.get(issue.message) ?? { text: (lang) => worded(issue, lang === 'en' ? 'en' : 'zh-CN') };
}

function worded(issue: IssueLike, lang: 'en' | 'zh-CN'): string {
  const [key, params] = shape(issue, lang);
  return fill((lang === 'en' ? ZOD_ISSUE_EN : ZOD_ISSUE_ZH)[key], params, lang);
}

/** Which Chinese text fits the issue, and the values it names. */
function shape(issue: IssueLike, lang: 'en' | 'zh-CN'): [ZhKey, Record<string, ParamValue>] {
  const texts = lang === 'en' ? ZOD_ISSUE_EN : ZOD_ISSUE_ZH;
  const fields = issue as unknown as Readonly<Record<string, unknown>>;
  const { origin, minimum, maximum, inclusive } = fields as { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean };
  const sized = origin === 'string' ? 'Chars' : origin === 'array' || origin === 'set' ? 'Items' : null;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeName(fields['expected'], texts);
      // zod keeps no input in the issue; its own English says when the value was absent.
      return [/received undefined$/.test(issue.message) ? 'missing' : 'invalidType', { expected }];
    }
    case 'too_small':
      if (origin === 'string' && Number(minimum) === 1) return ['notEmpty', {}];
      if (sized) return [`min${sized}`, { minimum: String(minimum) }];
      if (typeof minimum === 'number' || typeof minimum === 'bigint') return [inclusive === false ? 'aboveValue' : 'minValue', { minimum: String(minimum) }];
      return ['tooSmall', {}];
    case 'too_big':
      if (sized) return [`max${sized}`, { maximum: String(maximum) }];
      if (typeof maximum === 'number' || typeof maximum === 'bigint') return [inclusive === false ? 'belowValue' : 'maxValue', { maximum: String(maximum) }];
      return ['tooBig', {}];
    case 'invalid_format': {
      const named = `format.${String(fields['format'])}`;
      return named in texts ? ['formatNamed', { format: texts[named as ZhKey] }] : ['format', {}];
    }
    case 'invalid_value':
      return ['oneOf', { values: list(fields['values']).map((v) => JSON.stringify(v) ?? String(v)) }];
    case 'custom': {
      // A refinement that names the values it takes (a list of states): said as a choice among them.
      const values = list((fields['params'] as { values?: unknown } | undefined)?.values);
      return values.length > 0 ? ['oneOf', { values: values.map((v) => JSON.stringify(v) ?? String(v)) }] : ['invalid', {}];
    }
    case 'unrecognized_keys':
      return ['unknownKeys', { keys: list(fields['keys']).map(String) }];
    case 'invalid_union':
      return ['union', {}];
    case 'invalid_key':
      return ['key', {}];
    case 'invalid_element':
      return ['element', {}];
    case 'not_multiple_of':
      return ['multipleOf', { divisor: String(fields['divisor']) }];
    default:
      return ['invalid', {}];
  }
}

function typeName(expected: unknown, texts: { readonly [K in ZhKey]: string }): string {
  const key = `type.${String(expected)}`;
  return key in texts ? texts[key as ZhKey] : String(expected);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A schema's own message (English, as zod reports it); issueText finds its Chinese text by it. */
export function schemaMessage(name: keyof typeof CATALOGUE.field): string {
  return CATALOGUE.field[name].en;
}
