import * as coreTracing from '@azure/core-tracing';
import { createAzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';

interface ModuleDefinition {
  name: string;
  patch?: (moduleExports: unknown) => unknown;
}

/**
 * Spans for the Azure SDK clients (`@azure/opentelemetry-instrumentation-azure-sdk`): their core
 * pipeline HTTP calls, children of whatever span is active. Returns how to turn it off.
 *
 * The instrumentation works by hooking `require('@azure/core-tracing')` and installing its
 * instrumenter there. An ESM app loads the Azure SDKs through `import`, which that hook never sees;
 * so the instrumenter is also installed directly into the core-tracing this package resolves
 * (as `@azure/monitor-opentelemetry` does). core-tracing keeps it in state shared by its CommonJS
 * and ESM builds, so every client using that copy of core-tracing is covered: the copy an app
 * shares with this package when its package manager dedupes `@azure/core-tracing` (a peer here).
 */
export function instrumentAzureSdk(): () => void {
  const instrumentation = createAzureSdkInstrumentation();
  const definitions = (instrumentation as { getModuleDefinitions?: () => ModuleDefinition[] }).getModuleDefinitions?.() ?? [];
  for (const definition of definitions) {
    if (definition.name === '@azure/core-tracing') definition.patch?.(coreTracing);
  }
  return () => instrumentation.disable();
}
