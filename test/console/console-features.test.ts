import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { addAgent, signIn } from './helpers.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Session = { cookie: string; csrf: string };
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

/** A web visitor's ticket: an urgent one (hacked account), in English unless told. */
async function openTicket(app: App, text = 'my account was hacked and my USDT is gone', lang: 'en' | 'zh' = 'en'): Promise<string> {
  const visitor = await newVisitor(app.url);
  const replies = await webSay(app.url, visitor, { text, lang });
  return replies.find((reply) => reply.escalation)!.escalation!.number;
}

/** Posts a console form as a signed-in agent. */
function post(app: App, session: Session, path: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
  });
}

async function page(app: App, session: Session, path: string): Promise<string> {
  return (await fetch(`${app.url}${path}`, { headers: { cookie: session.cookie } })).text();
}

describe('console: assignment', () => {
  let app: App;
  let alice: Session;
  let carol: Session;
  let dave: Session;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:alice,web:carol,web:dave,cli:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    await addAgent(app.dir, 'dave', { name: 'Dave' });
    await addAgent(app.dir, 'bob', { name: 'Bob' });
    await addAgent(app.dir, 'erin', { name: 'Erin' });
    [alice, carol, dave] = [await signIn(app.url, 'alice'), await signIn(app.url, 'carol'), await signIn(app.url, 'dave')];
    expect((await runCli(['agents', 'disable', 'erin'], { DATABASE_PATH: join(app.dir, 'bot.sqlite') })).code).toBe(0);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('the claiming agent hands a ticket on: audited, the user hears who joined, every desk follows it as a claim', async () => {
    const ticket = await openTicket(app);
    expect((await post(app, carol, `/desk/tickets/${ticket}/claim`)).status).toBe(303);
    const before = await app.services.queue.lastEventId();
    const done = await post(app, carol, `/desk/tickets/${ticket}/assign`, { to: 'dave' });
    expect([done.status, done.headers.get('location')]).toEqual([303, `/desk/tickets/${ticket}?done=assign`]);
    expect(await app.services.desk.view(ticket)).toMatchObject({ status: 'claimed', agentId: 'web:dave', agent: 'Dave' });
    expect((await app.services.desk.detail(ticket)).events.at(-1)).toMatchObject({ actor: 'web:dave', action: 'claim', note: 'assigned by web:carol' });
    expect(await app.services.queue.eventsSince(before)).toMatchObject([{ type: 'claimed', actor: { kind: 'agent', channel: 'web', userId: 'dave' }, ticket: { number: ticket, agent: 'Dave' } }]);
    expect((await app.services.desk.detail(ticket)).messages.at(-1)).toMatchObject({ from: 'bot', text: expect.stringContaining('Dave') });
    expect(await page(app, dave, `/desk/tickets/${ticket}`)).toContain('assigned by web:carol');
  });

  it('refuses an agent who does not hold the ticket, and a target that is not an enabled agent account in AGENT_IDS', async () => {
    const ticket = await openTicket(app);
    expect((await post(app, carol, `/desk/tickets/${ticket}/claim`)).status).toBe(303);
    const other = await post(app, dave, `/desk/tickets/${ticket}/assign`, { to: 'dave' });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('already claimed by Carol');
    // bob has an account but AGENT_IDS does not name him; erin is disabled; zed has no account.
    for (const to of ['bob', 'erin', 'zed', '', '<script>']) {
      const refused = await post(app, carol, `/desk/tickets/${ticket}/assign`, { to });
      const body = await refused.text();
      expect([to, refused.status, body.includes(`web:${to.replace('<', '&lt;').replace('>', '&gt;')} cannot take tickets`), body.includes('<script>')]).toEqual([to, 403, true, false]);
    }
    await expect(app.services.desk.assign(ticket, { channel: 'telegram', userId: '42', name: 'Mallory' }, 'dave')).rejects.toThrow('telegram:42 is not an agent');
    expect(await app.services.desk.view(ticket)).toMatchObject({ agentId: 'web:carol' });
    expect((await post(app, carol, `/desk/tickets/${ticket}/resolve`)).status).toBe(303);
    const done = await post(app, carol, `/desk/tickets/${ticket}/assign`, { to: 'dave' });
    expect(done.status).toBe(409);
    expect(await page(app, carol, `/desk/tickets/${ticket}`)).not.toContain('name="to"');
  });

  it('an admin reassigns a ticket someone else holds; the picker lists only agents who may take it', async () => {
    const ticket = await openTicket(app);
    expect((await post(app, carol, `/desk/tickets/${ticket}/claim`)).status).toBe(303);
    const picker = await page(app, alice, `/desk/tickets/${ticket}`);
    const options = [...picker.matchAll(/<option value="([a-z]+)">/g)].map((match) => match[1]);
    expect(options).toEqual(['alice', 'dave']);
    expect(await page(app, dave, `/desk/tickets/${ticket}`)).not.toContain('name="to"');
    expect((await post(app, alice, `/desk/tickets/${ticket}/assign`, { to: 'dave' })).status).toBe(303);
    expect((await app.services.desk.view(ticket)).agentId).toBe('web:dave');
  });

  it('assigns from the command line as the claiming agent', async () => {
    const ticket = await openTicket(app);
    const env = { DATABASE_PATH: join(app.dir, 'bot.sqlite'), AGENT_IDS: 'web:alice,web:carol,web:dave,cli:*' };
    expect((await runCli(['escalations', 'claim', ticket, '--agent', 'sam'], env)).code).toBe(0);
    const run = await runCli(['escalations', 'assign', ticket, '--to', 'web:carol', '--agent', 'sam', '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ number: ticket, agentId: 'web:carol', agent: 'Carol' });
    const refused = await runCli(['escalations', 'assign', ticket, '--to', 'bob', '--agent', 'sam'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('web:bob cannot take tickets: it needs an enabled console account and an AGENT_IDS entry');
  });
});

describe('console: tags', () => {
  let app: App;
  let carol: Session;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:carol', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    carol = await signIn(app.url, 'carol');
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('adds tags in any script, lower-cased and audited, shows them in the inbox, filters by one, removes one', async () => {
    const [tagged, plain] = [await openTicket(app), await openTicket(app)];
    for (const tag of ['VIP', '退款', 'chain_eth-2', 'vip']) expect((await post(app, carol, `/desk/tickets/${tagged}/tag`, { tag })).status).toBe(303);
    const events = (await app.services.desk.detail(tagged)).events.filter((event) => event.action === 'tag');
    expect(events.map((event) => [event.actor, event.note])).toEqual([
      ['web:carol', 'vip'],
      ['web:carol', '退款'],
      ['web:carol', 'chain_eth-2'],
    ]);
    const inbox = await page(app, carol, '/desk');
    expect(inbox).toContain('<span class="tag">退款</span>');
    const filtered = await page(app, carol, `/desk/rows?tag=${encodeURIComponent('VIP')}`);
    expect(filtered).toContain(tagged);
    expect(filtered).not.toContain(plain);
    expect((await post(app, carol, `/desk/tickets/${tagged}/untag`, { tag: 'vip' })).status).toBe(303);
    expect(await page(app, carol, '/desk/rows?tag=vip')).not.toContain(tagged);
    expect((await app.services.desk.detail(tagged)).events.at(-1)).toMatchObject({ actor: 'web:carol', action: 'untag', note: 'vip' });
  });

  it('refuses hostile and overlong tags and an eleventh tag, storing nothing of them', async () => {
    const ticket = await openTicket(app);
    for (const tag of ['<img src=x onerror=alert(1)>', 'a'.repeat(33), 'two words', 'javascript:alert(1)', '', '"quoted"']) {
      const response = await post(app, carol, `/desk/tickets/${ticket}/tag`, { tag });
      expect([tag, response.status]).toEqual([tag, 400]);
      const body = await response.text();
      expect(body).toContain('A tag is 1-32 letters, digits, - or _.');
      expect(body).not.toContain('<img src=x');
    }
    for (let n = 0; n < 10; n++) expect((await post(app, carol, `/desk/tickets/${ticket}/tag`, { tag: `t${n}` })).status).toBe(303);
    const eleventh = await post(app, carol, `/desk/tickets/${ticket}/tag`, { tag: 'one-more' });
    expect(eleventh.status).toBe(400);
    expect(await eleventh.text()).toContain('at most 10 tags');
    expect((await app.services.desk.detail(ticket)).events.filter((event) => event.action === 'tag')).toHaveLength(10);
  });

  it('pages the inbox 100 tickets at a time, with and without a tag filter', async () => {
    const opened = [];
    for (let n = 0; n < 105; n++) opened.push(await openTicket(app));
    for (const ticket of [opened[3]!, opened[104]!]) expect((await post(app, carol, `/desk/tickets/${ticket}/tag`, { tag: 'paged' })).status).toBe(303);
    const numbers = (markup: string) => [...markup.matchAll(/class="number" href="\/desk\/tickets\/(T-\d+)"/g)].map((match) => match[1]);
    const first = await page(app, carol, '/desk?priority=urgent');
    const all = (await app.services.desk.list({ status: ['open', 'claimed'], priority: 'urgent' })).map((ticket) => ticket.number);
    expect(numbers(first)).toEqual(all.slice(0, 100));
    const next = /<a class="next" href="([^"]+)"/.exec(first)![1]!.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/desk\?priority=urgent&after=/);
    const second = await page(app, carol, next);
    expect(numbers(second)).toEqual(all.slice(100));
    expect(second).not.toContain('class="next"');
    expect(numbers(await page(app, carol, '/desk?tag=paged'))).toEqual([opened[3], opened[104]]);
  });

  it('renders a hostile tag filter inert', async () => {
    const rows = await page(app, carol, `/desk?tag=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(rows).not.toContain('<script>alert(1)');
    expect(rows).toContain('&quot;&gt;&lt;script&gt;');
  });
});

describe('console: canned replies, the brain draft, redaction, language', () => {
  let app: App;
  let admin: Session;
  let agent: Session;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:alice,web:carol', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    [admin, agent] = [await signIn(app.url, 'alice'), await signIn(app.url, 'carol')];
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('admins create, edit and delete canned replies; a seed phrase in one is redacted before it is stored; agents may not manage them', async () => {
    const created = await post(app, admin, '/desk/canned', { title: 'Frozen', en: `We froze it. Never share: ${SEED}`, zh: '我们已冻结您的账户。' });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain('Canned reply created.');
    const listed = await page(app, admin, '/desk/canned');
    expect(listed).not.toContain('legal winner');
    expect(listed).toContain('[redacted');
    const id = /data-canned-id="(\d+)"/.exec(listed)![1]!;
    expect((await post(app, agent, '/desk/canned', { title: 'Mine', en: 'x', zh: 'y' })).status).toBe(403);
    expect((await post(app, admin, `/desk/canned/${id}`, { title: 'Frozen account', en: 'Your account is frozen.', zh: '您的账户已冻结。' })).status).toBe(200);
    expect(await page(app, admin, '/desk/canned')).toContain('value="Frozen account"');
    expect((await post(app, admin, '/desk/canned', { title: '', en: 'x', zh: 'y' })).status).toBe(400);
    expect((await post(app, admin, '/desk/canned', { title: 'Only English', en: 'x', zh: '  ' })).status).toBe(400);
    expect((await post(app, admin, '/desk/canned/999/delete')).status).toBe(404);
    expect((await post(app, admin, '/desk/canned', { title: 'Spare', en: 'spare', zh: '备用' })).status).toBe(200);
    const spare = [...(await page(app, admin, '/desk/canned')).matchAll(/data-canned-id="(\d+)"/g)].map((match) => match[1]).find((other) => other !== id)!;
    expect((await post(app, admin, `/desk/canned/${spare}/delete`)).status).toBe(200);
    expect(await page(app, admin, '/desk/canned')).not.toContain('备用');
  });

  it("offers the canned replies on a ticket in its language, and the FAQ draft for the last question in the user's language", async () => {
    await post(app, admin, '/desk/canned', { title: 'Greeting', en: 'Hello, I am here to help.', zh: '您好，我来帮您。' });
    const zh = await openTicket(app, '我的账户被盗了，币全没了', 'zh');
    const page1 = await page(app, agent, `/desk/tickets/${zh}`);
    expect(page1).toContain('data-text="您好，我来帮您。"');
    expect(page1).not.toContain('data-text="Hello, I am here to help."');
    expect(page1).toContain('id="draft-text"');
    expect(page1).toContain('Suggested answer from the FAQ');
    // The draft is an FAQ answer in Chinese, for the user's message.
    const draft = /<blockquote id="draft-text" data-faq-id="([^"]+)">([^<]+)</.exec(page1)!;
    expect(draft[2]).toMatch(/[\u4e00-\u9fff]/);
    expect(draft[2]).toBe(app.services.brains.current.knowledgeBase.answer(app.services.brains.current.knowledgeBase.byId(draft[1]!)!, 'zh'));
    expect(app.services.brains.current.knowledgeBase.byId(draft[1]!)!.intent).toBe('security.account_compromised');
    // A ticket whose user asked nothing the FAQ answers gets no draft.
    const visitor = await newVisitor(app.url);
    let replies = await webSay(app.url, visitor, { text: 'I want to talk to a human agent please', lang: 'en' });
    for (let step = 0; step < 8 && !replies.some((reply) => reply.escalation); step++) replies = await webSay(app.url, visitor, { text: 'skip', lang: 'en' });
    const plain = replies.find((reply) => reply.escalation)!.escalation!.number;
    expect(await page(app, agent, `/desk/tickets/${plain}`)).not.toContain('id="draft-text"');
  });

  it('redacts a seed phrase in an agent reply before it is stored or sent', async () => {
    const ticket = await openTicket(app);
    expect((await post(app, agent, `/desk/tickets/${ticket}/reply`, { text: `Please never type words like ${SEED}` })).status).toBe(303);
    const detail = await app.services.desk.detail(ticket);
    expect(JSON.stringify(detail)).not.toContain('legal winner');
    expect(detail.messages.at(-1)).toMatchObject({ from: 'agent', text: expect.stringContaining('[redacted') });
  });

  it('switches the console language per agent and remembers it', async () => {
    const response = await fetch(`${app.url}/desk/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: agent.cookie, referer: `${app.url}/desk?status=all` },
      body: new URLSearchParams({ _csrf: agent.csrf, lang: 'zh' }),
    });
    expect([response.status, response.headers.get('location')]).toEqual([303, '/desk?status=all']);
    expect(await page(app, agent, '/desk')).toContain('<h1>收件箱</h1>');
    const again = await signIn(app.url, 'carol');
    expect(await page(app, again, '/desk')).toContain('<h1>收件箱</h1>');
    expect(await page(app, admin, '/desk')).toContain('<h1>Inbox</h1>');
    const elsewhere = await fetch(`${app.url}/desk/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: agent.cookie, referer: 'https://evil.example/desk' },
      body: new URLSearchParams({ _csrf: agent.csrf, lang: 'en' }),
    });
    expect(elsewhere.headers.get('location')).toBe('/desk');
    expect(await page(app, agent, '/desk')).toContain('<h1>Inbox</h1>');
  });
});
