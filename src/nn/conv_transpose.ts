// ConvTranspose2d: x [N, in, H, W] -> [N, out, (H-1)*s - 2p + k + op, ...],
// weight [in, out/groups, k, k] as in PyTorch; computed by the fast path.
import { Tensor, empty, isGradEnabled, keep, tidy, dispose, detach } from '../torch/index.js';
import { Module } from './module.js';
import { biasDefault_, kaimingUniformDefault_ } from './init.js';
import { pair, type Conv2dOptions, type Pair } from './conv.js';
import { convTranspose2d, phaseWeights, usesPhaseWeights, type PhaseWeights } from './conv_transpose_fast.js';

export interface ConvTranspose2dOptions extends Conv2dOptions {
  outputPadding?: Pair;
}

export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: Pair,
    opts: ConvTranspose2dOptions = {},
  ) {
    super();
    this.groups = opts.groups ?? 1;
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    this.outputPadding = pair(opts.outputPadding ?? 0);
    this.dilation = pair(opts.dilation ?? 1);
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i]! >= Math.max(this.stride[i]!, this.dilation[i]!)) {
        throw new Error(`ConvTranspose2d: output padding ${this.outputPadding[i]} must be smaller than stride or dilation`);
      }
    }
    const [kh, kw] = pair(kernel);
    this.weight = this.registerParameter('weight', kaimingUniformDefault_(empty([inChannels, outChannels / this.groups, kh, kw])));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', biasDefault_(empty([outChannels]), this.weight));
  }

  // The fast path's rearranged weights, kept between forward passes without grad once the
  // inference cache is on; `version` is the weights' content version they were made from, and
  // `sources` detached aliases of the weights that keep their storage alive, so a later
  // set_data can never reuse its address and repeat an old version string.
  private cache: { on: boolean; phase?: PhaseWeights; version?: string; sources?: Tensor[] } = { on: false };

  protected override inferenceCache(on: boolean): void {
    this.dropCache();
    this.cache = { on };
  }

  private dropCache(): void {
    if (this.cache.phase)
      dispose([this.cache.phase.wt, ...(this.cache.phase.bt && this.cache.phase.bt !== this.bias ? [this.cache.phase.bt] : [])]);
    dispose(this.cache.sources ?? []);
    this.cache = { on: this.cache.on };
  }

  /** The cached phase weights, (re)made when the weights changed; undefined when not caching. */
  private phase(): PhaseWeights | undefined {
    if (!this.cache.on || isGradEnabled() || !usesPhaseWeights(this.stride, this.groups, this.dilation)) return undefined;
    const version = `${this.weight.contentVersion}/${this.bias?.contentVersion ?? ''}`;
    if (this.cache.phase && this.cache.version === version) return this.cache.phase;
    this.dropCache();
    const made = tidy(() => {
      const p = phaseWeights(this.weight, this.bias, this.stride[0]);
      // contiguous copies owned by the cache (never views of the parameters).
      return { wt: keep(p.wt.contiguous()), bt: p.bt && p.bt !== this.bias ? keep(p.bt.contiguous()) : p.bt };
    });
    const sources = tidy(() => [this.weight, ...(this.bias ? [this.bias] : [])].map((t) => keep(detach(t))));
    this.cache = { on: true, phase: made, version, sources };
    return made;
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(
      x,
      this.weight,
      this.bias,
      this.stride,
      this.padding,
      this.outputPadding,
      this.groups,
      this.dilation,
      this.phase(),
    );
  }
}
