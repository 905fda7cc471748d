// The configuration's derived default: answer links follow the listener when no public URL is set.
import { describe, expect, it } from 'vitest';
import { listenerUrl, loadConfig } from '../src/config.js';

describe('EXPERT_DRAW_PUBLIC_URL', () => {
  it('follows the listening host and port when unset', () => {
    expect(loadConfig({}).EXPERT_DRAW_PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ EXPERT_DRAW_PORT: '8080' }).EXPERT_DRAW_PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ EXPERT_DRAW_HOST: 'draw.local', EXPERT_DRAW_PORT: '8443' }).EXPERT_DRAW_PUBLIC_URL).toBe('http://draw.local:8443');
  });

  it('reaches a wildcard listener through loopback, and brackets IPv6', () => {
    expect(listenerUrl('0.0.0.0', 3001)).toBe('http://127.0.0.1:3001');
    expect(listenerUrl('::', 3002)).toBe('http://[::1]:3002');
    expect(listenerUrl('fe80::1', 3003)).toBe('http://[fe80::1]:3003');
  });

  it('is taken as given when set, and refused when it is not a URL', () => {
    expect(loadConfig({ EXPERT_DRAW_PORT: '8080', EXPERT_DRAW_PUBLIC_URL: 'https://draw.example.gov.cn' }).EXPERT_DRAW_PUBLIC_URL).toBe('https://draw.example.gov.cn');
    expect(() => loadConfig({ EXPERT_DRAW_PUBLIC_URL: 'draw.example.gov.cn' })).toThrow(/EXPERT_DRAW_PUBLIC_URL/);
  });

  it('is refused with a query, a fragment or another scheme: the links add /r/<token> to it', () => {
    for (const url of ['https://draw.example.gov.cn/x?y=1#z', 'https://draw.example.gov.cn/#a', 'javascript:alert(1)', 'ftp://draw.example.gov.cn']) {
      expect(() => loadConfig({ EXPERT_DRAW_PUBLIC_URL: url }), url).toThrow(/EXPERT_DRAW_PUBLIC_URL: an http or https address without a query or a fragment/);
    }
    expect(loadConfig({ EXPERT_DRAW_PUBLIC_URL: 'https://draw.example.gov.cn/expert-draw' }).EXPERT_DRAW_PUBLIC_URL).toBe('https://draw.example.gov.cn/expert-draw');
  });
});

describe('a variable set to nothing', () => {
  it('is unset: its default, never 0', () => {
    const c = loadConfig({ EXPERT_DRAW_PORT: '', EXPERT_DRAW_METRICS_PORT: '', EXPERT_DRAW_MIN_FREE_DISK_MB: '', REDIS_URL: '' });
    const defaults = loadConfig({});
    expect(c.EXPERT_DRAW_PORT).toBe(3000);
    expect(c.EXPERT_DRAW_METRICS_PORT).toBe(defaults.EXPERT_DRAW_METRICS_PORT);
    expect(c.EXPERT_DRAW_MIN_FREE_DISK_MB).toBe(defaults.EXPERT_DRAW_MIN_FREE_DISK_MB);
    expect(c.REDIS_URL).toBe(defaults.REDIS_URL);
  });

  it('or to spaces only, is unset too; a number not written in decimal is refused, naming it', () => {
    const c = loadConfig({ EXPERT_DRAW_PORT: ' ', EXPERT_DRAW_MIN_FREE_DISK_MB: '\t' });
    expect(c.EXPERT_DRAW_PORT).toBe(3000);
    expect(c.EXPERT_DRAW_MIN_FREE_DISK_MB).toBe(loadConfig({}).EXPERT_DRAW_MIN_FREE_DISK_MB);
    expect(loadConfig({ EXPERT_DRAW_PORT: ' 4318 ' }).EXPERT_DRAW_PORT).toBe(4318);
    for (const v of ['0x10DE', '1e3', '4318.5', 'abc']) expect(() => loadConfig({ EXPERT_DRAW_PORT: v })).toThrow(`EXPERT_DRAW_PORT: expected a whole number in decimal, got "${v}"`);
  });
});
