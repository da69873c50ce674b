import { describe, expect, it } from 'vitest';
import { alertsDue, autoCloseCutoff } from '../../src/escalation/sla-rules.js';

const created = new Date('2026-05-01T10:00:00.000Z');
const due = new Date('2026-05-01T10:15:00.000Z');
const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000);

describe('SLA alert rules', () => {
  it('raises level 1 when the first reply is overdue and level 2 at twice the time, each once', () => {
    const ticket = { id: 1, createdAt: created, slaDueAt: due, raised: [] as (1 | 2)[] };
    expect(alertsDue(ticket, at(14))).toEqual([]);
    expect(alertsDue(ticket, at(15))).toEqual([1]);
    expect(alertsDue({ ...ticket, raised: [1] }, at(29))).toEqual([]);
    expect(alertsDue({ ...ticket, raised: [1] }, at(30))).toEqual([2]);
    expect(alertsDue({ ...ticket, raised: [1, 2] }, at(600))).toEqual([]);
  });

  it('raises both, in order, after an outage that missed the first', () => {
    expect(alertsDue({ id: 1, createdAt: created, slaDueAt: due, raised: [] }, at(45))).toEqual([1, 2]);
  });

  it('closes tickets whose agent wrote last AUTO_CLOSE_HOURS ago or earlier', () => {
    expect(autoCloseCutoff(at(48 * 60), 48)).toEqual(created);
  });
});
