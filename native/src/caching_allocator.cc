// N-API glue of the caching CPU allocator (caching_allocator.h).
#include "common.h"
#include "caching_allocator.h"

namespace pfd {
namespace {

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  size_t freed = CachingCpuAllocator::instance ? CachingCpuAllocator::instance->EmptyCache() : 0;
  return Napi::Number::New(info.Env(), static_cast<double>(freed));
}

Napi::Value CacheStats(const Napi::CallbackInfo& info) {
  auto o = Napi::Object::New(info.Env());
  auto* a = CachingCpuAllocator::instance;
  o.Set("enabled", a != nullptr);
  o.Set("cachedBytes", a ? static_cast<double>(a->cached()) : 0.0);
  o.Set("reusedBlocks", a ? static_cast<double>(a->reused()) : 0.0);
  return o;
}

}  // namespace

void InitCachingAllocator(Napi::Env env, Napi::Object exports) {
  CachingCpuAllocator::InstallFromEnv();
  exports.Set("emptyCache", Napi::Function::New(env, EmptyCache, "emptyCache"));
  exports.Set("cacheStats", Napi::Function::New(env, CacheStats, "cacheStats"));
}

}  // namespace pfd
