// Issue 29: `logger: console` prints each event as a 6-10-line object; formatLogLine / lineLogger print one
// line per event, with the details as name=value and the key still redacted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCrmClient } from '../src/rest/client';
import { formatLogLine, lineLogger } from '../src/core/logger';

it('formatLogLine: one line, details as name=value, objects and odd strings as JSON', () => {
  expect(formatLogLine('crm response', { operationId: 'listUsers', method: 'GET', path: '/public/v1/users', attempt: 1, status: 200, durationMs: 12 })).toBe(
    'crm response operationId=listUsers method=GET path=/public/v1/users attempt=1 status=200 durationMs=12',
  );
  expect(formatLogLine('crm outcome unknown\nnext', { reason: 'socket hang up', headers: { key: '[redacted]' } })).toBe('crm outcome unknown next reason="socket hang up" headers={"key":"[redacted]"}');
});

it('lineLogger: every event of a call (request, retry, response) is exactly one line', async () => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    if (calls === 1) res.writeHead(503, { 'content-type': 'application/json' }).end('{"type":"unavailable"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"count":0,"records":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const lines: string[] = [];
    const crm = createCrmClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'line-logger-key-1', backoff: { initialMs: 1, maxMs: 1 }, logger: lineLogger((line) => lines.push(line)) });
    await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } });
    expect(lines.length).toBeGreaterThanOrEqual(4); // request, response 503, retry, request, response 200
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    expect(lines.join('\n')).not.toContain('line-logger-key-1');
    expect(lines.at(-1)).toMatch(/^debug crm response operationId=\w+ method=GET path=\/public\/v1\/users attempt=2 status=200 durationMs=\d+$/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
