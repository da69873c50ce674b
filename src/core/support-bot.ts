import type { Database } from '../db/index.js';
import type { Brain, Decision } from '../nlu/brain.js';
import { detectLanguage } from '../nlu/language.js';
import { RateLimiter } from '../safety/rate-limit.js';
import { redactSecrets } from '../safety/redact.js';
import { isSkip, isYes, parseCommand, type Command } from '../dialogue/commands.js';
import { checkDetail, detailQuestion, detailSteps, findTransactionId } from '../dialogue/handoff.js';
import { say, type MessageKey } from '../dialogue/messages.js';
import type { DialogueState, PendingHandoff } from '../dialogue/state.js';
import { ConversationStore, type ConversationRecord } from '../dialogue/store.js';
import type { EscalationService } from '../escalation/service.js';
import { describeMoment, describeWait, slaTerms, type SlaPolicy } from '../escalation/sla.js';
import type { EscalationView } from '../escalation/view.js';
import type { IncomingMessage, Lang, Reply, Suggestion } from './types.js';

/** The longest message accepted; longer ones are refused with a clear reply and not stored. */
export const MAX_MESSAGE_LENGTH = 2000;
/** Rough handling time per ticket ahead in the queue, to warn honestly when the wait will exceed the SLA. */
const MINUTES_PER_QUEUED_TICKET = 5;
/** Intents answered without asking "Did this help?". */
const NO_FEEDBACK = new Set(['smalltalk.greeting', 'smalltalk.thanks', 'smalltalk.goodbye']);

/** What one message led to: the replies, plus the brain's decision and any ticket, for the CLI and tests. */
export interface TurnResult {
  readonly replies: Reply[];
  readonly decision?: Decision;
  readonly escalation?: EscalationView;
}

/** The collaborators of the pipeline. */
export interface SupportBotDeps {
  readonly db: Database;
  readonly brain: Brain;
  readonly escalations: EscalationService;
  readonly sla: SlaPolicy;
  readonly clock?: () => Date;
  /** Per-user flood control (default: a burst of 20, then one message a second). */
  readonly rateLimiter?: RateLimiter;
}

/** A conversation turn being worked out: the state it leaves and the replies it sends. */
interface Turn {
  readonly message: IncomingMessage;
  readonly conversation: ConversationRecord;
  readonly text: string;
  readonly lang: Lang;
  readonly now: Date;
  state: DialogueState;
  replies: Reply[];
  decision?: Decision;
  escalation?: EscalationView;
}

/**
 * The core pipeline: one entry point, {@link SupportBot.handle}, for every channel. It redacts
 * secrets, records the conversation, runs the dialogue (answers, clarifying questions, the
 * detail dialogue before a hand-off, tickets, ratings) and returns the replies; all of a turn's
 * database writes happen in one transaction.
 */
export class SupportBot {
  readonly #store: ConversationStore;
  readonly #clock: () => Date;
  readonly #rateLimiter: RateLimiter;

  constructor(private readonly deps: SupportBotDeps) {
    this.#store = new ConversationStore(deps.db);
    this.#clock = deps.clock ?? (() => new Date());
    this.#rateLimiter = deps.rateLimiter ?? new RateLimiter();
  }

  /** Handles one incoming message and returns the replies to send back. */
  handle(message: IncomingMessage): Reply[] {
    return this.process(message).replies;
  }

