// What crm-open-api/redis needs of a Redis client: one method of node-redis (v4 and later; also a cluster).
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Refuses what is not a connected client, naming the function it was given to. */
export function requireCommander(client: RedisCommander, name: string): void {
  if (typeof client?.sendCommand !== 'function') throw new TypeError(`${name}: pass a connected node-redis client (createClient() from "redis", after connect())`);
}
