/** Loads model documents from YAML text or folders (core library in `models/`, upstream tvbo YAML at run time). */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../io/yaml.ts';
import { normalizeModel } from './normalize.ts';
import type { Model } from './types.ts';

export const CORE_MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../models');

export const loadModelYaml = (text: string): Model => normalizeModel(parseYaml(text));

/** Every `*.yaml` in a folder, keyed by file stem (upstream file names differ from some `name` fields). */
export function loadModelDir(dir: string): Map<string, Model> {
  const out = new Map<string, Model>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    out.set(basename(file, '.yaml'), loadModelYaml(readFileSync(join(dir, file), 'utf8')));
  }
  return out;
}

let core: Map<string, Model> | undefined;

export function coreModels(): Map<string, Model> {
  core ??= loadModelDir(CORE_MODELS_DIR);
  return core;
}

export function coreModel(name: string): Model {
  const m = coreModels().get(name);
  if (!m) throw new Error(`no core model ${name}`);
  return m;
}
