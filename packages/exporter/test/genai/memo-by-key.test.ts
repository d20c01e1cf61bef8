import { describe, expect, it } from 'vitest';
import { memoByKey } from '../../src/genai/memo-by-key.js';

describe('memoByKey', () => {
  it('computes a key once, forgets every key past max, and never keeps one longer than maxKeyChars', () => {
    const computed: string[] = [];
    const upper = memoByKey(
      (key: string) => {
        computed.push(key);
        return key.toUpperCase();
      },
      { max: 2, maxKeyChars: 3 },
    );
    expect([upper('a'), upper('a'), upper('b'), upper('b')]).toEqual(['A', 'A', 'B', 'B']);
    expect(computed).toEqual(['a', 'b']);
    // A third key clears the two kept: `a` is computed again.
    expect([upper('c'), upper('a')]).toEqual(['C', 'A']);
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
    expect([upper('long'), upper('long')]).toEqual(['LONG', 'LONG']);
    expect(computed.filter((key) => key === 'long')).toHaveLength(2);
  });

  it('keeps falsy values (0, false, empty text) as found', () => {
    let calls = 0;
    const zero = memoByKey(() => {
      calls += 1;
      return 0;
    });
    expect([zero('x'), zero('x')]).toEqual([0, 0]);
    expect(calls).toBe(1);
  });
});
