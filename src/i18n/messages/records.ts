// Performance records (履职记录): entering a seated expert's conduct after an evaluation, and its corrections.
import { defineMessages } from '../define.js';

export const records = defineMessages({
  sanctionRests: {
    zh: '处理 {consequence} 正依据记录 {id} 执行中：录入该记录的人不能更正撤下它，须由另一人更正，或由专家提出申诉',
    en: 'consequence {consequence} in force rests on record {id}: whoever entered the record does not correct it away; another person corrects it, or the expert objects',
  },
  linkLimit: { zh: '一天内最多向同一位专家发送 {count} 条履职记录链接；下一条可在 {at} 之后发送', en: 'at most {count} record links a day can be sent to one expert; the next one after {at}' },
  linkChanged: { zh: '同时有另一条履职记录链接发给该专家；请重新发送', en: 'another record link was sent to the expert meanwhile; send again' },
  notDrawn: { zh: '抽取 {id} 没有完成，不能记录专家履职情况', en: 'draw {id} is not complete: no record can be entered for it' },
  beforeOpening: { zh: '开标之前不能记录专家履职情况', en: 'records can be entered only after bid opening' },
  noSeat: { zh: '本次抽取没有组 {group} 的席位 {seat}', en: 'this draw has no seat {seat} in group {group}' },
  seatNotTaken: { zh: '组 {group} 的席位 {seat} 当前没有接受通知或已签到的专家', en: 'seat {seat} of group {group} holds no expert who accepted or checked in' },
  noRecord: { zh: '本次抽取没有编号为 {id} 的履职记录', en: 'this draw has no record {id}' },
  alreadyCorrected: { zh: '履职记录 {id} 已由记录 {by} 更正；请更正最新的记录', en: 'record {id} was corrected by {by}; correct the latest one' },
  changed: { zh: '履职记录同时被他人修改；请重新提交', en: 'the records changed meanwhile; submit again' },
});
