/**
 * `compute(key)` remembered per key: the same few dozen attribute and JSON keys come back on every
 * span, so each is looked at once. Bounded: past `max` keys all are forgotten at once (a trace of
 * random keys costs a recompute, never memory), and a key longer than `maxKeyChars` is computed
 * each time, not kept. `compute` must be pure and never return undefined.
 */
export function memoByKey<T extends NonNullable<unknown>>(
  compute: (key: string) => T,
  { max = 4096, maxKeyChars = Number.POSITIVE_INFINITY }: { max?: number; maxKeyChars?: number } = {},
): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (key.length <= maxKeyChars) {
      if (known.size >= max) known.clear();
      known.set(key, value);
    }
    return value;
  };
}
