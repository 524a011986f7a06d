// Process groups on libtorch's c10d: rendezvous through a TCPStore, collectives
// through ProcessGroupGloo (CPU tensors; the engine behind PyTorch's DDP on CPU).
//
// JS surface (src/dist/process_group.ts wraps it):
//   const pg = new ProcessGroup();
//   await pg.connect(host, port, rank, worldSize, timeoutMs)   // blocking parts run off the event loop
//   const w = pg.allReduce(t) | pg.broadcast(t, root) | pg.barrier()   // start a collective -> Work
//   w.wait()          // blocks this thread until done (the training step is synchronous anyway)
//   await w.promise() // waits on a libuv worker thread instead
//   pg.close()
// Every error becomes a JS Error that starts with "rank R:" (R = this process's rank).
#include "common.h"
#include "tensor_handle.h"

// Debian and official builds compile c10d with Gloo; the header hides it behind this macro.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>

#include <chrono>
#include <memory>

namespace pfd {
namespace {

using Ms = std::chrono::milliseconds;

std::string Describe(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

// One started collective. Holds its tensors so that a JS free() cannot release
// memory the collective still writes into.
class WorkHandle : public Napi::ObjectWrap<WorkHandle> {
 public:
  static Napi::FunctionReference ctor;
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "Work", {InstanceMethod("wait", &WorkHandle::Wait), InstanceMethod("promise", &WorkHandle::Promise)});
    ctor = Napi::Persistent(f);
    exports.Set("Work", f);
  }
  static Napi::Object New(Napi::Env env, c10::intrusive_ptr<c10d::Work> work, std::vector<at::Tensor> tensors, std::string what) {
    Napi::Object o = ctor.New({});
    WorkHandle* h = Unwrap(o);
    h->work_ = std::move(work);
    h->tensors_ = std::move(tensors);
    h->what_ = std::move(what);
    return o;
  }
  explicit WorkHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<WorkHandle>(info) {}

  // Runs on any thread: waits, and returns the error text ("" when it succeeded).
  std::string WaitNoThrow() {
    if (!work_) return what_ + ": this work was already waited for";
    try {
      work_->wait();
    } catch (...) {
      return what_ + " failed: " + Describe(std::current_exception());
    }
    return "";
  }
  void Release() {
    work_.reset();
    tensors_.clear();
  }

 private:
  Napi::Value Wait(const Napi::CallbackInfo& info) {
    std::string err = WaitNoThrow();
    Release();
    if (!err.empty()) throw Napi::Error::New(info.Env(), err);
    return info.Env().Undefined();
  }
  Napi::Value Promise(const Napi::CallbackInfo& info);

  c10::intrusive_ptr<c10d::Work> work_;
  std::vector<at::Tensor> tensors_;
  std::string what_;
};
Napi::FunctionReference WorkHandle::ctor;

// Waits for a Work on a libuv worker thread and settles a promise.
class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, WorkHandle* work, Napi::Object keep)
      : Napi::AsyncWorker(env), work_(work), deferred_(Napi::Promise::Deferred::New(env)) {
    keep_ = Napi::Persistent(keep);  // the JS Work object stays alive until the wait ends
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { err_ = work_->WaitNoThrow(); }
  void OnOK() override {
    work_->Release();
    if (err_.empty()) deferred_.Resolve(Env().Undefined());
    else deferred_.Reject(Napi::Error::New(Env(), err_).Value());
  }

 private:
  WorkHandle* work_;
  Napi::ObjectReference keep_;
  Napi::Promise::Deferred deferred_;
  std::string err_;
};

