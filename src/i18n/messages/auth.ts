// Who may do what: refusals of tokens and of the authorization policy (src/auth/), with the names of roles and of the
// resources a refusal can name.
import { defineMessages } from '../define.js';

export const auth = defineMessages({
  tokenRequired: { zh: '需要 Authorization: Bearer 访问令牌', en: 'an Authorization: Bearer token is required' },
  bearerFormat: { zh: 'Authorization 请求头须为 "Bearer <访问令牌>"', en: 'the Authorization header must be "Bearer <token>"' },
  tokenInvalid: { zh: '访问令牌无效或已过期', en: 'the access token is invalid or has expired' },
  claimsInvalid: { zh: '访问令牌的声明无效', en: 'the access token does not carry valid claims' },
  ttlTooLong: { zh: '访问令牌的有效期超过本服务允许的上限', en: 'the access token lives longer than this service allows' },
  issuedInFuture: { zh: '访问令牌的签发时间晚于本服务的当前时间', en: 'the access token is issued in the future by this service’s clock' },
  siteRequired: { zh: '{role}的访问令牌必须指明其远程评标场地', en: 'a token of role {role} must name its site' },
  siteForbidden: { zh: '{role}的访问令牌不能指明远程评标场地：{role}是交易中心的角色', en: 'a token of role {role} cannot name a site: {role} is a role of the centre' },
  siteRevoked: { zh: '远程评标场地 {site} 已被撤销', en: 'site {site} is revoked' },
  siteTokenRevoked: {
    zh: '此令牌签发于远程评标场地 {site} 被撤销之前，已失效：请重新登录，或为该场地重新签发令牌',
    en: 'this token was issued before site {site} was revoked and no longer works: log in again, or issue the site a new token',
  },
  siteUnknown: { zh: '远程评标场地 {site} 未在本服务登记', en: 'site {site} is not registered with this service' },
  rolesNeeded: { zh: '此操作需要以下角色之一：{roles}', en: 'this needs one of the roles: {roles}' },
  notCentres: { zh: '该{resource}不属于交易中心；此访问令牌无权访问', en: 'this {resource} is not the centre’s; this token does not reach it' },
  notSites: { zh: '该{resource}不属于远程评标场地 {site}；此访问令牌无权访问', en: 'this {resource} is not site {site}’s; this token does not reach it' },
});

/** Role names (src/auth/roles.ts): English keeps the role's code, as the CLI and tokens spell it. */
export const role = defineMessages({
  admin: { zh: '系统管理员', en: 'administrator' },
  'pool-manager': { zh: '专家库管理员', en: 'pool-manager' },
  operator: { zh: '操作员', en: 'operator' },
  supervisor: { zh: '监督人员', en: 'supervisor' },
  checkin: { zh: '签到终端', en: 'checkin' },
  site: { zh: '远程评标场地', en: 'site' },
  inspector: { zh: '核查人员', en: 'inspector' },
});

/** What a refusal of the policy can name (src/auth/policy.ts ResourceKind). */
export const resource = defineMessages({
  project: { zh: '项目', en: 'project' },
  draw: { zh: '抽取记录', en: 'draw' },
  site: { zh: '远程评标场地', en: 'site' },
});
