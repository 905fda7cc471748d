// The randomness beacon (drand): a relay that cannot be reached, serves another chain or a round that does not verify,
// a round that does not come, and a project that needs a beacon the service does not have.
import { defineMessages } from '../define.js';

export const beacon = defineMessages({
  unreachable: { zh: '无法连接信标中继（{reason}）', en: 'the beacon relay cannot be reached ({reason})' },
  relayAnswered: { zh: '信标中继答复 HTTP {status}', en: 'the beacon relay answered HTTP {status}' },
  noAnswerYet: { zh: '信标中继尚未答复', en: 'no answer from the beacon relay yet' },
  wrongChain: { zh: '信标中继提供的不是固定的信标链 {chain}：{reason}', en: 'the beacon relay does not serve the pinned chain {chain}: {reason}' },
  badRound: { zh: '信标第 {round} 轮未通过验证：{reason}', en: 'beacon round {round} does not verify: {reason}' },
  roundMissing: {
    zh: '信标第 {round} 轮在其发布时间后 {seconds} 秒内没有到达：{reason}',
    en: 'beacon round {round} did not arrive within {seconds} s of its time: {reason}',
  },
  notConfigured: {
    zh: '项目须达到“信标”保证级别，但本服务没有配置信标（EXPERT_DRAW_BEACON_URL）',
    en: 'the project needs beacon assurance, but no beacon is configured here (EXPERT_DRAW_BEACON_URL)',
  },
});
