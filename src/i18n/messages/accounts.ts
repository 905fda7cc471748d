// Staff accounts and their login sessions (src/services/user.service.ts, session.service.ts, src/auth/passwords.ts):
// refusals of a login, a refresh, a password, an administrator's change, and of the policy's rules about people.
import { defineMessages } from '../define.js';

export const account = defineMessages({
  badCredentials: { zh: '用户名或密码错误', en: 'wrong username or password' },
  wrongCurrentPassword: { zh: '当前密码不正确', en: 'the current password is wrong' },
  disabled: { zh: '此账号已停用；请联系管理员', en: 'this account is disabled; ask an administrator' },
  locked: { zh: '此用户名的密码错误次数过多：请在 {seconds} 秒后重试', en: 'too many wrong passwords for this username: try again in {seconds} s' },
  loginBusy: { zh: '此用户名的另一次登录正在进行；请稍后重试', en: 'another sign-in with this username is in progress; try again in a moment' },
  notFound: { zh: '没有编号为 {id} 的用户', en: 'no user {id}' },
  usernameFormat: {
    zh: '用户名：3–64 个字符，限 a–z、0–9、.、_ 或 -，以字母或数字开头',
    en: 'a username has 3–64 characters of a–z, 0–9, ., _ or -, starting with a letter or digit',
  },
  ownPassword: {
    zh: '不能在这里重设自己的密码：请凭当前密码修改（POST /v1/session/password），或由另一位管理员重设',
    en: 'your own password is not reset here: change it with your current one (POST /v1/session/password), or ask another administrator',
  },
  usernameTaken: { zh: '此用户名已被使用', en: 'this username is taken' },
  ownAccess: {
    zh: '管理员不能修改自己的角色或远程评标场地，也不能停用自己；请由另一位管理员操作',
    en: 'administrators cannot change their own role or site or disable themselves; ask another administrator',
  },
  siteRequired: { zh: '{role}的账号必须指明其远程评标场地', en: 'a user of role {role} must name its site' },
  siteForbidden: { zh: '{role}的账号不能指明远程评标场地：{role}是交易中心的角色', en: 'a user of role {role} cannot name a site: {role} is a role of the centre' },
  passwordLength: { zh: '密码须为 {min} 到 {max} 个字符', en: 'a password has {min} to {max} characters' },
  passwordVariety: { zh: '密码至少要有 {min} 个不同的字符', en: 'a password has at least {min} different characters' },
  passwordHasUsername: { zh: '密码不能包含用户名', en: 'a password must not contain the username' },
  passwordReused: { zh: '新密码不能与当前密码相同', en: 'the new password must differ from the current one' },
});

export const session = defineMessages({
  ended: { zh: '此登录会话已结束；请重新登录', en: 'this session has ended; log in again' },
  notRefreshToken: { zh: '这不是本服务的刷新令牌', en: 'this is not a refresh token of this service' },
  refreshInvalid: { zh: '此刷新令牌无效', en: 'this refresh token is not valid' },
  refreshReused: {
    zh: '此刷新令牌已使用过，说明它有副本在外：登录会话已结束；请重新登录',
    en: 'this refresh token was used before, so a copy of it is loose: the session is ended; log in again',
  },
  machineToken: { zh: '机器访问令牌没有可结束的登录会话', en: 'a machine token has no session to end' },
  restrictedWithoutSession: { zh: '只有登录会话才能受限', en: 'only a login session can be restricted' },
  changePasswordFirst: {
    zh: '请先修改初始密码（POST /v1/session/password），之后才能进行其他操作',
    en: 'change the first password (POST /v1/session/password) before anything else',
  },
  personNeeded: {
    zh: '此操作需要本人登录（POST /v1/session），不接受机器访问令牌',
    en: 'this needs a person logged in (POST /v1/session), not a machine token',
  },
  unsealSameRole: {
    zh: '已有一位{role}批准；启封还需要另一角色（操作员和监督人员各一位）的批准',
    en: 'one {role} has approved already; the list opens with the approval of a person of the other role (one operator and one supervisor)',
  },
  unsealTwice: {
    zh: '您已批准过；另一角色的人员批准后即启封',
    en: 'you have approved already; the list opens when a person of the other role approves',
  },
  unsealByPerson: { zh: '启封须由本人登录后批准，不接受机器访问令牌', en: 'an unseal is approved by a person logged in, not by a machine token' },
});