  /** Like {@link handle}, with the decision and any ticket the turn produced. */
  process(message: IncomingMessage): TurnResult {
    const now = this.#clock();
    // Only the refusals below need it, before any conversation state is read.
    const quickLang = () => message.langHint ?? guessLang(message.text.slice(0, MAX_MESSAGE_LENGTH)) ?? 'en';
    // Floods are refused before any work or storage, so one user cannot slow down the others.
    const verdict = this.#rateLimiter.take(`${message.channel}:${message.userId}`, now.getTime());
    if (verdict !== 'ok') {
      // Refused unread and unstored, but a secret in it still earns the warning (and a public channel its deletion).
      if (redactSecrets(message.text.slice(0, MAX_MESSAGE_LENGTH * 2)).found.length > 0) return { replies: [secretWarning(quickLang())] };
      return { replies: verdict === 'limited' ? [{ kind: 'warning', reason: 'rate_limited', text: say(quickLang(), 'rateLimited') }] : [] };
    }
    if (message.text.length > MAX_MESSAGE_LENGTH) {
      return { replies: [{ kind: 'warning', reason: 'too_long', text: say(quickLang(), 'messageTooLong', { max: MAX_MESSAGE_LENGTH }) }] };
    }
    if (message.unsupported && !message.text.trim()) {
      return { replies: [{ kind: 'warning', reason: 'unsupported', text: say(quickLang(), 'unsupportedContent') }] };
    }
    return this.deps.db.transaction(() => {
      const conversation = this.#store.open(message.channel, message.userId, message.conversation, message.displayName, now);
      if (message.messageId && this.#store.seen(conversation.id, message.messageId)) return { replies: [] };
      const state = conversation.state;
      const expectingTransactionId = state.expectingTransactionId || state.handoff?.steps[state.handoff.stepIndex] === 'transactionId';
      const redaction = redactSecrets(message.text, { expectingTransactionId });
      const lang = chooseLang(redaction.text, message, state);
      const turn: Turn = { message, conversation, text: redaction.text.trim(), lang, now, state: { ...state, lang }, replies: [] };
      const activeTicket = state.mode === 'escalated' ? state.escalationId : undefined;
      this.#store.append(
        conversation.id,
        { sender: 'user', text: turn.text || (message.payload ? `[button: ${message.payload}]` : ''), escalationId: activeTicket, platformMessageId: message.messageId },
        now,
      );
      if (redaction.found.length > 0) turn.replies.push(secretWarning(lang));
      if (redaction.unexplainedHex) turn.replies.push({ kind: 'warning', reason: 'secret', text: say(lang, 'askWhichTransaction') });
      const meaningful = turn.text.replace(/\[redacted: [a-z ]+\]/g, '').trim() !== '' || message.payload !== undefined;
      if (meaningful) this.#route(turn);
      for (const reply of turn.replies) {
        this.#store.append(conversation.id, { sender: 'bot', text: reply.text, escalationId: turn.state.mode === 'escalated' ? turn.state.escalationId : undefined, intent: turn.decision?.intent, confidence: turn.decision?.confidence, action: turn.decision?.action }, now);
      }
      this.#store.saveState(conversation.id, turn.state, now);
      return { replies: turn.replies, decision: turn.decision, escalation: turn.escalation };
    });
  }

  /** Recent messages of a user's conversation, oldest first (the web chat shows them after a reload). */
  history(message: Pick<IncomingMessage, 'channel' | 'userId'>, limit = 50): { from: string; text: string; agent: string | null; at: string }[] {
    const conversation = this.#store.find(message.channel, message.userId);
    if (!conversation) return [];
    return this.#store.history(conversation.id, limit).map((row) => ({ from: row.sender, text: row.text, agent: row.agent, at: row.at.toISOString() }));
  }

  /** The FAQ's questions in a language, for channel menus and autocomplete. */
  faq(lang: Lang): { id: string; question: string }[] {
    return this.deps.brain.knowledgeBase.entries.map((entry) => ({ id: entry.id, question: entry.questions[lang][0] ?? entry.id }));
  }

  #route(turn: Turn): void {
    const command = parseCommand(turn.text);
    if (command) return this.#command(turn, command);
    switch (turn.state.mode) {
      case 'escalated':
        return this.#toTicket(turn);
      case 'collecting':
        return this.#collect(turn);
      case 'rating':
        if (this.#rate(turn)) return;
        turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
        return this.#converse(turn);
      default:
        return this.#converse(turn);
    }
  }

