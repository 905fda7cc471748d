// Draws: the committee rules, shortfalls, the seed's inputs, the result, unsealing, disclosure and proofs, and the
// names of a draw's states.
import { defineMessages } from '../define.js';

export const draw = defineMessages({
  notFound: { zh: '没有编号为 {id} 的抽取记录', en: 'no draw {id}' },
  wrongState: { zh: '抽取 {id} 当前为“{state}”', en: 'draw {id} is {state}' },
  noResult: { zh: '抽取 {id} 没有结果', en: 'draw {id} has no result' },
  noSealedResult: { zh: '抽取 {id} 当前为“{state}”；没有密封的结果', en: 'draw {id} is {state}; it has no sealed result' },
  poolKeepsChanging: { zh: '专家库一直在变动；请重新抽取', en: 'the pool keeps changing; retry the draw' },
  resultProjectChanged: {
    zh: '抽取 {draw} 的结果写入之前，项目 {project} 已被修改（中止或编辑）；该抽取没有结果，请重新抽取',
    en: 'project {project} changed before the result of draw {draw} was written (aborted or edited meanwhile); the draw has no result, draw again',
  },
  resultConflict: {
    zh: '抽取 {draw} 的结果无法写入：其 {collection} 记录已被修改；请重新抽取',
    en: 'the result of draw {draw} could not be written: its {collection} changed meanwhile; draw again',
  },
  sitesDisabled: {
    zh: '本服务未启用远程评标场地；密封给 {site} 的项目不能抽取',
    en: 'remote sites are not enabled here; project sealed to {site} cannot be drawn',
  },
  inProgress: {
    zh: '项目 {id} 的抽取正在进行；请查询项目状态，或稍后重试',
    en: "a draw of project {id} is in progress; ask for the project's state, or retry shortly",
  },
  committeeRules: { zh: '不符合评标委员会的组成规则：{rules}', en: 'the committee rules are not met: {rules}' },
  committeeTooSmall: { zh: '评标委员会 {total} 人，少于最低人数 {min} 人', en: 'committee of {total} is below the minimum of {min}' },
  committeeEven: { zh: '评标委员会 {total} 人，人数须为单数', en: 'committee of {total} must have an odd number of members' },
  expertShare: { zh: '抽取的 {drawn} 名专家少于委员会 {total} 人的 {num}/{den}', en: '{drawn} drawn experts are fewer than {num}/{den} of {total}' },
  fewAlternates: {
    zh: '组 {group} 要求 {alternates} 名备选专家，少于政策规定的最少 {min} 名',
    en: 'group {group} asks for {alternates} alternates, fewer than the policy minimum of {min}',
  },
  insufficient: { zh: '符合条件的专家不足：{groups}', en: 'not enough eligible experts: {groups}' },
  // {group} counts from 1, as people and the site's desk do (details.groups[].group is the request's index, from 0).
  groupShort: {
    zh: '第 {group} 组（{specialty}）需 {required} 人（评标专家及备选），符合条件的仅 {available} 人，缺 {shortfall} 人',
    en: 'group {group} ({specialty}) needs {required} (panel and alternates), {available} eligible: short by {shortfall}',
  },
  nonceLength: { zh: '服务随机数须为 {bytes} 字节', en: 'nonce must be {bytes} bytes' },
  leafHashLength: { zh: '承诺的叶哈希须为 32 字节', en: 'commit leaf hash must be 32 bytes' },
  nonceMismatch: { zh: '服务随机数与承诺中的哈希不符', en: 'the nonce does not match the committed nonce hash' },
  beaconNeeded: { zh: '抽取计划指定了信标轮次：需要该轮的随机数', en: 'the plan names a beacon round: its randomness is needed' },
  beaconAbsent: { zh: '抽取计划没有信标', en: 'the plan has no beacon' },
  beaconLength: { zh: '信标随机数须为 {bytes} 字节', en: 'beacon randomness must be {bytes} bytes' },
  witnessCount: { zh: '应有 {expected} 份见证数据，实际为 {found} 份', en: 'expected {expected} witness reveals, got {found}' },
  witnessLength: { zh: '见证数据 {index} 须为 {min}–{max} 字节', en: 'witness reveal {index} must be {min}–{max} bytes' },
  witnessMismatch: { zh: '见证数据 {index} 与其承诺不符', en: 'witness reveal {index} does not match its commitment' },
  sealedUntilOpening: { zh: '开标之前名单保持密封', en: 'the list stays sealed until bid opening' },
  panelSealed: {
    zh: '名单仍密封：开标后经操作员和监督人员批准方可启封',
    en: "the list is sealed: it opens after bid opening with an operator's and a supervisor's approval",
  },
  noRoster: { zh: '抽取 {id} 没有通知名册', en: 'draw {id} has no roster' },
  discloseAfterUnseal: { zh: '名单经两人批准启封之后，才能公开抽取', en: 'a draw is disclosed only after its list was unsealed by two people' },
  notRebuilt: { zh: '无法根据审计日志重建该抽取：{reason}', en: 'the draw cannot be rebuilt from the log: {reason}' },
  notSealedToSites: { zh: '抽取 {id} 没有密封给远程评标场地', en: 'draw {id} is not sealed to a site' },
  notSealedToSite: { zh: '抽取 {id} 没有密封给远程评标场地 {site}', en: 'draw {id} is not sealed to site {site}' },
  proofAtDisclosure: { zh: '证明在公开抽取时发布', en: 'the proof is published at disclosure' },
  noOwnProof: {
    zh: '抽取 {id} 未产生结果（失败或中止），没有自己的证明包：它随本项目下一次公开的抽取的证明一起核验（abandoned）',
    en: 'draw {id} ended without a result (failed or aborted) and has no proof bundle of its own: it is checked in the proof of the project’s next disclosed draw (abandoned)',
  },
});

/** Draw states (src/records/draws.ts DRAW_STATES). */
export const drawState = defineMessages({
  committed: { zh: '已提交承诺', en: 'committed' },
  drawn: { zh: '已完成', en: 'drawn' },
  failed: { zh: '失败', en: 'failed' },
  aborted: { zh: '已中止', en: 'aborted' },
});
