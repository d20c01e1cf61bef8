/** The part of an OTel instrumentation used here. */
export interface InstrumentationLike {
  getModuleDefinitions?(): Array<{ name?: unknown }>;
}

/** An instrumentation the register entry starts when the app has it (and its library) installed. */
export interface KnownInstrumentation {
  /** The instrumentation's package. */
  package: string;
  /** The library it traces: one instrumentation per library runs. */
  library: string;
  /**
   * Whether the app must have the library installed itself for this to load (some require it at
   * load time). False where the app gets it through another package (pnpm keeps those out of sight).
   */
  libraryInApp: boolean;
  create(exports: Record<string, unknown>): InstrumentationLike | undefined;
  /** The modules it patches, when it cannot say itself: what the ESM loader hook must intercept. */
  modules: string[];
  /**
   * Instead of the ESM loader hook: CommonJS modules to require once it is enabled, so that its
   * require hook patches them, for modules whose ESM build shares its state with the CommonJS one.
   */
  requireInstead?: string[];
}

/** `new exports[name]()`, when the package exports that class. */
function construct(name: string): KnownInstrumentation['create'] {
  return (exports) => {
    const value = exports[name];
    return typeof value === 'function' ? new (value as new () => InstrumentationLike)() : undefined;
  };
}

function known(pkg: string, library: string, exportName: string, modules: string[] = [library]): KnownInstrumentation {
  return { package: pkg, library, libraryInApp: true, create: construct(exportName), modules };
}

/**
 * Per library, the candidates in the order one is picked when several are installed (only one
 * may run: two instrumentations of one library trace every call twice): OpenTelemetry's own
 * first (current semconv; its ESM loader hook is current), then OpenLLMetry, then OpenInference.
 * `NEXUS_INSTRUMENTATIONS` picks others.
 */
export const KNOWN_INSTRUMENTATIONS: readonly KnownInstrumentation[] = [
  // Its constructor reads OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (content capture).
  known('@opentelemetry/instrumentation-openai', 'openai', 'OpenAIInstrumentation'),
  known('@traceloop/instrumentation-openai', 'openai', 'OpenAIInstrumentation'),
  known('@arizeai/openinference-instrumentation-openai', 'openai', 'OpenAIInstrumentation'),
  known('@traceloop/instrumentation-anthropic', '@anthropic-ai/sdk', 'AnthropicInstrumentation'),
  known('@arizeai/openinference-instrumentation-anthropic', '@anthropic-ai/sdk', 'AnthropicInstrumentation'),
  known('@traceloop/instrumentation-bedrock', '@aws-sdk/client-bedrock-runtime', 'BedrockInstrumentation'),
  known('@arizeai/openinference-instrumentation-bedrock', '@aws-sdk/client-bedrock-runtime', 'BedrockInstrumentation'),
  known('@traceloop/instrumentation-cohere', 'cohere-ai', 'CohereInstrumentation'),
  known('@traceloop/instrumentation-together', 'together-ai', 'TogetherInstrumentation'),
  known('@traceloop/instrumentation-vertexai', '@google-cloud/vertexai', 'VertexAIInstrumentation'),
  known('@traceloop/instrumentation-mcp', '@modelcontextprotocol/sdk', 'McpInstrumentation', [
    '@modelcontextprotocol/sdk/client/index.js',
    '@modelcontextprotocol/sdk/server/index.js',
  ]),
  known('@arizeai/openinference-instrumentation-mcp', '@modelcontextprotocol/sdk', 'MCPInstrumentation', [
    '@modelcontextprotocol/sdk/client/sse.js',
    '@modelcontextprotocol/sdk/server/sse.js',
    '@modelcontextprotocol/sdk/client/stdio.js',
    '@modelcontextprotocol/sdk/server/stdio.js',
    '@modelcontextprotocol/sdk/client/streamableHttp.js',
    '@modelcontextprotocol/sdk/server/streamableHttp.js',
  ]),
  // What the Azure AI SDKs' own tracing leaves out: GenAI spans for @azure/ai-agents, failed and
  // incomplete results on ai-projects 2.x's spans. Started whenever the app installed it: it loads no
  // Azure package itself, and an app may have either SDK (ai-agents often only through ai-projects 1.x).
  {
    ...known('@nexus-otel/instrumentation-azure-ai', '@azure/ai-projects', 'AzureAIInstrumentation', ['@azure/ai-projects', '@azure/ai-agents']),
    libraryInApp: false,
  },
  {
    package: '@azure/opentelemetry-instrumentation-azure-sdk',
    library: '@azure/core-tracing',
    libraryInApp: false,
    create: (m) =>
      typeof m['createAzureSdkInstrumentation'] === 'function' ? (m['createAzureSdkInstrumentation'] as () => InstrumentationLike)() : undefined,
    modules: ['@azure/core-tracing'],
    // core-tracing keeps its instrumenter in a state object its ESM build re-exports from the
    // CommonJS one: patching the CommonJS copy reaches ESM clients too. The instrumentation pins an
    // older @opentelemetry/instrumentation than the OpenAI one, i.e. another import-in-the-middle
    // copy, and two such loader hooks in one process break each other (esm-hook.ts).
    requireInstead: ['@azure/core-tracing'],
  },
];
