// detectSignatureVersion and `crm-open-api doctor`: one read-only call signed each way decides which scheme a
// CRM checks; nothing else is ever called.
import { doctorCommand } from '../src/cli/doctor-command';
import { detectSignatureVersion } from '../src/rest/detect-signature-version';
import { startSandboxCrm } from '../src/testing/sandbox/server';
import { API_KEY, useMockCrm } from './harness/mock-crm';

const mock = useMockCrm();

it('tells a V2 CRM from a v1 CRM, with one read-only call each way', async () => {
  const v2Before = mock.requestCount();
  const v2 = await detectSignatureVersion({ baseUrl: mock.url, apiKey: API_KEY });
  expect(v2).toEqual({ version: 'v2', decided: true, reason: 'the CRM refused the v1 signature and accepted V2', observed: { v1: { status: 403, type: 'invalid_signature' }, v2: { status: 200 } } });
  expect(mock.requestCount() - v2Before).toBe(2);
  expect(mock.lastRequest()).toMatchObject({ method: 'POST', path: '/public/v1/users/downlines' });
  const v1 = await detectSignatureVersion({ baseUrl: mock.v1.url, apiKey: API_KEY });
  expect(v1).toMatchObject({ version: 'v1', decided: true, observed: { v1: { status: 200 }, v2: { status: 403, type: 'invalid_signature' } } });
});

it('against the sandbox: the probe user does not exist (400 user_not_found) and still decides', async () => {
  const sandbox = await startSandboxCrm({ apiKey: API_KEY, signatureVersion: 'v1' });
  try {
    const found = await detectSignatureVersion({ baseUrl: sandbox.url, apiKey: API_KEY });
    expect(found).toMatchObject({ version: 'v1', observed: { v1: { status: 400, type: 'user_not_found' } } });
    expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /public/v1/users/downlines', 'POST /public/v1/users/downlines']);
    expect(sandbox.state().clients).toHaveLength(5); // nothing was created
  } finally {
    await sandbox.stop();
  }
});

it('is undecided, saying why, for a wrong key, a wrong secret or no answer', async () => {
  expect(await detectSignatureVersion({ baseUrl: mock.url, apiKey: 'not-the-key' })).toMatchObject({ decided: false, reason: expect.stringMatching(/invalid_api_key/) });
  expect(await detectSignatureVersion({ baseUrl: mock.url, apiKey: API_KEY, signingSecret: 'another-secret' })).toMatchObject({ decided: false, reason: expect.stringMatching(/refused both signatures/) });
  const offline = await detectSignatureVersion({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY, timeoutMs: 1000 });
  expect(offline).toMatchObject({ decided: false, observed: { v1: { error: expect.stringMatching(/CrmConnectionError/) } } });
});

it('`crm-open-api doctor` prints what it saw and the verdict, exit status 0 when decided and 1 when not', async () => {
  const lines: string[] = [];
  expect(await doctorCommand(['--base-url', mock.v1.url, '--api-key', API_KEY], (line) => lines.push(line))).toBe(0);
  expect(lines).toEqual([`CRM at ${mock.v1.url}`, '  signed with v1: 200', '  signed with V2: 403 invalid_signature', "Signature scheme: v1 (the CRM refused the V2 signature and accepted v1). Use createCrmClient({ ..., signatureVersion: 'v1' })."]);
  expect(await doctorCommand(['--base-url', mock.url, '--api-key', 'not-the-key'], () => undefined)).toBe(1);
  await expect(doctorCommand([], () => undefined)).rejects.toThrow(/--base-url and --api-key are required/);
});
