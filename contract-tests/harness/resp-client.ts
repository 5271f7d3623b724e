// A minimal Redis client (RESP2 over one socket): `sendCommand(args)`, the one method crm-open-api/redis uses.
// For the crash suite's processes only: node-redis takes about half a second to load in a process, and the
// suite starts a hundred of them. The stores are tested with node-redis itself in redis-journal.test.ts.
import { connect, type Socket } from 'node:net';

type Reply = string | number | null | Reply[];

/** Parses one reply at `at`; undefined while the buffer does not hold all of it yet. */
function parse(buffer: Buffer, at: number): { value: Reply | Error; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const text = buffer.toString('utf8', at + 1, lineEnd);
  if (type === '+') return { value: text, end: lineEnd + 2 };
  if (type === '-') return { value: new Error(text), end: lineEnd + 2 };
  if (type === ':') return { value: Number(text), end: lineEnd + 2 };
  if (type === '$') {
    const length = Number(text);
    if (length < 0) return { value: null, end: lineEnd + 2 };
    if (buffer.length < lineEnd + 2 + length + 2) return undefined;
    return { value: buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + length), end: lineEnd + 2 + length + 2 };
  }
  if (type === '*') {
    const count = Number(text);
    if (count < 0) return { value: null, end: lineEnd + 2 };
    const items: Reply[] = [];
    let end = lineEnd + 2;
    for (let i = 0; i < count; i++) {
      const item = parse(buffer, end);
      if (!item) return undefined;
      if (item.value instanceof Error) throw item.value;
      items.push(item.value);
      end = item.end;
    }
    return { value: items, end };
  }
  throw new Error(`unexpected RESP type ${type}`);
}

export async function connectResp(url: string): Promise<{ sendCommand(args: string[]): Promise<unknown>; quit(): void }> {
  const { hostname, port } = new URL(url);
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => resolve(s));
    s.once('error', reject);
  });
  const waiting: { resolve(value: unknown): void; reject(error: Error): void }[] = [];
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let reply = parse(buffer, 0); reply; reply = buffer.length ? parse(buffer, 0) : undefined) {
      buffer = buffer.subarray(reply.end);
      const next = waiting.shift();
      if (reply.value instanceof Error) next?.reject(reply.value);
      else next?.resolve(reply.value);
    }
  });
  socket.on('error', (error) => waiting.splice(0).forEach((w) => w.reject(error)));
  return {
    sendCommand: (args) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
      }),
    quit: () => socket.end(),
  };
}
