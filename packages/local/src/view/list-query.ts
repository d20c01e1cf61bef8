// Which traces the list shows: the dashboard's search (the order is the store's, as the API lists).
import type { StoredTrace } from '../store.js';

/** SQL LIKE folds ASCII letters only (as SQLite does); other characters must match exactly. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

/**
 * The dashboard's search box: `name LIKE %q% OR agent LIKE %q% OR metadata LIKE %q%`, metadata
 * being the stored JSON text (so a key name matches too). `q` is taken literally: `%` and `_` are
 * not wildcards here (assumption: the hosted dashboard's escaping is not documented).
 */
export function matchesSearch(trace: StoredTrace, query: string): boolean {
  const needle = foldAscii(query.trim());
  if (needle === '') return true;
  return [trace.name, trace.agentName, trace.metadataText ?? ''].some((field) => foldAscii(field).includes(needle));
}
