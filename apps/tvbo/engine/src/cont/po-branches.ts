/**
 * tvbo `branches:` entries → periodic-orbit runs from the Hopf points of an equilibrium branch (spec 03-tvbo §B8):
 * `source_point` "hopf:all" | "hopf:k" (1-based) | "hopf:-1" (last); `delta_p`; `continuation` overrides of the
 * step and Newton settings. Fold/BP sources are not supported natively and become warnings.
 */
import { toNumber } from '../model/normalize.ts';
import type { PointContext } from './equilibrium.ts';
import type { Branch, ContinuationSettings } from './palc.ts';
import { continuePeriodicOrbit, DEFAULT_ORBIT_SETTINGS, type OrbitBranch, type OrbitSettings } from './po-shooting.ts';

export type PeriodicOrbitBranch = OrbitBranch & { name: string; kind: 'periodic_orbit'; source: string };

type BranchRequest = { name: string; sourcePoint: string; options: Record<string, unknown> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function orbitBranchesFromHopf(
  ctx: PointContext,
  equilibria: Branch,
  settings: ContinuationSettings,
  request: BranchRequest,
  warnings: string[],
  limits: { maxOrbitSteps?: number } = {},
): PeriodicOrbitBranch[] {
  const [kind, which = '-1'] = request.sourcePoint.split(':');
  if (kind !== 'hopf') {
    warnings.push(`not_supported: branch ${request.name} from ${request.sourcePoint}`);
    return [];
  }
  const hopfs = equilibria.specialPoints.filter((p) => p.type === 'HB');
  const index = Number(which);
  const chosen =
    which === 'all' ? hopfs : Number.isInteger(index) ? [hopfs.at(index < 0 ? index : index - 1)] : [undefined];
  const sources = chosen.filter((h) => h !== undefined);
  if (sources.length === 0) {
    warnings.push(`no_source_point: branch ${request.name} (${request.sourcePoint})`);
    return [];
  }
  const discretization = isObject(request.options.discretization) ? request.options.discretization : {};
  const method = String(discretization.method ?? 'shooting');
  if (method !== 'shooting') warnings.push(`method_substituted: ${request.name} ${method} → shooting`);
  if (request.options.bothside === true)
    warnings.push(`option_ignored: ${request.name} bothside (cycles from a Hopf point form one family)`);
  const overrides = isObject(request.options.continuation) ? request.options.continuation : {};
  const num = (key: string, fallback: number): number => toNumber(overrides[key]) ?? fallback;
  const maxSteps = num('max_steps', settings.maxSteps);
  const orbitSettings: OrbitSettings = {
    ...DEFAULT_ORBIT_SETTINGS,
    parameter: settings.parameter,
    lo: settings.lo,
    hi: settings.hi,
    ds: num('ds', settings.ds),
    dsMin: num('ds_min', settings.dsMin),
    dsMax: num('ds_max', settings.dsMax),
    maxSteps: Math.min(maxSteps, limits.maxOrbitSteps ?? maxSteps),
    // The period derivative is that of the exact flow, not of the RK4 map, so Newton converges linearly at a
    // rate ~(dt/T)⁴: tolerances below 1e-9 would cost iterations without changing the orbit.
    newtonTol: Math.max(num('newton_tol', settings.newtonTol), DEFAULT_ORBIT_SETTINGS.newtonTol),
    newtonMaxIterations: num('newton_max_iterations', settings.newtonMaxIterations),
    deltaP: toNumber(request.options.delta_p) ?? 0,
  };
  return sources.map((hopf) => ({
    ...continuePeriodicOrbit(ctx, { x: hopf.x, param: hopf.param, omega: hopf.omega ?? 0 }, orbitSettings),
    name: sources.length > 1 ? `${request.name}_${hopf.label}` : request.name,
    kind: 'periodic_orbit',
    source: hopf.label,
  }));
}
