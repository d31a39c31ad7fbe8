import * as fs from 'node:fs';
import type { ExecutionProviderChoice } from './encoder';

/**
 * Numeric precision of the built-in encoder. `int8` runs the dynamically quantised model (see
 * useLite/quantizeInt8.ts); `auto` picks it only where the CPU has an int8 dot-product instruction (AVX-512 VNNI
 * or AVX-VNNI), because without one onnxruntime's u8 x s8 kernel gains little and may saturate. GPU providers
 * keep fp32 under `auto`. Vectors differ slightly between the two, so the model id (and every cache keyed by it)
 * differs too.
 */
export type PrecisionChoice = 'auto' | 'fp32' | 'int8';
export type Precision = 'fp32' | 'int8';

export const PRECISION_CHOICES: readonly PrecisionChoice[] = ['auto', 'fp32', 'int8'];

/** The /proc/cpuinfo flags that mean onnxruntime's int8 GEMM runs on VNNI. */
const VNNI_FLAGS = ['avx512_vnni', 'avx_vnni'];

/** Whether a /proc/cpuinfo text lists AVX-512 VNNI or AVX-VNNI among its flags. */
export function cpuInfoHasVnni(cpuinfo: string): boolean {
  return cpuinfo.split('\n').some((line) => /^flags\s*:/.test(line) && line.split(/\s+/).some((flag) => VNNI_FLAGS.includes(flag)));
}

/** /proc/cpuinfo, or '' where there is none (not Linux): `auto` then means fp32. */
export function readCpuInfo(file = '/proc/cpuinfo'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export interface PrecisionDecision {
  readonly precision: Precision;
  /** Why, for the log. */
  readonly reason: string;
}

/**
 * The precision to load, before a session exists. With `auto` and the `auto` provider the answer assumes the
 * CPU; the encoder reopens fp32 when the session lands on a GPU (see `keepsFp32OnGpu`).
 */
export function decidePrecision(choice: PrecisionChoice, provider: ExecutionProviderChoice, cpuinfo: string): PrecisionDecision {
  if (choice !== 'auto') {
    return { precision: choice, reason: `precision ${choice} was chosen` };
  }
  if (provider !== 'auto' && provider !== 'cpu') {
    return { precision: 'fp32', reason: `the '${provider}' provider runs fp32` };
  }
  return cpuInfoHasVnni(cpuinfo)
    ? { precision: 'int8', reason: 'this CPU has AVX-512 VNNI or AVX-VNNI' }
    : { precision: 'fp32', reason: 'this CPU has no AVX-512 VNNI or AVX-VNNI (or its flags could not be read)' };
}

/** Whether a session opened at int8 under `auto` that landed on `provider` should be reopened at fp32. */
export function keepsFp32OnGpu(choice: PrecisionChoice, provider: string): boolean {
  return choice === 'auto' && provider !== 'cpu';
}

/** Parses a user's precision value; undefined for anything else. */
export function asPrecisionChoice(value: unknown): PrecisionChoice | undefined {
  return PRECISION_CHOICES.find((c) => c === value);
}
