// Calendar-day arithmetic for plan dates (YYYY-MM-DD, Asia/Shanghai days).
// Dates are handled as UTC midnights so the host's time zone never shifts a day.
import { UTCDate } from '@date-fns/utc';
import { addDays as addDaysFns, addMonths as addMonthsFns, differenceInCalendarDays, formatISO } from 'date-fns';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

function parse(day: string): UTCDate {
  return new UTCDate(`${day}T00:00:00Z`);
}

function format(date: Date): string {
  return formatISO(date, { representation: 'date' });
}

export function addDays(day: string, days: number): string {
  return format(addDaysFns(parse(day), days));
}

export function addMonths(day: string, months: number): string {
  return format(addMonthsFns(parse(day), months));
}

/** Whole days from `from` to `to` (discharge − admission = hospital days). */
export function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(parse(to), parse(from));
}

/** The Asia/Shanghai calendar day of an instant. */
export function shanghaiDay(instant: Date | string): string {
  const ms = new Date(instant).getTime() + SHANGHAI_OFFSET_MS;
  return new Date(ms).toISOString().slice(0, 10);
}
