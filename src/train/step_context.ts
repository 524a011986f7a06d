// What steps (b) and (c) share for one batch of one designed category: the query codes and
// positive scores (constants of both steps), G's draws (colour modes draw in a bin), and the
// counterfactual designs that several terms compare with the row's own design, drawn once
// each, on first use, in a fixed order (mode seeking, ranking and M's picks share them).
import * as T from '../torch/index.js';
import { inEvalMode } from '../nn/index.js';
import type { Designer } from '../models/designer.js';
import type { Decoder } from '../models/decoder.js';
import type { RealFakeDiscriminator } from '../models/real_fake_discriminator.js';
import { colourBins } from '../models/colour_modes.js';
import { nextRow } from '../models/query_mode_seeking.js';
import type { ImageBatch } from './batches.js';
import type { LossTerm, StepOptions } from './terms/term.js';
import type { Optimizers } from './optimizers.js';

export class DesignContext {
  readonly G: Decoder;
  readonly D: RealFakeDiscriminator;
  /** z_q = F(x_q+) in eval mode [B, latent] and s+ [B]: constants of (b) and (c). */
  readonly zq: T.Tensor;
  readonly sPos: T.Tensor;
  /** Per-batch state of terms (prepare()), kept until the context is disposed. */
  readonly scratch = new Map<string, T.Tensor>();
  /** Values of step (c) that terms share (in (c)'s scope). */
  readonly stepValues = new Map<string, T.Tensor>();
  /** (c)'s teacher-forced design G(z_q, u) [B, 3, S, S], D's scores of it and of x_c+, and s* [B] (set by step (c)). */
  design!: T.Tensor;
  dReal!: T.Tensor;
  sStar!: T.Tensor;
  /** Cross-entropies of G's colour-mode head against its draws' target bins (colour modes only). */
  readonly priorLosses: T.Tensor[] = [];
  private memo = new Map<string, T.Tensor | null>();
  private targets: { forNextQuery: T.Tensor | null; forNextUser: T.Tensor | null } | null = null;

  constructor(
    readonly model: Designer,
    readonly opt: Optimizers,
    readonly b: ImageBatch,
    readonly o: StepOptions,
    readonly terms: readonly LossTerm[],
    /** The training iteration (0-based), for terms applied every k iterations (lazy R1). */
    readonly iteration = 0,
  ) {
    this.G = model.generator(b.target);
    this.D = model.discriminator(b.target);
    // F embeds with its running statistics (eval mode), as when designing: G is trained on the
    // codes it will be given (in training mode they would depend on the batch), and s+ is on the
    // scale of L_G^FM's s*.
    const F = model.encoder;
    [this.zq, this.sPos] = inEvalMode(F, () =>
      T.tidy(() =>
        T.noGrad(() =>
          model.autocast(() => {
            const z = F.forward(model.images(T.cat([b.query, b.positive], 0))); // [2B, latent]
            const [zq, zc] = T.chunk(z, 2, 0) as [T.Tensor, T.Tensor];
            for (const t of terms) t.prepareCodes?.(this, zc);
            for (const x of this.scratch.values()) T.keep(x);
            return [T.keep(zq.contiguous()), T.keep(model.score(b.users, zq, zc))] as const;
          }),
        ),
      ),
    );
    for (const t of terms) t.prepare?.(this);
    for (const x of this.scratch.values()) T.keep(x);
  }

  /** The modes of the designs D sees in (b) (colour modes), or undefined. */
  discriminatorModes(): T.Tensor | undefined {
    for (const t of this.terms) if (t.discriminatorModes) return t.discriminatorModes(this);
    return undefined;
  }

  /** G's input for codes zq (default: the rows' queries) and users (default: the rows'). */
  input(zq = this.zq, users = this.b.users, sPos = this.sPos): T.Tensor {
    return this.model.generatorInput(zq, users, sPos);
  }

  /** G's design for input h [B, D]; with colour modes in the bin of `target` (its head learns that bin). */
  draw(h: T.Tensor, target: T.Tensor | null): T.Tensor {
    if (!this.model.colourModes) return this.G.forward(h);
    const bins =
      target === this.b.positive
        ? this.scratch.get('positiveBins')!
        : target
          ? colourBins(target, this.model.config.colourModes!)
          : undefined;
    const r = this.G.forwardWithPrior(h, bins);
    if (target) this.priorLosses.push(T.crossEntropy(r.logits, r.modes));
    return r.image;
  }

  /** The same users' designs for the next row's queries [B, 3, S, S]; null for a batch of one row. */
  forNextQuery(): T.Tensor | null {
    return this.memoized('forNextQuery', () =>
      this.b.users.size(0) > 1
        ? this.draw(this.input(nextRow(this.zq), this.b.users, nextRow(this.sPos)), this.counterfactuals().forNextQuery)
        : null,
    );
  }

  /** The next row's users' designs for the rows' queries [B, 3, S, S]. */
  forNextUser(): T.Tensor | null {
    return this.memoized('forNextUser', () => this.draw(this.input(this.zq, nextRow(this.b.users)), this.counterfactuals().forNextUser));
  }

  /** s_{u,o} [B] of designs for the rows' users and queries, F in eval mode as for s*. */
  scoreDesign(design: T.Tensor): T.Tensor {
    return inEvalMode(this.model.encoder, () => this.model.score(this.b.users, this.zq, this.model.encoder.forward(design)));
  }

  /** The real complements the counterfactual designs are drawn toward (a term's, e.g. M's picks; else none). */
  counterfactuals(): { forNextQuery: T.Tensor | null; forNextUser: T.Tensor | null } {
    if (!this.targets) {
      this.targets = { forNextQuery: null, forNextUser: null };
      for (const t of this.terms) if (t.counterfactualTargets) this.targets = t.counterfactualTargets(this);
    }
    return this.targets;
  }

  private memoized(key: string, make: () => T.Tensor | null): T.Tensor | null {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key)!;
  }

  /** Forgets (c)'s draws (they belong to its scope) and frees the constants. */
  dispose(): void {
    T.dispose([this.zq, this.sPos, ...this.scratch.values()]);
  }
}
