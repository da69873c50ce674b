import { describe, expect, it } from 'vitest';
import { say } from '../../src/contracts/index.js';

// This file is type-checked by `npx tsc --noEmit` (tsconfig includes test/): a key that is not in
// data/messages.json must not compile. Should `say` accept any string again, the directive
// below is unused and tsc fails.
describe('message keys are literal types', () => {
  it('refuses a misspelt key at compile time (and at run time)', () => {
    // @ts-expect-error 'tpyo' is not a key of data/messages.json
    expect(() => say('en', 'tpyo')).toThrow(/unknown message key/);
  });

  it('accepts a real key', () => {
    expect(say('zh', 'desk.action.claim')).toBe('认领');
  });
});
