// Every record of a `skip`/`limit` list operation, a page at a time, stopping at the list's `count`.
import type { paths } from '../../generated/crm-rest';
import { operations } from '../../generated/crm-rest.operations';
import { toApiError } from '../http/throw-on-error';
import type { CrmClient } from './types';

type Json<T> = T extends { responses: { 200: { content: { 'application/json': infer Body } } } } ? Body : never;
type RecordOf<Op> = Json<Op> extends { records: (infer Item)[] } ? Item : never;
type PageKeys = 'skip' | 'limit';

type GetOp<P extends keyof paths> = paths[P]['get'];
type PostOp<P extends keyof paths> = paths[P]['post'];
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type BodyOf<Op> = Op extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type HasPageKeys<T> = [T] extends [never] ? false : PageKeys extends keyof T ? true : false;

/** Paths whose GET takes `skip` and `limit` in the query, or whose POST takes them in the body. */
export type PagedGetPath = { [P in keyof paths]: HasPageKeys<QueryOf<GetOp<P>>> extends true ? P : never }[keyof paths];
export type PagedPostPath = { [P in keyof paths]: HasPageKeys<BodyOf<PostOp<P>>> extends true ? P : never }[keyof paths];
export type PagedPath = PagedGetPath | PagedPostPath;

type Common = { headers?: Record<string, string>; signal?: AbortSignal };
type PageQuery<Q> = Omit<Q, PageKeys> & { skip?: number };
/** A query with nothing required may be left out, and so may `params` (`paginate(crm, '/public/v1/users')`). */
type GetInit<Q> = {} extends Omit<Q, PageKeys> ? { params?: { query?: PageQuery<Q>; path?: never } } & Common : { params: { query: PageQuery<Q>; path?: never } } & Common;

/** The call's other inputs; `skip` and `limit` are set by the iterator (`skip` may give the start). */
export type PaginateInit<P extends PagedPath> = P extends PagedGetPath
  ? GetInit<QueryOf<GetOp<P>>>
  : { body: Omit<BodyOf<PostOp<P>>, PageKeys> & { skip?: number } } & Common;

/** `init` is optional where the call needs nothing but the page (a body with required fields still needs it). */
type PaginateArgs<P extends PagedPath> = {} extends PaginateInit<P> ? [init?: PaginateInit<P>, options?: PaginateOptions] : [init: PaginateInit<P>, options?: PaginateOptions];

export type PaginatedRecord<P extends PagedPath> = P extends PagedGetPath ? RecordOf<GetOp<P>> : RecordOf<PostOp<P>>;

export interface PaginateOptions {
  /** Records per request; defaults to the largest `limit` the spec allows (500). */
  pageSize?: number;
}

/**
 * `for await (const client of paginate(crm, '/public/v1/users')) …`
 * Throws CrmApiError when a page answers with an HTTP error.
 */
export async function* paginate<P extends PagedPath>(client: CrmClient, path: P, ...[init, options = {}]: PaginateArgs<P>): AsyncGenerator<PaginatedRecord<P>, void, undefined> {
  const entry = [operations[`GET ${path}`], operations[`POST ${path}`]].find((candidate) => candidate?.page);
  if (!entry?.page) throw new TypeError(`paginate: ${path} is not a skip/limit list operation`);
  const limit = options.pageSize ?? entry.page.maxLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > entry.page.maxLimit) {
    throw new RangeError(`paginate: pageSize must be an integer from 1 to ${entry.page.maxLimit}`);
  }
  const given = (init ?? {}) as { params?: { query?: Record<string, unknown> }; body?: Record<string, unknown> };
  let skip = Number((entry.page.in === 'query' ? given.params?.query?.skip : given.body?.skip) ?? 0);
  for (;;) {
    const pageInit =
      entry.page.in === 'query'
        ? { ...given, params: { ...given.params, query: { ...given.params?.query, skip, limit } } }
        : { ...given, body: { ...given.body, skip, limit } };
    const request = client.request as unknown as (method: string, url: string, init: object) => Promise<{ data?: { count: number; records: PaginatedRecord<P>[] }; error?: unknown; response: Response }>;
    const { data, error, response } = await request(entry.method.toLowerCase(), path, pageInit);
    if (!response.ok || !data) throw toApiError(response.status, error, entry.id);
    yield* data.records;
    skip += data.records.length;
    if (data.records.length === 0 || skip >= data.count) return;
  }
}
