// The audit log, its checkpoints and signed notes. Reasons from the log's self-check and from parsing notes and
// checkpoints are technical (they follow the C2SP specs' wording) and stay in English inside the Chinese text.
import { defineMessages } from '../define.js';

export const log = defineMessages({
  broken: { zh: '审计日志在第 {index} 条处损坏：{reason}', en: 'the audit log is broken at index {index}: {reason}' },
  closed: { zh: '审计日志已关闭', en: 'the audit log is closed' },
  unreadable: { zh: '无法读回审计日志', en: 'the audit log could not be read back' },
  unwritable: { zh: '无法写入审计日志', en: 'the audit log could not be written' },
  brokenNoCheckpoint: { zh: '审计日志已损坏，不再签署检查点', en: 'no checkpoint is signed over a broken log' },
  malformedCheckpoint: { zh: '检查点格式错误：{reason}', en: 'malformed checkpoint: {reason}' },
  originMismatch: { zh: '检查点的日志来源不是 {origin}', en: 'checkpoint origin is not {origin}' },
  malformedKey: { zh: '签名注记的密钥格式错误：{reason}', en: 'malformed note key: {reason}' },
  malformedNote: { zh: '签名注记格式错误：{reason}', en: 'malformed note: {reason}' },
  ambiguousKey: { zh: '密钥 {key} 无法唯一确定', en: 'ambiguous key {key}' },
  invalidSignature: { zh: '密钥 {key} 的签名无效', en: 'invalid signature for key {key}' },
  unverifiedNote: {
    zh: '签名注记没有可验证的签名：签名密钥为 {signers}，而所用的验证密钥为 {pinned}（请核对验证密钥是否就是本日志的公钥）',
    en: 'note has no verifiable signatures: signed by {signers}, while the verifier key given is {pinned} (check that it is this log’s key)',
  },
  // The log marker (src/log/log-marker.ts): a start on a store whose log is behind what this instance signed.
  behindMarker: {
    zh: '存储中的审计日志只有 {size} 条记录，少于本实例已签署或确认的 {marked} 条（日志标记，{at}）',
    en: 'the store’s log is of size {size}, smaller than the size {marked} this instance signed or saw confirmed (its log marker, {at})',
  },
  otherTreeAtMarker: {
    zh: '存储中审计日志前 {marked} 条记录构成的树，不是本实例已签署或确认的那棵（日志标记，{at}）：存储中是另一份日志',
    en: 'the store’s log at size {marked} is not the tree this instance signed or saw confirmed (its log marker, {at}): the store holds another log',
  },
  refusedStart: {
    zh: '拒绝启动：{problem}。服务停止期间存储被清空、替换或回退；此时启动将以同一密钥开始第二份审计日志。请从备份恢复存储（docs/backups.md）；如确需从较短的日志或新的日志继续，请先归档日志标记：expert-draw log archive-marker --reason "…"（下次启动时记入审计日志）。日志标记：{file}',
    en: 'refusing to start: {problem}. The store was emptied, replaced or rolled back while the service was down; starting would begin a second log under the same key. Restore the store from a backup (docs/backups.md); if a shorter or a new log is deliberate, archive the marker first: expert-draw log archive-marker --reason "…" (recorded in the log at the next start). Log marker: {file}',
  },
  refusedOtherName: {
    zh: '拒绝启动：存储 {store} 中的审计日志为空，而本实例曾以同一日志密钥在另一个存储名下签署或确认过日志：{marked}。如果这是同一个存储换了名称（Redis 前缀、地址的另一种写法、数据目录的另一条路径），请改正设置；如确需开始新的日志，请先归档日志标记：expert-draw log archive-marker --reason "…"（下次启动时记入审计日志）。日志标记：{file}',
    en: 'refusing to start: the store {store} holds an empty log, while this instance signed or saw confirmed a log of the same key under another store name: {marked}. If this is the same store under another name (a Redis prefix, another spelling of the address, another path to the data folder), fix the setting; if a new log is deliberate, archive the marker first: expert-draw log archive-marker --reason "…" (recorded in the log at the next start). Log marker: {file}',
  },
  // The inspector's log API (GET /v1/log/...).
  checkpointNotFound: { zh: '没有树大小为 {size} 的检查点', en: 'no checkpoint of tree size {size}' },
  beyondSize: { zh: '审计日志只有 {size} 条记录，没有树大小 {asked}', en: 'the audit log holds {size} entries: there is no tree of size {asked}' },
  indexNotInTree: { zh: '第 {index} 条记录不在树大小为 {treeSize} 的树中', en: 'entry {index} is not in the tree of size {treeSize}' },
  sizesOutOfOrder: { zh: '一致性证明的起始树大小 {from} 大于终止树大小 {to}', en: 'a consistency proof goes from a smaller tree to a larger one: {from} is more than {to}' },
  rangeOutOfOrder: { zh: '记录范围的结束位置 {end} 小于起始位置 {start}', en: 'the range ends at {end}, before its start {start}' },
  startBeyond: { zh: '审计日志只有 {size} 条记录：索引 {start} 超出了日志末尾', en: 'the audit log holds {size} entries: index {start} is past its end' },
});
