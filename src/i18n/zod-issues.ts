// A zod issue as a person reads it. English: the issue's own message, as zod or our schema words it (unchanged).
// Chinese: our schema's message from the catalogue's `field` area when the issue carries one, else a text by the
// issue's code (ZOD_ISSUE_ZH) with the bounds, formats or options the issue names. Values sent are never echoed.
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

/** Our schemas' messages (English, as zod reports them) → their catalogue message. */
const OWN_MESSAGES = new Map<string, Localized>(Object.entries(CATALOGUE.field).map(([name, e]) => [e.en, msg(`field.${name as keyof typeof CATALOGUE.field}`)]));

export function issueText(issue: IssueLike): Localized {
  return OWN_MESSAGES.get(issue.message) ?? { text: (lang) => (lang === 'en' ? issue.message : zh(issue)) };
}

function zh(issue: IssueLike): string {
  const [key, params] = shape(issue);
  return fill(ZOD_ISSUE_ZH[key], params, 'zh-CN');
}

/** Which Chinese text fits the issue, and the values it names. */
function shape(issue: IssueLike): [ZhKey, Record<string, ParamValue>] {
  const fields = issue as unknown as Readonly<Record<string, unknown>>;
  const { origin, minimum, maximum, inclusive } = fields as { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean };
  const sized = origin === 'string' ? 'Chars' : origin === 'array' || origin === 'set' ? 'Items' : null;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeName(fields['expected']);
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
      return named in ZOD_ISSUE_ZH ? ['formatNamed', { format: ZOD_ISSUE_ZH[named as ZhKey] }] : ['format', {}];
    }
    case 'invalid_value':
      return ['oneOf', { values: list(fields['values']).map((v) => JSON.stringify(v) ?? String(v)) }];
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

function typeName(expected: unknown): string {
  const key = `type.${String(expected)}`;
  return key in ZOD_ISSUE_ZH ? ZOD_ISSUE_ZH[key as ZhKey] : String(expected);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A schema's own message (English, as zod reports it); issueText finds its Chinese text by it. */
export function schemaMessage(name: keyof typeof CATALOGUE.field): string {
  return CATALOGUE.field[name].en;
}
