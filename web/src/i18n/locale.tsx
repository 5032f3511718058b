import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { EN, type MessageKey } from './en.js';
import { FR } from './fr.js';

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en: EN, fr: FR };
const STORAGE_KEY = 'usine.locale';

export interface LocaleTools {
  readonly locale: Locale;
  setLocale(locale: Locale): void;
  /** The message in the current language, `{name}` filled from `values`. */
  t(key: MessageKey, values?: Readonly<Record<string, string | number>>): string;
  /** An amount as the API writes it (`"12.50 EUR"`), in the locale's way; exact: Intl formats the decimal text. */
  money(text: string): string;
  number(value: number, digits?: number): string;
  /** An RFC 3339 instant in the locale's date and time. */
  dateTime(instant: string): string;
}

/** The language the reader chose in this browser before, else the browser's own (French or English). */
export function pickLocale(): Locale {
  const chosen = localStorage.getItem(STORAGE_KEY);
  if (chosen === 'en' || chosen === 'fr') return chosen;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('fr')) ? 'fr' : 'en';
}

const LocaleContext = createContext<LocaleTools | undefined>(undefined);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(pickLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  const tools = useMemo(() => makeTools(locale, setLocale), [locale, setLocale]);
  return <LocaleContext.Provider value={tools}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleTools {
  const tools = useContext(LocaleContext);
  if (!tools) throw new Error('useLocale outside LocaleProvider');
  return tools;
}

function makeTools(locale: Locale, setLocale: (l: Locale) => void): LocaleTools {
  const messages = MESSAGES[locale];
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  return {
    locale,
    setLocale,
    // a key made up at run time (a role or state the server added since) reads as itself
    t: (key, values) =>
      (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => String(values?.[name] ?? whole)),
    money: (text) => formatMoneyText(locale, text),
    number: (value, digits = 3) =>
      new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
    dateTime: (instant) => dates.format(new Date(instant)),
  };
}

function formatMoneyText(locale: Locale, text: string): string {
  const match = /^(-?\d+(?:\.\d+)?) ([A-Z]{3})$/.exec(text.trim());
  if (!match) return text;
  const [, amount = '', currency = ''] = match;
  const decimals = amount.split('.')[1]?.length ?? 0;
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: Math.min(decimals, 2),
    maximumFractionDigits: Math.max(decimals, 2),
  });
  // a decimal string is formatted exactly (Intl.NumberFormat v3), never through a float
  return format.format(amount as `${number}`);
}
