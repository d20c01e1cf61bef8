/**
 * Built-in scrubbing of credentials in any string that leaves for Nexus. A secret becomes a visible
 * marker `[REDACTED:<kind>]`; the text around it (header names, user names, hosts) stays.
 *
 * What is scrubbed, in this order (an earlier rule's marker is never matched again):
 * 1. Azure connection strings that hold a secret (`DefaultEndpointsProtocol=…;AccountKey=…`,
 *    `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…`, any `Endpoint=…;AccessKey|Secret=…`)
 *    → the whole string becomes `[REDACTED:connection_string]`.
 *    Application Insights `InstrumentationKey=…;IngestionEndpoint=…` is left alone: Microsoft
 *    documents the ikey as an identifier, "not considered secrets".
 * 2. Nexus keys `nxs_` + hex → `nexus_key`, also right after an escape (`%20nxs_…`, `\u0020nxs_…`).
 * 3. OpenAI-style keys `sk-…`, `sk-proj-…` (20+ key characters with a digit) → `openai_key`.
 * 4. `Authorization: <scheme> <credentials>` (header, JSON or `=` form) → `bearer` for Bearer, else `authorization`.
 * 5. `Bearer <token>` anywhere, any case → `bearer` (the token must look like one, so prose survives);
 *    also with the space encoded (`Bearer%20…`, `Bearer+…`, `Bearer\u0020…`, `Bearer%2520…`).
 * 6. Values after `api-key`, `Ocp-Apim-Subscription-Key`, `subscription-key` → `azure_key`;
 *    after `x-api-key`, `api_key`, `apikey` → `api_key`.
 * 7. `AccountKey=`, `SharedAccessKey=`, `AccessKey=` outside a recognised connection string → `azure_key`.
 * 8. SAS signatures `sig=…` (also inside `SharedAccessSignature …`) → `azure_key`.
 * 9. Passwords in URLs `scheme://user:password@host` → `scheme://user:[REDACTED:password]@host`.
 * 10. `password=…`, `pwd=…`, `"password": "…"` → `password`.
 *
 * Every string of every span goes through here, so a single case-insensitive pre-check looks for
 * the few trigger substrings first and the common string costs one scan. Every quantifier is
 * bounded and none is nested, so the work per match attempt is bounded and a scan stays linear
 * (a hostile 1 MB string takes tens of milliseconds, see the tests).
 */

import { memoByKey } from '../memo-by-key.js';

export const REDACTED_PREFIX = '[REDACTED:';

export type SecretKind =
  | 'bearer'
  | 'authorization'
  | 'nexus_key'
  | 'openai_key'
  | 'azure_key'
  | 'api_key'
  | 'connection_string'
  | 'password'
  | 'secret';

export function redactionMarker(kind: SecretKind): string {
  return `${REDACTED_PREFIX}${kind}]`;
}

/** True when the whole string is one of our markers (nothing left to hide). */
export function isScrubMarker(text: string): boolean {
  return /^\[REDACTED:[a-z_]{1,32}\]$/.test(text);
}

// One scan for the common case: a string with none of these cannot match any rule below.
const TRIGGERS = /bearer|authoriz|nxs_|sk-|api[-_]?key|subscription-key|accountkey|accesskey|accountname|endpoint|sig=|:\/\/|passw|pwd/i;

// `key: value`, `key=value`, `"key": "value"`, `'key'='value'`.
const SEP = `["']?\\s{0,3}[:=]\\s{0,3}["']?`;

/**
 * A token-shaped string that is unlikely to be an English word: 8+ characters and a digit or a
 * token symbol, or 24+ characters. Guards the rules whose trigger word also occurs in prose.
 */
function looksSecret(token: string): boolean {
  return token.length >= 8 && (/[0-9_.~+/=]/.test(token) || token.length >= 24);
}

/** Splits trailing sentence punctuation off a token (`instruments.` is a word, not `instruments` + a token symbol). */
function splitTrailing(token: string): [core: string, tail: string] {
  const core = token.replace(/[.\-~+/]{1,16}$/, '');
  return [core, token.slice(core.length)];
}

