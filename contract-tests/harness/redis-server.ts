// A real redis-server for the tests, on 127.0.0.1 and a free port, with no persistence; stopped afterwards.
// `.ci/run` installs Debian's redis-server; where it could not, it sets CRM_REDIS_TESTS=skip and says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient, type RedisClientType } from 'redis';

export const REDIS_SKIPPED = process.env.CRM_REDIS_TESTS === 'skip';
export const REDIS_INSTALLED = spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  if (!REDIS_INSTALLED) throw new Error('redis-server is not installed: `apt-get install -y redis-server` (or run `bash .ci/run`, which does it)');
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * One redis-server for a suite (started in beforeAll, stopped in afterAll) and `connect()`, a node-redis client
 * to it that the suite's end quits.
 */
export function useRedisServer(): { connect(): Promise<RedisClientType> } {
  let server: RedisServer | undefined;
  const clients: RedisClientType[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) await client.quit();
    await server?.stop();
  });
  return {
    async connect() {
      const client: RedisClientType = createClient({ url: server!.url });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    },
  };
}
