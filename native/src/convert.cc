#include "convert.h"

#include "tensor_handle.h"

#include <ATen/core/jit_type.h>

#include <cmath>

namespace pfd {
namespace {

struct Ctx {
  Napi::Env env;
  const std::string& op;
  const c10::Argument& arg;

  [[noreturn]] void Fail(const std::string& expected, const Napi::Value& got) const {
    std::string kind = got.IsNull() ? "null"
                       : got.IsUndefined() ? "undefined"
                       : got.IsArray() ? "array"
                       : got.IsNumber() ? "number"
                       : got.IsBoolean() ? "boolean"
                       : got.IsString() ? "string"
                       : TensorHandle::Is(got) ? "Tensor"
                       : "object";
    throw Napi::TypeError::New(env, op + ": argument '" + arg.name() + "' expects " + expected + ", got " + kind);
  }
  std::string What() const { return op + ": argument '" + arg.name() + "'"; }
};

int64_t ToInt(const Ctx& c, const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) c.Fail("an int64", v);
    return r;
  }
  if (!v.IsNumber()) c.Fail("an integer", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) c.Fail("an integer (got a non-integral number)", v);
  return static_cast<int64_t>(d);
}

double ToDouble(const Ctx& c, const Napi::Value& v) {
  if (!v.IsNumber()) c.Fail("a number", v);
  return v.As<Napi::Number>().DoubleValue();
}

bool ToBool(const Ctx& c, const Napi::Value& v) {
  if (!v.IsBoolean()) c.Fail("a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

std::string ToStr(const Ctx& c, const Napi::Value& v) {
  if (!v.IsString()) c.Fail("a string", v);
  return v.As<Napi::String>().Utf8Value();
}

c10::Layout ParseLayout(const Ctx& c, const Napi::Value& v) {
  std::string s = ToStr(c, v);
  if (s == "strided") return c10::kStrided;
  if (s == "sparse") return c10::kSparse;
  c.Fail("a layout ('strided' | 'sparse')", v);
}

c10::MemoryFormat ParseMemoryFormat(const Ctx& c, const Napi::Value& v) {
  std::string s = ToStr(c, v);
  if (s == "contiguous") return c10::MemoryFormat::Contiguous;
  if (s == "preserve") return c10::MemoryFormat::Preserve;
  if (s == "channels_last") return c10::MemoryFormat::ChannelsLast;
  c.Fail("a memory format ('contiguous' | 'preserve' | 'channels_last')", v);
}

// A JS array, or (for fixed-size lists such as int[2]) a single value to repeat.
std::vector<Napi::Value> Items(const Ctx& c, const Napi::Value& v, const std::string& expected) {
  std::vector<Napi::Value> out;
  if (v.IsArray()) {
    auto a = v.As<Napi::Array>();
    out.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i));
    return out;
  }
  auto n = c.arg.N();
  if (n && !v.IsArray() && (v.IsNumber() || v.IsBoolean() || v.IsBigInt())) {
    out.assign(*n, v);
    return out;
  }
  c.Fail(expected, v);
}

c10::IValue Convert(const Ctx& c, const Napi::Value& v, const c10::TypePtr& type);

