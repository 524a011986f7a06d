// A query-pair discriminator D_pair (an option beyond the paper): it judges a
// (query, complement) pair, the two images stacked along channels, as pixel-level
// domain transfer's "domain discriminator" does (Yoo et al. 2016): real = the
// query with its own complement, fake = the query with G's design or with the
// complement of another outfit (an unassociated pair). G is then told, at pixel
// level, that a design must go with *its* query; the paper's only such signal is
// L_G^FM through the compatibility discriminator, which on 2 cores learns
// query-complement interactions too slowly for G to follow (docs/training.md).
// Same network as the real/fake discriminator D (Fig. 3), with 6 input channels.
import * as T from '../torch/index.js';
import { RealFakeDiscriminator, type DiscriminatorConfig } from './real_fake_discriminator.js';
import { nextRow } from './query_mode_seeking.js';

export class QueryPairDiscriminator extends RealFakeDiscriminator {
  constructor(config: DiscriminatorConfig) {
    super({ ...config, imageChannels: 2 * config.imageChannels });
  }

  /** query, item [N, 3, S, S] -> score [N] (float32) */
  pair(query: T.Tensor, item: T.Tensor): T.Tensor {
    return this.forward(T.cat([query, item], 1)); // [N, 6, S, S]
  }
}

/** The complement of the next row's outfit for each row [N, 3, S, S]: an unassociated pair when zipped with the queries. */
export const unassociated = nextRow;

/**
 * Least-squares loss of D_pair [N] scores: associated pairs -> 1; designed and
 * unassociated pairs -> 0, each weighted 1/2 so that fakes and reals weigh alike.
 */
export function pairDiscriminatorLoss(dAssociated: T.Tensor, dDesigned: T.Tensor, dUnassociated: T.Tensor): T.Tensor {
  const real = T.mean(T.square(T.sub(dAssociated, 1)));
  const fake = T.mul(T.add(T.mean(T.square(dDesigned)), T.mean(T.square(dUnassociated))), 0.5);
  return T.mul(T.add(real, fake), 0.5);
}

/** G's least-squares loss on D_pair's scores of its designs with their queries [N]: designed pairs -> 1. */
export function pairGeneratorLoss(dDesigned: T.Tensor): T.Tensor {
  return T.mul(T.mean(T.square(T.sub(dDesigned, 1))), 0.5);
}
