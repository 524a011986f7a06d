// Module entry point of the libtorch addon, and the dtype/device vocabulary
// shared by all translation units.
#include "common.h"
#include "tensor_handle.h"

#include <unordered_map>

namespace pfd {

namespace {
const std::unordered_map<std::string, c10::ScalarType>& DtypeTable() {
  static const std::unordered_map<std::string, c10::ScalarType> table = {
      {"float32", c10::kFloat}, {"float64", c10::kDouble}, {"float16", c10::kHalf},  {"bfloat16", c10::kBFloat16},
      {"int64", c10::kLong},    {"int32", c10::kInt},      {"int16", c10::kShort},   {"int8", c10::kChar},
      {"uint8", c10::kByte},    {"bool", c10::kBool},
  };
  return table;
}
}  // namespace

c10::ScalarType ParseDtype(Napi::Env env, const std::string& name) {
  auto it = DtypeTable().find(name);
  if (it == DtypeTable().end()) {
    throw Napi::TypeError::New(env, "unknown dtype '" + name +
                                        "' (expected float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8 or bool)");
  }
  return it->second;
}

const char* DtypeName(c10::ScalarType t) {
  for (auto& kv : DtypeTable())
    if (kv.second == t) return kv.first.c_str();
  return c10::toString(t);
}

c10::Device ParseDevice(Napi::Env env, const std::string& name) {
  try {
    return c10::Device(name);
  } catch (const c10::Error&) {
    throw Napi::TypeError::New(env, "unknown device '" + name + "' (expected 'cpu', 'cuda' or 'cuda:N')");
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TensorHandle::Init(env, exports);
  InitDispatch(env, exports);
  InitTensorFns(env, exports);
  InitCachingAllocator(env, exports);
#ifdef PFD_WITH_DIST
  InitDistributed(env, exports);
#endif
  return exports;
}

}  // namespace pfd

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return pfd::Init(env, exports); }

NODE_API_MODULE(pfd_torch, InitModule)
