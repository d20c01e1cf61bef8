import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { classifyKey } from '../../src/genai/privacy/content-keys.js';
import { SEMCONV_KEYS } from '../../src/genai/read/semconv-keys.js';
import { TRACE_CONTEXT_KEYS } from '../../src/genai/read/trace-context.js';

/**
 * Every `gen_ai.*` span attribute `@opentelemetry/semantic-conventions` defines must be understood by
 * the exporter, or deliberately left alone: a new release that adds one fails here until someone
 * decides. "Understood" comes from the code's own lists, not from a copy: the keys the readers read
 * (SEMCONV_KEYS, the trace context's keys) and the content list (a key it classifies as content is
 * rendered, or kept out while capture is off).
 */

/** `gen_ai.*` attributes not read, on purpose. Not read still means shown: they pass raw in a span's `input.attributes`. */
const IGNORED_GEN_AI_ATTRIBUTES: Readonly<Record<string, string>> = {
  'gen_ai.agent.description': 'free text describing the agent: no Nexus field, shown raw on the span',
  'gen_ai.data_source.id': 'a RAG data source id: no trace-level use, shown raw on the span',
  'gen_ai.embeddings.dimension.count': 'an embeddings request parameter: shown raw on the span',
  'gen_ai.evaluation.name': 'on gen_ai.evaluation.result events and log records, read there by logs/evaluation.ts, not from span attributes',
  'gen_ai.evaluation.score.label': 'on gen_ai.evaluation.result events and log records, read there by logs/evaluation.ts, not from span attributes',
  'gen_ai.evaluation.score.value': 'on gen_ai.evaluation.result events and log records, read there by logs/evaluation.ts, not from span attributes',
  'gen_ai.openai.request.response_format': 'deprecated (now gen_ai.output.type): a request parameter, shown raw on the span',
  'gen_ai.openai.request.seed': 'deprecated (now gen_ai.request.seed): a request parameter, shown raw on the span',
  'gen_ai.openai.request.service_tier': 'deprecated (now openai.request.service_tier): a request parameter, shown raw on the span',
  'gen_ai.openai.response.service_tier': 'deprecated (now openai.response.service_tier): response detail, shown raw on the span',
  'gen_ai.openai.response.system_fingerprint': 'deprecated (now openai.response.system_fingerprint): response detail, shown raw on the span',
  'gen_ai.output.type': 'the requested output modality, a request parameter: shown raw on the span',
  'gen_ai.request.choice.count': 'a model parameter: shown raw on the span',
  'gen_ai.request.encoding_formats': 'an embeddings request parameter: shown raw on the span',
  'gen_ai.request.frequency_penalty': 'a model parameter: shown raw on the span',
  'gen_ai.request.max_tokens': 'a model parameter: shown raw on the span',
  'gen_ai.request.presence_penalty': 'a model parameter: shown raw on the span',
  'gen_ai.request.seed': 'a model parameter: shown raw on the span',
  'gen_ai.request.stop_sequences': 'a model parameter: shown raw on the span',
  'gen_ai.request.stream': 'a request flag: shown raw on the span',
  'gen_ai.request.temperature': 'a model parameter: shown raw on the span',
  'gen_ai.request.top_k': 'a model parameter: shown raw on the span',
  'gen_ai.request.top_p': 'a model parameter: shown raw on the span',
  'gen_ai.response.finish_reasons': 'each output message carries its own finish_reason; the list is shown raw on the span',
  'gen_ai.response.time_to_first_chunk': 'a latency measure: shown raw on the span',
  'gen_ai.token.type': 'a metric dimension, never set on spans',
  'gen_ai.tool.description': 'free text describing the tool: shown raw on the execute_tool span',
  'gen_ai.workflow.name': 'no Nexus field for a workflow yet: shown raw on the span',
};

/** Every `gen_ai.*` attribute the package exports as `ATTR_GEN_AI_*`. */
function definedGenAiAttributes(module: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(module)
    .filter((entry): entry is [string, string] => entry[0].startsWith('ATTR_GEN_AI_') && typeof entry[1] === 'string' && entry[1].startsWith('gen_ai.'))
    .map(([, value]) => value);
}

/** The attributes neither read, nor on the content list, nor ignored on purpose. */
function unaccounted(defined: readonly string[], read: ReadonlySet<string>, ignored: Readonly<Record<string, string>>): string[] {
  return defined.filter((key) => !read.has(key) && classifyKey(key) === 'plain' && !Object.hasOwn(ignored, key)).sort();
}

const exported: Readonly<Record<string, unknown>> = incubating;
const DEFINED = definedGenAiAttributes(exported);
const READ: ReadonlySet<string> = new Set<string>([...Object.values(SEMCONV_KEYS), ...TRACE_CONTEXT_KEYS]);

describe('semconv coverage: every gen_ai.* attribute of @opentelemetry/semantic-conventions/incubating', () => {
  it('the package defines them (an empty list would prove nothing)', () => {
    expect(DEFINED.length).toBeGreaterThanOrEqual(60);
    expect(DEFINED).toContain('gen_ai.operation.name');
    expect(DEFINED).toContain('gen_ai.usage.cache_creation.input_tokens');
  });

  it('is read, on the content list, or ignored with a reason', () => {
    expect(unaccounted(DEFINED, READ, IGNORED_GEN_AI_ATTRIBUTES)).toEqual([]);
  });

  it('the ignored list holds only attributes the package defines and nothing read or content, each with its reason', () => {
    for (const [key, reason] of Object.entries(IGNORED_GEN_AI_ATTRIBUTES)) {
      expect(DEFINED, key).toContain(key);
      expect(READ.has(key), `${key} is read: take it off the ignored list`).toBe(false);
      expect(classifyKey(key), `${key} is on the content list: take it off the ignored list`).toBe('plain');
      expect(reason.trim().length, key).toBeGreaterThan(10);
    }
  });

  it('reads what this change added (cache creation, prompt name, agent version)', () => {
    for (const key of ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.prompt.name', 'gen_ai.agent.version']) expect(READ.has(key), key).toBe(true);
  });

  it('the check reports an attribute in none of the lists: a new one, or one a reader stopped reading', () => {
    expect(unaccounted([...DEFINED, 'gen_ai.brand_new.attribute'], READ, IGNORED_GEN_AI_ATTRIBUTES)).toEqual(['gen_ai.brand_new.attribute']);
    const forgotten = new Set([...READ].filter((key) => key !== SEMCONV_KEYS.agentVersion));
    expect(unaccounted(DEFINED, forgotten, IGNORED_GEN_AI_ATTRIBUTES)).toEqual(['gen_ai.agent.version']);
    const { ['gen_ai.request.temperature']: _dropped, ...shorter } = IGNORED_GEN_AI_ATTRIBUTES;
    expect(unaccounted(DEFINED, READ, shorter)).toEqual(['gen_ai.request.temperature']);
  });
});
