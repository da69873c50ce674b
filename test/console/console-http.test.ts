import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { addAgent, cookieOf, PASSWORD, postSignIn, signIn } from './helpers.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
const NO_LIMITS = { DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' };

/** A web visitor's urgent ticket, and what they then wrote to it. */
async function urgentTicket(app: App, followUp?: string): Promise<string> {
  const visitor = await newVisitor(app.url);
  const replies = await webSay(app.url, visitor, { text: 'my account was hacked and my USDT is gone', lang: 'en' });
  if (followUp) await webSay(app.url, visitor, { text: followUp, lang: 'en' });
  return replies.find((reply) => reply.escalation)!.escalation!.number;
}

describe('console over HTTP: sign-in, sessions, CSRF, refusals', () => {
  let app: App;
  let ticket: string;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:alice,web:carol,cli:*', ...NO_LIMITS });
    await addAgent(app.dir, 'alice', { name: 'Alice' });
    await addAgent(app.dir, 'bob', { name: 'Bob' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    ticket = await urgentTicket(app);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('shows the sign-in form to a signed-out visitor, and says only that a wrong sign-in failed', async () => {
    const page = await fetch(`${app.url}/desk`);
    expect(page.status).toBe(401);
    const body = await page.text();
    expect(body).toMatch(/<input id="login" name="login"/);
    expect(body).toMatch(/<input id="password" name="password" type="password"/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const [login, password] of [
      ['alice', 'wrong password here'],
      ['nobody', PASSWORD],
    ]) {
      const refused = await postSignIn(app.url, login!, password!);
      expect(refused.status).toBe(401);
      expect(cookieOf(refused, 'desk_session')).toBeUndefined();
      const text = await refused.text();
      expect(text).toContain('Sign-in failed.');
      expect(text).not.toMatch(/unknown|no account|password is/i);
    }
  });

  it('sets an httpOnly, SameSite=Strict session cookie on sign-in', async () => {
    const response = await postSignIn(app.url, 'alice', PASSWORD);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/desk');
    const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('desk_session='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).not.toMatch(/Secure/i);
  });

  it('refuses a sign-in form without its token, or posted from another site', async () => {
    const bare = await fetch(`${app.url}/desk/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'alice', password: PASSWORD }),
    });
    expect(bare.status).toBe(403);
    expect(cookieOf(bare, 'desk_session')).toBeUndefined();
    const foreign = await postSignIn(app.url, 'alice', PASSWORD, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('refuses a signed-in user whom AGENT_IDS does not name, and opens no session for them', async () => {
    const response = await postSignIn(app.url, 'bob', PASSWORD);
    expect(response.status).toBe(403);
    expect(cookieOf(response, 'desk_session')).toBeUndefined();
    expect(await response.text()).toContain('Only support agents can do this.');
  });

  it('refuses a state-changing request without the CSRF token or from another origin, and does it with both right', async () => {
    const { cookie, csrf } = await signIn(app.url, 'alice');
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/desk/tickets/${ticket}/claim`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
        body: new URLSearchParams(fields),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ _csrf: 'x'.repeat(csrf.length) })).status).toBe(403);
    expect((await post({ _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await app.services.desk.view(ticket)).status).toBe('open');
    const done = await post({ _csrf: csrf }, { origin: app.url });
    expect(done.status).toBe(303);
    expect(await app.services.desk.view(ticket)).toMatchObject({ status: 'claimed', agentId: 'web:alice', agent: 'Alice' });
  });

  it('says a refusal in the desk wording (claimed by another agent)', async () => {
    const { cookie, csrf } = await signIn(app.url, 'carol');
    const response = await fetch(`${app.url}/desk/tickets/${ticket}/claim`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain(`${ticket} is already claimed by Alice.`);
  });

  it('ends the sessions of an account that is disabled or whose password changes, and on sign-out', async () => {
    const env = { DATABASE_PATH: join(app.dir, 'bot.sqlite') };
    const first = await signIn(app.url, 'carol');
    expect((await fetch(`${app.url}/desk`, { headers: { cookie: first.cookie } })).status).toBe(200);
    expect((await runCli(['agents', 'passwd', 'carol', '--password-stdin'], env, 'a brand new password\n')).code).toBe(0);
    expect((await fetch(`${app.url}/desk`, { headers: { cookie: first.cookie } })).status).toBe(401);

    const second = await signIn(app.url, 'carol', 'a brand new password');
    const out = await fetch(`${app.url}/desk/sign-out`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: second.cookie },
      body: new URLSearchParams({ _csrf: second.csrf }),
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${app.url}/desk`, { headers: { cookie: second.cookie } })).status).toBe(401);

    const third = await signIn(app.url, 'carol', 'a brand new password');
    expect((await runCli(['agents', 'disable', 'carol'], env)).code).toBe(0);
    expect((await fetch(`${app.url}/desk/rows`, { headers: { cookie: third.cookie } })).status).toBe(401);
    expect((await postSignIn(app.url, 'carol', 'a brand new password')).status).toBe(401);
  });

  it('shows user-written HTML as text', async () => {
    const number = await urgentTicket(app, 'look: <img src=x onerror="alert(1)"> <script>alert(2)</script>');
    const { cookie } = await signIn(app.url, 'alice');
    const page = await (await fetch(`${app.url}/desk/tickets/${number}`, { headers: { cookie } })).text();
    expect(page).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>alert');
    const rows = await (await fetch(`${app.url}/desk/rows?q=${encodeURIComponent(number)}`, { headers: { cookie } })).text();
    expect(rows).toContain(number);
    expect(rows).not.toContain('<img');
  });
});

describe('console over HTTP: sign-in limits', () => {
  let app: App;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '3', DESK_SIGNIN_LIMIT_PER_ADDRESS: '6' });
    await addAgent(app.dir, 'alice');
    await addAgent(app.dir, 'bob');
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('stops guessing at one account after its failures, then at every account from one address', async () => {
    for (let attempt = 0; attempt < 3; attempt++) expect((await postSignIn(app.url, 'alice', `wrong password ${attempt}`)).status).toBe(401);
    const locked = await postSignIn(app.url, 'alice', PASSWORD);
    expect(locked.status).toBe(429);
    expect(cookieOf(locked, 'desk_session')).toBeUndefined();
    expect(await locked.text()).toContain('Too many sign-in attempts');
    // Another account from the same address: the address's own limit (6 attempts) remains.
    expect((await postSignIn(app.url, 'bob', PASSWORD)).status).toBe(303);
    expect((await postSignIn(app.url, 'bob', 'wrong password x')).status).toBe(401);
    expect((await postSignIn(app.url, 'bob', PASSWORD)).status).toBe(429);
  });
});
