// Everything about tensors that is not an ATen operator: data in and out,
// metadata, autograd entry points, and process-wide settings.
#include "common.h"
#include "tensor_handle.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <ATen/core/grad_mode.h>
#include <torch/version.h>
#include <torch/cuda.h>

#include <cstring>

namespace pfd {
namespace {

using Fn = Napi::Value (*)(const Napi::CallbackInfo&);

const at::Tensor& Arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  return TensorHandle::Get(info.Env(), info[i], std::string(fn) + ": argument " + std::to_string(i + 1));
}

std::vector<int64_t> ShapeArg(Napi::Env env, const Napi::Value& v, const char* fn) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(fn) + ": shape must be an array of integers");
  auto a = v.As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value x = a.Get(i);
    if (!x.IsNumber()) throw Napi::TypeError::New(env, std::string(fn) + ": shape must be an array of integers");
    double d = x.As<Napi::Number>().DoubleValue();
    if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d)))
      throw Napi::RangeError::New(env, std::string(fn) + ": shape entries must be non-negative integers");
    shape.push_back(static_cast<int64_t>(d));
  }
  return shape;
}

// fromBuffer(view: ArrayBufferView, shape, dtype, device = 'cpu') -> Tensor (copies the bytes)
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() && !info[0].IsDataView() && !info[0].IsBuffer())
      throw Napi::TypeError::New(env, "fromBuffer: data must be a TypedArray or Buffer");
    const uint8_t* bytes = nullptr;
    size_t byteLength = 0;
    if (info[0].IsTypedArray()) {
      auto ta = info[0].As<Napi::TypedArray>();
      bytes = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
      byteLength = ta.ByteLength();
    } else {
      auto dv = info[0].As<Napi::DataView>();
      bytes = static_cast<const uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
      byteLength = dv.ByteLength();
    }
    auto shape = ShapeArg(env, info[1], "fromBuffer");
    auto dtype = ParseDtype(env, info[2].As<Napi::String>());
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
    size_t expected = t.numel() * t.element_size();
    if (expected != byteLength) {
      throw Napi::RangeError::New(env, "fromBuffer: shape " + c10::str(t.sizes()) + " of " + DtypeName(dtype) + " needs " +
                                           std::to_string(expected) + " bytes, got " + std::to_string(byteLength));
    }
    if (expected) std::memcpy(t.data_ptr(), bytes, expected);
    if (info.Length() > 3 && info[3].IsString()) {
      auto dev = ParseDevice(env, info[3].As<Napi::String>());
      if (!dev.is_cpu()) t = t.to(dev);
    }
    return TensorHandle::Wrap(env, t);
  });
}

// toBuffer(t) -> ArrayBuffer with the tensor's elements, contiguous, little-endian, on the CPU.
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    at::Tensor c = Arg(info, 0, "toBuffer").detach().to(at::kCPU).contiguous();
    size_t n = c.numel() * c.element_size();
    auto buf = Napi::ArrayBuffer::New(env, n);
    if (n) std::memcpy(buf.Data(), c.data_ptr(), n);
    return buf;
  });
}

Napi::Value Shape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto sizes = Arg(info, 0, "shape").sizes();
    auto a = Napi::Array::New(env, sizes.size());
    for (size_t i = 0; i < sizes.size(); i++) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(sizes[i])));
    return a;
  });
}

Napi::Value Dtype(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    return Napi::String::New(info.Env(), DtypeName(Arg(info, 0, "dtype").scalar_type()));
  });
}

Napi::Value Device(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value { return Napi::String::New(info.Env(), Arg(info, 0, "device").device().str()); });
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), Arg(info, 0, "requiresGrad").requires_grad()); });
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    at::Tensor t = Arg(info, 0, "setRequiresGrad");
    t.set_requires_grad(info[1].ToBoolean());
    return info.Env().Undefined();
  });
}

// grad(t) -> Tensor | null. The handle shares the gradient's storage.
Napi::Value Grad(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value { return TensorHandle::Wrap(info.Env(), Arg(info, 0, "grad").grad()); });
}

// setGrad(t, g | null): null clears the gradient (PyTorch's zero_grad(set_to_none=True)).
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    at::Tensor t = Arg(info, 0, "setGrad");
    if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad() = at::Tensor();
    else t.mutable_grad() = Arg(info, 1, "setGrad");
    return info.Env().Undefined();
  });
}

