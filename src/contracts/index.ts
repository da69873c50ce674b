/**
 * The contracts every part of the bot exchanges: the conversation vocabulary, the intent
 * taxonomy and its policy, button payloads, tickets, desk events and the desk's errors. The
 * ground floor: it imports nothing else of the project, and everything may import it.
 */
export * from './messages.js';
export * from './intents.js';
export * from './payloads.js';
export * from './tickets.js';
export * from './desk-events.js';
export * from './errors.js';
export * from './channels.js';
export * from './texts.js';
export * from './notices.js';
