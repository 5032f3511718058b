/**
 * An exact decimal number: `coefficient × 10^-scale`, with a bigint coefficient.
 * Money, prices and rates are Decimals; no float ever carries an amount.
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** `"3.50"` → 350 × 10^-2; undefined when the text is not a plain decimal. */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const coefficient = BigInt(`${whole}${fraction}`) * (sign === '-' ? -1n : 1n);
  return { coefficient, scale: fraction.length };
}

export function decimalFromInteger(value: number | bigint): Decimal {
  return { coefficient: BigInt(value), scale: 0 };
}

/**
 * A Decimal from a JavaScript number that is known to be an exact short decimal in its
 * shortest printed form (a PUE of 1.3, a count of seconds); never for amounts of money.
 */
export function decimalFromNumber(value: number): Decimal {
  const text = String(value);
  const parsed = /e/i.test(text) ? parseDecimal(value.toFixed(12)) : parseDecimal(text);
  if (!parsed) throw new RangeError(`not a finite decimal: ${text}`);
  return parsed;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [
    a.coefficient * 10n ** BigInt(scale - a.scale),
    b.coefficient * 10n ** BigInt(scale - b.scale),
    scale,
  ];
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { coefficient: x + y, scale };
}

export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { coefficient: x - y, scale };
}

export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return { coefficient: a.coefficient * b.coefficient, scale: a.scale + b.scale };
}

export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroDecimal(a: Decimal): boolean {
  return a.coefficient === 0n;
}

/**
 * Rounds to `scale` digits, half to even (banker's rounding: no drift when many amounts
 * are rounded and summed). This is the one rounding rule of amounts in Usine.
 */
export function roundDecimal(a: Decimal, scale: number): Decimal {
  if (a.scale <= scale) return { coefficient: a.coefficient * 10n ** BigInt(scale - a.scale), scale };
  const divisor = 10n ** BigInt(a.scale - scale);
  return { coefficient: divideHalfEven(a.coefficient, divisor), scale };
}

/** a ÷ b rounded half to even at `scale` digits. */
export function divideDecimals(a: Decimal, b: Decimal, scale: number): Decimal {
  if (b.coefficient === 0n) throw new RangeError('division by zero');
  // a/b = (ca / cb) × 10^(sb - sa); scaled to `scale` digits.
  const shift = scale + b.scale - a.scale;
  const numerator = shift >= 0 ? a.coefficient * 10n ** BigInt(shift) : a.coefficient;
  const denominator = shift >= 0 ? b.coefficient : b.coefficient * 10n ** BigInt(-shift);
  return { coefficient: divideHalfEven(numerator, denominator), scale };
}

function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const remainder = n % d;
  const twice = remainder * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** `"3.50"`: the exact digits, keeping the scale (trailing zeros included). */
export function formatDecimal(a: Decimal): string {
  const negative = a.coefficient < 0n;
  const digits = (negative ? -a.coefficient : a.coefficient).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = a.scale > 0 ? `.${digits.slice(digits.length - a.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** For ranking and display only (never to compute an amount): the nearest float. */
export function approximateDecimal(a: Decimal): number {
  return Number(formatDecimal(a));
}
