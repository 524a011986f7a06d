// A transposed convolution computed through stride-1 conv2d (oneDNN's fast
// path) instead of libtorch's CPU col2im kernel, which is several times slower.
//
// Sub-pixel (phase) decomposition: for stride s, output row s*j + r only sees
// kernel taps ky = r + s*t. So the s*s output phases are s*s small ordinary
// convolutions with kernels W[r + s*t] (flipped, zero-padded to K' = ceil(k/s)
// taps), stacked as output channels of ONE conv2d and interleaved back with
// pixel_shuffle. Cropping by `padding` and extending by `output_padding`
// become asymmetric input padding plus a final crop. Exactly the function of
// aten::conv_transpose2d (values and gradients; see the tests).
import {
  Tensor,
  contiguous,
  conv2d,
  convTranspose2dReference,
  pad,
  pixelShuffle,
  reshape,
  permute,
  flip,
  unsqueeze,
  expand,
} from '../torch/index.js';

type P2 = [number, number];

/** The decomposition's conv2d weight [Cout*s*s, Cin, K', K'] and bias [Cout*s*s] (or null). */
export interface PhaseWeights {
  wt: Tensor;
  bt: Tensor | null;
}

/** Whether convTranspose2d takes the decomposition (and so uses phaseWeights) for these settings. */
export function usesPhaseWeights(stride: P2, groups: number, dilation: P2): boolean {
  return groups === 1 && dilation[0] === 1 && dilation[1] === 1 && stride[0] === stride[1];
}

/**
 * w [Cin, Cout, k, k] -> [Cout*s*s, Cin, K', K'], channel = co*s*s + ry*s + rx, taps flipped;
 * each phase channel carries its output channel's bias. A function of the weights alone, so a
 * model that only designs can compute it once (nn.ConvTranspose2d's inference cache).
 */
export function phaseWeights(w: Tensor, b: Tensor | null, s: number): PhaseWeights {
  const [cin, cout, kh, kw] = w.shape as [number, number, number, number];
  const kh2 = Math.ceil(kh / s),
    kw2 = Math.ceil(kw / s);
  let wt = s * kh2 !== kh || s * kw2 !== kw ? pad(w, [0, s * kw2 - kw, 0, s * kh2 - kh]) : w;
  wt = reshape(wt, [cin, cout, kh2, s, kw2, s]);
  wt = permute(wt, [1, 3, 5, 0, 2, 4]);
  wt = reshape(wt, [cout * s * s, cin, kh2, kw2]);
  wt = flip(wt, [2, 3]);
  const bt = b && s > 1 ? reshape(expand(unsqueeze(b, 1), [cout, s * s]), [cout * s * s]) : b;
  return { wt, bt };
}

/**
 * x [N, Cin, H, W], w [Cin, Cout, kH, kW], b [Cout] -> [N, Cout, Hout, Wout]
 * with Hout = (H - 1) * stride - 2 * padding + kH + outputPadding.
 */
export function convTranspose2d(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  stride: P2,
  padding: P2,
  outputPadding: P2,
  groups = 1,
  dilation: P2 = [1, 1],
  phase?: PhaseWeights,
): Tensor {
  const [sh, sw] = stride;
  if (!usesPhaseWeights(stride, groups, dilation) || x.ndim !== 4) {
    // Outside the decomposition's scope: the reference kernel, same function.
    return convTranspose2dReference(x, w, b, stride, padding, outputPadding, groups, dilation);
  }
  const s = sh;
  const [, , H, W] = x.shape as [number, number, number, number];
  const [, cout, kh, kw] = w.shape as [number, number, number, number];
  const [ph, pw] = padding;
  const [oph, opw] = outputPadding;
  const hOut = (H - 1) * s - 2 * ph + kh + oph;
  const wOut = (W - 1) * s - 2 * pw + kw + opw;
  const taps = (k: number) => Math.ceil(k / s); // K'
  const kh2 = taps(kh),
    kw2 = taps(kw);

  // Per-dimension geometry: rows of the phase grid needed, input padding, crop.
  const geom = (size: number, k2: number, p: number, out: number) => {
    const first = Math.floor(p / s); // first phase row used
    const rows = Math.ceil((p + out) / s); // phase rows up to the last output
    return { before: k2 - 1 - first, after: rows - size, crop: p - first * s, total: s * (rows - first) };
  };
  const gy = geom(H, kh2, ph, hOut);
  const gx = geom(W, kw2, pw, wOut);

  const { wt, bt } = phase ?? phaseWeights(w, b, s);

  // oneDNN handles very few output channels (an RGB layer) much better on
  // channels-last input (measured 2x on 64->3 at 64x64); elsewhere NCHW is as fast.
  if (cout * s * s < 8) x = contiguous(x, 'channels_last');
  let y: Tensor;
  if (gy.before === gy.after && gx.before === gx.after && gy.before >= 0 && gx.before >= 0) {
    y = conv2d(x, wt, bt, 1, [gy.before, gx.before]);
  } else {
    y = conv2d(pad(x, [gx.before, gx.after, gy.before, gy.after]), wt, bt, 1, 0);
  }
  if (s > 1) y = pixelShuffle(y, s); // [N, Cout, s*rows, s*cols]
  const cropBottom = gy.total - gy.crop - hOut;
  const cropRight = gx.total - gx.crop - wOut;
  if (gy.crop || gx.crop || cropBottom || cropRight) y = pad(y, [-gx.crop, -cropRight, -gy.crop, -cropBottom]);
  return y;
}
