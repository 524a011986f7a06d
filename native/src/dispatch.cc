// The generic operator entry point: any ATen operator by schema name and
// overload, called boxed through the dispatcher. Autograd, device dispatch
// (CPU/CUDA) and type promotion all happen inside libtorch's dispatcher.
#include "common.h"
#include "convert.h"
#include "tensor_handle.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <unordered_map>
#include <vector>

namespace pfd {
namespace {

struct OpEntry {
  c10::OperatorHandle handle;
  std::string display;  // "aten::conv2d" or "aten::add.Tensor"
};

// Looked-up operators; JS keeps the index so each call skips the schema lookup.
std::vector<OpEntry>& Ops() {
  static std::vector<OpEntry> ops;
  return ops;
}
std::unordered_map<std::string, uint32_t>& OpIndex() {
  static std::unordered_map<std::string, uint32_t> idx;
  return idx;
}

const OpEntry& EntryAt(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, "callOp: first argument must be an op id from findOp()");
  uint32_t i = v.As<Napi::Number>().Uint32Value();
  if (i >= Ops().size()) throw Napi::RangeError::New(env, "callOp: unknown op id " + std::to_string(i));
  return Ops()[i];
}

// findOp(name, overload = "") -> op id
Napi::Value FindOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsString())
      throw Napi::TypeError::New(env, "findOp(name, overload?): name must be a string such as 'aten::add'");
    std::string name = info[0].As<Napi::String>();
    std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    std::string key = name + "." + overload;
    auto it = OpIndex().find(key);
    if (it != OpIndex().end()) return Napi::Number::New(env, it->second);
    auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!handle) {
      throw Napi::Error::New(env, "unknown operator " + name + (overload.empty() ? "" : "." + overload) +
                                      " (no such schema in this libtorch)");
    }
    uint32_t id = static_cast<uint32_t>(Ops().size());
    Ops().push_back({*handle, overload.empty() ? name : name + "." + overload});
    OpIndex().emplace(key, id);
    return Napi::Number::New(env, id);
  });
}

// opSchema(id) -> the schema string, e.g. for error messages and docs.
Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const OpEntry& e = EntryAt(env, info[0]);
    return Napi::String::New(env, c10::toString(e.handle.schema()));
  });
}

// callOp(id, args[]) -> result(s). Missing trailing arguments and `undefined`
// take the schema's defaults.
Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const OpEntry& e = EntryAt(env, info[0]);
    if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(env, e.display + ": arguments must be an array");
    auto args = info[1].As<Napi::Array>();
    const auto& schema = e.handle.schema();
    const auto& params = schema.arguments();
    if (args.Length() > params.size()) {
      throw Napi::TypeError::New(env, e.display + ": takes at most " + std::to_string(params.size()) + " arguments, got " +
                                          std::to_string(args.Length()) + " (schema: " + c10::toString(schema) + ")");
    }
    torch::jit::Stack stack;
    stack.reserve(params.size());
    for (size_t i = 0; i < params.size(); i++) {
      const auto& p = params[i];
      Napi::Value v = i < args.Length() ? args.Get(static_cast<uint32_t>(i)) : env.Undefined();
      if (v.IsUndefined()) {
        if (!p.default_value()) {
          throw Napi::TypeError::New(env, e.display + ": missing required argument '" + p.name() + "' (schema: " +
                                              c10::toString(schema) + ")");
        }
        stack.push_back(*p.default_value());
      } else {
        stack.push_back(ToIValue(env, v, p, e.display));
      }
    }
    e.handle.callBoxed(&stack);
    if (stack.empty()) return env.Undefined();
    if (stack.size() == 1) return FromIValue(env, stack[0]);
    auto out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) out.Set(static_cast<uint32_t>(i), FromIValue(env, stack[i]));
    return out;
  });
}

}  // namespace

void InitDispatch(Napi::Env env, Napi::Object exports) {
  exports.Set("findOp", Napi::Function::New(env, FindOp, "findOp"));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema, "opSchema"));
  exports.Set("callOp", Napi::Function::New(env, CallOp, "callOp"));
}

}  // namespace pfd
