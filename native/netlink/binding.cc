// Node-API face of nl_socket.c: one object per netlink socket, readiness from libuv (uv_poll)
// on the Node event loop, received datagrams handed to JavaScript in batches. Errors are returned
// as negative errno numbers and never thrown here: packages/router/src/netlink/binding.ts is the
// one place that turns them into typed errors.
#include <napi.h>
#include <uv.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "nl_socket.h"

namespace {

constexpr size_t kBatchBytes = 512 * 1024 + EVPN6_NL_MAX_DATAGRAM;
constexpr unsigned kBatchDatagrams = 256;
// Drains per readiness callback before yielding to the rest of the event loop.
constexpr int kDrainsPerWakeup = 4;

class NetlinkHandle : public Napi::ObjectWrap<NetlinkHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NetlinkHandle",
                       {
                           InstanceMethod<&NetlinkHandle::Join>("join"),
                           InstanceMethod<&NetlinkHandle::Leave>("leave"),
                           InstanceMethod<&NetlinkHandle::Send>("send"),
                           InstanceMethod<&NetlinkHandle::Ref>("ref"),
                           InstanceMethod<&NetlinkHandle::Unref>("unref"),
                           InstanceMethod<&NetlinkHandle::Close>("close"),
                           InstanceAccessor<&NetlinkHandle::PortId>("portId"),
                           InstanceAccessor<&NetlinkHandle::Closed>("closed"),
                       });
  }

  explicit NetlinkHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetlinkHandle>(info) {
    sock_.fd = -1;
    sock_.port_id = 0;
  }

  ~NetlinkHandle() override { Shutdown(); }

  // Returns 0 or -errno; on success the socket is open, polled and keeps its JS object alive.
  int Start(Napi::Env env, int protocol, int rcvbuf, Napi::Function on_batch, Napi::Function on_overrun,
            Napi::Function on_error) {
    int rc = evpn6_nl_open(&sock_, protocol, rcvbuf);
    if (rc < 0) return rc;
    buffer_.reset(static_cast<uint8_t*>(std::malloc(kBatchBytes)));
    if (!buffer_) {
      evpn6_nl_close(&sock_);
      return -ENOMEM;
    }
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      evpn6_nl_close(&sock_);
      return -EINVAL;
    }
    poll_ = new uv_poll_t;
    rc = uv_poll_init(loop, poll_, sock_.fd);
    if (rc < 0) {
      delete poll_;
      poll_ = nullptr;
      evpn6_nl_close(&sock_);
      return rc;  // libuv codes are -errno on Unix
    }
    poll_->data = this;
    rc = uv_poll_start(poll_, UV_READABLE, &NetlinkHandle::OnReadable);
    if (rc < 0) {
      Shutdown();
      return rc;
    }
    on_batch_ = Napi::Persistent(on_batch);
    on_overrun_ = Napi::Persistent(on_overrun);
    on_error_ = Napi::Persistent(on_error);
    async_context_ = std::make_unique<Napi::AsyncContext>(env, "evpn6:netlink");
    napi_add_env_cleanup_hook(env, &NetlinkHandle::OnEnvCleanup, this);
    cleanup_hook_ = true;
    // An open socket is owned by its event source, like a net.Socket: no GC while open.
    Napi::ObjectWrap<NetlinkHandle>::Ref();
    self_referenced_ = true;
    return 0;
  }

 private:
  Napi::Value Join(const Napi::CallbackInfo& info) { return Membership(info, true); }
  Napi::Value Leave(const Napi::CallbackInfo& info) { return Membership(info, false); }

  Napi::Value Membership(const Napi::CallbackInfo& info, bool join) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) return Napi::Number::New(env, -EINVAL);
    unsigned group = info[0].As<Napi::Number>().Uint32Value();
    int rc = join ? evpn6_nl_join(&sock_, group) : evpn6_nl_leave(&sock_, group);
    return Napi::Number::New(env, rc);
  }

  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray()) return Napi::Number::New(env, -EINVAL);
    Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
    if (ta.TypedArrayType() != napi_uint8_array) return Napi::Number::New(env, -EINVAL);
    Napi::Uint8Array bytes = ta.As<Napi::Uint8Array>();
    ssize_t n = evpn6_nl_send(&sock_, bytes.Data(), bytes.ByteLength());
    return Napi::Number::New(env, static_cast<double>(n));
  }

  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  Napi::Value PortId(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), sock_.port_id); }

  Napi::Value Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), sock_.fd < 0); }

  // Stops polling, closes the fd and drops every reference, so nothing keeps the loop alive.
  void Shutdown() {
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      poll_->data = nullptr;
      // The handle outlives this object until libuv's close callback.
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      poll_ = nullptr;
    }
    evpn6_nl_close(&sock_);
    if (cleanup_hook_) {
      napi_remove_env_cleanup_hook(Env(), &NetlinkHandle::OnEnvCleanup, this);
      cleanup_hook_ = false;
    }
    on_batch_.Reset();
    on_overrun_.Reset();
    on_error_.Reset();
    async_context_.reset();
    buffer_.reset();
    if (self_referenced_) {
      self_referenced_ = false;
      Napi::ObjectWrap<NetlinkHandle>::Unref();
    }
  }

  static void OnEnvCleanup(void* arg) {
    auto* self = static_cast<NetlinkHandle*>(arg);
    self->cleanup_hook_ = false;  // the hook is being run; removing it now is not allowed
    self->Shutdown();
  }

  bool Open() const { return sock_.fd >= 0 && poll_ != nullptr; }

  // Calls a JS callback as a top-level event; an exception goes to process 'uncaughtException'.
  void Emit(Napi::FunctionReference& fn, std::initializer_list<napi_value> args) {
    Napi::Env env = Env();
    if (fn.IsEmpty()) return;
    fn.MakeCallback(Value(), args, *async_context_);
    if (env.IsExceptionPending()) {
      Napi::Error e = env.GetAndClearPendingException();
      napi_fatal_exception(env, e.Value());
    }
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<NetlinkHandle*>(handle->data);
    if (self == nullptr) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    if (status < 0) {
      // libuv reports EPOLLERR as UV_EBADF and stops the handle. On a netlink socket that error
      // is the socket's pending sk_err, in practice ENOBUFS: take it, report it, poll again.
      int err = evpn6_nl_take_error(&self->sock_);
      if (err == ENOBUFS) {
        self->Emit(self->on_overrun_, {});
      } else if (err != 0) {
        self->Emit(self->on_error_, {Napi::Number::New(env, err)});
      }
      if (!self->Open()) return;
      int rc = uv_poll_start(self->poll_, UV_READABLE, &NetlinkHandle::OnReadable);
      if (rc < 0) {
        self->Emit(self->on_error_, {Napi::Number::New(env, -rc)});
        return;
      }
    }
    uint32_t starts[kBatchDatagrams];
    uint32_t ends[kBatchDatagrams];
    for (int round = 0; round < kDrainsPerWakeup && self->Open(); round++) {
      evpn6_nl_batch batch;
      evpn6_nl_receive(&self->sock_, self->buffer_.get(), kBatchBytes, starts, ends, kBatchDatagrams, &batch);
      if (batch.count > 0) {
        Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, self->buffer_.get(), batch.used);
        Napi::Uint32Array s = Napi::Uint32Array::New(env, batch.count);
        Napi::Uint32Array e = Napi::Uint32Array::New(env, batch.count);
        for (unsigned i = 0; i < batch.count; i++) {
          s[i] = starts[i];
          e[i] = ends[i];
        }
        self->Emit(self->on_batch_, {data, s, e});
      }
      // Reported after the datagrams that arrived before the loss was noticed.
      if (batch.overrun && self->Open()) self->Emit(self->on_overrun_, {});
      if (batch.error != 0 && self->Open()) {
        self->Emit(self->on_error_, {Napi::Number::New(env, -batch.error)});
        break;
      }
      if (batch.would_block) break;
    }
  }

  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  evpn6_nl_socket sock_;
  uv_poll_t* poll_ = nullptr;
  std::unique_ptr<uint8_t, FreeDeleter> buffer_;
  Napi::FunctionReference on_batch_;
  Napi::FunctionReference on_overrun_;
  Napi::FunctionReference on_error_;
  std::unique_ptr<Napi::AsyncContext> async_context_;
  bool cleanup_hook_ = false;
  bool self_referenced_ = false;
};

struct AddonData {
  Napi::FunctionReference handle_class;
};

// open(protocol, rcvbufBytes, onBatch, onOverrun, onError) -> handle | -errno
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsFunction() ||
      !info[3].IsFunction() || !info[4].IsFunction()) {
    return Napi::Number::New(env, -EINVAL);
  }
  auto* data = env.GetInstanceData<AddonData>();
  Napi::Object obj = data->handle_class.New({});
  if (env.IsExceptionPending()) return env.Undefined();
  NetlinkHandle* handle = NetlinkHandle::Unwrap(obj);
  int rc = handle->Start(env, info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                         info[2].As<Napi::Function>(), info[3].As<Napi::Function>(), info[4].As<Napi::Function>());
  if (rc < 0) return Napi::Number::New(env, rc);
  return obj;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->handle_class = Napi::Persistent(NetlinkHandle::Define(env));
  env.SetInstanceData<AddonData>(data);
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(evpn6_netlink, Init)
