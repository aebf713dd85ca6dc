/**
 * Monitors with TVB's sampling and time-stamp rules (spec 03-tvbo §B6). Each monitor sees the full state after
 * every step and stores `[time][voi][node]` samples in flat arrays.
 */
import { EngineError } from '../errors.ts';
import { boldFilter, type HrfKernel } from './bold.ts';
import { roundHalfEven } from './connectivity.ts';

export type MonitorName = 'Raw' | 'SubSample' | 'TemporalAverage' | 'GlobalAverage' | 'Bold';
export type MonitorConfig = {
  name: string;
  period?: number;
  variables_of_interest?: string[];
  label?: string;
  /** Bold only: kernel length in ms. */
  hrf_length?: number;
  /** Bold only: haemodynamic response kernel (default FirstOrderVolterra with TVB's parameters). */
  hrf_kernel?: HrfKernel;
};

export type MonitorOutput = {
  name: string;
  label: string;
  period: number;
  voi: string[];
  nNodes: number;
  time: number[];
  /** Flat `[time][voi][node]` (node dimension 1 for GlobalAverage). */
  data: Float64Array;
};

/** Reads VOI k of node i from the state (state variables directly, output transforms computed). */
export type VoiReader = { names: string[]; read(X: Float64Array, out: Float64Array): void };

export interface Monitor {
  record(step: number, X: Float64Array): void;
  output(dropBefore: number): MonitorOutput;
  readonly warnings: string[];
}

const DEFAULT_PERIOD = 0.9765625;
const DEFAULT_BOLD_PERIOD = 2000;

/** Appends fixed-width samples into one growing buffer (no per-sample allocation on long Raw runs). */
class Recorder {
  time: number[] = [];
  private buffer: Float64Array;
  readonly width: number;
  constructor(width: number) {
    this.width = width;
    this.buffer = new Float64Array(Math.max(width, 1) * 1024);
  }
  push(t: number, values: Float64Array): void {
    const offset = this.time.length * this.width;
    if (offset + this.width > this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    for (let c = 0; c < this.width; c++) this.buffer[offset + c] = values[c];
    this.time.push(t);
  }
  finish(dropBefore: number): { time: number[]; data: Float64Array } {
    const first = this.time.findIndex((t) => t >= dropBefore - 1e-9);
    const start = first < 0 ? this.time.length : first;
    return {
      time: this.time.slice(start),
      data: this.buffer.slice(start * this.width, this.time.length * this.width),
    };
  }
}

export function monitorStep(period: number, dt: number, warnings: string[]): number {
  const istep = roundHalfEven(period / dt);
  if (istep < 1) throw new EngineError('period_too_small', `monitor period ${period} is smaller than dt ${dt}`);
  if (Math.abs(period - istep * dt) > 1e-9 * period) warnings.push(`monitor period adjusted to ${istep * dt}`);
  return istep;
}

export function createMonitor(config: MonitorConfig, dt: number, n: number, voi: VoiReader): Monitor {
  const warnings: string[] = [];
  const name = config.name;
  const width = voi.names.length * n;
  const scratch = new Float64Array(width);
  const base = (period: number, nodes: number): Omit<MonitorOutput, 'time' | 'data'> => ({
    name,
    label: config.label ?? name,
    period,
    voi: voi.names,
    nNodes: nodes,
  });
  if (name === 'Raw') {
    const rec = new Recorder(width);
    return {
      warnings,
      record(s, X) {
        voi.read(X, scratch);
        rec.push(s * dt, scratch);
      },
      output: (drop) => ({ ...base(dt, n), ...rec.finish(drop) }),
    };
  }
  const istep = monitorStep(config.period ?? (name === 'Bold' ? DEFAULT_BOLD_PERIOD : DEFAULT_PERIOD), dt, warnings);
  const period = istep * dt;
  if (name === 'SubSample') {
    const rec = new Recorder(width);
    return {
      warnings,
      record(s, X) {
        if (s % istep !== 0) return;
        voi.read(X, scratch);
        rec.push(s * dt, scratch);
      },
      output: (drop) => ({ ...base(period, n), ...rec.finish(drop) }),
    };
  }
  if (name === 'GlobalAverage') {
    const rec = new Recorder(voi.names.length);
    const mean = new Float64Array(voi.names.length);
    return {
      warnings,
      record(s, X) {
        if (s % istep !== 0) return;
        voi.read(X, scratch);
        for (let k = 0; k < voi.names.length; k++) {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += scratch[k * n + i];
          mean[k] = sum / n;
        }
        rec.push(s * dt, mean);
      },
      output: (drop) => ({ ...base(period, 1), ...rec.finish(drop) }),
    };
  }
  if (name === 'TemporalAverage') {
    const rec = new Recorder(width);
    const stock = new Float64Array(istep * width);
    const mean = new Float64Array(width);
    let first = true;
    return {
      warnings,
      record(s, X) {
        if (first && s % istep !== 1 % istep) warnings.push('partial_first_window');
        first = false;
        const slot = ((((s % istep) - 1) % istep) + istep) % istep;
        voi.read(X, scratch);
        stock.set(scratch, slot * width);
        if (s % istep !== 0) return;
        mean.fill(0);
        for (let k = 0; k < istep; k++) for (let c = 0; c < width; c++) mean[c] += stock[k * width + c];
        for (let c = 0; c < width; c++) mean[c] /= istep;
        rec.push((s - istep / 2) * dt, mean);
      },
      output: (drop) => ({ ...base(period, n), ...rec.finish(drop) }),
    };
  }
  if (name === 'Bold') {
    const rec = new Recorder(width);
    const filter = boldFilter(dt, istep, width, config.hrf_length, config.hrf_kernel);
    return {
      warnings,
      record(s, X) {
        voi.read(X, scratch);
        const sample = filter.step(s, scratch);
        if (sample) rec.push(s * dt, sample);
      },
      output: (drop) => ({ ...base(period, n), ...rec.finish(drop) }),
    };
  }
  throw new EngineError('unknown_monitor', `unknown monitor "${name}"`, { name });
}
