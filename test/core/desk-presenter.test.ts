import { describe, expect, it } from 'vitest';
import { DeskError, type DeskChange, type DeskEventType, type EscalationView } from '../../src/contracts/index.js';
import { DeskPresenter } from '../../src/core/desk-presenter.js';
import { say } from '../../src/contracts/index.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const TICKET: EscalationView = {
  id: 7,
  number: 'T-1007',
  status: 'open',
  priority: 'high',
  channel: 'telegram',
  userId: '42',
  displayName: 'Bo',
  lang: 'en',
  intent: 'withdrawal.not_received',
  category: 'withdrawal',
  summary: 'withdrawal rejected or not received: my BTC',
  userText: 'my BTC has not arrived',
  details: { transactionId: '0xabc', email: 'bo@example.com', custom: 'as is' },
  agent: null,
  agentId: null,
  createdAt: '2026-05-01T11:00:00.000Z',
  updatedAt: '2026-05-01T11:00:00.000Z',
  claimedAt: null,
  resolvedAt: null,
  slaDueAt: '2026-05-01T11:15:00.000Z',
  queuePosition: 2,
  resolutionNote: null,
  rating: null,
};

/**
 * One change of every kind. `satisfies` makes this list the compiler's: a kind added to
 * `DeskChange` without a sample here fails tsc, as does the presenter's switch without a case.
 */
const EVERY_CHANGE = {
  opened: { type: 'opened' },
  claimed: { type: 'claimed' },
  user_message: { type: 'user_message', text: 'any news?' },
  agent_reply: { type: 'agent_reply', text: 'on it' },
  note: { type: 'note' },
  resolved: { type: 'resolved', note: null },
  reopened: { type: 'reopened' },
  closed_by_user: { type: 'closed_by_user' },
  rated: { type: 'rated', rating: 4 },
  delivery_failed: { type: 'delivery_failed', reason: 'blocked by the user' },
  sla_breached: { type: 'sla_breached', level: 1 },
  auto_closed: { type: 'auto_closed' },
} satisfies { [type in DeskEventType]: Extract<DeskChange, { type: type }> };

describe('the desk presenter', () => {
  const en = new DeskPresenter('en', () => NOW);
  const zh = new DeskPresenter('zh', () => NOW);

  it('labels the collected details from data/messages.json in the desk language, and leaves unknown ones as they are', () => {
    for (const presenter of [en, zh]) {
      const labels = presenter.card(TICKET).fields.map((field) => field.label);
      expect(labels).toEqual([
        say(presenter.lang, 'desk.field.user'),
        say(presenter.lang, 'desk.field.topic'),
        say(presenter.lang, 'desk.detail.transactionId'),
        say(presenter.lang, 'desk.detail.email'),
        'custom',
      ]);
    }
    expect(zh.card(TICKET).fields[1]!.value).toBe(say('zh', 'intent.withdrawal.not_received'));
  });

  it('offers the actions the status allows, titled Claim / Resolve / Reopen (认领 / 解决 / 重新打开)', () => {
    const actions = (presenter: DeskPresenter, status: EscalationView['status']) => presenter.card({ ...TICKET, status }).actions.map((action) => [action.label, action.payload]);
    expect(actions(en, 'open')).toEqual([
      ['Claim', 'desk:claim:7'],
      ['Resolve', 'desk:resolve:7'],
    ]);
    expect(actions(en, 'claimed')).toEqual([['Resolve', 'desk:resolve:7']]);
    expect(actions(en, 'resolved')).toEqual([['Reopen', 'desk:reopen:7']]);
    expect(actions(zh, 'open')).toEqual([
      ['认领', 'desk:claim:7'],
      ['解决', 'desk:resolve:7'],
    ]);
    expect(actions(zh, 'closed')).toEqual([['重新打开', 'desk:reopen:7']]);
  });

  it('shows the SLA as overdue once the first reply is late and nobody has claimed the ticket', () => {
    expect(en.card(TICKET).sla).toMatchObject({ overdue: true, text: 'first reply overdue since 2026-05-01 11:15 UTC' });
    expect(en.card({ ...TICKET, slaDueAt: '2026-05-01T12:30:00.000Z' }).sla).toMatchObject({ overdue: false, text: 'first reply due 2026-05-01 12:30 UTC' });
    expect(en.card({ ...TICKET, status: 'claimed', claimedAt: '2026-05-01T11:05:00.000Z' }).sla.overdue).toBe(false);
  });

  it('presents every kind of desk event, in both languages', () => {
    for (const presenter of [en, zh]) {
      for (const change of Object.values(EVERY_CHANGE)) {
        const update = presenter.update({ ...change, id: 1, at: NOW.toISOString(), actor: { kind: 'agent', channel: 'cli', userId: 'carol' }, ticket: TICKET }, 'telegram');
        expect(['post', 'refresh', 'keep']).toContain(update.card);
      }
    }
  });

  it('mirrors an agent reply from another desk, not one written on this desk', () => {
    const reply = (channel: 'cli' | 'telegram') => ({
      ...EVERY_CHANGE.agent_reply,
      id: 1,
      at: NOW.toISOString(),
      actor: { kind: 'agent' as const, channel, userId: '9' },
      ticket: { ...TICKET, agent: 'Alice' },
    });
    expect(en.update(reply('cli'), 'telegram').message).toEqual({ speaker: 'Alice', via: 'cli', text: 'on it' });
    expect(en.update(reply('telegram'), 'telegram').message).toBeUndefined();
  });

  it('words a refusal in the desk language, from the error code and its details', () => {
    const error = new DeskError({ code: 'conflict', reason: 'claimed_by_other', number: 'T-1007', agent: 'Alice' });
    expect(error.message).toBe('T-1007 is already claimed by Alice');
    expect(zh.refusal(error)).toBe(say('zh', 'desk.error.claimed_by_other', { number: 'T-1007', agent: 'Alice' }));
    expect(zh.refusal(new DeskError({ code: 'conflict', reason: 'not_active', number: 'T-1007', status: 'resolved' }))).toContain(say('zh', 'status.resolved'));
  });
});
