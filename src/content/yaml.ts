/**
 * The YAML parser, loaded on first use: a start from the content snapshot parses no YAML, and
 * loading the parser's modules cost about 30 ms of every CLI run.
 */
import { createRequire } from 'node:module';

type Parse = (source: string, options?: { uniqueKeys?: boolean }) => unknown;
let parser: Parse | undefined;

export function parseYaml(source: string, options?: { uniqueKeys?: boolean }): unknown {
  parser ??= (createRequire(import.meta.url)('yaml') as { parse: Parse }).parse;
  return parser(source, options);
}
