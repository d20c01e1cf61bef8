import { attributesOf } from './any-value.js';
import type { DecodedResource, DecodedScope } from './types.js';
import { count, nonEmpty } from './fields.js';
import type { WireResource, WireScope } from './wire.js';

/** `Resource` (+ the `schema_url` of its ResourceSpans/ResourceLogs) as the SDK's resource shape. */
export function resourceOf(resource: WireResource | null | undefined, schemaUrl: string | null | undefined): DecodedResource {
  const url = nonEmpty(schemaUrl);
  return {
    attributes: attributesOf(resource?.attributes),
    droppedAttributesCount: count(resource?.droppedAttributesCount),
    ...(url !== undefined ? { schemaUrl: url } : {}),
  };
}

/** `InstrumentationScope` (+ the `schema_url` of its ScopeSpans/ScopeLogs) as the SDK's scope shape. */
export function scopeOf(scope: WireScope | null | undefined, schemaUrl: string | null | undefined): DecodedScope {
  const version = nonEmpty(scope?.version);
  const url = nonEmpty(schemaUrl);
  const attributes = attributesOf(scope?.attributes);
  const hasAttributes = Object.keys(attributes).length > 0;
  return {
    name: typeof scope?.name === 'string' ? scope.name : '',
    ...(version !== undefined ? { version } : {}),
    ...(url !== undefined ? { schemaUrl: url } : {}),
    ...(hasAttributes ? { attributes, droppedAttributesCount: count(scope?.droppedAttributesCount) } : {}),
  };
}
