/** When human agents are at their desks, e.g. `Mon-Fri 09:00-18:00 Asia/Shanghai`. */
export interface BusinessHours {
  /** Days of the week agents work, 0 = Sunday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after local midnight. */
  readonly opensAt: number;
  readonly closesAt: number;
  /** IANA time zone the hours are in. */
  readonly timeZone: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Parses `BUSINESS_HOURS` (`<days> <HH:MM>-<HH:MM> [time zone]`, days like `Mon-Fri` or `Mon,Wed,Sat`).
 * @throws Error saying what is wrong.
 */
export function parseBusinessHours(raw: string): BusinessHours {
  const match = /^\s*([a-z,-]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?\s*$/i.exec(raw);
  if (!match) throw new Error(`"${raw}" is not like "Mon-Fri 09:00-18:00 Asia/Shanghai"`);
  const [, dayText, openH, openM, closeH, closeM, zone] = match;
  const timeZone = zone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(`unknown time zone "${timeZone}"`);
  }
  const opensAt = Number(openH) * 60 + Number(openM);
  const closesAt = Number(closeH) * 60 + Number(closeM);
  if (opensAt >= closesAt || closesAt > 24 * 60) throw new Error(`opening time must be before closing time in "${raw}"`);
  return { days: parseDays(dayText!), opensAt, closesAt, timeZone };
}

function parseDays(text: string): Set<number> {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to] = part.split('-').map((name) => DAY_NAMES.indexOf(name.slice(0, 3)));
    if (from === undefined || from < 0 || (to !== undefined && to < 0)) throw new Error(`unknown day in "${part}"`);
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (to === undefined || day === to) break;
    }
  }
  return days;
}

function localDayAndMinute(hours: BusinessHours, at: Date): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '0';
  return { day: DAY_NAMES.indexOf(get('weekday').toLowerCase()), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Whether agents are at work at `at`. */
export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  const { day, minute } = localDayAndMinute(hours, at);
  return hours.days.has(day) && minute >= hours.opensAt && minute < hours.closesAt;
}

/** The next moment agents are at work (`at` itself when they are), to the minute. */
export function nextBusinessOpening(hours: BusinessHours, at: Date): Date {
  if (isWithinBusinessHours(hours, at)) return at;
  const { minute } = localDayAndMinute(hours, at);
  // Step to the next local opening time, day by day; a week always contains one.
  let candidate = new Date(at.getTime() + ((hours.opensAt - minute + 24 * 60) % (24 * 60)) * 60_000);
  for (let i = 0; i < 8 && !isWithinBusinessHours(hours, candidate); i++) {
    candidate = new Date(candidate.getTime() + 24 * 60 * 60_000);
  }
  candidate.setUTCSeconds(0, 0);
  return candidate;
}