  #command(turn: Turn, command: Command): void {
    switch (command.name) {
      case 'start':
      case 'help':
        return this.#say(turn, 'help', 'answer');
      case 'lang': {
        const lang = /^(zh|cn|中文|chinese)/i.test(command.argument) ? 'zh' : /^(en|english|英文)/i.test(command.argument) ? 'en' : undefined;
        if (!lang) {
          turn.replies.push({ kind: 'prompt', text: '中文 / English?', suggestions: [{ label: '中文', payload: 'lang:zh' }, { label: 'English', payload: 'lang:en' }] });
          return;
        }
        turn.state = { ...turn.state, lang, langLocked: true };
        turn.replies.push({ kind: 'status', text: say(lang, 'languageSet') });
        return;
      }
      case 'status':
        return this.#status(turn);
      case 'cancel':
        return this.#cancel(turn);
      case 'human':
        return this.#requestHuman(turn);
    }
  }

  #converse(turn: Turn): void {
    const payload = turn.message.payload;
    if (payload) return this.#button(turn, payload);
    if (turn.state.expectingTransactionId) {
      const transactionId = findTransactionId(turn.text);
      turn.state = { ...turn.state, expectingTransactionId: false };
      if (transactionId) {
        return this.#startHandoff(turn, turn.state.lastIntent ?? 'transaction.pending', turn.state.lastUserText ?? turn.text, { transactionId });
      }
    }
    const decision = this.deps.brain.decide(turn.text, turn.lang);
    turn.decision = decision;
    switch (decision.action) {
      case 'answer':
        return this.#answer(turn, decision);
      case 'clarify':
        this.#recordUnanswered(turn, 'clarify');
        turn.replies.push({ kind: 'clarify', text: decision.reply, suggestions: decision.suggestions });
        return;
      case 'fallback':
        return this.#fallback(turn, decision);
      case 'escalate':
        return this.#escalate(turn, decision);
    }
  }

  #escalate(turn: Turn, decision: Decision): void {
    turn.decision = decision;
    if (decision.intent === 'security.account_compromised') return this.#escalateUrgent(turn, decision);
    this.#startHandoff(turn, turn.state.lastIntent ?? decision.intent, turn.state.lastUserText ?? turn.text, {});
  }

  #button(turn: Turn, payload: string): void {
    const [kind, value = ''] = splitPayload(payload);
    switch (kind) {
      case 'human':
        return this.#requestHuman(turn);
      case 'no_human':
        return this.#say(turn, 'declineHuman', 'status');
      case 'lang':
        return this.#command(turn, { name: 'lang', argument: value });
      case 'feedback':
        if (value === 'yes') {
          turn.state = { ...turn.state, failures: 0 };
          return this.#say(turn, 'feedbackYes', 'status');
        }
        this.#recordUnanswered(turn, 'not_helpful', turn.state.lastUserText);
        turn.replies.push({ kind: 'status', text: say(turn.lang, 'feedbackNo') });
        return this.#startHandoff(turn, turn.state.lastIntent ?? 'none', turn.state.lastUserText ?? '', {});
      case 'faq': {
        const decision = this.deps.brain.answerEntry(value, turn.lang);
        if (!decision) return this.#say(turn, 'help', 'answer');
        if (decision.action === 'escalate') return this.#escalate(turn, decision);
        return this.#answer(turn, decision);
      }
      default:
        return this.#say(turn, 'help', 'answer');
    }
  }

  #answer(turn: Turn, decision: Decision): void {
    turn.decision = decision;
    turn.state = { ...turn.state, failures: 0, lastIntent: decision.intent, lastUserText: turn.text || turn.state.lastUserText };
    turn.replies.push({ kind: 'answer', text: decision.reply });
    if (NO_FEEDBACK.has(decision.intent)) return;
    const lines: string[] = [];
    const buttons: Suggestion[] = [
      { label: say(turn.lang, 'button.yes'), payload: 'feedback:yes' },
      { label: say(turn.lang, 'button.no'), payload: 'feedback:no' },
    ];
    if (decision.followUp === 'ask_transaction_id') {
      lines.push(say(turn.lang, 'askTransactionId'));
      turn.state = { ...turn.state, expectingTransactionId: true };
    }
    if (decision.followUp === 'offer_human' || decision.followUp === 'offer_verification') {
      lines.push(say(turn.lang, decision.followUp === 'offer_human' ? 'offerHuman' : 'offerVerification'));
    }
    if (decision.followUp) buttons.push({ label: say(turn.lang, 'button.human'), payload: 'human' });
    lines.push(say(turn.lang, 'feedbackPrompt'));
    turn.replies.push({ kind: 'prompt', text: lines.join('\n'), suggestions: buttons });
  }

  #fallback(turn: Turn, decision: Decision): void {
    this.#recordUnanswered(turn, 'fallback');
    const failures = turn.state.failures + 1;
    turn.state = { ...turn.state, failures };
    if (failures >= 2) {
      turn.replies.push({ kind: 'fallback', text: decision.reply });
      return this.#startHandoff(turn, turn.state.lastIntent ?? 'none', turn.text, {});
    }
    turn.replies.push({ kind: 'fallback', text: decision.reply, suggestions: decision.suggestions });
  }

  #requestHuman(turn: Turn): void {
    if (turn.state.mode === 'escalated') return this.#status(turn);
    if (turn.state.mode === 'collecting') return this.#askStep(turn);
    this.#startHandoff(turn, turn.state.lastIntent ?? 'agent.request', turn.state.lastUserText ?? turn.text, {});
  }

  /** Starts the short detail dialogue (each question skippable) that precedes a normal-priority hand-off. */
  #startHandoff(turn: Turn, intent: string, userText: string, known: Record<string, string>): void {
    const steps = detailSteps(intent, known);
    const handoff: PendingHandoff = { intent, userText: userText || turn.text, steps, stepIndex: 0, details: known };
    turn.state = { ...turn.state, mode: 'collecting', handoff, failures: 0, expectingTransactionId: false };
    turn.replies.push({ kind: 'status', text: say(turn.lang, 'collectIntro') });
    if (steps.length === 0) return this.#openTicket(turn, handoff);
    this.#askStep(turn);
  }

  #askStep(turn: Turn, error?: MessageKey): void {
    const handoff = turn.state.handoff!;
    const step = handoff.steps[handoff.stepIndex]!;
    const text = error ? say(turn.lang, error) : detailQuestion(step, handoff.intent, turn.lang);
    const buttons: Suggestion[] = [{ label: say(turn.lang, 'button.skip'), payload: 'skip' }, { label: say(turn.lang, 'button.cancel'), payload: 'cancel' }];
    turn.replies.push({ kind: 'prompt', text, suggestions: buttons });
  }

  #collect(turn: Turn): void {
    const handoff = turn.state.handoff;
    if (!handoff) {
      turn.state = { ...turn.state, mode: 'bot' };
      return this.#converse(turn);
    }
    const payload = turn.message.payload;
    if (payload === 'cancel') return this.#cancel(turn);
    if (payload === 'human') return this.#askStep(turn);
    const step = handoff.steps[handoff.stepIndex]!;
    const details = { ...handoff.details };
    if (payload !== 'skip' && !isSkip(turn.text)) {
      if (payload) return this.#askStep(turn);
      if (step === 'problemType') {
        details.problemType = isYes(turn.text) ? say(turn.lang, `intent.${handoff.intent}` as MessageKey) : turn.text;
      } else {
        const check = checkDetail(step, turn.text);
        if (!check.ok) return this.#askStep(turn, check.error);
        details[step] = check.value;
      }
    }
    const next: PendingHandoff = { ...handoff, details, stepIndex: handoff.stepIndex + 1 };
    turn.state = { ...turn.state, handoff: next };
    if (next.stepIndex < next.steps.length) return this.#askStep(turn);
    this.#openTicket(turn, next);
  }

  #openTicket(turn: Turn, handoff: PendingHandoff): void {
    const ticket = this.deps.escalations.create(
      { conversation: turn.conversation, intent: handoff.intent, userText: handoff.userText, details: handoff.details, lang: turn.lang },
      turn.now,
    );
    turn.escalation = ticket;
    turn.state = { ...turn.state, mode: 'escalated', escalationId: ticket.id, handoff: undefined };
    const wait = describeWait(turn.lang, new Date(ticket.slaDueAt), turn.now);
    turn.replies.push({
      kind: 'escalation',
      text: say(turn.lang, 'ticketCreated', { number: ticket.number, priority: say(turn.lang, `priority.${ticket.priority}`), position: ticket.queuePosition ?? 1, wait }),
      escalation: notice(ticket),
    });
    this.#availabilityNotice(turn, ticket);
  }

  /** A compromised account: the ticket first (urgent, head of the queue), questions afterwards. */
  #escalateUrgent(turn: Turn, decision: Decision): void {
    if (decision.reply) turn.replies.push({ kind: 'answer', text: decision.reply });
    const ticket = this.deps.escalations.create({ conversation: turn.conversation, intent: decision.intent, userText: turn.text, details: {}, lang: turn.lang }, turn.now);
    turn.escalation = ticket;
    turn.state = { ...turn.state, mode: 'escalated', escalationId: ticket.id, handoff: undefined, failures: 0 };
    turn.replies.push({
      kind: 'escalation',
      text: say(turn.lang, 'ticketCreatedUrgent', { number: ticket.number, position: ticket.queuePosition ?? 1 }),
      escalation: notice(ticket),
    });
    this.#availabilityNotice(turn, ticket);
    turn.replies.push({ kind: 'prompt', text: say(turn.lang, 'urgentFollowUp') });
  }

  /** Tells the user honestly when agents are away or the queue is longer than the SLA. */
  #availabilityNotice(turn: Turn, ticket: EscalationView): void {
    const terms = slaTerms(this.deps.sla, ticket.priority, turn.now);
    if (terms.backAt) {
      const opening = describeMoment(turn.lang, terms.backAt, this.deps.sla.businessHours?.timeZone);
      turn.replies.push({ kind: 'status', text: say(turn.lang, 'afterHours', { opening }) });
      return;
    }
    const expectedMinutes = (ticket.queuePosition ?? 1) * MINUTES_PER_QUEUED_TICKET;
    if (turn.now.getTime() + expectedMinutes * 60_000 > Date.parse(ticket.slaDueAt)) {
      turn.replies.push({ kind: 'status', text: say(turn.lang, 'overSla', { wait: describeWait(turn.lang, new Date(ticket.slaDueAt), turn.now) }) });
    }
  }

  /** While escalated the user's words go to the ticket (and the agent), not to the bot. */
  #toTicket(turn: Turn): void {
    const ticketId = turn.state.escalationId;
    const ticket = ticketId === undefined ? undefined : this.deps.escalations.activeFor(turn.conversation.id);
    if (!ticket) {
      turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
      return this.#converse(turn);
    }
    if (turn.message.payload === 'cancel') return this.#cancel(turn);
    this.deps.escalations.userWrote(ticket.id, turn.conversation, turn.text || `[button: ${turn.message.payload}]`, turn.now);
  }

  #status(turn: Turn): void {
    const ticket = this.deps.escalations.activeFor(turn.conversation.id);
    if (!ticket) return this.#say(turn, 'noTicket', 'status');
    const detail =
      ticket.status === 'claimed'
        ? say(turn.lang, 'statusClaimed', { agent: ticket.agent ?? '' })
        : say(turn.lang, 'statusQueued', { position: ticket.queuePosition ?? 1, wait: describeWait(turn.lang, new Date(ticket.slaDueAt), turn.now) });
    turn.replies.push({
      kind: 'status',
      text: say(turn.lang, 'status', { number: ticket.number, status: say(turn.lang, `status.${ticket.status}`), detail }),
      escalation: notice(ticket),
    });
  }

  #cancel(turn: Turn): void {
    if (turn.state.mode === 'collecting') {
      turn.state = { ...turn.state, mode: 'bot', handoff: undefined };
      return this.#say(turn, 'cancelledCollecting', 'status');
    }
    const ticket = this.deps.escalations.activeFor(turn.conversation.id);
    if (!ticket) return this.#say(turn, 'noTicket', 'status');
    const closed = this.deps.escalations.closeByUser(ticket.id, turn.conversation, turn.now);
    turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
    turn.replies.push({ kind: 'status', text: say(turn.lang, 'cancelled', { number: closed.number }), escalation: notice(closed) });
  }

  /** A rating (1-5, typed or pressed) for the ticket just resolved; false when the message is something else. */
  #rate(turn: Turn): boolean {
    const payload = turn.message.payload;
    const match = payload ? /^rate:([1-5])$/.exec(payload) : /^([1-5])(?:\s*(?:stars?|分|星))?$/i.exec(turn.text);
    if (!match || turn.state.escalationId === undefined) return false;
    this.deps.escalations.rate(turn.state.escalationId, turn.conversation, Number(match[1]), turn.now);
    turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
    this.#say(turn, 'ratingThanks', 'status');
    return true;
  }

  #say(turn: Turn, key: MessageKey, kind: Reply['kind']): void {
    turn.replies.push({ kind, text: say(turn.lang, key) });
  }

  #recordUnanswered(turn: Turn, reason: 'fallback' | 'clarify' | 'not_helpful', text = turn.text): void {
    if (!text) return;
    this.#store.recordUnanswered(
      { channel: turn.message.channel, text, lang: turn.lang, intent: turn.decision?.intent, confidence: turn.decision?.confidence, reason },
      turn.now,
    );
  }
}

