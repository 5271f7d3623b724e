// Exact money: amounts are held as integers of 10^-8 units (the CRM's decimal(20,8)), never as floats.
// Decimal strings (MT4 deposits) and JSON numbers (wallet updates) are both parsed from their text.

export type Units = bigint;

const SCALE = 8;
const ONE = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses `"250.00"`, `250.5` or `-75.25` exactly; throws on more than 8 decimals or a non-decimal. */
export function toUnits(amount: string | number): Units {
  const text = typeof amount === 'number' ? numberText(amount) : amount;
  const match = DECIMAL.exec(text);
  if (!match || (match[3]?.length ?? 0) > SCALE) throw new RangeError(`not a decimal with at most ${SCALE} places: ${text}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const units = BigInt(whole) * ONE + BigInt(fraction.padEnd(SCALE, '0'));
  return sign ? -units : units;
}

/** The amount exactly, or undefined when it is no decimal of at most 8 places (a wrong type, 1e308, 1.000000001). */
export function unitsOrUndefined(amount: unknown): Units | undefined {
  if (typeof amount !== 'string' && typeof amount !== 'number') return undefined;
  try {
    return toUnits(amount);
  } catch {
    return undefined;
  }
}

/** The shortest decimal text of a JSON number, without exponent (1e-7 → "0.0000001"). */
function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/** `"1520.40"`-style text with at least 2 decimals, as the CRM's sample reports balances. */
export function unitsText(units: Units): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / ONE;
  let fraction = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** The JSON number of an amount (the lists document numbers); exact for every amount a test uses. */
export const unitsNumber = (units: Units): number => Number(unitsText(units));
