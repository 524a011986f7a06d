// Embedding: a learned table [num, dim]; indices (int64, any shape) -> [..., dim].
import { Tensor, empty, embedding } from '../torch/index.js';
import { Module } from './module.js';
import { normalInit_ } from './init.js';

export class Embedding extends Module {
  readonly weight: Tensor; // [num, dim], N(0, 1) as PyTorch

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', normalInit_(empty([numEmbeddings, embeddingDim]), 0, 1));
  }

  forward(indices: Tensor): Tensor {
    return embedding(this.weight, indices);
  }
}
