import fc from 'fast-check';

/** The part of a JSON schema (as z.toJSONSchema writes it into OpenAPI) that bad inputs are made from. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}

const typesOf = (s: JsonSchema): Set<string> => {
  const own = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const nested = [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((x) => [...typesOf(x)]);
  return new Set([...own, ...nested]);
};

/** A value of a JSON type the schema does not accept at all. */
function wrongTypeValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const accepted = typesOf(s);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!accepted.has('string')) candidates.push(fc.string({ maxLength: 20 }));
  if (!accepted.has('number') && !accepted.has('integer'))
    candidates.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (!accepted.has('boolean')) candidates.push(fc.boolean());
  if (!accepted.has('array')) candidates.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (!accepted.has('object'))
    candidates.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }));
  if (!accepted.has('null')) candidates.push(fc.constant(null));
  return fc.oneof(...candidates);
}

/** Strings that are not well-formed Unicode: lone high and low surrogates, a reversed pair, half an emoji. */
export const INVALID_UNICODE = ['\ud800', '\udfff', 'a\udc00b', '\udc00\ud800', 'ok \ud83d'] as const;
export const invalidUnicode: fc.Arbitrary<string> = fc.constantFrom(...INVALID_UNICODE);

/**
 * Raw URL parts (written into the URL as they are, not encoded again) that do not decode or are
 * too long: a bad escape, a truncated one, the UTF-8 of a lone surrogate, an overlong encoding,
 * a stray byte, a %u escape, a parameter past the router's limit.
 */
export const MALFORMED_URL_PARTS = ['%zz', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF', '%u0041', 'x'.repeat(300)];
export const malformedUrlParts: fc.Arbitrary<string> = fc.constantFrom(...MALFORMED_URL_PARTS);

/**
 * Bodies that the object schema must refuse, by construction: a non-object, an unknown field
 * (schemas are strict), a property of a type it does not take, a string past its maximum, an
 * array past its maximum, a value outside an enum.
 */
export function badBodies(schema: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.entries(schema.properties ?? {});
  const base = fc.record(Object.fromEntries(props.map(([k]) => [k, fc.constant(undefined)])), { requiredKeys: [] });
  const withProp = (key: string, value: fc.Arbitrary<unknown>) =>
    fc.tuple(base, value).map(([b, v]) => ({ ...(b as object), [key]: v }));
  const options: fc.Arbitrary<unknown>[] = [
    fc.oneof(fc.array(fc.anything(), { maxLength: 3 }), fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue())
      .map(([k, v]) => ({ [`zz_${k.replace(/[^a-zA-Z0-9]/g, '')}`]: v })),
  ];
  for (const [key, prop] of props) {
    options.push(withProp(key, wrongTypeValue(prop)));
    if (typesOf(prop).has('string')) options.push(withProp(key, invalidUnicode));
    if (prop.items && typesOf(prop.items).has('string'))
      options.push(
        withProp(
          key,
          invalidUnicode.map((s) => [s]),
        ),
      );
    if (prop.maxLength !== undefined && typesOf(prop).size === 1) {
      const max = prop.maxLength;
      options.push(
        withProp(
          key,
          fc.integer({ min: 1, max: 50 }).map((n) => 'x'.repeat(max + n)),
        ),
      );
    }
    if (prop.maxItems !== undefined && prop.items) {
      const max = prop.maxItems;
      options.push(withProp(key, fc.constant(Array.from({ length: max + 1 }, () => 'x'))));
    }
    if (prop.enum?.every((e) => typeof e === 'string')) {
      const allowed = new Set(prop.enum);
      options.push(
        withProp(
          key,
          fc.string({ minLength: 1, maxLength: 15 }).filter((s) => !allowed.has(s)),
        ),
      );
    }
  }
  return fc.oneof(...options);
}

/** Path segments that are never a valid id: random text, traversal, encodings, overlong. */
export const badIds: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s)),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2f..%2fetc%2fpasswd',
    '%00',
    'null',
    'undefined',
    '-1',
    '0',
    "' or 1=1 --",
    'x'.repeat(150),
  ),
  fc.uuid().map((u) => `${u}x`),
);

/** Raw request bodies that are not JSON a schema could accept. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    '{"title": "x",}',
    "{'a': 1}",
    'undefined',
    'NaN',
    '{"__proto__": {"x": 1}}',
    '{"constructor": {"prototype": {}}}',
  ),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => `{${s}`),
);

/** Authorization headers that name no one. */
export const badAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => `Bearer dfs_${s.replace(/\s/g, '')}`),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => `Bearer ${s.replace(/\s/g, 'x')}`),
  fc.constantFrom('Basic YWRtaW46YWRtaW4=', 'Bearer', 'bearer ', 'Token abc'),
);
