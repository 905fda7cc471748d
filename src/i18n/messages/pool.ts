// The expert pool: experts, organisations and the bulk import, with every reason the import gives for a bad row
// (src/pool/import-parser.ts). No message holds a personal value: lines, columns and field names only.
import { defineMessages } from '../define.js';

export const pool = defineMessages({
  expertNotFound: { zh: '专家库中没有编号为 {id} 的专家', en: 'no expert {id}' },
  expertExists: { zh: '专家 {id} 已存在', en: 'expert {id} already exists' },
  phoneInUse: { zh: '此联系电话已属于专家库中的另一位专家：两位专家共用一个号码，一人会收到另一人的评标通知和链接；请核对号码', en: 'this phone number belongs to another expert in the pool: two experts on one number would each get the other’s calls and links; check the number' },
  expertOrIdNumberExists: { zh: '已有相同专家编号或相同居民身份证号码的专家', en: 'an expert with this id or ID number already exists' },
  organisationNotFound: { zh: '没有统一社会信用代码为 {code} 的单位', en: 'no organisation {code}' },
  changed: { zh: '专家库已被修改；请重试', en: 'the pool changed meanwhile; retry' },
  keepsChanging: { zh: '专家库一直在变动；请重试', en: 'the pool keeps changing; retry' },
  importEmpty: { zh: '文件中没有专家', en: 'the file holds no experts' },
  textNamesExpert: {
    zh: '此内容会永久记入审计日志，不能含该专家的姓名（日志以专家编号 {id} 指代本人）',
    en: 'this text is kept in the audit log for good: it cannot hold the expert’s name (the log names them by id, {id})',
  },
  retireUnconfirmed: {
    zh: '此文件将使专家退出专家库（退出不可撤销），且未经确认，或确认与当前专家库不符。请先试运行（dryRun=true）核对将退出的名单（upsert.missing），再以试运行所答的人数和专家库版本（retireCount、poolVersion）确认导入',
    en: 'this file would retire experts for good, and the retirement is not confirmed, or not for the pool as it stands; check the list with a dry run (dryRun=true, upsert.missing), then confirm with the count and pool version it answered (retireCount, poolVersion)',
  },
  sanctionInForce: {
    zh: '专家 {id} 的处理（{consequence}）仍在执行中：只能加重，不能减轻或撤销；只有成立的申诉才能解除',
    en: 'expert {id} is under a sanction in force ({consequence}): it may be made stronger, not weaker or undone; only an upheld objection lifts it',
  },
  idMatchesSpent: {
    zh: '{hours} 小时内已告知您 {max} 个身份证号或手机号已在专家库中（每人上限）：本文件整体未处理，也不说明是哪些行；请稍后再试，或请另一位专家库管理员处理',
    en: 'you have been told of {max} ID or phone numbers already in the pool in the last {hours} hours (the limit per person): this file was not processed and no row is named; try tomorrow, or ask another pool manager',
  },
  personalChangeNotFound: { zh: '专家 {id} 没有待审批的个人信息变更', en: 'expert {id} has no personal data change waiting for approval' },
  personalChangeReplaced: {
    zh: '变更 {changeId} 已不是专家 {id} 待审批的变更（已被之后导入的文件替换）：请重新查看待审批列表',
    en: 'change {changeId} is no longer the one of expert {id} waiting for approval (a later file replaced it): look at the list again',
  },
  personalChangeOwn: {
    zh: '导入该变更的人不能自己批准或驳回：须由另一位专家库管理员或监督人员审批',
    en: 'whoever imported the change cannot approve or reject it: another pool manager or a supervisor decides',
  },
  personalChangeIdTaken: {
    zh: '专家 {id} 待审批变更中的身份证号码现已属于专家库中另一位专家，不能批准：请驳回',
    en: 'the ID number of expert {id}’s held change now belongs to another expert of the pool, so it cannot be approved: reject it',
  },
  importRejected: { zh: '文件中有 {count} 处问题；未导入任何专家', en: '{count} problem(s) in the file; nothing was imported' },
  importTypes: { zh: '请以下列类型之一发送文件：{types}', en: 'send the file as one of: {types}' },
  importCharset: { zh: '文件请以 UTF-8 发送（charset=utf-8 或不写），或以 GB18030/GBK 发送（charset=gb18030 或 gbk）', en: 'send the file as UTF-8 (charset=utf-8, or none) or as GB18030/GBK (charset=gb18030 or gbk)' },
  importFormat: { zh: '文件既不是 CSV 也不是 JSON lines', en: 'the file is neither CSV nor JSON lines' },
});

