#include "tensor_handle.h"

namespace pfd {

std::atomic<int64_t> TensorHandle::live_count_{0};

namespace {
// Random tag so that only our handles pass Is(); cheaper than instanceof.
const napi_type_tag kTensorTag = {0x7f3a9c1d2b4e4f10ULL, 0x9a8b7c6d5e4f3a21ULL};

struct AddonData {
  Napi::FunctionReference ctor;
};
}  // namespace

void TensorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "TensorHandle", {});
  auto* data = new AddonData();
  data->ctor = Napi::Persistent(fn);
  env.SetInstanceData<AddonData>(data);
  exports.Set("TensorHandle", fn);
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {}

TensorHandle::~TensorHandle() { Reset(); }

void TensorHandle::Reset() {
  if (live_) {
    tensor_ = at::Tensor();
    live_ = false;
    live_count_--;
  }
}

Napi::Value TensorHandle::Wrap(Napi::Env env, at::Tensor t) {
  if (!t.defined()) return env.Null();
  Napi::Object obj = env.GetInstanceData<AddonData>()->ctor.New({});
  obj.TypeTag(&kTensorTag);
  TensorHandle* h = Napi::ObjectWrap<TensorHandle>::Unwrap(obj);
  h->tensor_ = std::move(t);
  h->live_ = true;
  live_count_++;
  return obj;
}

bool TensorHandle::Is(const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().CheckTypeTag(&kTensorTag);
}

const at::Tensor& TensorHandle::Get(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!Is(v)) throw Napi::TypeError::New(env, what + ": expected a Tensor");
  TensorHandle* h = Napi::ObjectWrap<TensorHandle>::Unwrap(v.As<Napi::Object>());
  if (!h->live_) throw Napi::Error::New(env, what + ": the tensor was already freed (disposed)");
  return h->tensor_;
}

}  // namespace pfd
