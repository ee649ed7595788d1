import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';

interface ZodLike {
  _zod?: { def: Record<string, unknown> & { type: string } };
}

/** Every key path the config schema accepts: `db.keep.daily`, `databases.<name>.url`, ... */
function keyPaths(schema: ZodLike, prefix: string, out: Set<string>): Set<string> {
  let current: ZodLike | undefined = schema;
  while (current?._zod && ['optional', 'default', 'nullable', 'pipe'].includes(current._zod.def.type)) {
    const def = current._zod.def;
    current = (def.innerType ?? def.in) as ZodLike;
  }
  const def = current?._zod?.def;
  if (def?.type === 'object') {
    for (const [key, value] of Object.entries(def.shape as Record<string, ZodLike>)) {
      if (key === '$schema') continue;
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      keyPaths(value, path, out);
    }
  } else if (def?.type === 'record') {
    keyPaths(def.valueType as ZodLike, `${prefix}.<name>`, out);
  } else if (def?.type === 'union') {
    for (const option of def.options as ZodLike[]) keyPaths(option, prefix, out);
  } else if (def?.type === 'array') {
    keyPaths(def.element as ZodLike, `${prefix}[]`, out);
  }
  return out;
}

describe('docs/configuration.md', () => {
  it('documents every key of the config schema (so the reference cannot drift)', async () => {
    const doc = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const keys = [...keyPaths(configSchema as unknown as ZodLike, '', new Set())];
    expect(keys.length).toBeGreaterThan(10);
    const missing = keys.filter((key) => !doc.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });
});