/** Per line or field of an import file. */
export const importRow = defineMessages({
  badEncoding: { zh: '不是有效的 UTF-8；请将文件另存为 UTF-8', en: 'not valid UTF-8; save the file as UTF-8' },
  notUtf8File: {
    zh: '文件不是 UTF-8 编码（{count} 行无法读取），很可能是 Excel 保存的 GBK 文件：请另存为“CSV UTF-8”，或在发送时声明 charset=gbk',
    en: 'the file is not UTF-8 ({count} lines unreadable), most likely a GBK file saved by Excel: save it as “CSV UTF-8”, or send it with charset=gbk',
  },
  utf8DeclaredGbk: { zh: '文件声明为 GBK/GB18030 编码，但内容是 UTF-8：请去掉 charset，或声明 charset=utf-8', en: 'the file is declared GBK/GB18030 but is UTF-8: leave the charset out, or declare charset=utf-8' },
  notGb18030: { zh: '文件声明为 GB18030/GBK 编码，但不是有效的 GB18030 文本', en: 'the file is declared GB18030/GBK but is not valid GB18030 text' },
  duplicateId: { zh: '专家编号已在第 {line} 行使用', en: 'expert id already used on line {line}' },
  duplicateIdNumber: { zh: '居民身份证号码已在第 {line} 行使用', en: 'ID number already used on line {line}' },
  duplicatePhone: {
    zh: '联系电话已在第 {line} 行使用：两位专家共用一个号码，一人会收到另一人的评标通知和链接',
    en: 'phone number already used on line {line}: two experts on one number would each get the other’s calls and links',
  },
  idInPool: { zh: '专家 {id} 已在专家库中，或已在本次导入的前面出现', en: 'expert {id} is already in the pool or earlier in this import' },
  phoneInPool: { zh: '此联系电话已属于专家库中的另一位专家：两位专家共用一个号码，一人会收到另一人的评标通知和链接', en: 'this phone number belongs to another expert in the pool: two experts on one number would each get the other’s calls and links' },
  idNumberInPool: { zh: '此居民身份证号码已属于专家库中或本次导入前面的某位专家', en: 'this ID number already belongs to an expert in the pool or earlier in this import' },
  exited: { zh: '专家 {id} 已退出专家库，不能更改其状态', en: 'expert {id} has left the pool: their status cannot change' },
  lapsed: { zh: '专家 {id} 的资格确认已过期；请先重新确认，不能通过文件恢复', en: 'expert {id}’s confirmation lapsed: re-confirm them, a file cannot reinstate them' },
  sanctioned: { zh: '专家 {id} 的处理仍在执行中，文件不能减轻或撤销；只有成立的申诉才能解除', en: 'expert {id} is under a sanction in force: a file cannot weaken or undo it; only an upheld objection lifts it' },
  unknownField: { zh: '未知字段', en: 'unknown field' },
  unknownFieldHidden: { zh: '未知字段（不显示字段名）', en: 'unknown field (name not shown)' },
  lineTooLong: { zh: '该行超过 {max} 个字符', en: 'line is longer than {max} characters' },
  badJson: { zh: '不是有效的 JSON', en: 'not valid JSON' },
  badJsonAt: { zh: '不是有效的 JSON（约第 {column} 列）', en: 'not valid JSON (near column {column})' },
  notObject: { zh: '应为 JSON 对象，实际为{found}', en: 'expected a JSON object, found {found}' },
  statusValues: {
    zh: '取值须为以下之一：active、suspended、blacklisted、retired（CSV 文件中也可写 正常、暂停、黑名单、退休）',
    en: 'must be one of: active, suspended, blacklisted, retired (a CSV file may also write them in Chinese)',
  },
  loneSurrogate: { zh: '文字中有不成对的代理字符（\\uD800–\\uDFFF），不是有效的 Unicode 文本', en: 'a text holds an unpaired surrogate (\\uD800–\\uDFFF): not valid Unicode' },
  tooManyRows: { zh: '超过 {max} 行；请拆分文件', en: 'more than {max} rows; split the file' },
  unclosedQuote: { zh: '从此行开始的带引号字段没有结束引号', en: 'a quoted field starting on this line is never closed' },
  textAfterQuote: { zh: '第 {field} 个字段：结束引号后还有文字', en: 'field {field}: text after a closing quote' },
  quoteInside: { zh: '第 {field} 个字段：未加引号的字段中有引号', en: 'field {field}: a quote inside an unquoted field' },
  recordTooLong: { zh: '该记录超过 {max} 个字符', en: 'record is longer than {max} characters' },
  emptyFile: { zh: '文件为空；需要标题行', en: 'the file is empty; a header row is needed' },
  headerRow: { zh: '标题行：{problem}', en: 'header row: {problem}' },
  fieldCount: { zh: '应有 {expected} 个字段（与标题行相同），实际为 {found} 个', en: 'expected {expected} fields as in the header, found {found}' },
  columnTwice: { zh: '第 {first} 列和第 {second} 列都是 {column}', en: 'columns {first} and {second} both give {column}' },
  noHeader: { zh: '第一行中没有可识别的列名；是否缺少标题行？', en: 'no recognised column names in the first row; is the header row missing?' },
  blankColumn: { zh: '第 {column} 列没有列名', en: 'column {column} has no header' },
  relationsColumn: { zh: '第 {column} 列“{name}”：回避关系不能通过 CSV 导入；请使用 JSON lines', en: 'column {column} "{name}": relations are not imported through CSV; use JSON lines' },
  unknownColumn: { zh: '未知的第 {column} 列 {name}', en: 'unknown column {column} {name}' },
  missingColumn: { zh: '缺少必需的列 {column}（{aliases}）', en: 'required column {column} ({aliases}) is missing' },
});

/** What a JSON line held instead of an object. */
export const jsonValue = defineMessages({
  null: { zh: '空值 null', en: 'null' },
  array: { zh: '数组', en: 'an array' },
  number: { zh: '数字', en: 'number' },
  string: { zh: '字符串', en: 'string' },
  boolean: { zh: '布尔值', en: 'boolean' },
});
