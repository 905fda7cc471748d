// The expert's answer to a call, and the check-in desk (签到): what the desk and the expert read.
import { defineMessages } from '../define.js';

export const call = defineMessages({
  linkInvalid: { zh: '此答复链接无效', en: 'this response link is not valid' },
  answered: { zh: '此通知已答复', en: 'this call has already been answered' },
  deadlinePassed: { zh: '答复时间已过', en: 'the time to answer this call has passed' },
  cancelled: { zh: '本次评标已取消，无需答复', en: 'this evaluation was cancelled: no answer is needed' },
  closed: { zh: '此通知已不再等待答复', en: 'this call is no longer open' },
  changed: { zh: '此通知已发生变化；请重新答复', en: 'the call changed meanwhile; answer again' },
});

export const checkin = defineMessages({
  tooManyMisses: { zh: '此终端未匹配的居民身份证号码过多；请等待 {minutes} 分钟', en: 'too many unmatched ID numbers from this terminal; wait {minutes} minutes' },
  // One answer for never called and for a call that ended (declined, timed out, passed on): the desk learns nothing
  // about who else was called.
  noMatch: {
    zh: '此居民身份证号码不是本项目评标席位上的专家：未被通知，或其通知已结束（已拒绝、答复超时或席位已由他人递补）',
    en: 'this ID number is not an expert holding a seat of this project: not called, or the call ended (declined, not answered in time, or the seat passed on)',
  },
  already: { zh: '该专家已签到', en: 'this expert has already checked in' },
  answerFirst: {
    zh: '该专家尚未接受本项目的通知：请先通过通知中的链接（或电话）接受，再办理签到',
    en: 'this expert has not accepted this project’s call yet: accept it first (the link in the message, or by phone), then check in',
  },
  closed: { zh: '本项目的签到已于 {at} 截止：之后未到场的专家已记为未到场', en: 'check-in for this project closed at {at}: experts who had not come by then are recorded as no-shows' },
  // The reasons are a conflict with a party, or the expert's standing since the draw (suspended, blacklisted, retired,
  // left the pool): said as they are, not all as a conflict of interest.
  refused: {
    zh: '该专家不得参加本项目的评标：{reasons}；正在通知下一位备选专家',
    en: 'this expert may not evaluate this project: {reasons}; the next ranked expert is being called',
  },
  refusedUnfilled: {
    zh: '该专家不得参加本项目的评标：{reasons}；此席位无备选专家可通知（已无备选，或已过开标时间），请报告操作员',
    en: 'this expert may not evaluate this project: {reasons}; no ranked expert can be called for this seat (none left, or past bid opening): tell the operator',
  },
});

/** Why an expert is excluded (回避) or refused at check-in: src/draw/conflicts.ts EXCLUSION_CODES, and NOT_IN_POOL. */
export const exclusion = defineMessages({
  EMPLOYER_IS_TENDERER: { zh: '工作单位是招标人', en: 'employer is the tenderer' },
  EMPLOYER_IS_AGENCY: { zh: '工作单位是招标代理机构', en: 'employer is the tendering agency' },
  EMPLOYER_IS_BIDDER: { zh: '工作单位是投标人', en: 'employer is a bidder' },
  EMPLOYER_IS_AVOIDED: { zh: '工作单位是项目要求回避的单位', en: 'employer is an organisation the project avoids' },
  POSITION_AT_PARTY: { zh: '近年在项目一方任职、担任董事监事、控股或担任顾问', en: 'recently employed by, director, supervisor, controlling shareholder or adviser of a party' },
  RELATIVE_POSITION_AT_PARTY: { zh: '近亲属在项目一方任职', en: 'a close relative holds a position at a party' },
  PREPARED_PROJECT: { zh: '参与过本项目的前期准备', en: 'took part in preparing the project' },
  SUSPENDED: { zh: '处于暂停状态', en: 'suspended' },
  BLACKLISTED: { zh: '已列入黑名单', en: 'blacklisted' },
  RETIRED: { zh: '已退休', en: 'retired' },
  UNAVAILABLE: { zh: '当日不能参加', en: 'unavailable on that date' },
  FREQUENCY_CAP: { zh: '近期被抽取次数已达上限', en: 'drawn too often recently' },
  TENDERER_FREQUENCY_CAP: { zh: '为同一招标人被抽取的次数已达上限', en: 'drawn too often for the same tenderer' },
  RELATIVE_ON_PANEL: { zh: '近亲属已在本评标委员会', en: 'a close relative is on the panel' },
  EMPLOYER_CAP_ON_PANEL: { zh: '本评标委员会来自同一单位的专家已达上限', en: 'the panel holds the most experts allowed from one employer' },
  NOT_IN_POOL: { zh: '已不在专家库中', en: 'no longer in the pool' },
});
