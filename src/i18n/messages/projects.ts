// Projects and their draw schedule (src/services/project.service.ts), and the names of a project's states.
import { defineMessages } from '../define.js';

export const project = defineMessages({
  notFound: { zh: '没有编号为 {id} 的项目', en: 'no project {id}' },
  openedNotCancellable: { zh: '项目 {id} 已开标，评标已开始，不能再取消', en: 'project {id} has opened its bids and the evaluation has begun: it can no longer be cancelled' },
  exists: { zh: '项目 {id} 已存在', en: 'project {id} already exists' },
  changed: { zh: '项目 {id} 已被修改；请重试', en: 'project {id} changed meanwhile; retry' },
  changedMeanwhile: { zh: '项目 {id} 已被修改', en: 'project {id} changed meanwhile' },
  sameOpening: {
    zh: '项目 {id} 的开标时间已是 {at}：改期须改为另一个时间',
    en: 'project {id} opens at {at} already: a postponement needs another time',
  },
  notReschedulable: {
    zh: '项目 {id} 当前为“{state}”；只有已排期、错过抽取时间或抽取失败的项目可以改期',
    en: 'project {id} is {state}; only a scheduled, missed or failed project can be rescheduled',
  },
  notCancellable: { zh: '项目 {id} 当前为“{state}”，不能取消', en: 'project {id} is {state} and cannot be cancelled' },
  cancelled: { zh: '项目 {id} 已取消', en: 'project {id} is cancelled' },
  tooManyBidders: { zh: '一个项目最多登记 {max} 家投标人', en: 'a project names at most {max} bidders' },
  wrongState: { zh: '项目 {id} 当前为“{state}”', en: 'project {id} is {state}' },
  noCompletedDraw: { zh: '项目 {id} 没有已完成的抽取', en: 'project {id} has no completed draw' },
  scheduleRules: { zh: '不符合抽取时间规则：{rules}', en: 'the schedule rules are not met: {rules}' },
  leadTooLong: { zh: '提前 {lead} 分钟抽取，超过政策上限 {max} 分钟', en: 'lead time of {lead} minutes exceeds the policy cap of {max}' },
  leadTooShort: {
    zh: '提前 {lead} 分钟抽取过短：须至少提前 {minutes} 分钟，专家才能在开标前答复通知（政策给专家 {answer} 分钟答复）',
    en: 'a lead time of {lead} minutes is too short: at least {minutes}, so that the experts can answer their calls before bid opening (the policy gives them {answer} minutes to answer)',
  },
  openingPast: { zh: '开标时间不在将来', en: 'bid opening is not in the future' },
  openingTooSoon: {
    zh: '距开标不足 {minutes} 分钟：专家来不及在开标前答复通知（政策给专家 {answer} 分钟答复）',
    en: 'bid opening is less than {minutes} minutes away: the experts could not answer their calls before it (the policy gives them {answer} minutes to answer)',
  },
  unknownSpecialties: { zh: '专家库中没有专业为 {specialties} 的专家', en: 'no expert in the pool holds {specialties}' },
});

/** Project states (src/records/projects.ts PROJECT_STATES). */
export const projectState = defineMessages({
  scheduled: { zh: '已排期', en: 'scheduled' },
  drawing: { zh: '正在抽取', en: 'drawing' },
  drawn: { zh: '已抽取', en: 'drawn' },
  missed: { zh: '错过抽取时间', en: 'missed' },
  cancelled: { zh: '已取消', en: 'cancelled' },
  failed: { zh: '抽取失败', en: 'failed' },
});
