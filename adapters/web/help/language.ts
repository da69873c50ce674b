import type { Request, Response } from 'express';
import type { Lang } from '../../../src/core/index.js';

/** The cookie that remembers a language chosen with `?lang=`. */
const COOKIE = 'help_lang';
const ONE_YEAR_MS = 365 * 24 * 60 * 60_000;

function isLang(value: unknown): value is Lang {
  return value === 'zh' || value === 'en';
}

/**
 * The page's language: `?lang=zh|en` (then remembered in a cookie), else the cookie, else the
 * best of `Accept-Language`, else English.
 */
export function pageLanguage(req: Request, res: Response): Lang {
  const asked = req.query.lang;
  if (isLang(asked)) {
    res.cookie(COOKIE, asked, { maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true, path: '/' });
    return asked;
  }
  const remembered = /(?:^|;\s*)help_lang=(zh|en)(?:;|$)/.exec(req.get('cookie') ?? '')?.[1];
  if (isLang(remembered)) return remembered;
  const accepted = req.acceptsLanguages('en', 'zh');
  return isLang(accepted) ? accepted : 'en';
}

/** The value of a `lang` attribute for a language. */
export function langAttribute(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}
