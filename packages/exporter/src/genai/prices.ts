/** USD per million tokens for one model. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached input tokens, when cheaper; they are part of the input tokens. */
  cacheRead?: number;
  /** Input tokens written to the provider's cache, when priced apart; also part of the input tokens. Absent: the input price. */
  cacheWrite?: number;
}

/** Prices by model name. A dated model (`gpt-4o-2024-11-20`) falls back to the longest matching prefix (`gpt-4o`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(name) && (!best || name.length > best.length)) best = name;
  }
  return best ? table[best] : undefined;
}
