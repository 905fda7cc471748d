// Monitoring and early warning (监测预警, docs/alerts.md): what each alert says, with the numbers that raised it.
import { defineMessages } from '../define.js';

export const alerts = defineMessages({
  declineCluster: {
    zh: '专家 {expert} 对招标人 {tenderer} 的 {calls} 次通知拒绝了 {declines} 次；按其总体拒绝率（{expertCalls} 次通知中拒绝 {expertDeclines} 次）预期约 {expected} 次',
    en: 'expert {expert} declined {declines} of {calls} calls for tenderer {tenderer}; at their overall rate ({expertDeclines} of {expertCalls} calls) about {expected} were expected',
  },
  coSeating: {
    zh: '专家 {a} 与专家 {b} 同在一个评标委员会 {together} 次；在两人均可抽取的 {trials} 次抽取中，随机抽取预期约 {expected} 次',
    en: 'experts {a} and {b} sat on the same panel {together} times; over the {trials} draws for which both were eligible, a random draw gives about {expected}',
  },
  agencyRepeat: {
    zh: '专家 {expert} 在招标代理机构 {agency} 的项目中入选 {seated} 次；在其可抽取的 {trials} 个抽取组中，随机抽取预期约 {expected} 次',
    en: 'expert {expert} was selected {seated} times for projects of tendering agency {agency}; over the {trials} groups for which they were eligible, a random draw gives about {expected}',
  },
  acceptanceDrop: {
    zh: '近 {periodDays} 天专家接受通知的比例为 {rate}（{calls} 次通知中接受 {accepted} 次），此前 {baselineDays} 天为 {baselineRate}（{baselineCalls} 次中接受 {baselineAccepted} 次）',
    en: 'experts accepted {rate} of calls in the last {periodDays} days ({accepted} of {calls}), against {baselineRate} in the {baselineDays} days before ({baselineAccepted} of {baselineCalls})',
  },
  withdrawnDraws: {
    zh: '远程评标场所 {site} 近 {days} 天内取消了 {withdrawn} 个已完成抽取的项目（本策略 {min} 个即预警）：场所在抽取后即可打开结果，取消后以新项目重新登记可能是在“重抽”直至抽中想要的专家',
    en: 'remote site {site} cancelled {withdrawn} drawn projects in the last {days} days (the policy alerts at {min}): a site opens its result at once, so cancelling and registering the tender again may be re-rolling for an expert it wants',
  },
});
