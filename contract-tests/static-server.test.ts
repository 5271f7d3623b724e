// The docs' static server (npm start, the browser tests) serves the folder it is given and nothing else, and no
// request can end it: raw request lines, as a hostile client sends them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../scripts/lib/static-server';

let base: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let url: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'crm-static-'));
  mkdirSync(join(base, 'docs'));
  mkdirSync(join(base, 'docs', 'sub'));
  mkdirSync(join(base, 'docs-private'));
  writeFileSync(join(base, 'docs', 'index.html'), '<p>index</p>');
  writeFileSync(join(base, 'docs', 'sub', 'page.html'), '<p>page</p>');
  writeFileSync(join(base, 'docs-private', 'secret.txt'), 'not for the docs');
  writeFileSync(join(base, 'outside.txt'), 'not for the docs');
  server = await serveStatic(join(base, 'docs'));
  url = server.url;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer to ${method} ${path}`))); // a hang fails, within bounds
    req.on('error', reject);
    req.end();
  });
}

it('serves the files of its folder, index.html for a folder path', async () => {
  await expect(get('/')).resolves.toEqual({ status: 200, body: '<p>index</p>' });
  await expect(get('/sub/page.html')).resolves.toEqual({ status: 200, body: '<p>page</p>' });
  await expect(get('/sub/page.html', 'HEAD')).resolves.toEqual({ status: 200, body: '' });
});

it.each([
  ['an encoded climb into a sibling folder named like it', '/..%2fdocs-private%2fsecret.txt'],
  ['an encoded climb out of it', '/..%2f..%2foutside.txt'],
  ['a plain climb out of it', '/../outside.txt'],
  ['a NUL byte', '/index.html%00.png'],
  ['a folder without its slash', '/sub'],
  ['a missing file', '/nope.html'],
])('answers 404 to %s', async (_label, path) => {
  const answer = await get(path);
  expect(answer.status).toBe(404);
  expect(answer.body).not.toContain('not for the docs');
});

it('answers 400 to a path that does not decode, 405 to a write, and keeps serving', async () => {
  await expect(get('/%E0%A4%A.html')).resolves.toMatchObject({ status: 400 });
  await expect(get('/%')).resolves.toMatchObject({ status: 400 });
  await expect(get('/index.html', 'POST')).resolves.toMatchObject({ status: 405 });
  await expect(get('/')).resolves.toEqual({ status: 200, body: '<p>index</p>' });
});