// backward(t, grad | null, retainGraph = false, createGraph = false)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    at::Tensor t = Arg(info, 0, "backward");
    at::Tensor g;
    if (info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined()) g = Arg(info, 1, "backward");
    bool retain = info.Length() > 2 && info[2].ToBoolean();
    bool create = info.Length() > 3 && info[3].ToBoolean();
    t.backward(g, retain, create);
    return info.Env().Undefined();
  });
}

// gradients(output, inputs[], createGraph) -> Tensor[]: d output / d input for each input
// (torch.autograd.grad with grad_outputs = ones), without touching any .grad. With createGraph
// the gradients are differentiable, for penalties on them (R1); the graph is kept when they are.
Napi::Value Gradients(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor out = Arg(info, 0, "gradients");
    if (!info[1].IsArray()) throw Napi::TypeError::New(env, "gradients: argument 2 must be an array of tensors");
    auto a = info[1].As<Napi::Array>();
    std::vector<at::Tensor> inputs;
    for (uint32_t i = 0; i < a.Length(); i++)
      inputs.push_back(TensorHandle::Get(env, a.Get(i), "gradients: input " + std::to_string(i + 1)));
    bool create = info.Length() > 2 && info[2].ToBoolean();
    auto grads = torch::autograd::grad({out}, inputs, {at::ones_like(out)}, /*retain_graph=*/create, create);
    Napi::Array result = Napi::Array::New(env, grads.size());
    for (size_t i = 0; i < grads.size(); i++) result.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, grads[i]));
    return result;
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    if (!TensorHandle::Is(info[0])) throw Napi::TypeError::New(info.Env(), "free: expected a Tensor");
    Napi::ObjectWrap<TensorHandle>::Unwrap(info[0].As<Napi::Object>())->Reset();
    return info.Env().Undefined();
  });
}

Napi::Value IsFreed(const Napi::CallbackInfo& info) {
  if (!TensorHandle::Is(info[0])) throw Napi::TypeError::New(info.Env(), "isFreed: expected a Tensor");
  return Napi::Boolean::New(info.Env(), Napi::ObjectWrap<TensorHandle>::Unwrap(info[0].As<Napi::Object>())->freed());
}

// item(t) -> number (the single element, as float64)
Napi::Value Item(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    const at::Tensor& t = Arg(info, 0, "item");
    if (t.numel() != 1)
      throw Napi::Error::New(info.Env(), "item: tensor of shape " + c10::str(t.sizes()) + " has " + std::to_string(t.numel()) +
                                             " elements, not 1");
    return Napi::Number::New(info.Env(), t.item().toDouble());
  });
}

// Identity of the underlying storage-carrying tensor (to tell aliases apart in tests).
Napi::Value SameTensor(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), Arg(info, 0, "sameTensor").unsafeGetTensorImpl() ==
                                              Arg(info, 1, "sameTensor").unsafeGetTensorImpl());
  });
}

// contentVersion(t) -> "version:storage": changes whenever the tensor's values may have changed
// (an in-place op bumps autograd's version counter; set_data swaps the storage), so derived
// tensors (an inference weight cache) know when to recompute.
Napi::Value ContentVersion(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    at::Tensor t = Arg(info, 0, "contentVersion");
    const auto ptr = reinterpret_cast<std::uintptr_t>(t.storage().data());
    return Napi::String::New(info.Env(), std::to_string(t._version()) + ":" + std::to_string(ptr));
  });
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  c10::GradMode::set_enabled(info[0].ToBoolean());
  return info.Env().Undefined();
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "manualSeed: seed must be a number");
    at::manual_seed(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
    return info.Env().Undefined();
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    int n = info[0].As<Napi::Number>().Int32Value();
    if (n < 1) throw Napi::RangeError::New(info.Env(), "setNumThreads: need at least 1 thread");
    at::set_num_threads(n);
    return info.Env().Undefined();
  });
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Value LiveTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(TensorHandle::LiveCount()));
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
  });
}

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto o = Napi::Object::New(info.Env());
    o.Set("torchVersion", TORCH_VERSION);
    o.Set("mkldnn", at::hasMKLDNN());
    o.Set("openmp", at::hasOpenMP());
    o.Set("cuda", at::hasCUDA());
    o.Set("config", at::show_config());
    o.Set("parallel", at::get_parallel_info());
    return o;
  });
}

