// Node-API face of the DPDK forwarder (../dpdk/fwd_dp.h). EAL lives on one dedicated native thread
// per process, created by the first start(): it initialises EAL once, then runs one forwarder at a
// time (fwd_dp_run busy-polls on it) and waits for the next start. The JS thread only enqueues
// commands, dequeues events and copies counters: it never waits for the lcore. Results that come
// later (started, failed, stopped; events) arrive through one thread-safe function. Errors are
// returned as negative errno numbers, never thrown: packages/router/src/forwarder/binding.ts is the
// one place that turns them into typed errors.
#include <napi.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fwd_dp.h"

namespace {

constexpr uint32_t kEventsPerBatch = 4096;

// What the EAL thread tells the JS thread.
struct Message {
  enum Kind { kEvents, kRunning, kFailed, kStopped } kind;
  int rc;
  std::string detail;
  fwd_dp* dp;
  explicit Message(Kind k, int r = 0, std::string d = "", fwd_dp* f = nullptr) : kind(k), rc(r), detail(std::move(d)), dp(f) {}
};

void OnMessage(Napi::Env env, Napi::Function, std::nullptr_t*, Message* m);
using Tsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Message, OnMessage>;
void Cleanup(void*);

// One start(): what to run, and the function its results go to (its own, so a start() that follows
// quickly never shares one with the run that is still winding down).
struct Job {
  std::vector<std::string> eal_args;
  fwd_dp_config config;
  Tsfn tsfn;
};

// Process-wide: EAL can be initialised once, so there is one thread and one forwarder at a time.
struct Engine {
  std::mutex mu;
  std::condition_variable cv;
  std::thread thread;
  bool exiting = false;
  std::unique_ptr<Job> job;          // the next start, taken by the thread
  fwd_dp* running = nullptr;         // the thread's forwarder, for stop at exit (under mu)
  bool eal_up = false;
  std::vector<std::string> eal_args; // what EAL was initialised with
  std::string eal_error;             // why it failed, if it did (it cannot be retried)

  // JS-thread state.
  bool busy = false;                 // a forwarder is starting, running or stopping
  napi_env hook_env = nullptr;       // where Cleanup is registered while busy
  Tsfn js_tsfn;                      // the current run's, for ref() / unref()
  fwd_dp* js_dp = nullptr;           // set by kRunning, cleared by stop(): what submit() etc. use
  Napi::FunctionReference on_events, on_state;
};

Engine* engine = nullptr;

void Post(Tsfn& tsfn, Message* m) {
  if (tsfn.NonBlockingCall(m) != napi_ok) delete m;
}

// Called on the lcore: at most once until the JS thread takes the events (fwd_dp re-arms it).
void Notify(void* opaque) { Post(*static_cast<Tsfn*>(opaque), new Message(Message::kEvents)); }

void ThreadMain() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(engine->mu);
      engine->cv.wait(lock, [] { return engine->exiting || engine->job != nullptr; });
      if (engine->exiting) return;
      job = std::move(engine->job);
    }
    char err[512] = "";
    int rc = 0;
    if (!engine->eal_up && engine->eal_error.empty()) {
      std::vector<char*> argv;
      static char program[] = "evpn6-forwarder";
      argv.push_back(program);
      for (auto& a : job->eal_args) argv.push_back(a.data());
      rc = fwd_dp_eal_init(static_cast<int>(argv.size()), argv.data(), err, sizeof err);
      if (rc == 0) {
        engine->eal_up = true;
        engine->eal_args = job->eal_args;
      } else {
        engine->eal_error = err;
      }
    } else if (!engine->eal_up) {
      rc = -EALREADY;
      snprintf(err, sizeof err, "EAL failed to initialise earlier in this process and cannot be retried: %s",
               engine->eal_error.c_str());
    } else if (job->eal_args != engine->eal_args) {
      rc = -EALREADY;
      snprintf(err, sizeof err, "EAL is initialised once per process, and it was with other arguments");
    }
    fwd_dp* dp = nullptr;
    if (rc == 0) {
      job->config.notify = Notify;
      job->config.opaque = &job->tsfn;
      dp = fwd_dp_create(&job->config, &rc, err, sizeof err);
    }
    if (dp == nullptr) {
      Post(job->tsfn, new Message(Message::kFailed, rc, err));
      job->tsfn.Release();
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(engine->mu);
      engine->running = dp;
      if (engine->exiting) fwd_dp_request_stop(dp);
    }
    Post(job->tsfn, new Message(Message::kRunning, 0, "", dp));
    fwd_dp_run(dp);
    {
      std::lock_guard<std::mutex> lock(engine->mu);
      engine->running = nullptr;
    }
    fwd_dp_destroy(dp);
    Post(job->tsfn, new Message(Message::kStopped));
    job->tsfn.Release();
  }
}

