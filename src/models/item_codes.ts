// F's codes of item images, in batches: z = F(x) [N, latent] for uint8 images
// [N, 3, S, S]. The caller puts the model in eval mode (F's running statistics),
// as for designing; no gradient, float32 whatever the model's precision.
import * as T from '../torch/index.js';
import { bytesToUnit } from '../data/images.js';
import type { Designer } from './designer.js';

export function itemCodes(model: Designer, images: T.Tensor, device: T.Device, batch = 256): T.Tensor {
  return T.tidy(() =>
    T.noGrad(() => {
      const out: T.Tensor[] = [];
      for (let a = 0; a < images.size(0); a += batch) {
        const x = bytesToUnit(T.toDevice(T.narrow(images, 0, a, Math.min(batch, images.size(0) - a)), device));
        out.push(
          T.toDtype(
            model.autocast(() => model.encoder.forward(model.images(x))),
            'float32',
          ),
        );
      }
      return out.length ? T.cat(out) : T.zeros([0, model.latent], { device });
    }),
  );
}
