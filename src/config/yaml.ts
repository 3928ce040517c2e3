import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

const require = createRequire(import.meta.url);
let loaded: typeof YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use (about 30 ms and 70 modules that a server start need not
 * pay before its first answer; see bench/startup.ts). It is CommonJS under Node, so the first
 * property read requires it synchronously.
 */
export const YAML: typeof YamlModule = new Proxy({} as typeof YamlModule, {
  get: (_target, key) => (loaded ??= require('yaml') as typeof YamlModule)[key as keyof typeof YamlModule],
});
