// The formats the request and response schemas use, checked exactly as ajv-formats' "full" mode checks them
// (the validators used to be ajv's, and the tests compare the two). Regular expressions from ajv-formats (MIT).
// A string format applies to strings only, a number format to numbers only (as in ajv-formats); `password`
// is only a UI hint. The generator refuses a format listed in neither table (ANNOTATION_FORMATS aside).
// Each API's set also says whether its schemas have `anyOf`/`oneOf` (SchemaFormats, in schema-validator.ts).
import { alternatives, type SchemaFormats } from './schema-validator';

export { ANNOTATION_FORMATS, type SchemaFormats } from './schema-validator';

const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;

/** A calendar date: the proleptic Gregorian calendar (as ajv-formats, and JS's Date) has that day in that month. */
function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [+match[1]!, +match[2]!, +match[3]!];
  // A day or month that does not exist rolls over into another (2023-02-29 is 2023-03-01): not the one asked.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const NOT_URI_FRAGMENT = /\/|:/;
const URI =
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

const isEmail = (text: string) => EMAIL.test(text);
const isUri = (text: string) => NOT_URI_FRAGMENT.test(text) && URI.test(text);

/** The check of each known format; a string that fails it gets "must match format". */
export const FORMATS: Record<string, (text: string) => boolean> = { email: isEmail, date: isDate, uri: isUri };

/** The number formats (OpenAPI's `int32`, `int64`): a number that fails gets "must match format". */
export const NUMBER_FORMATS: Record<string, (value: number) => boolean> = {
  int32: (value) => Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1,
  // JSON numbers are doubles: every integer fits int64 (ajv-formats checks the same).
  int64: (value) => Number.isInteger(value),
};

export const ALL_FORMATS: SchemaFormats = { strings: FORMATS, numbers: NUMBER_FORMATS, alternatives };

// What each API's request schemas use, so a bundle carries only those checks (the URI one alone is ~0.3 KB
// gzipped, anyOf/oneOf ~0.1 KB): the validator-equivalence test validates every operation with its API's set,
// and a format or `alternatives` missing from it throws there (and at the first validation of that
// operation), never passes unchecked.
export const CRM_REST_FORMATS: SchemaFormats = { strings: { email: isEmail, date: isDate } };
export const CLIENT_OAUTH_FORMATS: SchemaFormats = { strings: { uri: isUri }, alternatives };
/** psp, external-wallets and exchange-rates: no format to check. */
export const NO_FORMATS: SchemaFormats = {};

