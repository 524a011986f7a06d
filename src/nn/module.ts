// Module: named parameters, buffers and submodules, train/eval mode and a
// PyTorch-compatible state dict ("block.0.weight", ... in registration order).
// Parameters and buffers live outside tidy() scopes (keep()), like PyTorch's.
import { Tensor, keep, noGrad, copy_, setData, toDevice, type Device } from '../torch/index.js';

export class Module {
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /** Registers t as a trainable parameter (requires grad, never freed by scopes). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.checkName(name);
    keep(t);
    t.requiresGrad = true;
    this._params.set(name, t);
    return t;
  }

  /** Registers state that is saved but not trained (e.g. BatchNorm running stats). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    keep(t);
    this._buffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this._children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) throw new Error(`${this.constructor.name}: invalid member name '${name}'`);
    if (this._params.has(name) || this._buffers.has(name) || this._children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
  }

  /** [name, parameter] pairs, own first, then each child's with its prefix. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this._buffers) out.push([prefix + n, b]);
    for (const [n, c] of this._children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    for (const [n, c] of this._children) out.push(...c.namedModules(`${prefix}${n}.`));
    return out;
  }

  children(): Module[] {
    return [...this._children.values()];
  }

  /** Parameters and buffers by dotted name, in PyTorch's state_dict order. */
  stateDict(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n, p] of this._params) out.set(prefix + n, p);
    for (const [n, b] of this._buffers) out.set(prefix + n, b);
    for (const [n, c] of this._children) for (const [k, v] of c.stateDict(`${prefix}${n}.`)) out.set(k, v);
    return out;
  }

  /**
   * Copies values into this module's tensors. Checks every name, shape and
   * dtype first and reports all mismatches at once; nothing is changed on error.
   * allowMissing: names the source may lack even when strict (they keep their current values).
   * ignore: names the source may have that the module lacks, even when strict (not loaded).
   */
  loadStateDict(
    source: Map<string, Tensor>,
    opts: { strict?: boolean; allowMissing?: (name: string) => boolean; ignore?: (name: string) => boolean; what?: string } = {},
  ): void {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    for (const [name, t] of own) {
      const s = source.get(name);
      if (!s) {
        if (strict && !opts.allowMissing?.(name)) problems.push(`missing '${name}' [${t.shape.join(', ')}]`);
        continue;
      }
      if (s.shape.join(',') !== t.shape.join(','))
        problems.push(`'${name}' has shape [${s.shape.join(', ')}], the model needs [${t.shape.join(', ')}]`);
      if (s.dtype !== t.dtype) problems.push(`'${name}' has dtype ${s.dtype}, the model needs ${t.dtype}`);
    }
    if (strict) for (const name of source.keys()) if (!own.has(name) && !opts.ignore?.(name)) problems.push(`unexpected '${name}'`);
    if (problems.length) {
      throw new Error(`${opts.what ?? 'state dict'} does not match ${this.constructor.name}: ${problems.join('; ')}`);
    }
    noGrad(() => {
      for (const [name, t] of own) {
        const s = source.get(name);
        if (s) copy_(t, s);
      }
    });
  }

  train(on = true): this {
    this.training = on;
    for (const c of this._children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Moves every parameter and buffer to `device` in place (tensor identities are kept). */
  to(device: Device): this {
    noGrad(() => {
      for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) {
        if (t.device === device) continue;
        const moved = toDevice(t, device);
        setData(t, moved);
        moved.dispose();
      }
    });
    return this;
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(null);
  }

  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /**
   * Turns on (or off, freeing it) every submodule's cache of tensors derived from its weights for
   * designing only (no grad): a serving process computes them once instead of every forward pass.
   * Off by default, so training and its evaluations hold no extra tensors.
   */
  setInferenceCache(on: boolean): this {
    for (const [, m] of this.namedModules()) m.inferenceCache(on);
    return this;
  }

  /** A module's own part of setInferenceCache (modules with nothing to cache ignore it). */
  protected inferenceCache(_on: boolean): void {}

  /** Frees every parameter and buffer, and any inference cache (the module is unusable afterwards). */
  dispose(): void {
    this.setInferenceCache(false);
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }
}

/** A module with one tensor in and one out; what Sequential chains. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

export type LayerModule = Module & Layer;
