// crm-open-api/testing's startMockCrm, as a user of the package starts it: its own Prism, port 0, loopback.
import { spawnSync } from 'node:child_process';
import { createCrmClient } from '../src/index';
import { startMockCrm, type MockCrm } from '../src/testing/index';

describe('startMockCrm', () => {
  let mock: MockCrm;
  beforeAll(async () => {
    mock = await startMockCrm({ apiKey: 'demo-key', port: 0 });
  }, 30_000);
  afterAll(() => mock?.stop());

  it('binds 127.0.0.1 on a free port by default', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.url).not.toMatch(/:0$/);
  });

  it('answers a signed request from the spec, and a tampered one with 403 invalid_signature', async () => {
    const client = createCrmClient({ baseUrl: mock.url, apiKey: 'demo-key' });
    const created = await client.POST('/public/v1/leads', { body: { email: 'lee.prospect@mail.test' } });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({ id: 'Ld00a7Zq' });

    const tampered = await fetch(`${mock.url}/public/v1/leads`, {
      method: 'POST',
      headers: { key: 'demo-key', signature: mock.requests.at(-1)!.headers['signature'] as string, 'content-type': 'application/json' },
      body: '{"email":"mallory@mail.test"}',
    });
    expect(tampered.status).toBe(403);
    await expect(tampered.json()).resolves.toEqual({ type: 'invalid_signature' });
  });

  it('refuses to start without an apiKey', async () => {
    await expect(startMockCrm({ apiKey: '' })).rejects.toThrow(/`apiKey` is required/);
  });
});

describe('the package root', () => {
  it('never loads Prism', () => {
    const probe = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "require('./src/index.ts'); const loaded = Object.keys(require.cache).filter((k) => k.includes('@stoplight')); console.log(JSON.stringify(loaded))"],
      { cwd: `${__dirname}/..`, encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual([]);
  });
});
