// The reasons our own schemas give for a bad field (src/domain/primitives.ts): the English text is the schema's
// message, and src/i18n/zod-issues.ts finds the Chinese one by it.
import { defineMessages } from '../define.js';

export const field = defineMessages({
  expertId: { zh: '专家编号：1–64 个字符，限 A–Z、a–z、0–9、_ 或 -', en: 'expert id: 1–64 characters of A–Z, a–z, 0–9, _ or -' },
  projectId: { zh: '项目编号：1–64 个字符，限 A–Z、a–z、0–9、_、. 或 -', en: 'project id: 1–64 characters of A–Z, a–z, 0–9, _, . or -' },
  projectIdDots: { zh: '项目编号不能只由“.”组成（“.”和“..”在网址中另有含义）', en: 'a project id cannot be dots only ("." and ".." mean something else in an address)' },
  idPersonal: {
    zh: '编号不能含身份证号码：编号写入审计日志和公开的抽取证明，永远无法删除',
    en: 'an id cannot hold an ID number: ids go into the audit log and published draw proofs, where nothing can be taken out',
  },
  siteId: {
    zh: '远程评标场地编号：1–64 个字符，限 A–Z、a–z、0–9、.、_ 或 -，以字母或数字开头',
    en: 'site id: 1–64 characters of A–Z, a–z, 0–9, ., _ or -, starting with a letter or digit',
  },
  drawId: { zh: '抽取编号：D- 后接 UUID', en: 'draw id: D- followed by a UUID' },
  userId: { zh: '用户编号：U- 后接 UUID', en: 'user id: U- followed by a UUID' },
  uscc: { zh: '不是有效的统一社会信用代码（18 位，含校验码）', en: 'not a valid unified social credit code (18 characters with a check character)' },
  residentIdBirth: { zh: '居民身份证号码中的出生日期不可能属于专家：在未来，或未满 18 周岁', en: 'the birth date in the resident ID number cannot be an expert’s: in the future, or under 18' },
  residentId: { zh: '不是有效的居民身份证号码（18 位，含校验码）', en: 'not a valid resident ID number (18 characters with a check digit)' },
  specialty: { zh: '专业代码：A、B 或 C 后接最多三级、每级两位数字，例如 A0101', en: 'specialty code: A, B or C followed by up to three 2-digit levels, e.g. A0101' },
  region: { zh: '行政区划代码：6 位数字', en: 'region code: 6-digit administrative division code' },
  regionPrefix: { zh: '地区前缀：2 位（省）、4 位（市）或 6 位（县）数字', en: 'region prefix: 2 (province), 4 (city) or 6 (county) digits' },
  offset: { zh: '日期时间须带时区偏移', en: 'date-time must carry a time zone offset' },
  hex32: { zh: '32 字节，64 位小写十六进制数字', en: '32 bytes as 64 lower-case hex digits' },
  wellFormed: { zh: '文字中不能有不成对的代理字符（须为有效的 Unicode 文本）', en: 'text must be valid Unicode (no unpaired surrogate)' },
  bidi: { zh: '文字中不能有双向控制字符', en: 'text must not hold bidirectional control characters' },
  control: { zh: '文字中不能有控制字符（制表符、换行等）', en: 'text must not hold control characters (tabs, line breaks, …)' },
  loggedPersonal: {
    zh: '此内容会永久记入审计日志（督查和审计人员可读），不能含手机号码、居民身份证号码或其他 11 位以上的数字（无论怎样书写）',
    en: 'this text is kept in the audit log for good (supervisors and inspectors read it): it cannot hold a phone or ID number, or any other number of 11 digits or more, however written',
  },
  venueContact: {
    zh: '评标地点不能含电话号码或联系方式（微信、QQ、钉钉等）：它写进发给每位被抽中专家的短信，专家按它联系，就把自己被抽中告诉了对方；专家只通过短信中的答复链接答复',
    en: 'the venue cannot hold a phone number or a messaging account (WeChat, QQ, DingTalk …): it goes into the text to every expert drawn, and an expert who used it would tell whoever is behind it that they were drawn; experts answer through the link in the text only',
  },
  venueLink: { zh: '评标地点不能含网址：它写进发给专家的短信，短信中只应有本服务的答复链接', en: 'the venue cannot hold a web address: it goes into the text messages to experts, whose only link is the service’s own' },
  idempotencyKey: { zh: 'Idempotency-Key 须为 8–128 个可见 ASCII 字符（不含空格）', en: 'Idempotency-Key: 8–128 visible ASCII characters (no spaces)' },
  upsertOnly: { zh: 'dryRun 和 retireMissing 只用于 mode=upsert（按修订后的专家库文件更新）', en: 'dryRun and retireMissing apply to mode=upsert only (a revised pool file)' },
  retireConfirmOnly: {
    zh: 'retireCount 和 poolVersion 只用于确认一次实际退出专家的导入（mode=upsert&retireMissing=true，非试运行）',
    en: 'retireCount and poolVersion only confirm an import that retires experts (mode=upsert&retireMissing=true, not a dry run)',
  },
  appliedNotUpsert: { zh: 'admission=applied 将文件中的专家登记为入库申请：请用 mode=all 或 mode=valid', en: 'admission=applied files new applications: use mode all or valid' },
  agencyIsTenderer: { zh: '招标代理不能是招标人本身（招标人自行招标时不填）', en: 'the agency cannot be the tenderer itself (leave it null when the tenderer runs the tender)' },
  bidderIsTenderer: { zh: '投标人不能是本项目的招标人', en: 'a bidder cannot be the project’s tenderer' },
  bidderIsAgency: { zh: '投标人不能是本项目的招标代理（招标投标法实施条例第十三条）', en: 'a bidder cannot be the project’s tendering agency (Tendering Regulations, art. 13)' },
  decimal: { zh: '须为十进制整数（只含数字 0–9）', en: 'a decimal integer (digits 0–9 only)' },
  nothingToChange: { zh: '没有要修改的内容', en: 'nothing to change' },
  visible: { zh: '文字中至少要有一个可见字符', en: 'text must hold at least one visible character' },
});
