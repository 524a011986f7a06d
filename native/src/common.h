// Shared declarations of the libtorch addon.
// Rule of this addon: no C++ exception ever crosses into JavaScript unconverted.
// Every entry point runs its body inside PFD_GUARD, which turns c10::Error
// (libtorch's errors, with their message) and std::exception into JS errors.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <string>

namespace pfd {

// Runs `body` and converts libtorch / std exceptions into a thrown JS Error.
template <typename F>
auto Guard(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;  // already a JS error
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown native error in libtorch addon");
  }
}

// dtype names follow PyTorch's (float32, float64, int64, ...).
c10::ScalarType ParseDtype(Napi::Env env, const std::string& name);
const char* DtypeName(c10::ScalarType t);
c10::Device ParseDevice(Napi::Env env, const std::string& name);

// Registration of each translation unit's exported functions.
void InitTensorHandle(Napi::Env env, Napi::Object exports);
void InitDispatch(Napi::Env env, Napi::Object exports);
void InitTensorFns(Napi::Env env, Napi::Object exports);
void InitCachingAllocator(Napi::Env env, Napi::Object exports);
void InitDistributed(Napi::Env env, Napi::Object exports);  // only with PFD_WITH_DIST (Gloo headers found)

}  // namespace pfd
