import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadConfig, publicUrlWarning } from './config.js';

describe('publicUrlWarning', () => {
  const config = (env: Record<string, string>) => loadConfig({ PORT: '8080', ...env });

  it('warns when Herald listens beyond loopback and HERALD_PUBLIC_URL is unset', () => {
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20']) {
      const warning = publicUrlWarning(config({ HOST }));
      expect(warning, HOST).toContain(`Herald listens on ${HOST}, beyond this machine, but HERALD_PUBLIC_URL is not set`);
      expect(warning).toContain('will point at http://localhost:8080');
    }
  });

  it('says nothing on loopback, or when the public URL is set', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.1.1']) expect(publicUrlWarning(config({ HOST })), HOST).toBeNull();
    expect(publicUrlWarning(config({ HOST: '0.0.0.0', HERALD_PUBLIC_URL: 'https://herald.example.com' }))).toBeNull();
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('metrics settings', () => {
  it('are off by default, and read a port and a token', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, token: undefined });
    expect(loadConfig({ HERALD_METRICS_PORT: '9464', HERALD_METRICS_TOKEN: 'a-long-enough-token' }).metrics).toEqual({ port: 9464, token: 'a-long-enough-token' });
    expect(loadConfig({ HERALD_METRICS_PORT: ' ', HERALD_METRICS_TOKEN: '' }).metrics).toEqual({ port: undefined, token: undefined });
  });

  it('refuse a short token, a bad port and the API port', () => {
    expect(() => loadConfig({ HERALD_METRICS_TOKEN: 'short' })).toThrow(/HERALD_METRICS_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ HERALD_METRICS_PORT: 'ninety' })).toThrow(/HERALD_METRICS_PORT/);
    expect(() => loadConfig({ HERALD_METRICS_PORT: '70000' })).toThrow(/HERALD_METRICS_PORT/);
    expect(() => loadConfig({ PORT: '8080', HERALD_METRICS_PORT: '8080' })).toThrow(/HERALD_METRICS_PORT must differ from PORT/);
  });
});
