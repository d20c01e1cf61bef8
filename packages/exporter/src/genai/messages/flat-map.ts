/**
 * `list.flatMap(map)` for a callback that returns a list, written out: V8 runs the builtin flatMap
 * without optimising through it, and every message part goes through one. Same result: holes in
 * `list` and in what `map` returns are skipped, a returned non-list is added as one item.
 */
export function flatMapItems<T, U>(list: readonly T[], map: (item: T) => readonly U[]): U[] {
  const out: U[] = [];
  for (let i = 0; i < list.length; i += 1) {
    if (!(i in list)) continue;
    const mapped = map(list[i] as T);
    if (!Array.isArray(mapped)) {
      out.push(mapped as unknown as U);
      continue;
    }
    for (let j = 0; j < mapped.length; j += 1) if (j in mapped) out.push(mapped[j] as U);
  }
  return out;
}
