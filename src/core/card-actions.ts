import { DeskError, type AgentActor, type DeskAction, type EscalationView } from '../contracts/index.js';
import type { AgentDesk } from './channel.js';
import type { DeskPresenter } from './desk-presenter.js';

/** What a card button press led to: the ticket as it is now, or what to tell the presser in the desk's language. */
export type CardPress =
  | { readonly ticket: EscalationView; readonly refusal?: undefined }
  /** `notAgent`: the presser may not act at all (told nothing of the ticket), rather than this action being refused. */
  | { readonly ticket?: undefined; readonly refusal: string; readonly notAgent: boolean };

/**
 * An agent's press of a card's Claim / Resolve / Reopen, the same on every chat desk: someone
 * not in `AGENT_IDS` is refused before the ticket is read (they learn nothing of it); a refused
 * action comes back worded by the presenter.
 */
export async function pressCardAction(desk: AgentDesk, presenter: DeskPresenter, agent: AgentActor, action: DeskAction, ticketId: number): Promise<CardPress> {
  if (!desk.isAgent(agent.channel, agent.userId)) return { refusal: presenter.notAgent(), notAgent: true };
  try {
    return { ticket: await desk.act(action, ticketId, agent) };
  } catch (error) {
    if (!(error instanceof DeskError)) throw error;
    return { refusal: presenter.refusal(error), notAgent: false };
  }
}
