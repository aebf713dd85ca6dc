// Offline validation of rendered manifests against the Kubernetes OpenAPI schemas shipped in kubernetes-models,
// plus the parts of a prometheus-operator ServiceMonitor the chart relies on (that CRD has no model there).
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Manifest } from './chart-renderer.ts';

type Model = new (data: never) => { validate(): void };

const models: Record<string, Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

// RFC 1123 label names (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names):
// Services and the label values the chart writes must be DNS labels.
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Throws with the manifest's file, kind and name when it is not a valid object of its kind. */
export function validateManifest(manifest: Manifest): void {
  const { apiVersion, kind, metadata } = manifest.object;
  const where = `${manifest.file}: ${kind} ${metadata?.name}`;
  if (!metadata?.name || !dnsLabel.test(metadata.name)) throw new Error(`${where}: name is not a DNS-1123 label`);
  const labels = (metadata as { labels?: Record<string, string> }).labels ?? {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string' || !labelValue.test(value))
      throw new Error(`${where}: invalid label ${key}=${value}`);
  }
  if (apiVersion === 'monitoring.coreos.com/v1' && kind === 'ServiceMonitor') {
    validateServiceMonitor(manifest.object, where);
    return;
  }
  const model = models[`${apiVersion}/${kind}`];
  if (!model) throw new Error(`${where}: no schema for ${apiVersion} ${kind}`);
  try {
    new model(manifest.object as never).validate();
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}

function validateServiceMonitor(object: Record<string, unknown>, where: string): void {
  const spec = object.spec as { selector?: object; endpoints?: { port?: string; path?: string }[] } | undefined;
  if (!spec?.selector || typeof spec.selector !== 'object') throw new Error(`${where}: spec.selector is required`);
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0)
    throw new Error(`${where}: spec.endpoints is empty`);
  for (const endpoint of spec.endpoints) {
    if (typeof endpoint.port !== 'string' || !endpoint.path?.startsWith('/')) {
      throw new Error(`${where}: each endpoint needs a named port and an absolute path`);
    }
  }
}
