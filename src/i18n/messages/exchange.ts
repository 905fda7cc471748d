// The exchange of performance and credit records with other centres (docs/exchange.md).
import { defineMessages } from '../define.js';

export const exchange = defineMessages({
  malformed: { zh: '交换文件不符合 expert-draw/exchange/v1 格式；未保存任何内容', en: 'the file is not an expert-draw/exchange/v1 document; nothing was stored' },
  untrusted: { zh: '签名密钥 {key}（{keyId}）不在受信任的密钥中（EXPERT_DRAW_EXCHANGE_TRUSTED）；未保存任何内容', en: 'the signing key {key} ({keyId}) is not among the trusted keys (EXPERT_DRAW_EXCHANGE_TRUSTED); nothing was stored' },
  badSignature: { zh: '文件的签名在密钥 {key} 下验证失败：文件在签名后被修改；未保存任何内容', en: 'the signature does not verify under key {key}: the file was changed after signing; nothing was stored' },
  issuerMismatch: { zh: '文件的签发方与签名密钥 {key} 不符；未保存任何内容', en: 'the issuer does not match the signing key {key}; nothing was stored' },
  personKey: { zh: '文件的人员密钥（{theirs}）与本中心的（{ours}）不同，无法对应同一专家；未保存任何内容', en: 'the file’s person key ({theirs}) is not this centre’s ({ours}): nobody can be matched; nothing was stored' },
  unconfigured: { zh: '未配置 {setting}：见 docs/exchange.md', en: '{setting} is not set: see docs/exchange.md' },
  alreadyImported: { zh: '此文件已于 {at} 导入', en: 'this document was imported at {at}' },
});
