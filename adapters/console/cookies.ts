import type { CookieOptions, Request } from 'express';

/**
 * The value of cookie `name` in the request's `Cookie` header. Hand-written because express 5
 * sets cookies (`res.cookie`) but no longer parses them, and this is all the console reads.
 */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) {
      try {
        return decodeURIComponent(part.slice(equals + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The console's cookies: their names and attributes (`Secure` and the `__Host-` prefix when the site is https). */
export interface ConsoleCookies {
  /** The session token. */
  readonly session: string;
  /** The sign-in form's anti-forgery token (double submit, before there is a session). */
  readonly signIn: string;
  /** httpOnly, SameSite=Strict, Path=/, Secure on https. */
  readonly options: CookieOptions;
}

/** The cookies for a site served over https (`PUBLIC_URL` https) or not. */
export function consoleCookies(secure: boolean): ConsoleCookies {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}desk_session`, signIn: `${prefix}desk_signin`, options: { httpOnly: true, sameSite: 'strict', secure, path: '/' } };
}
