// The same GAN training step as bench/gan_step.ts, written directly against
// libtorch's C++ API: the baseline for the TypeScript binding's overhead.
// Same layers, same fast transposed convolution, same losses, same Adam, and
// the same caching CPU allocator (PFD_CPU_CACHE_MB, as for the addon).
//   bench/cpp/build/gan_step --batch 64 --steps 3 --warmup 1
#include <torch/torch.h>

#include "../../native/src/caching_allocator.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace F = torch::nn::functional;
using torch::Tensor;

// Phase-decomposed transposed convolution (see src/nn/conv_transpose_fast.ts).
Tensor conv_transpose_fast(const Tensor& x, const Tensor& w, const Tensor& b, int64_t s, int64_t p, int64_t op) {
  int64_t H = x.size(2), W = x.size(3), cin = w.size(0), cout = w.size(1), k = w.size(2);
  int64_t hOut = (H - 1) * s - 2 * p + k + op, wOut = (W - 1) * s - 2 * p + k + op;
  int64_t k2 = (k + s - 1) / s;
  int64_t first = p / s, rowsH = (p + hOut + s - 1) / s, rowsW = (p + wOut + s - 1) / s;
  int64_t before = k2 - 1 - first, afterH = rowsH - H, afterW = rowsW - W;
  int64_t crop = p - first * s, totalH = s * (rowsH - first), totalW = s * (rowsW - first);
  Tensor wt = s * k2 != k ? at::constant_pad_nd(w, {0, s * k2 - k, 0, s * k2 - k}) : w;
  wt = wt.reshape({cin, cout, k2, s, k2, s}).permute({1, 3, 5, 0, 2, 4}).reshape({cout * s * s, cin, k2, k2}).flip({2, 3});
  Tensor bt = s > 1 ? b.unsqueeze(1).expand({cout, s * s}).reshape({cout * s * s}) : b;
  Tensor xx = cout * s * s < 8 ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
  Tensor y;
  if (before == afterH && before == afterW && before >= 0) {
    y = at::conv2d(xx, wt, bt, at::IntArrayRef{1}, at::IntArrayRef{before});
  } else {
    y = at::conv2d(at::constant_pad_nd(xx, {before, afterW, before, afterH}), wt, bt, at::IntArrayRef{1}, at::IntArrayRef{0});
  }
  if (s > 1) y = at::pixel_shuffle(y, s);
  int64_t cropB = totalH - crop - hOut, cropR = totalW - crop - wOut;
  if (crop || cropB || cropR) y = at::constant_pad_nd(y, {-crop, -cropR, -crop, -cropB});
  return y;
}

struct DeconvImpl : torch::nn::Module {
  Tensor weight, bias;
  int64_t stride, padding, out_padding;
  DeconvImpl(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t op) : stride(s), padding(p), out_padding(op) {
    weight = register_parameter("weight", torch::randn({in, out, k, k}) * 0.02);
    bias = register_parameter("bias", torch::zeros({out}));
  }
  Tensor forward(const Tensor& x) { return conv_transpose_fast(x, weight, bias, stride, padding, out_padding); }
};
TORCH_MODULE(Deconv);

struct DecoderImpl : torch::nn::Module {
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm2d fc_norm{nullptr};
  std::vector<Deconv> deconvs;
  std::vector<torch::nn::BatchNorm2d> norms;
  DecoderImpl() {
    fc = register_module("fc", torch::nn::Linear(128, 256 * 16));
    fc_norm = register_module("fc_norm", torch::nn::BatchNorm2d(256));
    const int64_t ch[] = {256, 256, 256, 256, 128, 64}, st[] = {2, 1, 2, 1, 2, 2};
    int64_t c = 256;
    for (int i = 0; i < 6; i++) {
      deconvs.push_back(register_module("deconv" + std::to_string(i), Deconv(c, ch[i], 5, st[i], 2, st[i] - 1)));
      norms.push_back(register_module("norm" + std::to_string(i), torch::nn::BatchNorm2d(ch[i])));
      c = ch[i];
    }
    deconvs.push_back(register_module("deconv6", Deconv(c, 3, 5, 1, 2, 0)));
  }
  Tensor forward(const Tensor& h) {
    Tensor x = F::leaky_relu(fc_norm(fc(h).reshape({-1, 256, 4, 4})), F::LeakyReLUFuncOptions().negative_slope(0.2));
    for (int i = 0; i < 6; i++) x = F::leaky_relu(norms[i](deconvs[i](x)), F::LeakyReLUFuncOptions().negative_slope(0.2));
    return torch::tanh(deconvs[6](x));
  }
};
TORCH_MODULE(Decoder);

