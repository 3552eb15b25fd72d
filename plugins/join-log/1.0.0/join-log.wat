;; Join log: the first-party sample of the wasm kind (WebAssembly text, ABI in
;; apps/plugins/sandbox/_wasm.py). on_member_joined keeps the latest join, as the host passed it
;; (the event and the gym's configuration), under the storage key "last-join"; health_ping
;; answers the health checker.
(module
  (import "gym" "host_call" (func $host_call (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  (data (i32.const 0) "{\22status\22:\22pong\22}")
  (data (i32.const 32) "storage.set")
  (data (i32.const 48) "{\22key\22:\22last-join\22,\22value\22:")
  (data (i32.const 96) "{\22stored\22:true}")
  (data (i32.const 112) "{\22stored\22:false}")

  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $p) (local.get $len)) (i32.const 7)) (i32.const -8)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (local.get $end) (i32.shl (memory.size) (i32.const 16))))
        (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
        (br $grow)))
    (global.set $heap (local.get $end))
    (local.get $p))

  ;; {"status":"pong"} at 0, 17 bytes
  (func (export "health_ping") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 17))

  ;; storage.set {"key":"last-join","value":<payload>}
  (func (export "on_member_joined") (param $ptr i32) (param $len i32) (result i64)
    (local $args i32) (local $n i32)
    (local.set $n (i32.add (i32.add (i32.const 27) (local.get $len)) (i32.const 1)))
    (local.set $args (call $alloc (local.get $n)))
    (memory.copy (local.get $args) (i32.const 48) (i32.const 27))
    (memory.copy (i32.add (local.get $args) (i32.const 27)) (local.get $ptr) (local.get $len))
    (i32.store8 (i32.add (i32.add (local.get $args) (i32.const 27)) (local.get $len)) (i32.const 125))
    (if (i64.lt_s (call $host_call (i32.const 32) (i32.const 11) (local.get $args) (local.get $n)) (i64.const 0))
      (then (return (i64.or (i64.shl (i64.const 112) (i64.const 32)) (i64.const 16)))))
    (i64.or (i64.shl (i64.const 96) (i64.const 32)) (i64.const 15)))
)
