/**
 * Announcements as operators publish them and every part shows them: the CLI's `announce`, the
 * pipeline (maintenance first, `/status`) and any console that lists them.
 */
import type { Lang } from './messages.js';

/** What a notice is about. */
export type NoticeKind = 'maintenance' | 'incident' | 'update';

/** Every notice kind, in the order menus show them. */
export const NOTICE_KINDS: readonly NoticeKind[] = ['maintenance', 'incident', 'update'];

/** A notice to publish: its kind, its text in both languages and when it applies. */
export interface NewNotice {
  readonly kind: NoticeKind;
  readonly text: Readonly<Record<Lang, string>>;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** A published notice, with timestamps in ISO 8601. */
export interface NoticeView {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: Readonly<Record<Lang, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  /** How many subscribers it was queued for when it was published. */
  readonly recipients: number;
  readonly createdAt: string;
}
