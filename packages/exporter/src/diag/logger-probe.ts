/**
 * Where `@opentelemetry/api` 1.x keeps its globals (internal/global-utils.ts): `diag.setLogger()`
 * stores the logger there as `diag`, `diag.disable()` deletes it, and every copy of API 1.x in the
 * process shares the entry. The API has no getter for it, so this is the one way to know.
 */
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * Whether the app has registered a diag logger. Without one, `diag.warn()` goes nowhere, so the
 * exporter's important lines would never be seen. (A logger set through a newer, incompatible copy
 * of the API counts as registered: such an app has already chosen where diagnostics go.)
 */
export function diagLoggerRegistered(): boolean {
  const globals = (globalThis as Record<symbol, unknown>)[API_GLOBALS];
  return typeof globals === 'object' && globals !== null && (globals as { diag?: unknown }).diag !== undefined;
}
