import { join } from 'node:path';
import { runCli } from '../support/cli.js';

/** A password good enough for `agents add` (12+ characters). */
export const PASSWORD = 'correct horse battery staple';

/** Creates a console account with `agents add … --password-stdin` in the database of the app in `dir`. */
export async function addAgent(dir: string, login: string, options: { name?: string; role?: 'agent' | 'admin'; lang?: 'en' | 'zh'; password?: string } = {}): Promise<void> {
  const args = ['agents', 'add', login, '--name', options.name ?? login, '--role', options.role ?? 'agent', '--password-stdin', ...(options.lang ? ['--lang', options.lang] : [])];
  const run = await runCli(args, { DATABASE_PATH: join(dir, 'bot.sqlite') }, `${options.password ?? PASSWORD}\n`);
  if (run.code !== 0) throw new Error(`agents add ${login}: ${run.stderr}`);
}

/** The `name=value` of a response's `Set-Cookie` for cookie `name`, if set. */
export function cookieOf(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1);
}

/** The value of the first hidden `_csrf` field of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field on the page');
  return match[1]!;
}

/** A sign-in through the form as a browser posts it: fetch the form (its token and cookie), then post it. */
export async function postSignIn(url: string, login: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const form = await fetch(`${url}/desk`);
  const cookie = cookieOf(form, 'desk_signin')!;
  return fetch(`${url}/desk/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text()), login, password, next: '/desk' }),
  });
}

/** Signs in and returns the session cookie (`desk_session=…`) and the session's CSRF token. */
export async function signIn(url: string, login: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const response = await postSignIn(url, login, password);
  const cookie = cookieOf(response, 'desk_session');
  if (response.status !== 303 || !cookie) throw new Error(`sign-in as ${login}: ${response.status}`);
  const inbox = await fetch(`${url}/desk`, { headers: { cookie } });
  return { cookie, csrf: csrfOf(await inbox.text()) };
}
