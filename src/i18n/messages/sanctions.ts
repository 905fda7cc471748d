// Rules and consequences, objections (申诉) against a record or a consequence (docs/records.md).
import { defineMessages } from '../define.js';

export const sanctions = defineMessages({
  noRecord: { zh: '专家 {id} 的履职记录中没有日志序号为 {index} 的有效记录', en: 'expert {id} has no standing record at log index {index}' },
  noConsequence: { zh: '专家 {id} 没有编号为 {consequence} 的处理', en: 'expert {id} has no consequence {consequence}' },
  annulled: { zh: '处理 {consequence} 已经撤销', en: 'consequence {consequence} was annulled already' },
  objectionExists: { zh: '该记录或处理已有申诉 {objection}', en: 'objection {objection} was lodged against it already' },
  noObjection: { zh: '没有编号为 {id} 的申诉', en: 'no objection {id}' },
  objectionDecided: { zh: '申诉 {id} 已经处理', en: 'objection {id} was decided already' },
  changed: { zh: '处理或申诉同时被他人修改；请重新提交', en: 'the consequences or objections changed meanwhile; submit again' },
});
