// Rules and consequences, objections (申诉) against a record or a consequence (docs/records.md).
import { defineMessages } from '../define.js';

export const sanctions = defineMessages({
  noRecord: { zh: '专家 {id} 的履职记录中没有日志序号为 {index} 的有效记录', en: 'expert {id} has no standing record at log index {index}' },
  noConsequence: { zh: '专家 {id} 没有编号为 {consequence} 的处理', en: 'expert {id} has no consequence {consequence}' },
  annulled: { zh: '处理 {consequence} 已经撤销', en: 'consequence {consequence} was annulled already' },
  decideOwn: {
    zh: '申诉 {id} 由您代为提出，须由另一位专家库管理员决定（一人不能既提出又决定）',
    en: 'you lodged objection {id} on the expert’s behalf: another pool manager decides it (one person does not both lodge and decide)',
  },
  decideOwnLink: {
    zh: '申诉 {id} 经您发送的查询链接提出，须由另一位专家库管理员决定',
    en: 'objection {id} was lodged through a record link you had sent: another pool manager decides it',
  },
  objectionExists: { zh: '该记录或处理已有申诉 {objection}', en: 'objection {objection} was lodged against it already' },
  noObjection: { zh: '没有编号为 {id} 的申诉', en: 'no objection {id}' },
  objectionDecided: { zh: '申诉 {id} 已经处理', en: 'objection {id} was decided already' },
  noConsequenceId: { zh: '没有编号为 {consequence} 的处理', en: 'no consequence {consequence}' },
  notAReview: { zh: '处理 {consequence} 不是复核，不能结束复核', en: 'consequence {consequence} is not a review' },
  reviewEnded: { zh: '复核 {consequence} 已经结束（{state}）', en: 'review {consequence} has ended already ({state})' },
  changed: { zh: '处理或申诉同时被他人修改；请重新提交', en: 'the consequences or objections changed meanwhile; submit again' },
});

/** A consequence's state, as messages name it. */
export const consequenceState = defineMessages({
  'in-force': { zh: '执行中', en: 'in force' },
  expired: { zh: '已到期', en: 'expired' },
  annulled: { zh: '已撤销', en: 'annulled' },
  closed: { zh: '复核已结束', en: 'review closed' },
});
