import { expect, it } from 'vitest';
import { floodLimiterFor } from '../../src/safety/shared-rate-limit.js';
import { describeEachEngine } from '../support/engines.js';

const OPTIONS = { capacity: 3, perSecond: 1 };

describeEachEngine('flood limit', (engines) => {
  it('lets a burst through, warns once, then drops silently until the bucket refills; users are independent', async () => {
    const limiter = floodLimiterFor(await engines.open(), OPTIONS);
    const start = 1_800_000_000_000;
    const verdicts = [];
    for (let n = 0; n < 5; n++) verdicts.push(await limiter.take('web:flood', start));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'limited', 'limited-again']);
    expect(await limiter.take('web:calm', start)).toBe('ok');
    // 1.5 s later one message's worth is back (not two), and the warning may come again after it.
    expect([await limiter.take('web:flood', start + 1_500), await limiter.take('web:flood', start + 1_500)]).toEqual(['ok', 'limited']);
    // A clock going backwards refills nothing.
    expect(await limiter.take('web:flood', start)).toBe('limited-again');
  });

  it('holds across the instances of one database on Postgres (each SQLite instance is alone with its file)', async () => {
    const engine = await engines.open();
    const [one, two] = [floodLimiterFor(engine, OPTIONS), floodLimiterFor(engine, OPTIONS)];
    const now = 1_800_000_000_000;
    const verdicts = await Promise.all(Array.from({ length: 8 }, async (_, n) => (n % 2 === 0 ? one : two).take('telegram:7', now)));
    const passed = verdicts.filter((verdict) => verdict === 'ok').length;
    expect(passed).toBe(engines.dialect === 'postgres' ? OPTIONS.capacity : OPTIONS.capacity * 2);
    if (engines.dialect === 'postgres') expect(verdicts.filter((verdict) => verdict === 'limited')).toHaveLength(1);
  });
});
