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
});
