// Conversion between JS values and c10::IValue, driven by an operator
// schema's argument types (so one generic entry point serves every op).
#pragma once

#include "common.h"

#include <ATen/core/function_schema.h>

namespace pfd {

// Converts JS value `v` for schema argument `arg` of operator `op`.
c10::IValue ToIValue(Napi::Env env, const Napi::Value& v, const c10::Argument& arg, const std::string& op);

// Converts an operator's return value to JS (Tensor handles, arrays, numbers...).
Napi::Value FromIValue(Napi::Env env, const c10::IValue& v);

}  // namespace pfd
