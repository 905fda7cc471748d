// Admission and exit (准入/退出, docs/admission.md): applications, re-confirmation, exits and their reasons.
import { defineMessages } from '../define.js';

export const lifecycle = defineMessages({
  exited: { zh: '专家 {id} 已退出专家库，不能再更改其状态', en: 'expert {id} has left the pool: their status cannot change any more' },
  lapsedStatus: { zh: '专家 {id} 的资格确认已过期：须先重新确认，才能恢复或设定有期限的暂停', en: 'expert {id}’s confirmation lapsed: re-confirm them before reinstating them or setting a suspension that ends' },
  applicationNotFound: { zh: '没有专家编号为 {id} 的入库申请', en: 'no application {id}' },
  applicationExists: { zh: '专家编号 {id} 已被专家库或另一份入库申请使用', en: 'expert id {id} is already used in the pool or by another application' },
  idNumberTaken: { zh: '此居民身份证号码已属于专家库中的专家或另一份待审核的申请', en: 'this ID number already belongs to an expert of the pool or to another pending application' },
  applicationDecided: { zh: '入库申请 {id} 已于 {at} 处理（{state}）', en: 'application {id} was decided at {at} ({state})' },
  decidedAdmitted: { zh: '已准入', en: 'admitted' },
  decidedRejected: { zh: '已驳回', en: 'rejected' },
  applicationChanged: { zh: '入库申请 {id} 已被修改；请重试', en: 'application {id} changed meanwhile; retry' },
  alreadyExited: { zh: '专家 {id} 已退出专家库', en: 'expert {id} has already left the pool' },
  untrueExit: {
    zh: '退出原因 {reason} 对专家 {id} 尚不成立（未到退休年龄，或资格证书未过期）：请填写实际原因',
    en: 'the exit reason {reason} is not true of expert {id} (retirement age not reached, or the certificate not expired): give the real reason',
  },
  notYetAdopted: { zh: '专家 {id} 尚无准入记录；定期处理运行后再试', en: 'expert {id} has no lifecycle yet; try again after the periodic pass' },
});

/** Exit reasons (src/domain/lifecycle.ts EXIT_REASONS). */
export const exitReason = defineMessages({
  resigned: { zh: '本人申请退出', en: 'Resigned' },
  'retired-age': { zh: '达到退出年龄', en: 'Reached the retirement age' },
  'certificate-expired': { zh: '资格证书过期', en: 'Qualification certificate expired' },
  removed: { zh: '取消评标专家资格', en: 'Removed from the pool' },
  deceased: { zh: '死亡', en: 'Deceased' },
  'not-in-register': { zh: '未列入更新后的专家名册', en: 'Not in the revised pool register' },
  other: { zh: '其他原因', en: 'Other reason' },
});
