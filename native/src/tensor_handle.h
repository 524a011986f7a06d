// TensorHandle: the JS object that owns one at::Tensor reference.
// free() drops the reference at once (deterministic memory, used by scopes);
// the destructor (GC finalizer) is only a safety net.
#pragma once

#include "common.h"

#include <atomic>

namespace pfd {

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  // Wraps a tensor in a new JS handle. An undefined tensor becomes null.
  static Napi::Value Wrap(Napi::Env env, at::Tensor t);
  static bool Is(const Napi::Value& v);
  // Returns the tensor of a handle; throws a JS TypeError naming `what`
  // when v is not a handle or was freed.
  static const at::Tensor& Get(Napi::Env env, const Napi::Value& v, const std::string& what);

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;

  void Reset();
  bool freed() const { return !live_; }

  // Number of handles holding a tensor right now (for leak tests).
  static int64_t LiveCount() { return live_count_.load(); }

 private:
  at::Tensor tensor_;
  bool live_ = false;
  static std::atomic<int64_t> live_count_;
};

}  // namespace pfd
