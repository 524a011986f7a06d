// SSIM (Wang et al. 2004) exactly as scikit-image's
//   structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
//                         use_sample_covariance=False, data_range=R, channel_axis=0)
// computes it: K1 = 0.01, K2 = 0.03, separable Gaussian window of sigma 1.5
// truncated at 3.5 sigma (11x11), local statistics
//   mu_x, mu_y, s_xx = E[x^2] - mu_x^2, s_yy, s_xy   (population covariance)
//   SSIM map = (2 mu_x mu_y + C1)(2 s_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(s_xx + s_yy + C2))
// averaged over the pixels whose window lies inside the image (skimage crops
// (win - 1) / 2 pixels per border after filtering), then over RGB channels.
import * as T from '../torch/index.js';

export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;
export const SSIM_SIGMA = 1.5;

/** The 1-D Gaussian scipy.ndimage uses: radius int(3.5 * sigma + 0.5), normalized. */
export function gaussianWindow(sigma = SSIM_SIGMA, truncate = 3.5): number[] {
  const r = Math.floor(truncate * sigma + 0.5);
  const w = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-0.5 * ((i - r) / sigma) ** 2));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/**
 * SSIM of each pair (a[i], b[i]): a, b [N, C, H, W] (any real dtype) on a scale
 * whose full range is `dataRange` (255 for uint8 images, 2 for [-1, 1]) -> [N] float64.
 */
export function ssim(a: T.Tensor, b: T.Tensor, dataRange: number): T.Tensor {
  if (a.shape.join() !== b.shape.join() || a.shape.length !== 4)
    throw new Error(`ssim: expected two [N, C, H, W] tensors of one shape, got [${a.shape}] and [${b.shape}]`);
  const [n, c, h, w] = a.shape as [number, number, number, number];
  const g = gaussianWindow();
  if (h < g.length || w < g.length) throw new Error(`ssim: images of ${h}x${w} are smaller than the ${g.length}x${g.length} window`);
  return T.tidy(() => {
    const x = T.reshape(T.toDtype(a, 'float64'), [n * c, 1, h, w]);
    const y = T.reshape(T.toDtype(b, 'float64'), [n * c, 1, h, w]);
    const k = T.tensor(g, { dtype: 'float64' });
    const kv = T.reshape(k, [1, 1, g.length, 1]),
      kh = T.reshape(k, [1, 1, 1, g.length]);
    // 'valid' separable filtering = filter everywhere, then crop the border skimage drops.
    const filt = (t: T.Tensor) => T.conv2d(T.conv2d(t, kv), kh); // [NC, 1, H - 10, W - 10]
    const mx = filt(x),
      my = filt(y);
    const sxx = T.sub(filt(T.mul(x, x)), T.mul(mx, mx));
    const syy = T.sub(filt(T.mul(y, y)), T.mul(my, my));
    const sxy = T.sub(filt(T.mul(x, y)), T.mul(mx, my));
    const c1 = (SSIM_K1 * dataRange) ** 2,
      c2 = (SSIM_K2 * dataRange) ** 2;
    const num = T.mul(T.add(T.mul(T.mul(mx, my), 2), c1), T.add(T.mul(sxy, 2), c2));
    const den = T.mul(T.add(T.add(T.mul(mx, mx), T.mul(my, my)), c1), T.add(T.add(sxx, syy), c2));
    const perChannel = T.mean(T.reshape(T.div(num, den), [n, c, -1]), [2]); // [N, C]
    return T.mean(perChannel, [1]);
  });
}

/**
 * Diversity across users: designs [Q, U, C, H, W] for Q queries x U users ->
 * mean (and spread over queries) of each query's mean SSIM over all user pairs.
 */
export function crossUserSsim(designs: T.Tensor, dataRange = 2): { mean: number; std: number } {
  const [Q, U] = designs.shape as [number, number];
  if (U < 2 || Q < 1) return { mean: NaN, std: NaN };
  const a: number[] = [],
    b: number[] = [];
  for (let i = 0; i < U; i++)
    for (let j = i + 1; j < U; j++) {
      a.push(i);
      b.push(j);
    }
  const per = Array.from({ length: Q }, (_, q) =>
    T.tidy(() => {
      const x = T.select(designs, 0, q);
      return T.mean(
        ssim(T.indexSelect(x, 0, T.tensor(a, { dtype: 'int64' })), T.indexSelect(x, 0, T.tensor(b, { dtype: 'int64' })), dataRange),
      ).item();
    }),
  );
  const mean = per.reduce((s, v) => s + v, 0) / Q;
  return { mean, std: Math.sqrt(per.reduce((s, v) => s + (v - mean) ** 2, 0) / Q) };
}
