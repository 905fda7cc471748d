// The language of an answer a person reads: chosen from the request's Accept-Language (zh-CN unless it asks for
// English), and said in Content-Language. Vary tells caches that the same URL answers in either language.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLanguage, type Lang } from '../../i18n/language.js';

export function answerLanguage(request: FastifyRequest, reply: FastifyReply): Lang {
  const lang = negotiateLanguage(request.headers['accept-language']);
  const vary = reply.getHeader('vary');
  const varies = typeof vary === 'string' && /(^|,)\s*(accept-language|\*)\s*(,|$)/i.test(vary);
  void reply.header('content-language', lang);
  if (!varies) void reply.header('vary', typeof vary === 'string' && vary !== '' ? `${vary}, Accept-Language` : 'Accept-Language');
  return lang;
}
