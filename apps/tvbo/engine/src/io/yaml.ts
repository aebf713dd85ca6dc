/** YAML 1.2 parsing with the safety limits of spec 03-tvbo (no custom tags, bounded aliases) and located errors. */
import { parse, YAMLParseError } from 'yaml';
import { EngineError } from '../errors.ts';

export function parseYaml(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100, customTags: [], uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const [line, column] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [undefined, undefined];
      throw new EngineError('yaml_invalid', err.message, { line, column });
    }
    throw err;
  }
}