void CallState(Napi::Env env, const char* state, int rc, const std::string& detail) {
  if (engine->on_state.IsEmpty()) return;
  engine->on_state.Call({Napi::String::New(env, state), Napi::Number::New(env, rc), Napi::String::New(env, detail)});
}

void DeliverEvents(Napi::Env env) {
  static fwd_dp_event scratch[kEventsPerBatch];
  for (;;) {
    if (engine->js_dp == nullptr || engine->on_events.IsEmpty()) return;
    uint32_t n = fwd_dp_take_events(engine->js_dp, scratch, kEventsPerBatch);
    if (n == 0) return;
    auto buf = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(scratch), n * sizeof(fwd_dp_event));
    engine->on_events.Call({buf, Napi::Number::New(env, n)});
    if (n < kEventsPerBatch) return;
  }
}

void OnMessage(Napi::Env env, Napi::Function, std::nullptr_t*, Message* m) {
  std::unique_ptr<Message> msg(m);
  if (env == nullptr) return;  // the environment is going away
  Napi::HandleScope scope(env);
  switch (msg->kind) {
    case Message::kEvents:
      DeliverEvents(env);
      break;
    case Message::kRunning:
      engine->js_dp = msg->dp;
      CallState(env, "running", 0, "");
      break;
    case Message::kFailed:
    case Message::kStopped: {
      engine->busy = false;
      engine->js_dp = nullptr;
      if (engine->hook_env != nullptr) {
        napi_remove_env_cleanup_hook(engine->hook_env, Cleanup, nullptr);
        engine->hook_env = nullptr;
      }
      // Keep the callbacks alive across the call, then drop them: a stopped forwarder holds nothing.
      Napi::FunctionReference state = std::move(engine->on_state);
      engine->on_events.Reset();
      if (!state.IsEmpty())
        state.Call({Napi::String::New(env, msg->kind == Message::kFailed ? "failed" : "stopped"), Napi::Number::New(env, msg->rc),
                    Napi::String::New(env, msg->detail)});
      break;
    }
  }
}

// ---- config from JS ----

uint32_t U32(const Napi::Object& o, const char* key, uint32_t fallback = 0) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Uint32Value() : fallback;
}

bool PortConfig(const Napi::Value& v, fwd_dp_port_config* out) {
  if (!v.IsObject()) return false;
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value device = o.Get("device");
  Napi::Value tap = o.Get("tap");
  if (!device.IsString()) return false;
  std::string d = device.As<Napi::String>().Utf8Value();
  std::string t = tap.IsString() ? tap.As<Napi::String>().Utf8Value() : "";
  if (d.empty() || d.size() >= sizeof out->device || t.size() >= sizeof out->tap || t.size() > 15) return false;
  std::memcpy(out->device, d.c_str(), d.size() + 1);
  std::memcpy(out->tap, t.c_str(), t.size() + 1);
  return true;
}

int ParseConfig(const Napi::Object& o, fwd_dp_config* c) {
  std::memset(c, 0, sizeof *c);
  if (!PortConfig(o.Get("underlay"), &c->underlay)) return -EINVAL;
  Napi::Value lan = o.Get("lan");
  if (!lan.IsArray()) return -EINVAL;
  Napi::Array a = lan.As<Napi::Array>();
  if (a.Length() > FWD_DP_MAX_LAN) return -E2BIG;
  for (uint32_t i = 0; i < a.Length(); i++)
    if (!PortConfig(a.Get(i), &c->lan[i])) return -EINVAL;
  c->nlan = a.Length();
  c->core.fdb_entries = U32(o, "fdbEntries");
  c->core.max_vteps = U32(o, "maxVteps");
  c->core.max_vnis = U32(o, "maxVnis");
  c->core.fdb_age = U32(o, "fdbAgeMs");
  c->core.reasm.slots = U32(o, "reassemblySlots");
  c->core.reasm.slot_bytes = U32(o, "reassemblyBytes");
  c->core.reasm.per_source = U32(o, "reassemblyPerSource");
  c->core.reasm.timeout = U32(o, "reassemblyTimeoutMs");
  c->mbufs = U32(o, "mbufs");
  c->rx_desc = static_cast<uint16_t>(U32(o, "rxDescriptors"));
  c->tx_desc = static_cast<uint16_t>(U32(o, "txDescriptors"));
  c->idle_polls = U32(o, "idlePolls", 1000);
  c->idle_sleep_us = U32(o, "idleSleepUs");
  std::random_device rd;
  c->core.random_seed = (static_cast<uint64_t>(rd()) << 32) | rd();
  return 0;
}

