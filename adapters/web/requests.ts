import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../../src/core/index.js';

/** A UTF-16 code unit that is half of a surrogate pair standing alone: not valid Unicode. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (C0, C1, DEL), line/paragraph separators and bidirectional overrides. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;
/** The longest display name accepted. */
const MAX_NAME_LENGTH = 80;

/**
 * Text must be well-formed Unicode: a lone surrogate (JSON allows `"\ud800"`) would be stored
 * as U+FFFD, so the user would see something else than they sent. Refused, not repaired.
 */
const unicodeText = (field: string, max: number) =>
  z
    .string()
    .max(max, `${field} must be at most ${max} characters`)
    .refine((value) => !LONE_SURROGATE.test(value), `${field} contains a lone surrogate (not valid Unicode)`);

const visitorIdField = z.string({ error: 'visitorId is required: get one from POST /api/chat/visitors' }).min(1, 'visitorId is required');

/** The body of `POST /api/chat/messages`. The visitor id is checked separately (401 when not issued here). */
export const messageBody = z
  .object({
    visitorId: visitorIdField,
    text: unicodeText('text', MAX_MESSAGE_LENGTH * 2).optional(),
    payload: unicodeText('payload', 200).optional(),
    lang: z.enum(['zh', 'en']).optional(),
    name: unicodeText('name', MAX_NAME_LENGTH)
      .refine((value) => !CONTROL.test(value), 'name must not contain control characters')
      .transform((value) => value.trim() || undefined)
      .optional(),
  })
  .refine((body) => (body.text ?? '').trim() !== '' || body.payload, { message: 'send text or a payload' });

/** The query of `GET /api/chat/history` and `/api/chat/events`; `after` resumes after a message id. */
export const visitorQuery = z.object({
  visitorId: visitorIdField,
  after: z.string().max(64).optional(),
});

/** A parsed {@link visitorQuery}. */
export type VisitorQuery = z.infer<typeof visitorQuery>;

/** The first problem of a failed parse, for a 400 `{"error"}`. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'bad request';
}
