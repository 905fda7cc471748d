// Call texts: local wall-clock time in the expert's zone, time and place only.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callText, cancelText, localTime, type CallTextInput } from '../../src/calls/text.js';

const base: CallTextInput = {
  venue: '市公共资源交易中心 3 楼第 2 评标室',
  bidOpeningAt: '2026-12-01T01:00:00Z',
  timeZone: 'Asia/Shanghai',
  responseUrl: 'https://draw.example.cn/r/tok_abc123',
  deadline: '2026-12-01T00:15:00Z',
};

describe('callText', () => {
  it('shows UTC input as Asia/Shanghai local time, the deadline as time only on the same day', () => {
    expect(callText(base)).toBe(
      '【评标专家通知】您被抽选参加评标，时间：2026-12-01 09:00，地点：市公共资源交易中心 3 楼第 2 评标室。' +
        '请于 08:15 前回复：https://draw.example.cn/r/tok_abc123 接受或拒绝。',
    );
  });

  it('gives the same text for the same instant written with another offset', () => {
    expect(callText({ ...base, bidOpeningAt: '2026-12-01T09:00:00+08:00', deadline: '2026-11-30T19:15:00-05:00' })).toBe(
      callText(base),
    );
  });

  it('crosses the date line: 16:30Z is 00:30 the next day in Shanghai, and a deadline the day before shows its date', () => {
    const text = callText({ ...base, bidOpeningAt: '2026-11-30T16:30:00Z', deadline: '2026-11-30T10:00:00Z' });
    expect(text).toContain('时间：2026-12-01 00:30，');
    expect(text).toContain('请于 2026-11-30 18:00 前回复');
  });

  it('follows the zone it is given, including daylight saving time', () => {
    const ny = { ...base, timeZone: 'America/New_York' };
    expect(callText({ ...ny, bidOpeningAt: '2026-07-01T13:00:00Z', deadline: '2026-07-01T12:00:00Z' })).toContain(
      '时间：2026-07-01 09:00，',
    );
    expect(callText({ ...ny, bidOpeningAt: '2026-12-01T14:00:00Z', deadline: '2026-12-01T13:00:00Z' })).toContain(
      '时间：2026-12-01 09:00，',
    );
  });

  it('uses a 24-hour clock', () => {
    expect(callText({ ...base, bidOpeningAt: '2026-12-01T06:00:00Z', deadline: '2026-12-01T05:45:00Z' })).toContain(
      '时间：2026-12-01 14:00，地点',
    );
    expect(callText({ ...base, bidOpeningAt: '2026-11-30T16:05:00Z', deadline: '2026-11-30T16:00:00Z' })).toContain(
      '请于 00:00 前回复',
    );
  });

  it('refuses project details even when the type system is bypassed', () => {
    for (const field of ['projectName', 'projectId', 'tenderer', 'bidder']) {
      expect(() => callText({ ...base, [field]: 'X 市道路改造工程' } as CallTextInput)).toThrow(/time and place only/);
    }
  });

  it('rejects inputs that would mislead the expert', () => {
    expect(() => callText({ ...base, deadline: base.bidOpeningAt })).toThrow(/deadline must be before/);
    expect(() => callText({ ...base, bidOpeningAt: '2026-12-01T09:00:00' })).toThrow(/offset/);
    expect(() => callText({ ...base, bidOpeningAt: '2026-13-01T09:00:00Z' })).toThrow(/offset/);
    expect(() => callText({ ...base, timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    expect(() => callText({ ...base, venue: '  ' })).toThrow(/venue/);
    expect(() => callText({ ...base, venue: '第 2 评标室\n项目：X' })).toThrow(/venue/);
    expect(() => callText({ ...base, responseUrl: 'javascript:alert(1)' })).toThrow(/responseUrl/);
  });

  it('does not echo the response link (it carries the token) in an error', () => {
    const responseUrl = 'not a url tok_secret';
    expect(() => callText({ ...base, responseUrl })).toThrow(/responseUrl/);
    try {
      callText({ ...base, responseUrl });
    } catch (err) {
      expect(String(err)).not.toContain('tok_secret');
    }
  });
});

describe('cancelText', () => {
  it('names the same local time and place as the call it withdraws', () => {
    expect(cancelText({ venue: base.venue, bidOpeningAt: base.bidOpeningAt, timeZone: base.timeZone })).toBe(
      '【评标专家通知】原定于 2026-12-01 09:00 在市公共资源交易中心 3 楼第 2 评标室的评标邀请已取消，无需前往，也无需回复。',
    );
  });

  it('refuses project details', () => {
    const input = { venue: base.venue, bidOpeningAt: base.bidOpeningAt, timeZone: base.timeZone, tenderer: 'X 公司' };
    expect(() => cancelText(input as unknown as Parameters<typeof cancelText>[0])).toThrow(/time and place only/);
  });
});

describe('localTime', () => {
  /** The wall clock as formatToParts gives it: the oracle. */
  function byParts(at: Date, timeZone: string): { date: string; time: string } {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` };
  }
  // Whole-hour, half-hour and 45-minute offsets, daylight saving both ways, a half-hour DST shift, and local mean time.
  const ZONES = ['Asia/Shanghai', 'UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham'];
  const instants = [
    ...Array.from({ length: 400 }, (_, i) => Date.UTC(2026, 0, 1) + i * 22 * 3_600_000 + i * 61_000),
    Date.UTC(1900, 0, 1, 0, 0, 10), Date.UTC(999, 5, 3), Date.UTC(12345, 0, 1), Date.UTC(2026, 2, 29, 0, 59, 59), Date.UTC(2026, 2, 29, 1, 0, 0),
  ];

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads the same wall clock as formatToParts, in every kind of zone', () => {
    for (const zone of ZONES) for (const ms of instants) expect(localTime(new Date(ms), zone), `${zone} ${ms}`).toEqual(byParts(new Date(ms), zone));
  });

  it('still reads the parts when the formatted text has another shape', () => {
    // `format` is an accessor that returns a bound function.
    const format = vi.spyOn(Intl.DateTimeFormat.prototype as { format: unknown }, 'format', 'get').mockReturnValue(() => '2030-06-03 09:00');
    expect(localTime(new Date('2030-06-03T01:00:00Z'), 'Asia/Shanghai')).toEqual({ date: '2030-06-03', time: '09:00' });
    expect(localTime(new Date('2030-06-03T16:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2030-06-04', time: '00:30' });
    expect(format).toHaveBeenCalled();
  });

  it('throws on an unknown zone and on an invalid date', () => {
    expect(() => localTime(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localTime(new Date(Number.NaN), 'Asia/Shanghai')).toThrow(RangeError);
  });
});