type Replacer = (match: string, ...groups: string[]) => string;

interface Rule {
  /**
   * A word every match of `pattern` holds: a plain scan for it is far cheaper than the pattern's
   * own (which starts with a lookbehind), and most strings that pass TRIGGERS lack most words.
   */
  guard: RegExp;
  pattern: RegExp;
  replace: Replacer;
}

const AUTH_SCHEMES = 'bearer|basic|digest|negotiate|ntlm|token|sharedkey(?:lite)?|dpop|pop';

/**
 * Not inside a word, or right after an escaped character: a header echoed URL-encoded
 * (`Bearer%20nxs_…`, `%2520` once more) or JSON-escaped (`\u0020`) puts a hex digit before the key.
 */
const KEY_START = String.raw`(?:(?<![A-Za-z0-9])|(?<=%(?:25){0,3}[0-9A-Fa-f]{2})|(?<=\\u[0-9A-Fa-f]{4}))`;
/** The space between a scheme and its token, as is or encoded. */
const SCHEME_SPACE = String.raw`(?:\s|%(?:25){0,3}20|\+|\\u0020)`;

const RULES: Rule[] = [
  {
    // A connection string is `Name=value;` pairs with no spaces or quotes; anchored on a name that starts one.
    guard: /endpoint|accountname/i,
    pattern: /(?<![A-Za-z0-9])(?:DefaultEndpointsProtocol|AccountName|Endpoint|BlobEndpoint|QueueEndpoint|TableEndpoint|FileEndpoint)=[^\s"'<>\\[\]]{1,4096}/gi,
    replace: (match) =>
      /(?:^|;)\s{0,3}(?:AccountKey|SharedAccessKey|SharedAccessSignature|AccessKey|Secret|Password|Pwd)\s{0,3}=|[?&;]sig=/i.test(match)
        ? redactionMarker('connection_string')
        : match,
  },
  {
    guard: /nxs_/i,
    pattern: new RegExp(`${KEY_START}nxs_[0-9a-f]{16,256}(?![0-9a-z])`, 'gi'),
    replace: () => redactionMarker('nexus_key'),
  },
  {
    // Case-sensitive: the prefix is lower case; the lookbehind keeps `task-list`, `risk-…` apart.
    guard: /sk-/,
    pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,512}/g,
    replace: (match) => (/[0-9]/.test(match) ? redactionMarker('openai_key') : match),
  },
  {
    guard: /authorization/i,
    pattern: new RegExp(`(?<![A-Za-z0-9])((?:proxy-)?authorization${SEP})(?:(${AUTH_SCHEMES})(\\s{1,5}))?([^\\s"'<>,;\\\\[\\]]{1,8192})`, 'gi'),
    replace: (match, label: string, scheme: string | undefined, space: string | undefined, credentials: string) => {
      // After an explicit scheme the next token is the credential; without one, it must look like one.
      const [core, tail] = scheme ? [credentials, ''] : splitTrailing(credentials);
      if (!scheme && !looksSecret(core)) return match;
      const kind: SecretKind = scheme?.toLowerCase() === 'bearer' ? 'bearer' : 'authorization';
      return `${label}${scheme ? `${scheme}${space}` : ''}${redactionMarker(kind)}${tail}`;
    },
  },
  {
    guard: /bearer/i,
    pattern: new RegExp(`(?<![A-Za-z0-9])(bearer${SCHEME_SPACE}{1,5})([A-Za-z0-9\\-._~+/]{8,8192}={0,4})`, 'gi'),
    replace: (match, prefix: string, token: string) => {
      const [core, tail] = splitTrailing(token);
      return looksSecret(core) ? `${prefix}${redactionMarker('bearer')}${tail}` : match;
    },
  },
  {
    guard: /api[-_]?key|subscription-key/i,
    pattern: new RegExp(`(?<![A-Za-z0-9])((?:x-|ocp-apim-)?(?:api[-_]?key|subscription-key)${SEP})([A-Za-z0-9+/=_\\-.~%]{8,2048})`, 'gi'),
    replace: (_match, label: string) => {
      const name = label.toLowerCase();
      const azure = name.startsWith('api-key') || name.includes('subscription-key');
      return `${label}${redactionMarker(azure ? 'azure_key' : 'api_key')}`;
    },
  },
  {
    guard: /accountkey|accesskey/i,
    pattern: new RegExp(`(?<![A-Za-z0-9])((?:AccountKey|SharedAccessKey|AccessKey)${SEP})([A-Za-z0-9+/=_\\-%]{8,2048})`, 'gi'),
    replace: (_match, label: string) => `${label}${redactionMarker('azure_key')}`,
  },
  {
    guard: /sig=/i,
    pattern: /(?<![A-Za-z0-9_])(sig=)([A-Za-z0-9%+/=_-]{8,2048})/gi,
    replace: (_match, label: string) => `${label}${redactionMarker('azure_key')}`,
  },
  {
    // Anchored on `://` (the scheme is kept as is). The password may hold `@`: greedy up to the last one before the path.
    guard: /:\/\//,
    pattern: /(:\/\/[^\s:/?#@"'<>\\[\]]{0,256}:)(?!\[REDACTED:)[^\s/?#"'<>\\]{1,1024}@/g,
    replace: (_match, prefix: string) => `${prefix}${redactionMarker('password')}@`,
  },
  {
    guard: /passw|pwd/i,
    pattern: /(?<![A-Za-z0-9_])((?:password|passwd|pwd)(?:\s{0,3}=\s{0,3}["']?|["']\s{0,3}[:=]\s{0,3}["']))(?!\[REDACTED:)([^\s;&"'<>,\\]{1,1024})/gi,
    replace: (_match, label: string) => `${label}${redactionMarker('password')}`,
  },
];

/** Returns `text` with every credential it recognises replaced by `[REDACTED:<kind>]`. Never throws. */
export function scrubSecrets(text: string): string {
  if (typeof text !== 'string' || text.length < 4 || !TRIGGERS.test(text)) return text;
  let out = text;
  for (const rule of RULES) {
    if (rule.guard.test(out)) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: unknown[]) => string);
  }
  return out;
}

const SECRET_KEYS: ReadonlyMap<string, SecretKind> = new Map([
  ['authorization', 'authorization'],
  ['proxyauthorization', 'authorization'],
  ['apikey', 'api_key'],
  ['xapikey', 'api_key'],
  ['ocpapimsubscriptionkey', 'azure_key'],
  ['subscriptionkey', 'azure_key'],
  ['accountkey', 'azure_key'],
  ['sharedaccesskey', 'azure_key'],
  ['sharedaccesssignature', 'azure_key'],
  ['password', 'password'],
  ['passwd', 'password'],
  ['pwd', 'password'],
  ['secret', 'secret'],
  ['clientsecret', 'secret'],
  ['accesstoken', 'secret'],
  ['refreshtoken', 'secret'],
  ['idtoken', 'secret'],
]);

/**
 * The kind of secret a JSON key names (`Authorization`, `api-key`, `http.request.header.x-api-key`,
 * `client_secret`, `password`…), else undefined. Only the last dot-separated segment counts, and
 * `-`/`_` are ignored, so `gen_ai.usage.input_tokens` or `token` alone never match.
 */
export function secretKeyKind(key: string): SecretKind | undefined {
  if (key.length > 128) return undefined;
  const kind = keyKind(key);
  return kind === NOT_SECRET ? undefined : kind;
}

const NOT_SECRET = 0;
// Every key of every outgoing object asks, and the same few keys (role, parts, content…) ask again and again.
const keyKind = memoByKey((key: string): SecretKind | typeof NOT_SECRET => SECRET_KEYS.get(key.slice(key.lastIndexOf('.') + 1).toLowerCase().replace(/[-_\s]/g, '')) ?? NOT_SECRET);
