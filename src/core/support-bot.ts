import type { Engine } from '../db/index.js';
import type { Brain, Decision, TurnContext } from '../nlu/brain.js';
import type { BrainHolder } from '../knowledge/brain-holder.js';
import { floodLimiterFor, type FloodLimiter } from '../safety/shared-rate-limit.js';
import { MAX_PREVIOUS_MESSAGES, startConversationRedaction } from '../safety/conversation.js';
import { redactStrings, replaceInStrings } from '../safety/fields.js';
import { redactSecrets } from '../safety/redact.js';
import { parseCommand, type Command } from '../dialogue/commands.js';
import { checkDetail, detailQuestion, detailSteps, findTransactionId, replan } from '../dialogue/handoff.js';
import { inLanguage } from '../dialogue/localize.js';
import { say, type MessageKey } from '../contracts/index.js';
import { otherPlatform } from '../dialogue/other-platforms.js';
import { ratingButtons, readRating } from '../dialogue/rating.js';
import { chooseLang, guessLang } from '../dialogue/reply-language.js';
import { asksAboutWaiting, isCancel, isChitChat, isDontKnow, readYesNo, saysNotSolved } from '../dialogue/short-replies.js';
import type { Awaiting, DialogueState, PendingHandoff } from '../dialogue/state.js';
import { ConversationStore, conversationLock, userKey, type ConversationRecord } from '../dialogue/store.js';
import type { TicketLifecycle } from '../escalation/lifecycle.js';
import type { TicketQueue } from '../escalation/queue.js';
import { describeMoment, describeWait, slaTerms, type SlaPolicy } from '../escalation/sla.js';
import { NoticeBoard } from '../announcements/notice-board.js';
import { maintenanceComesFirst } from '../announcements/relevance.js';
import { noticeText } from '../announcements/wording.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import type { FaqArticle } from './channel.js';
import { decodePayload, encodePayload, isVague, policyOf, type EscalationView, type IncomingMessage, type Lang, type Payload, type Reply, type Suggestion } from '../contracts/index.js';

/** The longest message accepted; longer ones are refused with a clear reply and not stored. */
export const MAX_MESSAGE_LENGTH = 2000;
/** Rough handling time per ticket ahead in the queue, to warn honestly when the wait will exceed the SLA. */
const MINUTES_PER_QUEUED_TICKET = 5;
/** Messages to an open ticket are acknowledged in full at most once in this long. */
const ACK_INTERVAL_MS = 60_000;
/** How far back a seed phrase sent in pieces is put together again. */
const SPLIT_SECRET_WINDOW_MS = 10 * 60_000;
/** Times a hand-off question is asked again before moving on. */
const MAX_REASKS = 2;
/** The most entries one help-centre search returns. */
const HELP_RESULTS = 8;
/** A FAQ matcher score at or below this is a close match of the words: listed even when the brain did not pick it. */
const HELP_CLOSE_MATCH = 0.25;

/** What one message led to: the replies, plus the brain's decision and any ticket, for the CLI and tests. */
export interface TurnResult {
  readonly replies: Reply[];
  /** The user's message as stored: redacted (undefined when the message was refused or a repeat). */
  readonly stored?: string;
  readonly decision?: Decision;
  readonly escalation?: EscalationView;
}

/** A stored text replaced after the fact: message `id` read `before`, now reads `after`. */
interface TextRewrite {
  readonly id: number;
  readonly before: string;
  readonly after: string;
}

/** The collaborators of the pipeline. */
export interface SupportBotDeps {
  readonly engine: Engine;
  /** The brain, or the holder of the live one (swapped when the knowledge base is retrained). */
  readonly brain: Brain | BrainHolder;
  /** Ticket changes: created, written to, closed, reopened and rated by their users. */
  readonly tickets: TicketLifecycle;
  /** Ticket reads: the user's active ticket and its place in the queue. */
  readonly queue: TicketQueue;
  readonly sla: SlaPolicy;
  readonly clock?: () => Date;
  /** Per-user flood control (default: a burst of 20, then one message a second). */
  readonly rateLimiter?: FloodLimiter;
  /** Announcements: subscriptions and the notices in force (default: over {@link engine}). */
  readonly notices?: NoticeBoard;
}

/** A conversation turn being worked out: the state it leaves and the replies it sends. */
interface Turn {
  readonly message: IncomingMessage;
  readonly conversation: ConversationRecord;
  readonly text: string;
  /** The text without redaction placeholders: what the brain reads. */
  readonly words: string;
  readonly lang: Lang;
  readonly now: Date;
  /** The brain in use when the turn began: one brain throughout, even if a retrained one is swapped in meanwhile. */
  readonly brain: Brain;
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
  readonly #rateLimiter: FloodLimiter;
  readonly #notices: NoticeBoard;

  constructor(private readonly deps: SupportBotDeps) {
    this.#store = new ConversationStore(deps.engine);
    this.#clock = deps.clock ?? (() => new Date());
    this.#rateLimiter = deps.rateLimiter ?? floodLimiterFor(deps.engine);
    this.#notices = deps.notices ?? new NoticeBoard(deps.engine);
  }