// start(ealArgs, config, onEvents(buffer, count), onState(state, rc, detail)) -> 0 | -errno
Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsArray() || !info[1].IsObject() || !info[2].IsFunction() || !info[3].IsFunction())
    return Napi::Number::New(env, -EINVAL);
  if (engine->busy) return Napi::Number::New(env, -EBUSY);
  auto job = std::make_unique<Job>();
  Napi::Array args = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < args.Length(); i++) {
    Napi::Value a = args.Get(i);
    if (!a.IsString()) return Napi::Number::New(env, -EINVAL);
    job->eal_args.push_back(a.As<Napi::String>().Utf8Value());
  }
  int rc = ParseConfig(info[1].As<Napi::Object>(), &job->config);
  if (rc != 0) return Napi::Number::New(env, rc);
  job->tsfn = Tsfn::New(env, "evpn6:forwarder", 0, 1);
  engine->js_tsfn = job->tsfn;
  // Registered after the thread-safe function's own hook, so it runs first (hooks run in reverse):
  // the thread is stopped and joined before the function it posts to goes away.
  napi_add_env_cleanup_hook(env, Cleanup, nullptr);
  engine->hook_env = env;
  engine->on_events = Napi::Persistent(info[2].As<Napi::Function>());
  engine->on_state = Napi::Persistent(info[3].As<Napi::Function>());
  engine->busy = true;
  {
    std::lock_guard<std::mutex> lock(engine->mu);
    engine->job = std::move(job);
    if (!engine->thread.joinable()) engine->thread = std::thread(ThreadMain);
  }
  engine->cv.notify_one();
  return Napi::Number::New(env, 0);
}

// submit(bytes) -> commands enqueued (the rest: again later) | -errno
Napi::Value Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (engine->js_dp == nullptr) return Napi::Number::New(env, -ENOTCONN);
  if (info.Length() < 1 || !info[0].IsTypedArray()) return Napi::Number::New(env, -EINVAL);
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_uint8_array || ta.ByteLength() % sizeof(fwd_dp_cmd) != 0) return Napi::Number::New(env, -EINVAL);
  Napi::Uint8Array bytes = ta.As<Napi::Uint8Array>();
  const uint32_t n = static_cast<uint32_t>(bytes.ByteLength() / sizeof(fwd_dp_cmd));
  const uint8_t* data = bytes.Data();
  if (reinterpret_cast<uintptr_t>(data) % alignof(fwd_dp_cmd) == 0)
    return Napi::Number::New(env, fwd_dp_submit(engine->js_dp, reinterpret_cast<const fwd_dp_cmd*>(data), n));
  // The ring copies 32-bit words: realign a view that starts at an odd offset.
  std::vector<fwd_dp_cmd> copy(n);
  std::memcpy(copy.data(), data, n * sizeof(fwd_dp_cmd));
  return Napi::Number::New(env, fwd_dp_submit(engine->js_dp, copy.data(), n));
}

Napi::Object PortStats(Napi::Env env, const fwd_dp_port_stats& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("rx", static_cast<double>(p.rx));
  o.Set("tx", static_cast<double>(p.tx));
  o.Set("txDropped", static_cast<double>(p.tx_dropped));
  o.Set("toTap", static_cast<double>(p.to_tap));
  o.Set("fromTap", static_cast<double>(p.from_tap));
  o.Set("tapDropped", static_cast<double>(p.tap_dropped));
  o.Set("encapsulated", static_cast<double>(p.encapsulated));
  o.Set("delivered", static_cast<double>(p.delivered));
  o.Set("vni", static_cast<double>(p.vni));
  return o;
}

