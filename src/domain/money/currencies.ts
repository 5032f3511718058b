/**
 * Active ISO 4217 currency codes with their minor units (digits after the decimal point).
 * Source: ISO 4217 list one (SIX Financial Information), current codes only.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {};
  const groups: Record<number, string> = {
    0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
    3: 'BHD IQD JOD KWD LYD OMR TND',
    4: 'CLF UYW',
    2:
      'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF ' +
      'CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD ' +
      'HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT ' +
      'MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR ' +
      'SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU ' +
      'UZS VED VES WST XCD YER ZAR ZMW ZWG',
  };
  for (const [digits, codes] of Object.entries(groups)) {
    for (const code of codes.split(' ')) table[code] = Number(digits);
  }
  return table;
})();

export function isCurrencyCode(code: string): boolean {
  return Object.hasOwn(MINOR_UNITS, code);
}

/** Digits after the decimal point in the currency's smallest unit (EUR 2, JPY 0, KWD 3). */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}