c10::IValue ConvertList(const Ctx& c, const Napi::Value& v, const c10::TypePtr& elem) {
  switch (elem->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: {
      c10::List<int64_t> l;
      for (auto& x : Items(c, v, "an array of integers")) l.push_back(ToInt(c, x));
      return l;
    }
    case c10::TypeKind::FloatType: {
      c10::List<double> l;
      for (auto& x : Items(c, v, "an array of numbers")) l.push_back(ToDouble(c, x));
      return l;
    }
    case c10::TypeKind::BoolType: {
      c10::List<bool> l;
      for (auto& x : Items(c, v, "an array of booleans")) l.push_back(ToBool(c, x));
      return l;
    }
    case c10::TypeKind::TensorType: {
      if (!v.IsArray()) c.Fail("an array of Tensors", v);
      c10::List<at::Tensor> l;
      for (auto& x : Items(c, v, "an array of Tensors")) l.push_back(TensorHandle::Get(c.env, x, c.What()));
      return l;
    }
    case c10::TypeKind::OptionalType: {
      auto inner = elem->castRaw<c10::OptionalType>()->getElementType();
      if (inner->kind() == c10::TypeKind::TensorType) {
        if (!v.IsArray()) c.Fail("an array of Tensors or nulls", v);
        c10::List<c10::optional<at::Tensor>> l;
        for (auto& x : Items(c, v, "an array of Tensors or nulls")) {
          if (x.IsNull() || x.IsUndefined()) l.push_back(c10::nullopt);
          else l.push_back(TensorHandle::Get(c.env, x, c.What()));
        }
        return l;
      }
      break;
    }
    default:
      break;
  }
  throw Napi::TypeError::New(c.env, c.What() + " has list type " + elem->str() + "[] which the addon does not convert");
}

c10::IValue Convert(const Ctx& c, const Napi::Value& v, const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return TensorHandle::Get(c.env, v, c.What());
    case c10::TypeKind::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return Convert(c, v, type->castRaw<c10::OptionalType>()->getElementType());
    case c10::TypeKind::ListType:
      return ConvertList(c, v, type->castRaw<c10::ListType>()->getElementType());
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return ToInt(c, v);
    case c10::TypeKind::FloatType:
      return ToDouble(c, v);
    case c10::TypeKind::BoolType:
      return ToBool(c, v);
    case c10::TypeKind::NumberType: {  // at::Scalar
      if (v.IsBoolean()) return c10::IValue(v.As<Napi::Boolean>().Value());
      if (v.IsBigInt()) return c10::IValue(ToInt(c, v));
      if (!v.IsNumber()) c.Fail("a number (Scalar)", v);
      double d = v.As<Napi::Number>().DoubleValue();
      // Integral JS numbers become integer Scalars so integer tensors keep their dtype.
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0)
        return c10::IValue(static_cast<int64_t>(d));
      return c10::IValue(d);
    }
    case c10::TypeKind::StringType:
      return ToStr(c, v);
    case c10::TypeKind::ScalarTypeType:
      return static_cast<int64_t>(ParseDtype(c.env, ToStr(c, v)));
    case c10::TypeKind::LayoutType:
      return static_cast<int64_t>(ParseLayout(c, v));
    case c10::TypeKind::MemoryFormatType:
      return static_cast<int64_t>(ParseMemoryFormat(c, v));
    case c10::TypeKind::DeviceObjType:
      return ParseDevice(c.env, ToStr(c, v));
    case c10::TypeKind::GeneratorType:
      c.Fail("null (custom generators are not supported)", v);
    default:
      break;
  }
  throw Napi::TypeError::New(c.env, c.What() + " has type " + type->str() + " which the addon does not convert");
}

}  // namespace

c10::IValue ToIValue(Napi::Env env, const Napi::Value& v, const c10::Argument& arg, const std::string& op) {
  Ctx c{env, op, arg};
  return Convert(c, v, arg.real_type());
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) return TensorHandle::Wrap(env, v.toTensor());
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  if (v.isTensorList()) {
    auto l = v.toTensorList();
    auto a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); i++) a.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, l.get(i)));
    return a;
  }
  if (v.isList()) {
    auto l = v.toListRef();
    auto a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); i++) a.Set(static_cast<uint32_t>(i), FromIValue(env, l[i]));
    return a;
  }
  if (v.isTuple()) {
    auto& elems = v.toTupleRef().elements();
    auto a = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); i++) a.Set(static_cast<uint32_t>(i), FromIValue(env, elems[i]));
    return a;
  }
  throw Napi::TypeError::New(env, std::string("cannot convert an operator result of kind ") + v.tagKind() + " to JS");
}

}  // namespace pfd