Napi::Value WorkHandle::Promise(const Napi::CallbackInfo& info) {
  auto* w = new WaitWorker(info.Env(), this, Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

class ProcessGroupHandle;

// The rendezvous (TCPStore, then Gloo's pairwise connections) blocks until every
// rank has arrived: it runs on a worker thread.
class ConnectWorker : public Napi::AsyncWorker {
 public:
  ConnectWorker(Napi::Env env, ProcessGroupHandle* pg, Napi::Object keep, std::string host, int port, int rank, int size, int64_t timeoutMs)
      : Napi::AsyncWorker(env), pg_(pg), deferred_(Napi::Promise::Deferred::New(env)), host_(std::move(host)), port_(port), rank_(rank), size_(size), timeoutMs_(timeoutMs) {
    keep_ = Napi::Persistent(keep);
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override;
  void OnOK() override;

 private:
  ProcessGroupHandle* pg_;
  Napi::ObjectReference keep_;
  Napi::Promise::Deferred deferred_;
  std::string host_;
  int port_, rank_, size_;
  int64_t timeoutMs_;
  std::string err_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

class ProcessGroupHandle : public Napi::ObjectWrap<ProcessGroupHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "ProcessGroup",
                                   {InstanceMethod("connect", &ProcessGroupHandle::Connect), InstanceMethod("allReduce", &ProcessGroupHandle::AllReduce),
                                    InstanceMethod("broadcast", &ProcessGroupHandle::Broadcast), InstanceMethod("barrier", &ProcessGroupHandle::Barrier),
                                    InstanceMethod("storeSet", &ProcessGroupHandle::StoreSet), InstanceMethod("storeGet", &ProcessGroupHandle::StoreGet),
                                    InstanceMethod("storeCheck", &ProcessGroupHandle::StoreCheck),
                                    InstanceMethod("close", &ProcessGroupHandle::Close)});
    exports.Set("ProcessGroup", f);
  }
  explicit ProcessGroupHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProcessGroupHandle>(info) {}

  void Attach(c10::intrusive_ptr<c10d::Store> store, c10::intrusive_ptr<c10d::ProcessGroupGloo> group, int rank, int size) {
    store_ = std::move(store);
    group_ = std::move(group);
    rank_ = rank;
    size_ = size;
  }
  std::string Prefix() const { return "rank " + std::to_string(rank_) + ": "; }

 private:
  // connect(host, port, rank, worldSize, timeoutMs) -> Promise<void>
  Napi::Value Connect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (group_ || connecting_) throw Napi::Error::New(env, "ProcessGroup.connect: already connected");
    if (info.Length() < 5 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsNumber())
      throw Napi::TypeError::New(env, "ProcessGroup.connect(host: string, port: number, rank: number, worldSize: number, timeoutMs: number)");
    int port = info[1].As<Napi::Number>().Int32Value(), rank = info[2].As<Napi::Number>().Int32Value(), size = info[3].As<Napi::Number>().Int32Value();
    int64_t timeoutMs = info[4].As<Napi::Number>().Int64Value();
    if (port < 1 || port > 65535) throw Napi::RangeError::New(env, "ProcessGroup.connect: port must be 1-65535, got " + std::to_string(port));
    if (size < 1 || rank < 0 || rank >= size) throw Napi::RangeError::New(env, "ProcessGroup.connect: need 0 <= rank < worldSize, got rank " + std::to_string(rank) + " of " + std::to_string(size));
    if (timeoutMs < 1) throw Napi::RangeError::New(env, "ProcessGroup.connect: timeoutMs must be positive");
    rank_ = rank;
    connecting_ = true;
    auto* w = new ConnectWorker(env, this, Value(), info[0].As<Napi::String>(), port, rank, size, timeoutMs);
    Napi::Promise p = w->Promise();
    w->Queue();
    return p;
  }
  friend class ConnectWorker;

  c10d::ProcessGroupGloo& Group(Napi::Env env, const char* fn) {
    if (!group_) throw Napi::Error::New(env, std::string("ProcessGroup.") + fn + ": not connected (call connect first, or it was closed)");
    return *group_;
  }
  at::Tensor CpuArg(Napi::Env env, const Napi::Value& v, const char* fn) {
    const at::Tensor& t = TensorHandle::Get(env, v, std::string("ProcessGroup.") + fn + ": tensor");
    if (!t.device().is_cpu()) throw Napi::TypeError::New(env, std::string("ProcessGroup.") + fn + ": the Gloo backend takes CPU tensors, got one on " + t.device().str());
    if (!t.is_contiguous()) throw Napi::TypeError::New(env, std::string("ProcessGroup.") + fn + ": the tensor must be contiguous");
    return t;
  }
  template <typename F>
  Napi::Value Start(Napi::Env env, const char* fn, F&& body) {
    try {
      return body();
    } catch (const Napi::Error&) {
      throw;
    } catch (...) {
      throw Napi::Error::New(env, Prefix() + fn + " failed: " + Describe(std::current_exception()));
    }
  }

  // allReduce(tensor) -> Work: the elementwise sum over ranks, in place.
  Napi::Value AllReduce(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto& g = Group(env, "allReduce");
    at::Tensor t = CpuArg(env, info[0], "allReduce");
    return Start(env, "allReduce", [&]() -> Napi::Value {
      std::vector<at::Tensor> ts{t};
      auto work = g.allreduce(ts, c10d::AllreduceOptions());
      return WorkHandle::New(env, work, ts, Prefix() + "allReduce");
    });
  }
  // broadcast(tensor, root) -> Work: every rank's tensor becomes root's, in place.
  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto& g = Group(env, "broadcast");
    at::Tensor t = CpuArg(env, info[0], "broadcast");
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "ProcessGroup.broadcast: root must be a rank number");
    int root = info[1].As<Napi::Number>().Int32Value();
    if (root < 0 || root >= size_) throw Napi::RangeError::New(env, "ProcessGroup.broadcast: root " + std::to_string(root) + " is not a rank of " + std::to_string(size_));
    return Start(env, "broadcast", [&]() -> Napi::Value {
      std::vector<at::Tensor> ts{t};
      c10d::BroadcastOptions o;
      o.rootRank = root;
      auto work = g.broadcast(ts, o);
      return WorkHandle::New(env, work, ts, Prefix() + "broadcast");
    });
  }
  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto& g = Group(env, "barrier");
    return Start(env, "barrier", [&]() -> Napi::Value { return WorkHandle::New(env, g.barrier(c10d::BarrierOptions()), {}, Prefix() + "barrier"); });
  }
  // storeSet(key, value) / storeGet(key) -> string: small strings through the rendezvous store.
  Napi::Value StoreSet(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!store_) throw Napi::Error::New(env, "ProcessGroup.storeSet: not connected");
    std::string k = info[0].As<Napi::String>(), v = info[1].As<Napi::String>();
    try {
      store_->set(k, std::vector<uint8_t>(v.begin(), v.end()));
    } catch (...) {
      throw Napi::Error::New(env, Prefix() + "store set '" + k + "' failed: " + Describe(std::current_exception()));
    }
    return env.Undefined();
  }
  Napi::Value StoreGet(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!store_) throw Napi::Error::New(env, "ProcessGroup.storeGet: not connected");
    std::string k = info[0].As<Napi::String>();
    try {
      auto v = store_->get(k);
      return Napi::String::New(env, std::string(v.begin(), v.end()));
    } catch (...) {
      throw Napi::Error::New(env, Prefix() + "store get '" + k + "' failed: " + Describe(std::current_exception()));
    }
  }
  // storeCheck(keys) -> whether every key is set (does not wait).
  Napi::Value StoreCheck(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!store_) throw Napi::Error::New(env, "ProcessGroup.storeCheck: not connected");
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "ProcessGroup.storeCheck: keys must be an array of strings");
    auto a = info[0].As<Napi::Array>();
    std::vector<std::string> keys;
    for (uint32_t i = 0; i < a.Length(); i++) keys.push_back(a.Get(i).As<Napi::String>());
    try {
      return Napi::Boolean::New(env, store_->check(keys));
    } catch (...) {
      throw Napi::Error::New(env, Prefix() + "store check failed: " + Describe(std::current_exception()));
    }
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    group_.reset();
    store_.reset();
    return info.Env().Undefined();
  }

  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  int rank_ = -1, size_ = 0;
  bool connecting_ = false;
};