function secretWarning(lang: Lang): Reply {
  return { kind: 'warning', reason: 'secret', text: say(lang, 'secretWarning') };
}

function splitPayload(payload: string): [string, string?] {
  const colon = payload.indexOf(':');
  return colon < 0 ? [payload] : [payload.slice(0, colon), payload.slice(colon + 1)];
}

function notice(ticket: EscalationView): Reply['escalation'] {
  return { number: ticket.number, status: ticket.status, priority: ticket.priority, queuePosition: ticket.queuePosition ?? undefined, slaDueAt: ticket.slaDueAt };
}

/** Chinese characters mean Chinese; a few Latin words mean English; otherwise keep what we had. */
function guessLang(text: string): Lang | undefined {
  const detected = detectLanguage(text);
  if (detected === 'zh' || detected === 'mixed') return 'zh';
  return /[a-z]{3,}/i.test(text) ? 'en' : undefined;
}

function chooseLang(text: string, message: IncomingMessage, state: DialogueState): Lang {
  if (state.langLocked && state.lang) return state.lang;
  // Answers to the hand-off questions (an e-mail, a hash, "5") say nothing about the user's
  // language, and neither does "/start" or a redaction placeholder: keep what we know.
  if ((state.mode === 'collecting' || state.mode === 'rating') && state.lang) return state.lang;
  const words = text.replace(/\[redacted: [a-z ]+\]/g, ' ');
  const said = parseCommand(words) ? undefined : guessLang(words);
  return said ?? state.lang ?? message.langHint ?? 'en';
}
