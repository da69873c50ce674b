import { describe, expect, it } from 'vitest';
import { SendPace } from '../../src/escalation/send-pace.js';

describe('send pace', () => {
  it('spaces calls evenly at the rate, and lets the first call of an idle channel go at once', async () => {
    let now = 1_000;
    const waits: number[] = [];
    const pace = new SendPace(
      30,
      () => now,
      async (ms) => {
        waits.push(ms);
      },
    );
    for (let n = 0; n < 4; n++) await pace.acquire();
    expect(waits.map(Math.round)).toEqual([33, 67, 100]);
    now += 10_000;
    waits.length = 0;
    await pace.acquire();
    expect(waits).toEqual([]);
  });
});
