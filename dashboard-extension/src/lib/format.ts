/** Numbers, money, dates and percentages as the pages show them (locale from AppBridge). */

export interface Money {
  currency: string;
  amount: string | number;
}

export const DASH = "—";

export function formatCount(value: number | null | undefined, locale = "en"): string {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat(locale).format(value);
}

/** `part / whole` as a percentage with one decimal; a dash when there is no whole. */
export function formatRate(part: number, whole: number, locale = "en"): string {
  if (!whole) return DASH;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(part / whole);
}

/** Amounts per currency ("€1,200.00 + $30.00"); never summed across currencies. */
export function formatMoney(amounts: Money[] | null | undefined, locale = "en"): string {
  const nonZero = (amounts ?? []).filter((m) => Number(m.amount) !== 0);
  if (nonZero.length === 0) return DASH;
  return nonZero
    .map((money) => {
      const value = Number(money.amount);
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(
          value,
        );
      } catch {
        // An unknown currency code: show the number and the code as they came.
        return `${new Intl.NumberFormat(locale).format(value)} ${money.currency}`;
      }
    })
    .join(" + ");
}

export function formatDateTime(iso: string | null | undefined, locale = "en"): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** YYYY-MM-DD of a date in UTC (the API's Date scalar). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The `days` days ending today (UTC), as flowStats takes them. */
export function lastDays(days: number, today: Date = new Date()): { since: string; until: string } {
  const since = new Date(today.getTime() - (days - 1) * 86_400_000);
  return { since: isoDay(since), until: isoDay(today) };
}
