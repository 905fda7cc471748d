// Shared zod primitives: identifiers, national codes, dates. Every field carries a description for the OpenAPI document.
import { z } from 'zod';
import { isValidResidentId, isValidUscc } from './codes.js';

export const ExpertId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expert id: 1–64 characters of A–Z, a–z, 0–9, _ or -')
  .describe('Pseudonymous expert id; never a name or an ID number');

export const ProjectId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'project id: 1–64 characters of A–Z, a–z, 0–9, _, . or -')
  .describe('Project (tender) id as registered by the trading centre');

/** Remote evaluation site ids: token claims, certificate subject CN, recipient labels and file names. */
export const SITE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SiteId = z
  .string()
  .regex(SITE_ID_PATTERN, 'site id: 1–64 characters of A–Z, a–z, 0–9, ., _ or -, starting with a letter or digit')
  .describe('Remote evaluation site id (the subject CN of its certificate)');

export const DrawId = z.string().regex(/^D-[0-9a-f-]{36}$/, 'draw id: D- followed by a UUID').describe('Draw id');

export const Uscc = z
  .string()
  .refine(isValidUscc, 'not a valid unified social credit code (18 characters with a check character)')
  .describe('Unified social credit code (统一社会信用代码), 18 characters, GB 32100-2015');

export const ResidentId = z
  .string()
  .refine(isValidResidentId, 'not a valid resident ID number (18 characters with a check digit)')
  .describe('Resident identity number (居民身份证号码), 18 characters, GB 11643-1999');

/** Specialty codes of the national classification: a top letter (A 工程, B 货物, C 服务) then 2-digit levels. */
export const SPECIALTY_PATTERN = /^[ABC](?:\d{2}){0,3}$/;
export const SpecialtyCode = z
  .string()
  .regex(SPECIALTY_PATTERN, 'specialty code: A, B or C followed by up to three 2-digit levels, e.g. A0101')
  .describe('Specialty code (发改法规〔2018〕316号); a shorter code matches every code under it');

export const RegionCode = z
  .string()
  .regex(/^[1-9]\d{5}$/, 'region code: 6-digit administrative division code')
  .describe('Administrative division code (行政区划代码), 6 digits');

export const RegionPrefix = z
  .string()
  .regex(/^[1-9]\d(?:\d{2}){0,2}$/, 'region prefix: 2 (province), 4 (city) or 6 (county) digits')
  .describe('Region prefix: 2 digits for a province, 4 for a city, 6 for a county');

export const IsoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');

export const IsoDateTimeWithOffset = z.iso
  .datetime({ offset: true, local: false })
  .refine((s) => /(?:Z|[+-]\d{2}:\d{2})$/.test(s), 'date-time must carry a time zone offset')
  .describe('Date-time with a time zone offset, e.g. 2026-12-01T09:00:00+08:00');

export const Hex32 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, '32 bytes as 64 lower-case hex digits')
  .describe('32 bytes, lower-case hex');