// stats() -> counters object | -ENOTCONN
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (engine->js_dp == nullptr) return Napi::Number::New(env, -ENOTCONN);
  auto s = std::make_unique<fwd_dp_stats>();
  fwd_dp_read_stats(engine->js_dp, s.get());
  Napi::Object o = Napi::Object::New(env);
  Napi::Object reasons = Napi::Object::New(env);
  for (int i = 0; i < FWD_REASON_COUNT; i++) reasons.Set(fwd_reason_name(i), static_cast<double>(s->core.reasons[i]));
  o.Set("reasons", reasons);
  const fwd_stats& c = s->core;
  o.Set("underlayRx", static_cast<double>(c.underlay_rx));
  o.Set("delivered", static_cast<double>(c.delivered));
  o.Set("exceptions", static_cast<double>(c.exceptions));
  o.Set("pending", static_cast<double>(c.pending));
  o.Set("reassembled", static_cast<double>(c.reassembled));
  o.Set("lanRx", static_cast<double>(c.lan_rx));
  o.Set("encapsulated", static_cast<double>(c.encapsulated));
  o.Set("flooded", static_cast<double>(c.flooded));
  o.Set("fragmentsOut", static_cast<double>(c.fragments_out));
  o.Set("underlay", PortStats(env, s->underlay));
  Napi::Array lan = Napi::Array::New(env, s->nlan);
  for (uint32_t i = 0; i < s->nlan; i++) lan.Set(i, PortStats(env, s->lan[i]));
  o.Set("lan", lan);
  o.Set("noMbuf", static_cast<double>(s->no_mbuf));
  o.Set("commands", static_cast<double>(s->commands));
  o.Set("commandErrors", static_cast<double>(s->command_errors));
  o.Set("eventsLost", static_cast<double>(s->events_lost));
  o.Set("polls", static_cast<double>(s->polls));
  o.Set("fdbEntries", static_cast<double>(s->fdb_entries));
  o.Set("reassemblyInFlight", static_cast<double>(s->reassembly_in_flight));
  return o;
}

// stop() -> 0 | -ENOTCONN; "stopped" follows through onState.
Napi::Value Stop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  fwd_dp* dp = engine->js_dp;
  if (dp == nullptr) return Napi::Number::New(env, -ENOTCONN);
  // Events still queued are delivered first; after this nothing touches the forwarder from JS.
  DeliverEvents(env);
  engine->js_dp = nullptr;
  fwd_dp_request_stop(dp);
  return Napi::Number::New(env, 0);
}

Napi::Value Ref(const Napi::CallbackInfo& info) {
  if (engine->busy) engine->js_tsfn.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Unref(const Napi::CallbackInfo& info) {
  if (engine->busy) engine->js_tsfn.Unref(info.Env());
  return info.Env().Undefined();
}

// At exit (or when a worker ends): stop a running forwarder and let the thread go.
void Cleanup(void*) {
  {
    std::lock_guard<std::mutex> lock(engine->mu);
    engine->exiting = true;
    if (engine->running != nullptr) fwd_dp_request_stop(engine->running);
  }
  engine->cv.notify_one();
  if (engine->thread.joinable()) engine->thread.join();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // One engine per process (EAL is): load the addon from the main thread only.
  if (engine == nullptr) engine = new Engine();
  exports.Set("abiVersion", Napi::Number::New(env, FWD_DP_ABI));
  exports.Set("commandSize", Napi::Number::New(env, sizeof(fwd_dp_cmd)));
  exports.Set("eventSize", Napi::Number::New(env, sizeof(fwd_dp_event)));
  Napi::Array names = Napi::Array::New(env, FWD_REASON_COUNT);
  for (int i = 0; i < FWD_REASON_COUNT; i++) names.Set(static_cast<uint32_t>(i), fwd_reason_name(i));
  exports.Set("reasonNames", names);
  exports.Set("start", Napi::Function::New<Start>(env, "start"));
  exports.Set("submit", Napi::Function::New<Submit>(env, "submit"));
  exports.Set("stats", Napi::Function::New<Stats>(env, "stats"));
  exports.Set("stop", Napi::Function::New<Stop>(env, "stop"));
  exports.Set("ref", Napi::Function::New<Ref>(env, "ref"));
  exports.Set("unref", Napi::Function::New<Unref>(env, "unref"));
  return exports;
}

}  // namespace

NODE_API_MODULE(evpn6_forwarder, Init)