  /** The brain in use now (a turn keeps the one it began with: {@link Turn.brain}). */
  get #brain(): Brain {
    const brain = this.deps.brain;
    return 'current' in brain ? brain.current : brain;
  }

  /** Handles one incoming message and returns the replies to send back. */
  async handle(message: IncomingMessage): Promise<Reply[]> {
    return (await this.process(message)).replies;
  }

  /** Like {@link handle}, with the decision and any ticket the turn produced. */
  async process(message: IncomingMessage): Promise<TurnResult> {
    const now = this.#clock();
    // Only the refusals below need it, before any conversation state is read.
    const quickLang = () => message.langHint ?? guessLang(message.text.slice(0, MAX_MESSAGE_LENGTH)) ?? 'en';
    // Floods are refused before any work or storage, so one user cannot slow down the others.
    const verdict = await this.#rateLimiter.take(`${message.channel}:${message.userId}`, now.getTime());
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
    const result = await this.deps.engine.transaction(() => this.#turn(message, now));
    // Text rewritten after the fact must not survive in the database's files either.
    if (result.scrubbed) await this.deps.engine.purgeOverwritten();
    return result.turn;
  }

  /** One turn inside the transaction: every user-controlled field redacted before anything is stored. */
  async #turn(raw: IncomingMessage, now: Date): Promise<{ turn: TurnResult; scrubbed: boolean }> {
    const name = raw.displayName === undefined ? undefined : redactSecrets(raw.displayName);
    const payload = raw.payload === undefined ? undefined : redactSecrets(raw.payload);
    // The reference is stored to write back later; its free-text fields (a Teams conversation name) are the user's.
    const reference = redactStrings(raw.conversation);
    const message: IncomingMessage = { ...raw, conversation: reference.value, displayName: name?.text, payload: payload?.text };
    // Two updates of one user reaching two instances at once take turns: the dialogue state never forks.
    await this.deps.engine.lock(conversationLock(userKey(message.channel, message.userId)));
    const conversation = await this.#store.open(message.channel, message.userId, message.conversation, message.displayName, now);
    if (message.messageId && (await this.#store.seen(conversation.id, message.messageId))) {
      await this.#store.saveReference(conversation.id, conversation.reference, now);
      return { turn: { replies: [] }, scrubbed: false };
    }
    const before = conversation.state;
    const step = before.mode === 'collecting' ? before.handoff?.steps[before.handoff.stepIndex] : undefined;
    const pending = startConversationRedaction(message.text, {
      expectingTransactionId: before.expectingTransactionId || step === 'transactionId',
      expectingEmail: step === 'email',
    });
    // Read only when the message could finish a phrase sent in pieces (most cannot).
    const earlier = pending.needsEarlier ? await this.#store.recentUserMessages(conversation.id, new Date(now.getTime() - SPLIT_SECRET_WINDOW_MS), MAX_PREVIOUS_MESSAGES) : [];
    const redaction = pending.finish(earlier);
    const scrubbed = await this.#scrub(conversation, earlier, redaction.rewrites);
    // The dialogue state may hold the earlier parts too (the last question asked, the hand-off's words).
    const state = replaceInStrings(before, scrubbed);
    const lang = chooseLang(redaction.text, message, state);
    const text = redaction.text.trim();
    const turn: Turn = {
      message,
      conversation,
      text,
      words: text
        .replace(/\[redacted: [a-z ]+\]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
      lang,
      now,
      brain: this.#brain,
      state: { ...state, lang },
      replies: [],
    };
    const activeTicket = state.mode === 'escalated' ? state.escalationId : undefined;
    const stored = turn.text || (message.payload ? `[button: ${message.payload}]` : '');
    await this.#store.append(conversation.id, { sender: 'user', text: stored, escalationId: activeTicket, platformMessageId: message.messageId }, now);
    const found = [redaction, name, payload].some((part) => part && part.found.length > 0) || reference.found;
    if (found) turn.replies.push(secretWarning(lang));
    if (redaction.unexplainedHex) turn.replies.push({ kind: 'warning', reason: 'secret', text: say(lang, 'askWhichTransaction') });
    const meaningful = turn.words !== '' || message.payload !== undefined;
    if (meaningful) await this.#route(turn);
    for (const reply of turn.replies) {
      await this.#store.append(
        conversation.id,
        {
          sender: 'bot',
          text: reply.text,
          escalationId: turn.state.mode === 'escalated' ? turn.state.escalationId : undefined,
          intent: turn.decision?.intent,
          confidence: turn.decision?.confidence,
          action: turn.decision?.action,
        },
        now,
      );
    }
    // The turn's one write of the conversation: its state and where to write back.
    await this.#store.saveState(conversation.id, turn.state, now, conversation.reference);
    return { turn: { replies: turn.replies, stored, decision: turn.decision, escalation: turn.escalation }, scrubbed: scrubbed.length > 0 };
  }

  /**
   * Rewrites earlier messages that turned out to be parts of one secret (a seed phrase sent in
   * pieces), and every copy the conversation, its tickets and its unanswered questions made.
   */
  async #scrub(conversation: ConversationRecord, previous: readonly { id: number; text: string }[], rewrites: readonly { id: string | number; text: string }[]): Promise<TextRewrite[]> {
    if (rewrites.length === 0) return [];
    const changes = rewrites.map((rewrite) => ({ id: Number(rewrite.id), before: previous.find((message) => message.id === Number(rewrite.id))?.text ?? '', after: rewrite.text }));
    const real = changes.filter((change) => change.before !== '' && change.before !== change.after);
    await this.#store.rewrite(conversation.id, conversation.channel, real);
    await this.deps.tickets.scrubUserText(conversation.id, real);
    return real;
  }

  /** Recent messages of a user's conversation, oldest first (the web chat shows them after a reload). */
  async history(message: Pick<IncomingMessage, 'channel' | 'userId'>, limit = 50): Promise<{ from: string; text: string; agent: string | null; at: string }[]> {
    const conversation = await this.#store.find(message.channel, message.userId);
    if (!conversation) return [];
    return (await this.#store.history(conversation.id, limit)).map((row) => ({ from: row.sender, text: row.text, agent: row.agent, at: row.at.toISOString() }));
  }

  /** The FAQ's entries in a language, for channel menus, autocomplete and the help centre. */
  faq(lang: Lang): FaqArticle[] {
    return this.#brain.knowledgeBase.entries.map((entry) => this.#article(entry, lang));
  }

  /**
   * Help-centre search, by the brain the chat uses (so typos, paraphrases and unspaced Chinese
   * work alike): the entry the bot would answer with, a second question's entry, its "did you
   * mean" candidates, then entries whose questions closely match the words, then the rest of the
   * answered intent. Small talk is left out; an out-of-scope query finds nothing. Stores nothing.
   */
  searchHelp(text: string, lang: Lang): FaqArticle[] {
    const { knowledgeBase, matcher } = this.#brain;
    const query = text.slice(0, MAX_MESSAGE_LENGTH);
    const decision = this.#brain.decide(query, lang);
    const ids = [decision.faqId, decision.secondary?.faqId, ...decision.suggestions.map((suggestion) => faqIdOf(suggestion))];
    ids.push(
      ...matcher
        .search(query, { limit: HELP_RESULTS })
        .filter((match) => match.score <= HELP_CLOSE_MATCH)
        .map((match) => match.entry.id),
    );
    if (decision.action === 'answer' || decision.action === 'escalate') ids.push(...knowledgeBase.forIntent(decision.intent).map((entry) => entry.id));
    const entries = [...new Set(ids)].flatMap((id) => {
      const entry = id === null || id === undefined ? undefined : knowledgeBase.byId(id);
      return entry && policyOf(entry.intent).kind !== 'smalltalk' ? [entry] : [];
    });
    return entries.slice(0, HELP_RESULTS).map((entry) => this.#article(entry, lang));
  }

  #article(entry: FaqEntry, lang: Lang): FaqArticle {
    const [question = entry.id, ...alternatives] = entry.questions[lang];
    return { id: entry.id, question, alternatives, intent: entry.intent, topic: say(lang, `intent.${entry.intent}` as MessageKey), answer: this.#brain.knowledgeBase.answer(entry, lang) };
  }

  async #route(turn: Turn): Promise<void> {
    // The bot's last question is answered (or ignored) by this message either way.
    const awaiting = turn.state.awaiting;
    turn.state = { ...turn.state, awaiting: undefined };
    const command = parseCommand(turn.text);
    if (command) return this.#command(turn, command);
    switch (turn.state.mode) {
      case 'escalated':
        return this.#toTicket(turn);
      case 'collecting':
        return this.#collect(turn);
      case 'rating':
        if (await this.#rate(turn)) return;
        turn.state = { ...turn.state, mode: 'bot', escalationId: undefined, resolvedTicketId: turn.state.escalationId };
        return this.#converse(turn);
      default:
        return this.#converse(turn, awaiting);
    }
  }

  async #command(turn: Turn, command: Command): Promise<void> {
    switch (command.name) {
      case 'start':
      case 'help':
        return this.#say(turn, 'help', 'answer');
      case 'unknown':
        turn.replies.push({ kind: 'answer', text: `${say(turn.lang, 'unknownCommand', { command: command.command })}\n${say(turn.lang, 'help')}` });
        return;
      case 'lang': {
        const lang = /^(zh|cn|中文|chinese)/i.test(command.argument) ? 'zh' : /^(en|english|英文)/i.test(command.argument) ? 'en' : undefined;
        if (!lang) {
          turn.replies.push({ kind: 'prompt', text: '中文 / English?', suggestions: [button('中文', { kind: 'lang', lang: 'zh' }), button('English', { kind: 'lang', lang: 'en' })] });
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
      case 'subscribe':
        await this.#notices.subscribe(turn.conversation.userKey, turn.now);
        return this.#say(turn, 'subscribed', 'status');
      case 'unsubscribe':
        await this.#notices.unsubscribe(turn.conversation.userKey);
        return this.#say(turn, 'unsubscribed', 'status');
    }
  }

  async #converse(turn: Turn, awaiting?: Awaiting): Promise<void> {
    const payload = turn.message.payload;
    if (payload !== undefined) return this.#button(turn, decodePayload(payload));
    if (awaiting && (await this.#shortReply(turn, awaiting))) return;
    const resolved = turn.state.resolvedTicketId;
    if (resolved !== undefined && saysNotSolved(turn.words)) return this.#offerReopen(turn, resolved);
    if (turn.state.expectingTransactionId) {
      const transactionId = findTransactionId(turn.text);
      turn.state = { ...turn.state, expectingTransactionId: false };
      if (transactionId) {
        return this.#startHandoff(turn, turn.state.lastIntent ?? 'transaction.pending', turn.state.lastUserText ?? turn.text, { transactionId });
      }
    }
    if (isChitChat(turn.words)) return this.#say(turn, 'chitchat', 'answer');
    // Right after an answer, a short follow-up ("and deposits?") is read in its context.
    const context = awaiting === 'feedback' ? { previousIntent: turn.state.lastIntent, previousText: turn.state.lastUserText } : undefined;
    const decision = this.#decide(turn, context);
    turn.decision = decision;
    const platform = aboutAnAccount(decision, turn.words) ? otherPlatform(turn.words) : undefined;
    if (platform) {
      // Someone else's service: no ticket, no miss, and no urgent page for another site's problem.
      turn.replies.push({ kind: 'answer', text: say(turn.lang, 'otherPlatform', { platform: platform[turn.lang] }) });
      return;
    }
    // "Is it down?" needs no more than the maintenance notice; a maintenance or pending-transaction answer follows it.
    if ((await this.#maintenanceFirst(turn, decision)) && decision.action !== 'answer' && decision.action !== 'escalate') return;
    switch (decision.action) {
      case 'answer':
        return this.#answer(turn, decision);
      case 'clarify':
        return this.#clarify(turn, decision);
      case 'fallback':
        return this.#fallback(turn, decision);
      case 'escalate':
        // "I was hacked, and how do I enable 2FA?": the other question is answered before the hand-off.
        if (decision.secondary?.action === 'answer') turn.replies.push({ kind: 'answer', text: decision.secondary.reply });
        return this.#escalate(turn, decision);
    }
  }

  /** The brain's decision, worded in the turn's language. */
  #decide(turn: Turn, context?: TurnContext): Decision {
    return inLanguage(turn.brain.decide(turn.words, turn.lang, context), turn.lang, turn.brain);
  }

  /** A short reply to the bot's last question ("yes", "不用了"); false when the message is something else. */
  async #shortReply(turn: Turn, awaiting: Awaiting): Promise<boolean> {
    const answer = readYesNo(turn.words);
    if (!answer) return false;
    switch (awaiting) {
      case 'feedback':
        if (answer === 'yes') this.#feedbackYes(turn);
        else await this.#feedbackNo(turn);
        return true;
      case 'humanOffer':
        if (answer === 'yes') await this.#startHandoff(turn, turn.state.lastIntent ?? 'agent.request', turn.state.lastUserText ?? '', {});
        else this.#say(turn, 'declineHuman', 'status');
        return true;
      case 'reopenOffer':
        if (answer === 'yes') await this.#reopen(turn);
        else this.#say(turn, 'declineHuman', 'status');
        return true;
    }
  }

  async #escalate(turn: Turn, decision: Decision): Promise<void> {
    turn.decision = decision;
    if (policyOf(decision.intent).priority === 'urgent') return this.#escalateUrgent(turn, decision);
    await this.#startHandoff(turn, turn.state.lastIntent ?? decision.intent, turn.state.lastUserText ?? turn.text, {});
  }

  /** A button pressed outside a ticket and the hand-off questions; one the codec cannot read gets the help text. */
  async #button(turn: Turn, payload: Payload | undefined): Promise<void> {
    switch (payload?.kind) {
      case 'human':
        return this.#requestHuman(turn);
      case 'no_human':
        return this.#say(turn, 'declineHuman', 'status');
      case 'reopen':
        return this.#reopen(turn);
      case 'lang':
        return this.#command(turn, { name: 'lang', argument: payload.lang });
      case 'subscribe':
      case 'unsubscribe':
        return this.#command(turn, { name: payload.kind, argument: '' });
      case 'feedback':
        return payload.helped ? this.#feedbackYes(turn) : this.#feedbackNo(turn);
      case 'faq': {
        const decision = turn.brain.answerEntry(payload.faqId, turn.lang);
        if (!decision) return this.#say(turn, 'help', 'answer');
        if (decision.action === 'escalate') return this.#escalate(turn, decision);
        return this.#answer(turn, decision);
      }
      // Left from a finished question (skip, cancel, a rating) or meant for agents: nothing to do but help.
      case 'skip':
      case 'cancel':
      case 'rate':
      case 'desk':
      case undefined:
        return this.#say(turn, 'help', 'answer');
    }
  }

  #feedbackYes(turn: Turn): void {
    turn.state = { ...turn.state, failures: 0 };
    this.#say(turn, 'feedbackYes', 'status');
  }

  /** "No 👎": a human is offered, and the hand-off questions wait for the user's choice. */
  async #feedbackNo(turn: Turn): Promise<void> {
    await this.#recordUnanswered(turn, 'not_helpful', turn.state.lastUserText);
    this.#offerHuman(turn, 'feedbackNo');
  }

  #offerHuman(turn: Turn, key: MessageKey): void {
    turn.state = { ...turn.state, awaiting: 'humanOffer' };
    turn.replies.push({
      kind: 'prompt',
      text: say(turn.lang, key),
      suggestions: [button(say(turn.lang, 'button.human'), { kind: 'human' }), button(say(turn.lang, 'button.noThanks'), { kind: 'no_human' })],
    });
  }

  async #answer(turn: Turn, decision: Decision): Promise<void> {
    turn.decision = decision;
    turn.state = { ...turn.state, failures: 0, lastIntent: decision.intent, lastUserText: turn.text || turn.state.lastUserText };
    turn.replies.push({ kind: 'answer', text: decision.reply });
    // A second question in the same message is answered too, before "Did this help?" about both.
    const second = decision.secondary?.action === 'answer' ? decision.secondary : undefined;
    if (second) turn.replies.push({ kind: 'answer', text: second.reply });
    if (!policyOf(decision.intent).askFeedback && !second) return;
    const followUp = decision.followUp ?? second?.followUp;
    const lines: string[] = [];
    const buttons: Suggestion[] = [button(say(turn.lang, 'button.yes'), { kind: 'feedback', helped: true }), button(say(turn.lang, 'button.no'), { kind: 'feedback', helped: false })];
    if (followUp === 'ask_transaction_id') {
      lines.push(say(turn.lang, 'askTransactionId'));
      turn.state = { ...turn.state, expectingTransactionId: true };
    }
    if (followUp === 'offer_human' || followUp === 'offer_verification') {
      lines.push(say(turn.lang, followUp === 'offer_human' ? 'offerHuman' : 'offerVerification'));
    }
    if (followUp) buttons.push(button(say(turn.lang, 'button.human'), { kind: 'human' }));
    if (decision.intent === 'platform.maintenance') buttons.push(await this.#subscriptionButton(turn));
    lines.push(say(turn.lang, 'feedbackPrompt'));
    turn.state = { ...turn.state, awaiting: 'feedback' };
    turn.replies.push({ kind: 'prompt', text: lines.join('\n'), suggestions: buttons });
  }

  /** "Did you mean" only with two or more real questions: one is answered, none (only "Hi" / "Thanks") gets the help text. */
  async #clarify(turn: Turn, decision: Decision): Promise<void> {
    await this.#recordUnanswered(turn, 'clarify');
    const questions = decision.suggestions.filter((suggestion) => {
      const faqId = faqIdOf(suggestion);
      const entry = faqId ? turn.brain.knowledgeBase.byId(faqId) : undefined;
      return entry !== undefined && policyOf(entry.intent).kind !== 'smalltalk';
    });
    if (questions.length >= 2) {
      turn.replies.push({ kind: 'clarify', text: decision.reply, suggestions: [...questions, button(say(turn.lang, 'button.human'), { kind: 'human' })] });
      return;
    }
    const onlyId = questions[0] && faqIdOf(questions[0]);
    const only = onlyId && turn.brain.answerEntry(onlyId, turn.lang);
    if (only && only.action === 'answer') return this.#answer(turn, { ...only, confidence: decision.confidence });
    this.#say(turn, 'help', 'answer');
  }

  /** A miss; after the second in a row a human is offered (not forced). */
  async #fallback(turn: Turn, decision: Decision): Promise<void> {
    await this.#recordUnanswered(turn, 'fallback');
    const failures = turn.state.failures + 1;
    // A human taking over now takes over this question, not the one answered before it.
    turn.state = { ...turn.state, lastIntent: 'none', lastUserText: turn.text };
    if (failures < 2) {
      turn.state = { ...turn.state, failures };
      turn.replies.push({ kind: 'fallback', text: decision.reply, suggestions: decision.suggestions });
      return;
    }
    turn.state = { ...turn.state, failures: 0 };
    turn.replies.push({ kind: 'fallback', text: decision.reply });
    this.#offerHuman(turn, 'offerHumanAfterMisses');
  }

  async #requestHuman(turn: Turn): Promise<void> {
    if (turn.state.mode === 'escalated') return this.#status(turn);
    if (turn.state.mode === 'collecting') return this.#askStep(turn);
    await this.#startHandoff(turn, turn.state.lastIntent ?? 'agent.request', turn.state.lastUserText ?? turn.text, {});
  }

  /** Starts the short detail dialogue (each question skippable) that precedes a normal-priority hand-off. */
  async #startHandoff(turn: Turn, intent: string, userText: string, known: Record<string, string>): Promise<void> {
    const transactionId = known.transactionId ?? findTransactionId(turn.text) ?? findTransactionId(userText);
    const details = transactionId ? { ...known, transactionId } : known;
    // A transaction ID says what the problem is about even when the words did not.
    const topic = transactionId && isVague(intent) ? 'transaction.pending' : intent;
    const steps = detailSteps(topic, details);
    const handoff: PendingHandoff = { intent: topic, userText: userText || turn.text, steps, stepIndex: 0, details };
    turn.state = { ...turn.state, mode: 'collecting', handoff, failures: 0, expectingTransactionId: false };
    turn.replies.push({ kind: 'status', text: say(turn.lang, 'collectIntro') });
    if (steps.length === 0) return this.#openTicket(turn, handoff);
    this.#askStep(turn);
  }

  #askStep(turn: Turn, error?: MessageKey): void {
    const handoff = turn.state.handoff!;
    const step = handoff.steps[handoff.stepIndex]!;
    const text = error ? say(turn.lang, error) : detailQuestion(step, handoff.intent, turn.lang);
    const buttons: Suggestion[] = [button(say(turn.lang, 'button.skip'), { kind: 'skip' }), button(say(turn.lang, 'button.cancel'), { kind: 'cancel' })];
    turn.replies.push({ kind: 'prompt', text, suggestions: buttons });
  }

  /** One answer to the hand-off questions: cancel, skip ("not sure"), a valid answer, or a re-ask (twice at most). */
  async #collect(turn: Turn): Promise<void> {
    const handoff = turn.state.handoff;
    if (!handoff) {
      turn.state = { ...turn.state, mode: 'bot' };
      return this.#converse(turn);
    }
    const pressed = turn.message.payload === undefined ? undefined : (decodePayload(turn.message.payload)?.kind ?? 'unknown');
    if (pressed === 'cancel' || (!pressed && isCancel(turn.words))) return this.#cancel(turn);
    if (pressed === 'skip' || (!pressed && isDontKnow(turn.words))) return this.#nextStep(turn, handoff);
    if (pressed) return this.#askStep(turn);
    const step = handoff.steps[handoff.stepIndex]!;
    const details: Record<string, string> = { ...handoff.details };
    const transactionId = step === 'transactionId' ? undefined : findTransactionId(turn.text);
    if (transactionId) details.transactionId = transactionId;
    if (step === 'problemType') {
      const yesNo = readYesNo(turn.words);
      if (yesNo === 'no') return this.#reask(turn, handoff, 'askDescribe');
      details.problemType = yesNo === 'yes' ? say(turn.lang, `intent.${handoff.intent}` as MessageKey) : turn.text;
      return this.#nextStep(turn, replan(handoff, yesNo === 'yes' ? handoff.intent : this.#topicOf(turn, handoff.intent), details));
    }
    const check = checkDetail(step, turn.text);
    if (!check.ok) return this.#reask(turn, handoff, check.error);
    details[step] = check.value;
    await this.#nextStep(turn, transactionId ? replan(handoff, handoff.intent, details) : { ...handoff, details });
  }

  /** The intent a description of the problem points to, when the brain is sure and it says more than `current`. */
  #topicOf(turn: Turn, current: string): string {
    const decision = turn.brain.decide(turn.words, turn.lang);
    const sure = decision.action === 'answer' || decision.action === 'escalate';
    return sure && !isVague(decision.intent) && !otherPlatform(turn.words) ? decision.intent : current;
  }

  async #reask(turn: Turn, handoff: PendingHandoff, error: MessageKey): Promise<void> {
    const reasks = handoff.reasks ?? 0;
    if (reasks >= MAX_REASKS) {
      turn.replies.push({ kind: 'status', text: say(turn.lang, 'movingOn') });
      return this.#nextStep(turn, handoff);
    }
    turn.state = { ...turn.state, handoff: { ...handoff, reasks: reasks + 1 } };
    this.#askStep(turn, error);
  }

  async #nextStep(turn: Turn, handoff: PendingHandoff): Promise<void> {
    const next: PendingHandoff = { ...handoff, stepIndex: handoff.stepIndex + 1, reasks: 0 };
    turn.state = { ...turn.state, handoff: next };
    if (next.stepIndex < next.steps.length) return this.#askStep(turn);
    await this.#openTicket(turn, next);
  }

  async #openTicket(turn: Turn, handoff: PendingHandoff): Promise<void> {
    const ticket = await this.deps.tickets.create(
      { conversation: turn.conversation, intent: handoff.intent, userText: handoff.userText, details: handoff.details, lang: turn.lang, origin: turn.message.origin },
      turn.now,
    );
    this.#escalated(turn, ticket);
    const wait = describeWait(turn.lang, new Date(ticket.slaDueAt), turn.now);
    turn.replies.push({
      kind: 'escalation',
      text: say(turn.lang, 'ticketCreated', { number: ticket.number, priority: say(turn.lang, `priority.${ticket.priority}`), position: ticket.queuePosition ?? 1, wait }),
      escalation: notice(ticket),
    });
    this.#availabilityNotice(turn, ticket);
  }

  /** A compromised account: the ticket first (urgent, head of the queue), questions afterwards. */
  async #escalateUrgent(turn: Turn, decision: Decision): Promise<void> {
    if (decision.reply) turn.replies.push({ kind: 'answer', text: decision.reply });
    const ticket = await this.deps.tickets.create(
      { conversation: turn.conversation, intent: decision.intent, userText: turn.text, details: {}, lang: turn.lang, origin: turn.message.origin },
      turn.now,
    );
    this.#escalated(turn, ticket);
    const { backAt } = slaTerms(this.deps.sla, ticket.priority, turn.now);
    // After hours one message says both: the ticket is first in line, and when someone is back.
    const text = backAt
      ? say(turn.lang, 'ticketCreatedUrgentAway', { number: ticket.number, opening: describeMoment(turn.lang, backAt, this.deps.sla.businessHours?.timeZone) })
      : say(turn.lang, 'ticketCreatedUrgent', { number: ticket.number, position: ticket.queuePosition ?? 1 });
    turn.replies.push({ kind: 'escalation', text, escalation: notice(ticket) });
    if (!backAt) this.#availabilityNotice(turn, ticket);
    turn.replies.push({ kind: 'prompt', text: say(turn.lang, 'urgentFollowUp') });
  }

  /** The conversation now belongs to `ticket`: its creation message counts as the first acknowledgement. */
  #escalated(turn: Turn, ticket: EscalationView): void {
    turn.escalation = ticket;
    turn.state = { ...turn.state, mode: 'escalated', escalationId: ticket.id, handoff: undefined, failures: 0, resolvedTicketId: undefined, ackedAt: turn.now.toISOString() };
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
      turn.replies.push({ kind: 'status', text: say(turn.lang, 'overSla') });
    }
  }

  /**
   * While escalated the user's words go to the ticket (and the agent), not to the bot; each is
   * acknowledged (the ticket and place in the queue at most once a minute, "Got it" in between),
   * and a user asking for a human or for the wait gets the ticket's status.
   */
  async #toTicket(turn: Turn): Promise<void> {
    const ticket = await this.deps.queue.activeFor(turn.conversation.id);
    if (!ticket) {
      turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
      return this.#converse(turn);
    }
    const pressed = turn.message.payload === undefined ? undefined : decodePayload(turn.message.payload)?.kind;
    if (pressed === 'cancel') return this.#cancel(turn);
    await this.deps.tickets.userWrote(ticket.id, turn.conversation, turn.text || `[button: ${turn.message.payload}]`, turn.now);
    if (pressed === 'human' || asksAboutWaiting(turn.words) || turn.brain.decide(turn.words, turn.lang).intent === 'agent.request') {
      return this.#status(turn);
    }
    const last = turn.state.ackedAt ? Date.parse(turn.state.ackedAt) : Number.NEGATIVE_INFINITY;
    if (turn.now.getTime() - last < ACK_INTERVAL_MS) return this.#say(turn, 'received', 'status');
    turn.state = { ...turn.state, ackedAt: turn.now.toISOString() };
    const text =
      ticket.status === 'claimed'
        ? say(turn.lang, 'ackClaimed', { agent: ticket.agent ?? '', number: ticket.number })
        : say(turn.lang, 'ack', { number: ticket.number, position: ticket.queuePosition ?? 1 });
    turn.replies.push({ kind: 'status', text, escalation: notice(ticket) });
  }

  /** Says the maintenance notices in force before the answer to a question they concern; true when there were any. */
  async #maintenanceFirst(turn: Turn, decision: Decision): Promise<boolean> {
    if (!maintenanceComesFirst(decision.intent, turn.words)) return false;
    const active = await this.#notices.activeMaintenance(turn.now);
    for (const notice of active) turn.replies.push({ kind: 'status', text: noticeText(notice, turn.lang) });
    return active.length > 0;
  }

  /** "Notify me of maintenance", or "Stop announcements" for a subscriber. */
  async #subscriptionButton(turn: Turn): Promise<Suggestion> {
    return (await this.#notices.isSubscribed(turn.conversation.userKey))
      ? button(say(turn.lang, 'button.unsubscribe'), { kind: 'unsubscribe' })
      : button(say(turn.lang, 'button.subscribe'), { kind: 'subscribe' });
  }

  /** `/status`: the notices in force, then the hand-off questions' progress or the ticket's place. */
  async #status(turn: Turn): Promise<void> {
    for (const notice of await this.#notices.active(turn.now)) turn.replies.push({ kind: 'status', text: noticeText(notice, turn.lang) });
    const handoff = turn.state.mode === 'collecting' ? turn.state.handoff : undefined;
    if (handoff) {
      turn.replies.push({ kind: 'status', text: say(turn.lang, 'statusCollecting', { step: handoff.stepIndex + 1, total: handoff.steps.length }) });
      return this.#askStep(turn);
    }
    const ticket = await this.deps.queue.activeFor(turn.conversation.id);
    if (!ticket) return this.#say(turn, 'noTicket', 'status');
    turn.state = { ...turn.state, ackedAt: turn.now.toISOString() };
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

  async #cancel(turn: Turn): Promise<void> {
    if (turn.state.mode === 'collecting') {
      turn.state = { ...turn.state, mode: 'bot', handoff: undefined };
      return this.#say(turn, 'cancelledCollecting', 'status');
    }
    const ticket = await this.deps.queue.activeFor(turn.conversation.id);
    if (!ticket) return this.#say(turn, 'noTicket', 'status');
    const closed = await this.deps.tickets.closeByUser(ticket.id, turn.conversation, turn.now);
    turn.state = { ...turn.state, mode: 'bot', escalationId: undefined };
    turn.replies.push({ kind: 'status', text: say(turn.lang, 'cancelled', { number: closed.number }), escalation: notice(closed) });
  }

  /**
   * A rating (1-5, typed or pressed; "五星", "５", "great") for the ticket just resolved, asked again
   * once when unclear ("10"); "not solved" offers to reopen. False when the message is something else.
   */
  async #rate(turn: Turn): Promise<boolean> {
    const ticketId = turn.state.escalationId;
    if (ticketId === undefined) return false;
    const payload = turn.message.payload;
    if (!payload && saysNotSolved(turn.words)) {
      turn.state = { ...turn.state, mode: 'bot', escalationId: undefined, resolvedTicketId: ticketId };
      await this.#offerReopen(turn, ticketId);
      return true;
    }
    const pressed = payload === undefined ? undefined : decodePayload(payload);
    const reading = pressed?.kind === 'rate' ? { score: pressed.score } : payload ? undefined : readRating(turn.words);
    if (reading === undefined) return false;
    const back: DialogueState = { ...turn.state, mode: 'bot', escalationId: undefined, resolvedTicketId: ticketId, ratingReasked: undefined };
    if (reading === 'unclear') {
      if (turn.state.ratingReasked) {
        turn.state = back;
        this.#say(turn, 'ratingSkipped', 'status');
        return true;
      }
      turn.state = { ...turn.state, ratingReasked: true };
      turn.replies.push({ kind: 'prompt', text: say(turn.lang, 'ratingAgain'), suggestions: ratingButtons() });
      return true;
    }
    await this.deps.tickets.rate(ticketId, turn.conversation, reading.score, turn.now);
    turn.state = back;
    this.#say(turn, 'ratingThanks', 'status');
    return true;
  }

  async #offerReopen(turn: Turn, ticketId: number): Promise<void> {
    if (await this.deps.queue.activeFor(turn.conversation.id)) return this.#status(turn);
    const ticket = await this.deps.queue.view(ticketId);
    turn.state = { ...turn.state, awaiting: 'reopenOffer' };
    turn.replies.push({
      kind: 'prompt',
      text: say(turn.lang, 'reopenOffer', { number: ticket.number }),
      suggestions: [button(say(turn.lang, 'button.reopen'), { kind: 'reopen' }), button(say(turn.lang, 'button.noThanks'), { kind: 'no_human' })],
    });
  }

  /** The user reopens the ticket resolved last; it goes back to the queue with this conversation's new messages. */
  async #reopen(turn: Turn): Promise<void> {
    const ticketId = turn.state.resolvedTicketId;
    if (ticketId === undefined || (await this.deps.queue.activeFor(turn.conversation.id))) return this.#status(turn);
    const ticket = await this.deps.tickets.reopenByUser(ticketId, turn.conversation, turn.now);
    if (!ticket) return this.#say(turn, 'noTicket', 'status');
    this.#escalated(turn, ticket);
    turn.replies.push({ kind: 'status', text: say(turn.lang, 'reopenedByUser', { number: ticket.number, position: ticket.queuePosition ?? 1 }), escalation: notice(ticket) });
  }

  #say(turn: Turn, key: MessageKey, kind: Reply['kind']): void {
    turn.replies.push({ kind, text: say(turn.lang, key) });
  }

  async #recordUnanswered(turn: Turn, reason: 'fallback' | 'clarify' | 'not_helpful', text = turn.text): Promise<void> {
    if (!text) return;
    await this.#store.recordUnanswered({ channel: turn.message.channel, text, lang: turn.lang, intent: turn.decision?.intent, confidence: turn.decision?.confidence, reason }, turn.now);
  }
}

/** Whether a message is about an account's security or access (where another platform's name means "not ours"). */
function aboutAnAccount(decision: Decision, words: string): boolean {
  if (decision.intent.startsWith('security.') || decision.intent.startsWith('account.')) return true;
  return decision.action === 'fallback' && /hack|stole|account|password|log ?in|被盗|被黑|盗号|账号|账户|帐号|密码|登录|登不上/iu.test(words);
}

function secretWarning(lang: Lang): Reply {
  return { kind: 'warning', reason: 'secret', text: say(lang, 'secretWarning') };
}

/** A button: its label and what pressing it means. */
function button(label: string, payload: Payload): Suggestion {
  return { label, payload: encodePayload(payload) };
}

/** The FAQ entry a suggestion answers, if it is an FAQ button. */
function faqIdOf(suggestion: Suggestion): string | undefined {
  const payload = decodePayload(suggestion.payload);
  return payload?.kind === 'faq' ? payload.faqId : undefined;
}

function notice(ticket: EscalationView): Reply['escalation'] {
  return { number: ticket.number, status: ticket.status, priority: ticket.priority, queuePosition: ticket.queuePosition ?? undefined, slaDueAt: ticket.slaDueAt };
}
