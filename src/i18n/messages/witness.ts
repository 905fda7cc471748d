// Witnessed draws (docs/draw-proof.md §6.2): the plan logged at scheduling, the witnesses' deposits, and a draw short of
// them. No message ever carries a secret.
import { defineMessages } from '../define.js';

export const witness = defineMessages({
  notPlanned: {
    zh: '项目 {id} 当前没有待见证的抽取计划（项目不要求见证，或其抽取已不在计划中）',
    en: 'project {id} has no planned draw to witness (it does not need witnesses, or its draw is no longer planned)',
  },
  usedUp: {
    zh: '项目 {id} 的见证存入已随抽取 {draw} 结束（{state}）：其计划已用完；项目重新安排开标时间后才有新的计划',
    en: 'witness deposits for project {id} closed with draw {draw} ({state}): its plan is used up; a new bid opening makes a new plan',
  },
  closed: {
    zh: '项目 {id} 的见证存入已于 {closeAt} 截止',
    en: 'witness deposits for project {id} closed at {closeAt}',
  },
  already: {
    zh: '你已为项目 {id} 的抽取计划 {draw} 存入秘密；每人每个计划只能存入一次',
    en: 'you have already deposited for plan {draw} of project {id}; one deposit per witness per plan',
  },
  noVault: {
    zh: '项目须达到“见证”保证级别，但本服务无法密封见证数据',
    en: 'the project needs witnessed assurance, but this service cannot seal witness secrets',
  },
  full: {
    zh: '项目 {id} 的抽取计划已有 {max} 份见证存入，不能再存入',
    en: 'the plan of project {id} already holds {max} witness deposits, the most a draw takes',
  },
  missing: {
    zh: '见证存入 {deposited} 份，少于政策要求的 {required} 份；按政策，该抽取失败',
    en: '{deposited} witness deposit(s), fewer than the {required} the policy requires; by the policy the draw fails',
  },
  stillOpen: {
    zh: '项目 {id} 的见证存入 {closeAt} 才截止，目前存入 {deposited} 份，少于要求的 {required} 份：现在抽取会使见证落空；请等到存入截止后按计划抽取',
    en: 'witness deposits for project {id} close at {closeAt} and hold {deposited} of the {required} required: drawing now would leave the witnesses out; let the draw run at its planned time',
  },
  sameSecret: {
    zh: '这份秘密已由另一位见证人存入（或是全零）：请各自随机生成（例如 openssl rand -hex 32）',
    en: 'this secret was deposited by another witness already (or is all zeros): make your own at random (e.g. openssl rand -hex 32)',
  },
  biddersAfterDeposits: {
    zh: '项目 {id} 的抽取计划已有见证存入：在抽取之前不能再改投标人（改动会改变抽取的输入）；请在抽取之后记录，签到时照样按其回避',
    en: 'the planned draw of project {id} holds witness deposits: its bidders cannot change before the draw (that would change its inputs); record them after the draw, and check-in still excludes their people',
  },
});