// libtorch 2.4 replaced the per-backend autocast functions (is_cpu_enabled,
// get_autocast_gpu_dtype, ...) by ones taking a device type; the CUDA machine's
// PyTorch is 2.x, Debian's libtorch 1.13.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool AutocastEnabled(bool cuda) { return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU); }
c10::ScalarType AutocastDtype(bool cuda) { return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU); }
void SetAutocastEnabled(bool cuda, bool on) { at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on); }
void SetAutocastDtype(bool cuda, c10::ScalarType t) { at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, t); }
#else
bool AutocastEnabled(bool cuda) { return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
c10::ScalarType AutocastDtype(bool cuda) { return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype(); }
void SetAutocastEnabled(bool cuda, bool on) { if (cuda) at::autocast::set_enabled(on); else at::autocast::set_cpu_enabled(on); }
void SetAutocastDtype(bool cuda, c10::ScalarType t) { if (cuda) at::autocast::set_autocast_gpu_dtype(t); else at::autocast::set_autocast_cpu_dtype(t); }
#endif

// setAutocast(device: 'cpu' | 'cuda', dtype: string | null) -> previous dtype or null.
// Mixed precision through libtorch's own autocast (the dispatcher's Autocast keys,
// thread-local, as torch.autocast): matrix products and convolutions run in `dtype`,
// precision-sensitive ops in float32. The weight-cast cache is off: our training steps
// update weights in place between forwards inside one region, so a cached bf16 copy
// could be stale (and the cast of a few MB of weights is cheap next to the convs).
Napi::Value SetAutocast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::string dev = info[0].As<Napi::String>();
    bool cuda = dev == "cuda";
    if (!cuda && dev != "cpu") throw Napi::TypeError::New(env, "setAutocast: device must be 'cpu' or 'cuda', got '" + dev + "'");
    bool was = AutocastEnabled(cuda);
    c10::ScalarType prevType = AutocastDtype(cuda);
    Napi::Value prev = was ? Napi::String::New(env, DtypeName(prevType)) : env.Null();
    bool on = !info[1].IsNull() && !info[1].IsUndefined();
    if (on) SetAutocastDtype(cuda, ParseDtype(env, info[1].As<Napi::String>()));
    SetAutocastEnabled(cuda, on);
    // The cache is off while any autocast region is open here, back to libtorch's default after.
    at::autocast::set_autocast_cache_enabled(!(AutocastEnabled(true) || AutocastEnabled(false)));
    return prev;
  });
}


// profileStart(file) / profileStop(): libtorch's own operator profiler (forward and
// backward ops, with CPU times) around a region; profileStop writes a Chrome trace
// JSON to `file` (aggregated by op in bench/op_profile.ts).
std::unique_ptr<torch::autograd::profiler::RecordProfile> g_profile;

Napi::Value ProfileStart(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    if (g_profile) throw Napi::Error::New(info.Env(), "profileStart: a profile is already being recorded");
    g_profile = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(info[0].As<Napi::String>()));
    return info.Env().Undefined();
  });
}

Napi::Value ProfileStop(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    if (!g_profile) throw Napi::Error::New(info.Env(), "profileStop: no profile is being recorded");
    g_profile.reset();  // the destructor writes the trace
    return info.Env().Undefined();
  });
}

}  // namespace

void InitTensorFns(Napi::Env env, Napi::Object exports) {
  struct {
    const char* name;
    Fn fn;
  } fns[] = {
      {"fromBuffer", FromBuffer},     {"toBuffer", ToBuffer},         {"shape", Shape},
      {"dtype", Dtype},               {"device", Device},             {"requiresGrad", RequiresGrad},
      {"setRequiresGrad", SetRequiresGrad}, {"grad", Grad},           {"setGrad", SetGrad},
      {"backward", Backward},         {"gradients", Gradients},         {"free", Free},                 {"isFreed", IsFreed},
      {"item", Item},                 {"sameTensor", SameTensor},     {"contentVersion", ContentVersion},     {"setGradEnabled", SetGradEnabled},
      {"isGradEnabled", IsGradEnabled}, {"manualSeed", ManualSeed},   {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads}, {"liveTensors", LiveTensors}, {"cudaDeviceCount", CudaDeviceCount},
      {"buildInfo", BuildInfo},       {"setAutocast", SetAutocast},
      {"profileStart", ProfileStart}, {"profileStop", ProfileStop},
  };
  for (auto& f : fns) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace pfd
