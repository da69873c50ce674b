import { say, type Lang, type NoticeView } from '../contracts/index.js';

/** A moment as notices show it, the same for every reader: `2025-05-01 02:00 UTC`. */
function moment(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** A notice as users read it, in `lang`: its kind, when it applies and the operator's text. */
export function noticeText(notice: Pick<NoticeView, 'kind' | 'text' | 'startsAt' | 'endsAt'>, lang: Lang): string {
  return say(lang, `notice.${notice.kind}`, { from: moment(notice.startsAt), until: moment(notice.endsAt), text: notice.text[lang] });
}
