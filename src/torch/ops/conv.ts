// Convolutions, pooling, normalization, resizing and embedding lookups.
import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

type Pair = number | [number, number];
const aConv2d = defineOp('aten::conv2d'),
  aConvT2d = defineOp('aten::conv_transpose2d.input');
const aPixelShuffle = defineOp('aten::pixel_shuffle'),
  aPad = defineOp('aten::constant_pad_nd');
const aMaxPool = defineOp('aten::max_pool2d'),
  aAvgPool = defineOp('aten::avg_pool2d');
const aAdaptiveAvg = defineOp('aten::adaptive_avg_pool2d'),
  aBilinear = defineOp('aten::upsample_bilinear2d.vec');
const aNearest = defineOp('aten::upsample_nearest2d.vec');
const aBatchNorm = defineOp('aten::batch_norm'),
  aEmbedding = defineOp('aten::embedding'),
  aFlip = defineOp('aten::flip');

/** x [N, Cin, H, W], w [Cout, Cin/groups, kH, kW] -> [N, Cout, H', W'] */
export function conv2d(
  x: Tensor,
  w: Tensor,
  b: Tensor | null = null,
  stride: Pair = 1,
  padding: Pair = 0,
  dilation: Pair = 1,
  groups = 1,
): Tensor {
  return aConv2d(x, w, b, stride, padding, dilation, groups) as Tensor;
}

/**
 * libtorch's own transposed convolution (the reference; slow on CPU, see
 * nn/conv_transpose.ts for the fast path). w [Cin, Cout/groups, kH, kW].
 */
export function convTranspose2dReference(
  x: Tensor,
  w: Tensor,
  b: Tensor | null = null,
  stride: Pair = 1,
  padding: Pair = 0,
  outputPadding: Pair = 0,
  groups = 1,
  dilation: Pair = 1,
): Tensor {
  return aConvT2d(x, w, b, stride, padding, outputPadding, groups, dilation) as Tensor;
}

/** [N, C*r*r, H, W] -> [N, C, H*r, W*r] */
export function pixelShuffle(x: Tensor, r: number): Tensor {
  return aPixelShuffle(x, r) as Tensor;
}

/** Pads (or, with negative amounts, crops) the last dims: pads = [left, right, top, bottom, ...]. */
export function pad(x: Tensor, pads: number[], value = 0): Tensor {
  return aPad(x, pads, value) as Tensor;
}

export function maxPool2d(x: Tensor, kernel: Pair, stride?: Pair, padding: Pair = 0): Tensor {
  return aMaxPool(x, kernel, stride ?? kernel, padding) as Tensor;
}
export function avgPool2d(x: Tensor, kernel: Pair, stride?: Pair, padding: Pair = 0, countIncludePad = true): Tensor {
  return aAvgPool(x, kernel, stride ?? kernel, padding, false, countIncludePad) as Tensor;
}
export function adaptiveAvgPool2d(x: Tensor, size: Pair): Tensor {
  return aAdaptiveAvg(x, size) as Tensor;
}

/** Bilinear resize to [h, w] (align_corners = false unless asked). */
export function resizeBilinear(x: Tensor, size: [number, number], alignCorners = false): Tensor {
  return aBilinear(x, size, alignCorners, null) as Tensor;
}
export function resizeNearest(x: Tensor, size: [number, number]): Tensor {
  return aNearest(x, size, null) as Tensor;
}

/**
 * Batch normalization over dim 1. In training mode it normalizes with batch
 * statistics and updates runningMean/runningVar in place (unbiased variance,
 * as PyTorch); in eval mode it uses the running statistics.
 */
export function batchNorm(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  training: boolean,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return aBatchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, true) as Tensor;
}

/** Rows of weight [num, dim] picked by integer indices (any shape) -> [...indices.shape, dim]. */
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  return aEmbedding(weight, indices) as Tensor;
}

export function flip(x: Tensor, dims: number[]): Tensor {
  return aFlip(x, dims) as Tensor;
}
