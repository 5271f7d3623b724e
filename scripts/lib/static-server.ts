// A loopback static file server for the built docs (npm start, and the browser tests). Its requests are hostile
// like any other: only files inside `dir` are served (a path that climbs out, even into a sibling folder whose
// name starts like `dir`'s, is 404), a path that does not decode is 400, and nothing a request does ends
// the process.
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.js': 'text/javascript; charset=utf-8' };

/** The file a URL path names inside `root`, or undefined when it names none there. */
function fileInside(root: string, pathname: string): string | undefined {
  const file = resolve(join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
  const inside = relative(root, file);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) || file.includes('\0') ? undefined : file;
}

export async function serveStatic(dir: string, port = 0, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const answer = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        return void res.writeHead(400).end();
      }
      const file = fileInside(root, pathname);
      const found = file === undefined ? undefined : await stat(file).catch(() => undefined);
      if (file === undefined || !found?.isFile()) return void res.writeHead(404).end();
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(req.method === 'HEAD' ? undefined : body);
    };
    answer().catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end()));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