struct DiscriminatorImpl : torch::nn::Module {
  std::vector<torch::nn::Conv2d> convs;
  std::vector<torch::nn::BatchNorm2d> norms;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  DiscriminatorImpl() {
    const int64_t ch[] = {64, 128, 256, 512};
    int64_t c = 3;
    for (int i = 0; i < 4; i++) {
      convs.push_back(register_module("conv" + std::to_string(i), torch::nn::Conv2d(torch::nn::Conv2dOptions(c, ch[i], 5).stride(2).padding(2))));
      if (i > 0) norms.push_back(register_module("norm" + std::to_string(i), torch::nn::BatchNorm2d(ch[i])));
      c = ch[i];
    }
    fc1 = register_module("fc1", torch::nn::Linear(512 * 16, 1024));
    fc2 = register_module("fc2", torch::nn::Linear(1024, 1));
  }
  Tensor forward(const Tensor& x) {
    Tensor y = x;
    for (int i = 0; i < 4; i++) {
      y = convs[i](y);
      if (i > 0) y = norms[i - 1](y);
      y = F::leaky_relu(y, F::LeakyReLUFuncOptions().negative_slope(0.2));
    }
    y = F::leaky_relu(fc1(y.flatten(1)), F::LeakyReLUFuncOptions().negative_slope(0.2));
    return fc2(y).reshape({-1});
  }
};
TORCH_MODULE(Discriminator);

Tensor loss_d(const Tensor& r, const Tensor& f) {
  return 0.5 * ((r - f.mean() - 1).square().mean() + (f - r.mean() + 1).square().mean());
}
Tensor loss_g(const Tensor& r, const Tensor& f) {
  return 0.5 * ((f - r.mean()).square().mean() + (r - f.mean()).square().mean());
}

int main(int argc, char** argv) {
  int64_t batch = 64, steps = 3, warmup = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--steps")) steps = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--warmup")) warmup = std::atoll(argv[i + 1]);
  }
  const char* env = std::getenv("PFD_THREADS");
  at::set_num_threads(env && std::atoi(env) > 0 ? std::atoi(env) : (int)std::thread::hardware_concurrency());
  // The addon's caching CPU allocator, under the same PFD_CPU_CACHE_MB setting as the TS side.
  bool cache = pfd::CachingCpuAllocator::InstallFromEnv() != nullptr;
  torch::manual_seed(0);
  Decoder G;
  Discriminator D;
  torch::optim::Adam optG(G->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
  torch::optim::Adam optD(D->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
  Tensor z = torch::randn({batch, 128});
  Tensor real = torch::randn({batch, 3, 64, 64}).clamp(-1, 1);
  double ld = 0, lg = 0;
  auto step = [&]() {
    optD.zero_grad();
    Tensor fake;
    {
      torch::NoGradGuard ng;
      fake = G(z);
    }
    Tensor l = loss_d(D(real), D(fake));
    l.backward();
    optD.step();
    ld = l.item<double>();
    optG.zero_grad();
    Tensor dr;
    {
      torch::NoGradGuard ng;
      dr = D(real);
    }
    Tensor lgt = loss_g(dr, D(G(z)));
    lgt.backward();
    optG.step();
    lg = lgt.item<double>();
  };
  for (int64_t i = 0; i < warmup; i++) step();
  std::string ms;
  for (int64_t i = 0; i < steps; i++) {
    auto t0 = std::chrono::steady_clock::now();
    step();
    double d = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ms += (i ? "," : "") + std::to_string(d);
  }
  // The same tiny op as the TS micro-benchmark, called directly.
  Tensor x = torch::ones({1}), y = torch::ones({1});
  const int n = 200000;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i++) {
    Tensor r = at::add(x, y);
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
  std::printf("{\"impl\":\"cpp\",\"batch\":%lld,\"threads\":%d,\"cpu_cache\":%s,\"step_ms\":[%s],\"losses\":[%g,%g],\"us_per_tiny_op\":%g}\n",
              (long long)batch, at::get_num_threads(), cache ? "true" : "false", ms.c_str(), ld, lg, us);
  return 0;
}
