import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';

describe('flood control', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('cuts off one user sending 200 messages while another user is still answered', async () => {
    const [flooder, bystanderId] = [await newVisitor(app.url), await newVisitor(app.url)];
    const flood = Array.from({ length: 200 }, (_, i) => webSay(app.url, flooder, { text: `spam message number ${i} about my withdrawal` }));
    const bystander = webSay(app.url, bystanderId, { text: 'how do I enable 2FA?' });
    const [floodReplies, bystanderReplies] = await Promise.all([Promise.all(flood), bystander]);

    expect(bystanderReplies[0]).toMatchObject({ kind: 'answer' });
    const answered = floodReplies.filter((replies) => replies.some((reply) => reply.kind === 'answer'));
    const warned = floodReplies.filter((replies) => replies.some((reply) => reply.kind === 'warning' && /too fast|very fast/.test(reply.text)));
    const dropped = floodReplies.filter((replies) => replies.length === 0);
    expect(answered.length).toBeLessThanOrEqual(25);
    // Warned once when the limit hits (again only if the user slowed down in between), otherwise silently dropped.
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned.length).toBeLessThanOrEqual(5);
    expect(dropped.length).toBeGreaterThanOrEqual(170);
    // Refused messages are not stored either: the flood cannot fill the database.
    const stored = (await app.services.bot.history({ channel: 'web', userId: flooder }, 1000)).filter((message) => message.from === 'user');
    expect(stored).toHaveLength(answered.length);
  });
});
