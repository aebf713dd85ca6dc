// Renders a Helm chart offline the way `helm template` does for the features the chart uses
// (https://helm.sh/docs/chart_template_guide/builtin_objects/, https://helm.sh/docs/chart_template_guide/values_files/):
// values are defaults deep-merged with overrides, templates share their defines, files starting with `_` only define.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { TemplateSet } from './template-engine.ts';
import { isMap } from './template-functions.ts';

export interface Chart {
  metadata: { name: string; version: string; appVersion?: string; [key: string]: unknown };
  values: Record<string, unknown>;
  templates: TemplateSet;
  manifestFiles: string[];
}

export interface Release {
  name: string;
  namespace: string;
  revision?: number;
  isUpgrade?: boolean;
}

export interface Manifest {
  file: string;
  object: Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };
}

export function loadChart(directory: string): Chart {
  const metadata = parse(readFileSync(join(directory, 'Chart.yaml'), 'utf8'));
  const values = parse(readFileSync(join(directory, 'values.yaml'), 'utf8')) ?? {};
  const templates = new TemplateSet();
  const manifestFiles: string[] = [];
  for (const file of readdirSync(join(directory, 'templates')).sort()) {
    if (!/\.(ya?ml|tpl)$/.test(file) && file !== 'NOTES.txt') continue;
    const name = `templates/${file}`;
    templates.add(name, readFileSync(join(directory, name), 'utf8'));
    if (!file.startsWith('_') && /\.ya?ml$/.test(file)) manifestFiles.push(name);
  }
  return { metadata, values, templates, manifestFiles };
}

/** Helm's coalescing: maps merge recursively, anything else is replaced, and an explicit null removes a default. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete result[key];
    else if (isMap(value) && isMap(result[key]))
      result[key] = mergeValues(result[key] as Record<string, unknown>, value);
    else result[key] = structuredClone(value);
  }
  return result;
}

/** The values Helm would hand to the templates: chart defaults, then each override in order (like repeated `-f`). */
export function effectiveValues(chart: Chart, overrides: Record<string, unknown>[] = []): Record<string, unknown> {
  return overrides.reduce((values, override) => mergeValues(values, override), chart.values);
}

/** The built-in objects templates see: .Values, .Release and .Chart (with Chart.yaml keys capitalized). */
function templateData(chart: Chart, values: Record<string, unknown>, release: Release) {
  const { name, version, appVersion, ...rest } = chart.metadata;
  return {
    Values: values,
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      Service: 'Helm',
      Revision: release.revision ?? 1,
      IsInstall: !release.isUpgrade,
      IsUpgrade: Boolean(release.isUpgrade),
    },
    Chart: { ...capitalizeKeys(rest), Name: name, Version: version, AppVersion: appVersion },
  };
}

/** Renders every manifest template; returns the raw text per template file. */
export function renderChart(chart: Chart, values: Record<string, unknown>, release: Release): Map<string, string> {
  const data = templateData(chart, values, release);
  const rendered = new Map<string, string>();
  for (const file of chart.manifestFiles) rendered.set(file, chart.templates.render(file, data));
  return rendered;
}

/** The text `helm install` prints after installing (templates/NOTES.txt). */
export function renderNotes(chart: Chart, values: Record<string, unknown>, release: Release): string {
  return chart.templates.render('templates/NOTES.txt', templateData(chart, values, release));
}

/** Splits rendered files into YAML documents, dropping empty ones as Helm does. */
export function parseManifests(rendered: Map<string, string>): Manifest[] {
  const manifests: Manifest[] = [];
  for (const [file, text] of rendered) {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) throw new Error(`${file}: invalid YAML: ${document.errors[0].message}\n${text}`);
      const object = document.toJS();
      if (object === null || object === undefined) continue;
      if (!isMap(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
        throw new Error(`${file}: a manifest needs apiVersion and kind\n${text}`);
      }
      manifests.push({ file, object: object as Manifest['object'] });
    }
  }
  return manifests;
}

function capitalizeKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key[0].toUpperCase() + key.slice(1), value]));
}
