import { isWithinBusinessHours, nextBusinessOpening, type BusinessHours } from '../config/business-hours.js';
import type { Lang, Priority } from '../contracts/index.js';
import { say } from '../contracts/index.js';

/** SLA settings, from configuration. */
export interface SlaPolicy {
  readonly chatMinutes: number;
  readonly emailHours: number;
  readonly businessHours?: BusinessHours;
}

/** When a ticket's first reply is due, and whether agents are away right now. */
export interface SlaTerms {
  readonly dueAt: Date;
  /** Set when agents are away: when they are back. */
  readonly backAt?: Date;
}

/**
 * The SLA of a new ticket: live chat answers within minutes (urgent ones in a third of that);
 * while agents are away the ticket is answered like an e-mail, within `emailHours` at the latest.
 */
export function slaTerms(policy: SlaPolicy, priority: Priority, now: Date): SlaTerms {
  const chatMs = (priority === 'urgent' ? Math.max(5, Math.round(policy.chatMinutes / 3)) : policy.chatMinutes) * 60_000;
  if (!policy.businessHours || isWithinBusinessHours(policy.businessHours, now)) {
    return { dueAt: new Date(now.getTime() + chatMs) };
  }
  const backAt = nextBusinessOpening(policy.businessHours, now);
  const emailDue = now.getTime() + policy.emailHours * 3_600_000;
  return { dueAt: new Date(Math.min(backAt.getTime() + chatMs, emailDue)), backAt };
}

/** "within about 15 minutes" / "4 小时" for the time left until `dueAt`. */
export function describeWait(lang: Lang, dueAt: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((dueAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 120) return say(lang, 'wait.minutes', { minutes });
  return say(lang, 'wait.hours', { hours: Math.ceil(minutes / 60) });
}

/** A moment in the user's language, e.g. "Mon 09:00 UTC" / "周一 09:00 (UTC)". */
export function describeMoment(lang: Lang, at: Date, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}
