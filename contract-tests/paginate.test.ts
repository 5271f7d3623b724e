// paginate(): every record of a skip/limit list, a page at a time, stopping at `count`.
import { paginate } from '../src/rest/paginate';
import { CrmApiError } from '../src/core/errors';
import { API_KEY, useMockCrm } from './harness/mock-crm';
import { observedClient } from './harness/output-scan';

/** An in-memory CRM list of `total` clients that records the pages asked for. */
function listServer(total: number, { failAtSkip }: { failAtSkip?: number } = {}) {
  const asked: { method: string; skip: number; limit: number; extra: Record<string, unknown> }[] = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    const input: Record<string, unknown> =
      request.method === 'GET' ? Object.fromEntries([...url.searchParams].map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])) : ((await request.json()) as Record<string, unknown>);
    const { skip, limit, ...extra } = input as { skip: number; limit: number };
    asked.push({ method: request.method, skip, limit, extra });
    if (skip === failAtSkip) return Response.json({ type: 'internal_error' }, { status: 400 });
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - skip)) }, (_, i) => `id${skip + i}`);
    return Response.json({ count: total, records: ids.map((id) => ({ id })) });
  };
  return { client: observedClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY, fetch, validateRequests: false }), asked };
}

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('paginate', () => {
  it('walks a GET list with the largest page the spec allows (500) and stops at count', async () => {
    const { client, asked } = listServer(1234);
    const records = await collect(paginate(client, '/public/v1/users', { params: { query: { suspended: true } } }));
    expect(records).toHaveLength(1234);
    expect(records[1233]).toEqual({ id: 'id1233' });
    expect(asked.map(({ skip, limit }) => [skip, limit])).toEqual([[0, 500], [500, 500], [1000, 500]]);
    expect(asked[0]!.extra).toEqual({ suspended: 'true' });
  });

  it('takes a page size and a starting skip', async () => {
    const { client, asked } = listServer(10);
    const records = await collect(paginate(client, '/public/v1/users', { params: { query: { skip: 4 } } }, { pageSize: 3 }));
    expect(records.map((r) => r.id)).toEqual(['id4', 'id5', 'id6', 'id7', 'id8', 'id9']);
    expect(asked.map(({ skip }) => skip)).toEqual([4, 7]);
  });

  it('walks a POST list that pages in the body (transactions report)', async () => {
    const { client, asked } = listServer(600);
    const records = await collect(paginate(client, '/public/v1/report/transactions', { body: { start: '2024-04-01', end: '2024-05-01' } }));
    expect(records).toHaveLength(600);
    expect(asked.map(({ method, skip, limit }) => [method, skip, limit])).toEqual([['POST', 0, 500], ['POST', 500, 500]]);
    expect(asked[1]!.extra).toEqual({ start: '2024-04-01', end: '2024-05-01' });
  });

  it('stops on an empty page even if count says more', async () => {
    const { client, asked } = listServer(0);
    expect(await collect(paginate(client, '/public/v1/users', { params: { query: {} } }))).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  // Issue 29: a list that needs nothing but the page takes no options (`npm run typecheck` checks the call).
  it('takes no init where nothing but the page is needed', async () => {
    const { client, asked } = listServer(0);
    expect(await collect(paginate(client, '/public/v1/users'))).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it('throws CrmApiError when a page fails', async () => {
    const { client } = listServer(1000, { failAtSkip: 500 });
    await expect(collect(paginate(client, '/public/v1/users', { params: { query: {} } }))).rejects.toBeInstanceOf(CrmApiError);
  });

  it('refuses a page size outside the spec and a path that is not a list', async () => {
    const { client } = listServer(1);
    await expect(collect(paginate(client, '/public/v1/users', { params: { query: {} } }, { pageSize: 501 }))).rejects.toThrow('pageSize must be an integer from 1 to 500');
    await expect(collect(paginate(client, '/public/v1/configurations/countries' as never, {} as never))).rejects.toThrow('is not a skip/limit list operation');
  });

  describe('against the mock CRM', () => {
    const mock = useMockCrm();
    it('sends skip/limit on the wire and yields records of the documented shape', async () => {
      const records = await collect(paginate(mock.client(), '/public/v1/mt4/accounts', { params: { query: { connection_id: 'Cn4Mt001' } } }));
      expect(records.length).toBeGreaterThan(0);
      expect(mock.lastRequest().query).toMatch(/(^|&)skip=\d+&limit=500(&|$)/);
      expect(typeof records[0]!.login).toBe('number');
    });
  });
});