void ConnectWorker::Execute() {
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(port_);
    so.isServer = rank_ == 0;
    so.numWorkers = static_cast<size_t>(size_);
    so.waitWorkers = true;
    so.timeout = Ms(timeoutMs_);
    auto tcp = c10::make_intrusive<c10d::TCPStore>(host_, so);
    store_ = c10::make_intrusive<c10d::PrefixStore>("pfd", tcp);
    auto opts = c10d::ProcessGroupGloo::Options::create(Ms(timeoutMs_));
    // GLOO_SOCKET_IFNAME picks the interface, as in PyTorch; otherwise the address that
    // reaches the master (loopback for a one-machine job).
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    if (ifname && *ifname) opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (host_ == "127.0.0.1" || host_ == "localhost") opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    opts->threads = 2;
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, rank_, size_, opts);
  } catch (...) {
    err_ = "rank " + std::to_string(rank_) + ": rendezvous at " + host_ + ":" + std::to_string(port_) + " (world size " + std::to_string(size_) +
           ", timeout " + std::to_string(timeoutMs_) + " ms) failed: " + Describe(std::current_exception());
  }
}

void ConnectWorker::OnOK() {
  pg_->connecting_ = false;
  if (!err_.empty()) {
    deferred_.Reject(Napi::Error::New(Env(), err_).Value());
    return;
  }
  pg_->Attach(store_, group_, rank_, size_);
  deferred_.Resolve(Env().Undefined());
}

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) {
  WorkHandle::Init(env, exports);
  ProcessGroupHandle::Init(env, exports);
}

}  // namespace pfd
