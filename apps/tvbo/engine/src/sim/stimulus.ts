/**
 * Region stimuli (spec 03-tvbo §B4, SimulateRequest `stimulus`): a temporal profile times a spatial weight per node,
 * added to one state variable's derivative (`dt·stim` in the schemes of §B5). Time is ms since the first
 * integration step, `(s − H)·dt`, as in TVB's `StimuliRegion`.
 */
import { EngineError } from '../errors.ts';
import { freeSymbols } from '../expr/ast.ts';
import { compileScalar } from '../expr/codegen-js.ts';
import { ExpressionError, parseExpression } from '../expr/parser.ts';
import type { Model } from '../model/types.ts';

export type TemporalProfile =
  /** `amp` while `(t − onset) mod T < tau` for t ≥ onset, else 0 (TVB `PulseTrain`). */
  | { type: 'PulseTrain'; onset: number; T: number; tau: number; amp: number }
  /** `amp·sin(2π·frequency_hz·(t − onset)/1000)` for t ≥ onset (t in ms), else 0. */
  | { type: 'Sinusoid'; amp: number; frequency_hz: number; onset?: number }
  /** Any expression of `t` (ms) in the model expression language. */
  | { type: 'Expression'; rhs: string };

export type StimulusConfig = {
  /** State variable that receives the stimulus; default the first coupling variable. */
  variable?: string;
  /** Nodes stimulated with weight 1 (others 0). */
  nodes?: number[];
  /** Weight per node (length N). */
  weights?: number[];
  temporal: TemporalProfile;
};

/** Writes the stimulus at time t into an sv-major array; returns false when it is zero everywhere at t. */
export type Stimulus = { values: Float64Array; at(t: number): boolean };

export function createStimulus(config: StimulusConfig, model: Model, N: number): Stimulus {
  const svs = model.stateVariables;
  const name = config.variable ?? svs.find((s) => s.couplingVariable)?.name ?? svs[0].name;
  const v = svs.findIndex((s) => s.name === name);
  if (v < 0) throw new EngineError('unknown_variable', `unknown stimulus variable "${name}"`, { variable: name });
  const spatial = spatialWeights(config, N);
  const temporal = temporalFunction(config.temporal);
  const values = new Float64Array(svs.length * N);
  return {
    values,
    at(t) {
      const amplitude = temporal(t);
      for (let i = 0; i < N; i++) values[v * N + i] = amplitude * spatial[i];
      return amplitude !== 0;
    },
  };
}

function spatialWeights(config: StimulusConfig, N: number): Float64Array {
  if (config.nodes && config.weights)
    throw new EngineError('invalid_request', 'stimulus takes either nodes or weights, not both');
  if (config.weights) {
    if (config.weights.length !== N || config.weights.some((w) => !Number.isFinite(w)))
      throw new EngineError('invalid_request', `stimulus weights need ${N} finite values`);
    return Float64Array.from(config.weights);
  }
  if (!config.nodes) return new Float64Array(N).fill(1);
  const out = new Float64Array(N);
  for (const node of config.nodes) {
    if (!Number.isInteger(node) || node < 0 || node >= N)
      throw new EngineError('invalid_request', `stimulus node ${node} is not in 0…${N - 1}`, { node });
    out[node] = 1;
  }
  return out;
}

function temporalFunction(profile: TemporalProfile): (t: number) => number {
  switch (profile.type) {
    case 'PulseTrain': {
      const { onset, T, tau, amp } = profile;
      if (!(T > 0) || !(tau >= 0) || ![onset, amp].every(Number.isFinite))
        throw new EngineError('invalid_request', 'PulseTrain needs T > 0, tau ≥ 0 and finite onset and amp');
      return (t) => (t >= onset && (t - onset) % T < tau ? amp : 0);
    }
    case 'Sinusoid': {
      const { amp, frequency_hz: f } = profile;
      const onset = profile.onset ?? 0;
      if (![amp, f, onset].every(Number.isFinite))
        throw new EngineError('invalid_request', 'Sinusoid needs finite amp, frequency_hz and onset');
      const omega = (2 * Math.PI * f) / 1000;
      return (t) => (t >= onset ? amp * Math.sin(omega * (t - onset)) : 0);
    }
    case 'Expression': {
      let expr: ReturnType<typeof parseExpression>;
      try {
        expr = parseExpression(profile.rhs);
      } catch (error) {
        if (error instanceof ExpressionError)
          throw new EngineError('expression_invalid', `stimulus: ${error.message}`, { column: error.column });
        throw error;
      }
      const unknown = [...freeSymbols(expr)].filter((s) => s !== 't' && s !== 'pi' && s !== 'E');
      if (unknown.length)
        throw new EngineError('undefined_symbol', `stimulus expression may only use t, pi and E; got ${unknown[0]}`);
      const f = compileScalar(expr, ['t', 'pi', 'E']);
      const args = new Float64Array([0, Math.PI, Math.E]);
      return (t) => {
        args[0] = t;
        return f(args);
      };
    }
    default:
      throw new EngineError('invalid_request', 'stimulus temporal type must be PulseTrain, Sinusoid or Expression');
  }
}
