/** A string field, or undefined when unset or empty (proto3 has no empty-vs-unset distinction). */
export function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A `uint32` count field; 0 when unset or nonsense. */
export function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}
