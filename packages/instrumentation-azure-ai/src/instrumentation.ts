import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { addPolicyToClient, originalClientClass, tracedClientClass } from './agents/client.js';
import { createAgentsTracingPolicy, type AgentsTracingPolicy } from './agents/policy.js';
import { RunTracker } from './agents/run-tracker.js';
import { captureContent } from './content-capture.js';
import { responsesPrototype, scopeClient, watchResponses, isWatched } from './responses/patch.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export interface AzureAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record message content (user and assistant text, instructions, tool arguments and results) on
   * the `@azure/ai-agents` spans. Default: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`,
   * else off.
   */
  captureMessageContent?: boolean;
}

/** What the patch needs of `@azure/ai-projects`: its client class. */
export interface AIProjectsModule {
  AIProjectClient: unknown;
}

/** What the patch needs of `@azure/ai-agents`: its client class. */
export interface AIAgentsModule {
  AgentsClient: unknown;
}

type GetOpenAIClient = (this: unknown, ...args: unknown[]) => unknown;
interface ClientPrototype {
  getOpenAIClient: GetOpenAIClient;
}

/** Versions whose GenAI tracing wraps the openai client's `responses.create` (2.3 onwards). */
const SUPPORTED = ['>=2.3.0 <3'];
/** `@azure/ai-agents` 1.x: the Agents v1 REST API (`api-version=v1`), also behind ai-projects 1.x's `client.agents`. */
const AGENTS_SUPPORTED = ['>=1.0.0 <2'];

/**
 * OpenTelemetry GenAI spans for what the Azure AI SDKs' own tracing leaves out.
 *
 * `@azure/ai-agents` emits no GenAI span, only `HTTP <METHOD>` spans. Here each client gets a
 * pipeline policy that turns its calls into spans of the current conventions: `create_agent`,
 * `create_thread`, `create_message`, a run as `invoke_agent` (agent, thread, run id, tokens, final
 * status; a failed run is an ERROR with the service's `last_error`), and under it the run's tool
 * calls as `execute_tool <name>` and its model steps as `chat <model>` with their tokens.
 *
 * `@azure/ai-projects` 2.x traces each Responses call itself (`invoke_agent <agent>` or
 * `chat <model>`, with `tracingOptions: { experimental: true }`), but ends that span OK whatever the
 * result says. This instrumentation adds, on that same span, status ERROR with the provider's
 * message, `error.type`, and the id, model and usage of a `failed` or `incomplete` result.
 */
export class AzureAIInstrumentation extends InstrumentationBase<AzureAIInstrumentationConfig> {
  readonly #tracker: RunTracker;
  readonly #agentsPolicy: AgentsTracingPolicy;

  constructor(config: AzureAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.#tracker = new RunTracker(
      () => this.tracer,
      () => captureContent(this.getConfig().captureMessageContent),
    );
    this.#agentsPolicy = createAgentsTracingPolicy({ tracer: () => this.tracer, tracker: this.#tracker, enabled: () => this.isEnabled() });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const patchAgents = (exports: AIAgentsModule): AIAgentsModule => {
      this.#patchAgents(exports);
      return exports;
    };
    const unpatchAgents = (exports: AIAgentsModule | undefined): void => {
      if (exports) this.#unpatchAgents(exports);
    };
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
      new InstrumentationNodeModuleDefinition('@azure/ai-agents', AGENTS_SUPPORTED, patchAgents, unpatchAgents, [
        // ESM (import-in-the-middle) patches the package's namespace above. Its CommonJS index
        // re-exports through getters, which cannot be replaced: there the class's own file is patched.
        new InstrumentationNodeModuleFile('@azure/ai-agents/dist/commonjs/agentsClient.js', AGENTS_SUPPORTED, patchAgents, unpatchAgents),
      ]),
    ];
  }

  /**
   * For an app whose imports the loader hooks do not see (a bundle, a test runner that loads ES
   * modules itself): `instrumentation.manuallyInstrument(await import('@azure/ai-projects'))`.
   * For `@azure/ai-agents`, use `instrumentAgentsClient(client)`.
   */
  manuallyInstrument(aiProjects: AIProjectsModule): void {
    this.#patch(aiProjects);
  }

  /**
   * Traces one `AgentsClient` (of `@azure/ai-agents`, or `client.agents` of ai-projects 1.x) by
   * adding the policy to its pipeline; for apps the module hooks do not see. Returns the client.
   */
  instrumentAgentsClient<T>(client: T): T {
    addPolicyToClient(client, this.#agentsPolicy);
    return client;
  }

  /**
   * The pipeline policy itself, for a client's options:
   * `new AgentsClient(endpoint, credential, { additionalPolicies: [{ policy: instrumentation.agentsPolicy, position: 'perCall' }] })`.
   */
  get agentsPolicy(): AgentsTracingPolicy {
    return this.#agentsPolicy;
  }

  override disable(): void {
    super.disable();
    // Runs still open would never see their end: close them as they are.
    if (#tracker in this) this.#tracker.endAll();
  }

  #patchAgents(exports: AIAgentsModule): void {
    const current = exports.AgentsClient;
    if (typeof current !== 'function' || originalClientClass(current)) return;
    const traced = tracedClientClass(current as new (...args: unknown[]) => object, this.#agentsPolicy);
    try {
      exports.AgentsClient = traced;
    } catch {
      // A read-only re-export (the CommonJS index): the file hook patches the class where it is defined.
    }
  }

  #unpatchAgents(exports: AIAgentsModule): void {
    const original = originalClientClass(exports.AgentsClient);
    if (!original) return;
    try {
      exports.AgentsClient = original;
    } catch {
      // As above: nothing to restore here.
    }
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
