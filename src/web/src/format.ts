import { currentLanguage } from '@/i18n.ts';

// Every date, time and duration a person reads goes through this module: one format per language
// (Intl's medium date, short time, in the UI's language rather than the browser's).

function toDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2 déc. 2026, 14:05" / "Dec 2, 2026, 2:05 PM"; an unreadable value is shown as it came. */
export function formatDateTime(iso: string): string {
  const date = toDate(iso);
  if (!date) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "2 déc. 2026" / "Dec 2, 2026". A calendar day ("2026-11-02") is that day wherever the reader is. */
export function formatDate(iso: string): string {
  const date = toDate(iso);
  if (!date) return iso;
  const isCalendarDay = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Intl.DateTimeFormat(currentLanguage(), {
    dateStyle: 'medium',
    ...(isCalendarDay ? { timeZone: 'UTC' } : {}),
  }).format(date);
}

/** "il y a 3 min" / "3 min ago" (or "dans 40 min" for a token's expiry). */
export function formatRelativeTime(iso: string, now = Date.now()): string {
  const date = toDate(iso);
  if (!date) return iso;
  const seconds = (date.getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'auto', style: 'short' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(Math.round(seconds), 'second');
}

/** A call's length: "4:05" under an hour, "1 h 12 min" beyond. */
export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes >= 60
    ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
    : `${minutes}:${String(rest).padStart(2, '0')}`;
}

/** A moment in a recording, as a player shows it: "4:05", "1:02:03". */
export function formatClock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const rest = `${String(minutes % 60).padStart(minutes >= 60 ? 2 : 1, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  return minutes >= 60 ? `${Math.floor(minutes / 60)}:${rest}` : rest;
}

/** "1:23", "01:02:03" or "83" (seconds), as typed → milliseconds; null when it is not a time. */
export function parseClock(text: string): number | null {
  const parts = text.trim().split(':');
  if (parts.length > 3 || parts.some((part) => !/^\d+$/.test(part))) return null;
  return parts.reduce((total, part) => total * 60 + Number(part), 0) * 1000;
}
