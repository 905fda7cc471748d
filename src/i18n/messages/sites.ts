// Remote evaluation sites (远程评标场地) and their certificates (src/services/site.service.ts, src/crypto/ca.ts).
import { defineMessages } from '../define.js';

export const site = defineMessages({
  notFound: { zh: '没有编号为 {id} 的远程评标场地', en: 'no site {id}' },
  exists: { zh: '远程评标场地 {id} 已登记；请改为更新其证书', en: 'site {id} is already registered; renew its certificate instead' },
  otherSite: { zh: '证书指明的是远程评标场地 {named}，而不是 {id}', en: 'the certificate names site {named}, not {id}' },
  sameCertificate: { zh: '远程评标场地 {id} 已在使用此证书', en: 'site {id} already has this certificate' },
  replacedCertificate: {
    zh: '此证书是远程评标场地 {id} 续期时已被替换的旧证书，不能恢复使用：请签发新证书',
    en: 'this certificate was replaced when site {id} was renewed, and does not come back: issue a new one',
  },
  retiredKey: {
    zh: '此证书的密钥是远程评标场地 {id} 更换密钥前的旧密钥，不能恢复使用：请用新生成的密钥申请证书',
    en: 'this certificate holds the key site {id} moved away from at a renewal, which does not come back: certify a newly generated key',
  },
  alreadyRevoked: { zh: '远程评标场地 {id} 已被撤销', en: 'site {id} is already revoked' },
  unregistered: { zh: '远程评标场地 {id} 未登记', en: 'site {id} is not registered' },
  revokedNoSeal: { zh: '远程评标场地 {id} 已被撤销；更新其证书之前，不向其密封任何结果', en: 'site {id} is revoked; nothing is sealed to it until its certificate is renewed' },
  unusable: { zh: '远程评标场地 {id}：{reason}', en: 'site {id}: {reason}' },
  notValidNow: { zh: '远程评标场地 {id} 的证书当前不在有效期内（有效期至 {until}）；请更新证书', en: 'the certificate of site {id} is not valid now (until {until}); renew it' },
  storedMismatch: { zh: '远程评标场地 {id} 存储的证书与其记录不符', en: 'the stored certificate of site {id} does not match its record' },
  caMissing: {
    zh: '{file} 处没有远程评标场地证书的颁发机构证书：请用 `expert-draw ca init` 创建，并安装其 ca.pem（EXPERT_DRAW_SITE_CA_FILE）',
    en: 'no site CA certificate at {file}: create one with `expert-draw ca init` and install its ca.pem (EXPERT_DRAW_SITE_CA_FILE)',
  },
  reservedId: { zh: '远程评标场地编号 {id} 为保留编号', en: 'the site id {id} is reserved' },
  changed: { zh: '远程评标场地 {id} 已被修改；请重试', en: 'site {id} changed meanwhile; retry' },
});

/** Why a certificate is refused; `what` is one of the certificate names below. */
export const certificate = defineMessages({
  ca: { zh: '颁发机构证书', en: 'the CA certificate' },
  site: { zh: '远程评标场地证书', en: 'the site certificate' },
  any: { zh: '证书', en: 'the certificate' },
  notPem: { zh: '{what}不是 PEM 格式的 X.509 证书', en: '{what} is not a PEM X.509 certificate' },
  unreadable: { zh: '无法读取{what}：{reason}', en: '{what} cannot be read: {reason}' },
  notYetValid: { zh: '{what}在 {time} 之前无效', en: '{what} is not valid before {time}' },
  expired: { zh: '{what}已于 {time} 过期', en: '{what} expired on {time}' },
  notCa: { zh: '信任锚不是颁发机构证书', en: 'the trust anchor is not a CA certificate' },
  notIssued: { zh: '远程评标场地证书不是由此颁发机构签发的', en: 'the site certificate was not issued by this CA' },
  caNotSite: { zh: '颁发机构证书不能作为远程评标场地证书', en: 'a CA certificate is not a site certificate' },
  weakKey: { zh: '远程评标场地的密钥须为至少 {bits} 位的 RSA 密钥', en: 'a site key must be RSA with at least {bits} bits' },
  keyKind: {
    zh: '远程评标场地证书中的密钥为“{kind}”；结果只密封给至少 {bits} 位的 RSA 密钥',
    en: 'the site certificate holds {kind}; results are sealed only to RSA keys of at least {bits} bits',
  },
  rsaKey: { zh: '{bits} 位 RSA 密钥', en: 'an RSA {bits}-bit key' },
  otherKey: { zh: '{type} 类型的密钥', en: 'a key of type {type}' },
  noSiteId: { zh: '远程评标场地证书没有指明有效的场地编号（主题 CN）', en: 'the site certificate does not name a valid site id (subject CN)' },
  noSiteName: { zh: '远程评标场地证书没有指明场地名称（主题 O）', en: 'the site certificate does not name its site (subject O)' },
});
