import { describe, expect, it } from 'vitest';
import { parse, parseDocument, type ScalarTag } from 'yaml';

import { KUBE_YAML_SCHEMA, YAML12_SCHEMA } from './kube-yaml.js';
import { PlainScalarResolver, plainScalarResolver } from './plain-scalar.js';

const SAMPLES = ['yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'TRUE', 'null', 'Null', '~', '', '0', '-1', '+7', '007', '0o17', '0o8', '0x1F', '0xg', '1e3', '1E+3', '-1.5e-3', '1.5', '.5', '5.', '-.inf', '.Inf', '.nan', '.NaN', '1_000', '12:30', '2026-11-25', 'abc', 'éa', '+', '.', '9007199254740993', '1e400'];

describe('PlainScalarResolver', () => {
  it.each([true, false])('resolves values as the yaml library does (yaml11Booleans %s)', (yaml11) => {
    const resolver = plainScalarResolver(yaml11);
    const schema = yaml11 ? KUBE_YAML_SCHEMA : YAML12_SCHEMA;
    for (const source of SAMPLES) {
      if (source === '') continue;
      expect([source, resolver.value(source)]).toEqual([source, (parse(`v: ${source}`, schema) as { v: unknown }).v]);
    }
  });

  it('accepts only keys the yaml library reads as strings', () => {
    const resolver = plainScalarResolver(true);
    expect(resolver.key('metadata')).toBe('metadata');
    expect(resolver.key('istio.io/rev')).toBe('istio.io/rev');
    for (const key of ['on', 'yes', 'true', '1', '~', 'null', '0x1', '.inf', '<<']) expect(resolver.key(key)).toBeUndefined();
    expect(plainScalarResolver(false).key('on')).toBe('on');
  });

  it('only skips the tag tests for first characters no non-string tag can match', () => {
    // The claim behind PlainScalarResolver.surelyString, checked against the schemas' own regexes.
    const tags = [KUBE_YAML_SCHEMA, YAML12_SCHEMA].flatMap((options) => parseDocument('', options).schema.tags as (ScalarTag & { collection?: string })[]);
    const tests = tags.filter((tag) => tag.collection === undefined && tag.test !== undefined && tag.tag !== 'tag:yaml.org,2002:str').map((tag) => tag.test!);
    const tails = ['', '<', '0', '1', '.5', 'e3', 'x1', 'o7', 'ull', 'ULL', 'rue', 'RUE', 'alse', 'es', 'ES', 'n', 'N', 'ff', 'FF', '.inf', 'inf', 'nan', 'NaN'];
    const wrong: string[] = [];
    let checked = 0;
    for (let code = 0; code < 0x800; code++) {
      const first = String.fromCharCode(code);
      if (!PlainScalarResolver.surelyString(first)) continue;
      checked++;
      for (const tail of tails) if (tests.some((test) => test.test(first + tail))) wrong.push(first + tail);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0x700);
  });
});
