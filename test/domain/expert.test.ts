// Expert, Relation, ExpertPersonal and Organisation schemas: valid records parse, invalid ones fail on the right path.
import { describe, expect, it } from 'vitest';
import { EXPERT_STATUSES, Expert, ExpertPersonal, ORG_ROLES, Organisation, Relation } from '../../src/domain/expert.js';
import { ORG, issuePaths } from '../helpers/fixtures.js';

const base = {
  id: 'E0000001',
  specialties: ['A0101', 'B02'],
  region: '440305',
  employer: ORG.neutral,
  status: 'active',
};

const orgRel = { kind: 'org', holder: 'self', role: 'employee', org: ORG.tenderer, until: '2024-06-30' };

describe('Expert', () => {
  it('parses a minimal record and fills the defaults', () => {
    expect(Expert.parse(base)).toEqual({ ...base, suspendedUntil: null, unavailable: [], relations: [] });
  });

  it('parses a full record unchanged', () => {
    const full = {
      ...base,
      status: 'suspended',
      suspendedUntil: '2027-01-31',
      unavailable: ['2026-12-01', '2026-12-02'],
      relations: [orgRel, { kind: 'org', holder: 'relative', role: 'adviser', org: ORG.agency, until: null }, { kind: 'relative', expertId: 'E0000002' }],
    };
    expect(Expert.parse(full)).toEqual(full);
  });

  it.each(EXPERT_STATUSES)('accepts status %s', (status) => {
    expect(Expert.safeParse({ ...base, status }).success).toBe(true);
  });

  it.each(ORG_ROLES)('accepts relation role %s for self and relative', (role) => {
    for (const holder of ['self', 'relative']) expect(Expert.safeParse({ ...base, relations: [{ ...orgRel, holder, role }] }).success).toBe(true);
  });

  it.each([
    ['unknown top-level field', { ...base, name: '张三' }, ''],
    ['unknown field in a relation', { ...base, relations: [{ ...orgRel, note: 'x' }] }, 'relations.0'],
    ['unknown field in a relative relation', { ...base, relations: [{ kind: 'relative', expertId: 'E2', until: null }] }, 'relations.0'],
    ['bad expert id', { ...base, id: '张三' }, 'id'],
    ['no specialty', { ...base, specialties: [] }, 'specialties'],
    ['17 specialties', { ...base, specialties: Array.from({ length: 17 }, () => 'A01') }, 'specialties'],
    ['bad specialty top letter', { ...base, specialties: ['A01', 'D01'] }, 'specialties.1'],
    ['specialty with an odd level', { ...base, specialties: ['A011'] }, 'specialties.0'],
    ['lower-case specialty', { ...base, specialties: ['a01'] }, 'specialties.0'],
    ['region not 6 digits', { ...base, region: '4403' }, 'region'],
    ['region starting with 0', { ...base, region: '040305' }, 'region'],
    ['employer with a bad check character', { ...base, employer: '914403001922038217' }, 'employer'],
    ['unknown status', { ...base, status: 'inactive' }, 'status'],
    ['impossible suspension date', { ...base, suspendedUntil: '2026-02-30' }, 'suspendedUntil'],
    ['date-time as unavailable date', { ...base, unavailable: ['2026-12-01T00:00:00Z'] }, 'unavailable.0'],
    ['367 unavailable dates', { ...base, unavailable: Array.from({ length: 367 }, () => '2026-12-01') }, 'unavailable'],
    ['unknown relation kind', { ...base, relations: [{ kind: 'friend', expertId: 'E2' }] }, 'relations.0.kind'],
    ['unknown holder', { ...base, relations: [{ ...orgRel, holder: 'spouse' }] }, 'relations.0.holder'],
    ['unknown role', { ...base, relations: [{ ...orgRel, role: 'ceo' }] }, 'relations.0.role'],
    ['relation org not a USCC', { ...base, relations: [{ ...orgRel, org: '91440300192203821' }] }, 'relations.0.org'],
    ['relation without until', { ...base, relations: [{ kind: 'org', holder: 'self', role: 'employee', org: ORG.tenderer }] }, 'relations.0.until'],
    ['relative with a bad id', { ...base, relations: [{ kind: 'relative', expertId: 'E 2' }] }, 'relations.0.expertId'],
    ['65 relations', { ...base, relations: Array.from({ length: 65 }, () => orgRel) }, 'relations'],
  ])('rejects %s', (_label, input, path) => {
    const result = Expert.safeParse(input);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });

  it('reports the unknown key by name', () => {
    const result = Expert.safeParse({ ...base, phone: '13800000000' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['phone'], path: [] });
  });

  it('keeps personal data out of the expert record', () => {
    for (const key of ['name', 'phone', 'idNumber']) expect(Expert.safeParse({ ...base, [key]: 'x' }).success).toBe(false);
  });
});

describe('Relation', () => {
  it('discriminates on kind', () => {
    expect(Relation.parse(orgRel)).toEqual(orgRel);
    expect(Relation.parse({ kind: 'relative', expertId: 'E9' })).toEqual({ kind: 'relative', expertId: 'E9' });
    expect(Relation.safeParse({ kind: 'relative', org: ORG.tenderer }).success).toBe(false);
  });
});

describe('ExpertPersonal', () => {
  const personal = { name: '王伟', phone: '13800138000', idNumber: '11010519491231002X' };

  it('parses a valid record', () => {
    expect(ExpertPersonal.parse(personal)).toEqual(personal);
    expect(ExpertPersonal.parse({ ...personal, phone: '+8613800138000' }).phone).toBe('+8613800138000');
  });

  it.each([
    ['empty name', { ...personal, name: '' }, 'name'],
    ['phone with dashes', { ...personal, phone: '138-0013-8000' }, 'phone'],
    ['phone too short', { ...personal, phone: '12345' }, 'phone'],
    ['ID with a bad check digit', { ...personal, idNumber: '110105194912310021' }, 'idNumber'],
    ['ID with lower-case x', { ...personal, idNumber: '11010519491231002x' }, 'idNumber'],
    ['unknown field', { ...personal, email: 'a@b.c' }, ''],
  ])('rejects %s', (_label, input, path) => {
    expect(issuePaths(ExpertPersonal.safeParse(input))).toContain(path);
  });
});

describe('Organisation', () => {
  it('requires a valid code and a name', () => {
    expect(Organisation.safeParse({ code: ORG.tenderer, name: '华为技术有限公司' }).success).toBe(true);
    expect(issuePaths(Organisation.safeParse({ code: ORG.tenderer, name: '' }))).toEqual(['name']);
    expect(issuePaths(Organisation.safeParse({ code: '914403001922038210', name: 'x' }))).toEqual(['code']);
  });
});
