// What goes into the TEXT columns for the JSON fields (input, output, metadata) and the span error,
// and what GET answers from them. The store keeps the text, as the real server's database does.

/**
 * Strict: the real server writes `JSON.stringify(value)` for anything present, so JSON null is the
 * text "null" (not SQL NULL). Lenient: null is treated like an absent field.
 */
export function jsonColumn(value: unknown, strict: boolean): string | null {
  if (value === undefined || (value === null && !strict)) return null;
  return JSON.stringify(value);
}

/**
 * The span's error goes through `String(value)`: an object becomes "[object Object]" and, in
 * strict mode, null becomes the text "null" (which the API then returns as the string "null").
 */
export function errorColumn(value: unknown, strict: boolean): string | null {
  if (value === undefined || (value === null && !strict)) return null;
  return String(value);
}

/**
 * How GET reads a JSON column back: NULL or empty text answers null, anything else is parsed (a
 * text that does not parse is answered as is). So the stored text "null" reads back as null.
 */
export function jsonAnswer(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
