/** Upstream tvbo integrator YAML → catalogue entry (spec 03-tvbo test 14: SciPy-based adaptive methods are unsupported). */
import { toNumber } from '../model/normalize.ts';

export type IntegratorEntry = { method: string; supported: boolean; stepSize?: number; duration?: number };

const NATIVE = new Set(['Euler', 'Heun', 'RungeKutta4thOrder', 'Identity']);

export function normalizeIntegrator(doc: Record<string, unknown>): IntegratorEntry {
  const method = String(doc.method ?? '');
  const base = method.endsWith('Stochastic') ? method.slice(0, -'Stochastic'.length) : method;
  return {
    method,
    supported: NATIVE.has(base) && doc.scipy_ode_base !== true,
    stepSize: toNumber(doc.step_size),
    duration: toNumber(doc.duration),
  };
}
