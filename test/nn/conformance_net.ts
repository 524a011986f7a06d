// The same small net as scripts/fixtures/make_torch_fixtures.py's `Net`:
// every layer type the models use, for comparison with PyTorch.
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';

export class Net extends nn.Module {
  readonly embed = this.registerModule('embed', new nn.Embedding(4, 8));
  readonly fc = this.registerModule('fc', new nn.Linear(16, 2 * 4 * 4));
  readonly up = this.registerModule(
    'up',
    new nn.Sequential(
      new nn.ConvTranspose2d(2, 6, 5, { stride: 2, padding: 2, outputPadding: 1 }),
      new nn.BatchNorm2d(6),
      new nn.LeakyReLU(0.2),
      new nn.ConvTranspose2d(6, 3, 4, { stride: 2, padding: 1 }),
      new nn.Tanh(),
    ),
  );
  readonly down = this.registerModule(
    'down',
    new nn.Sequential(
      new nn.Conv2d(3, 5, 5, { stride: 2, padding: 2 }),
      new nn.BatchNorm2d(5),
      new nn.LeakyReLU(0.2),
      new nn.Dropout(0),
      new nn.Conv2d(5, 4, 3, { stride: 1, padding: 1 }),
      new nn.ReLU(),
    ),
  );
  readonly head = this.registerModule('head', new nn.Linear(4 * 8 * 8, 1));

  forward(z: T.Tensor, user: T.Tensor): [T.Tensor, T.Tensor] {
    const h = T.cat([z, this.embed.forward(user)], 1); // [N, 16]
    const x = T.reshape(this.fc.forward(h), [-1, 2, 4, 4]);
    const img = this.up.forward(x); // [N, 3, 16, 16]
    const y = this.down.forward(img); // [N, 4, 8, 8]
    return [img, T.sigmoid(this.head.forward(T.flatten(y, 1)))];
  }
}
