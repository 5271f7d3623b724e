// Prism, in this process, serving a bundled spec from its examples. Loaded lazily through the optional peer
// `@stoplight/prism-cli`, so nothing else in the package ever pulls Prism in.
import { createRequire } from 'node:module';

export interface PrismServer {
  url: string;
  close(): Promise<void>;
}

function loadPrism() {
  let fromPrismCli: NodeRequire;
  try {
    fromPrismCli = createRequire(createRequire(__filename).resolve('@stoplight/prism-cli/package.json'));
  } catch {
    throw new Error('crm-open-api/testing needs the optional peer dependency @stoplight/prism-cli: npm i -D @stoplight/prism-cli');
  }
  return {
    core: fromPrismCli('@stoplight/prism-core') as typeof import('@stoplight/prism-core'),
    http: fromPrismCli('@stoplight/prism-http') as typeof import('@stoplight/prism-http'),
    server: fromPrismCli('@stoplight/prism-http-server') as typeof import('@stoplight/prism-http-server'),
  };
}

export interface PrismOptions {
  /** Path of the OpenAPI document (or the parsed document). */
  document: string | object;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Proxy to this upstream (validating requests and responses) instead of mocking. */
  upstream?: URL;
}

export async function startPrism({ document, host = '127.0.0.1', port = 0, upstream }: PrismOptions): Promise<PrismServer> {
  const prism = loadPrism();
  const operations = await prism.http.getHttpOperationsFromSpec(document as string);
  const logger = prism.core.createLogger('crm-mock', { level: 'silent' });
  const shared = { validateRequest: true, validateResponse: true, checkSecurity: true, errors: false, upstreamProxy: undefined };
  const config = upstream
    ? { ...shared, isProxy: true as const, upstream, mock: { dynamic: false } }
    : { ...shared, isProxy: false as const, mock: { dynamic: false } };
  const server = prism.server.createServer(operations, { cors: false, config, components: { logger } });
  const url = await server.listen(port, host);
  return { url, close: () => server.close() };
}
