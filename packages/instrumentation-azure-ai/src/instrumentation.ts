import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { responsesPrototype, scopeClient, watchResponses, isWatched } from './responses/patch.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export type AzureAIInstrumentationConfig = InstrumentationConfig;

/** What the patch needs of `@azure/ai-projects`: its client class. */
export interface AIProjectsModule {
  AIProjectClient: unknown;
}

type GetOpenAIClient = (this: unknown, ...args: unknown[]) => unknown;
interface ClientPrototype {
  getOpenAIClient: GetOpenAIClient;
}

/** Versions whose GenAI tracing wraps the openai client's `responses.create` (2.3 onwards). */
const SUPPORTED = ['>=2.3.0 <3'];

/**
 * `@azure/ai-projects` 2.x traces each Responses call itself (`invoke_agent <agent>` or
 * `chat <model>`, with `tracingOptions: { experimental: true }`), but ends that span OK whatever the
 * result says: a `failed` result (rate limit, content filter, server error) and an `incomplete` one
 * read as silent successes. This instrumentation adds, on that same span, status ERROR with the
 * provider's message, `error.type`, and the id, model and usage. It creates no span of its own.
 *
 * It hooks `AIProjectClient.prototype.getOpenAIClient`, the SDK's public entry to the openai client,
 * and, through the client it returns, the `create` of that openai copy's Responses class.
 */
export class AzureAIInstrumentation extends InstrumentationBase<AzureAIInstrumentationConfig> {
  constructor(config: AzureAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        '@azure/ai-projects',
        SUPPORTED,
        (exports: AIProjectsModule) => {
          this.#patch(exports);
          return exports;
        },
        (exports: AIProjectsModule | undefined) => {
          if (exports) this.#unpatch(exports);
        },
      ),
    ];
  }

  /**
   * For an app whose imports the loader hooks do not see (a bundle, a test runner that loads ES
   * modules itself): `instrumentation.manuallyInstrument(await import('@azure/ai-projects'))`.
   */
  manuallyInstrument(aiProjects: AIProjectsModule): void {
    this.#patch(aiProjects);
  }

  #patch(exports: AIProjectsModule): void {
    const prototype = clientPrototype(exports);
    if (!prototype || isWrapped(prototype.getOpenAIClient)) return;
    this._wrap(prototype, 'getOpenAIClient', (original) =>
      function getOpenAIClient(this: unknown, ...args: unknown[]): unknown {
        let client = original.apply(this, args);
        const responses = responsesPrototype(client);
        if (!responses) return client;
        if (!isWatched(responses)) {
          watchResponses(responses);
          // The SDK bound `create` when it made this client, before it was watched: make it again.
          // Building a client sends nothing.
          client = original.apply(this, args);
        }
        scopeClient(client);
        return client;
      },
    );
  }

  #unpatch(exports: AIProjectsModule): void {
    const prototype = clientPrototype(exports);
    // Clients made meanwhile keep their wrapper; the Responses patch is inert outside them.
    if (prototype && isWrapped(prototype.getOpenAIClient)) this._unwrap(prototype, 'getOpenAIClient');
  }
}

function clientPrototype(exports: AIProjectsModule | undefined): ClientPrototype | undefined {
  const client = exports?.AIProjectClient as { prototype?: Partial<ClientPrototype> } | undefined;
  const prototype = client?.prototype;
  return prototype && typeof prototype.getOpenAIClient === 'function' ? (prototype as ClientPrototype) : undefined;
}
