// The RaLSGAN losses of the paper (Eq. 1 and 2), on raw discriminator scores
// dReal [N] and dFake [N]:
//   L_D = 1/2 E[(D(xr) - E D(xf) - 1)^2] + 1/2 E[(D(xf) - E D(xr) + 1)^2]
//   L_G = 1/2 E[(D(xf) - E D(xr))^2]     + 1/2 E[(D(xr) - E D(xf))^2]
// L_G is written exactly as the paper prints it (no +-1 margin terms).
import * as T from '../torch/index.js';

export function ralsganDiscriminatorLoss(dReal: T.Tensor, dFake: T.Tensor): T.Tensor {
  const realTerm = T.mean(T.square(T.sub(T.sub(dReal, T.mean(dFake)), 1)));
  const fakeTerm = T.mean(T.square(T.add(T.sub(dFake, T.mean(dReal)), 1)));
  return T.mul(T.add(realTerm, fakeTerm), 0.5);
}

export function ralsganGeneratorLoss(dReal: T.Tensor, dFake: T.Tensor): T.Tensor {
  const fakeTerm = T.mean(T.square(T.sub(dFake, T.mean(dReal))));
  const realTerm = T.mean(T.square(T.sub(dReal, T.mean(dFake))));
  return T.mul(T.add(fakeTerm, realTerm), 0.5);
}
