;; A hostile wasm plugin for the containment suite (apps/plugins/tests/sandbox).
(module
  (import "gym" "host_call" (func $host_call (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 0) "db.query")
  (data (i32.const 16) "{}")
  (data (i32.const 32) "{\22pong\22:1}")

  (func (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (global.get $heap) (i32.shl (memory.size) (i32.const 16))))
        (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
        (br $grow)))
    (local.get $p))

  (func (export "ok") (param i32 i32) (result i64)
    (i64.const 137438953482)) ;; {"pong":1} at 32, 10 bytes

  (func (export "spin") (param i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))

  (func (export "grow") (param i32 i32) (result i64)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable)

  (func (export "call_unknown") (param i32 i32) (result i64)
    (if (i64.lt_s (call $host_call (i32.const 0) (i32.const 8) (i32.const 16) (i32.const 2)) (i64.const 0))
      (then unreachable))
    (i64.const 137438953482))

  (func (export "forge_pointer") (param i32 i32) (result i64)
    (drop (call $host_call (i32.const 0) (i32.const 8) (i32.const -16) (i32.const 4096)))
    (i64.const 137438953482))

  (func (export "forge_result") (param i32 i32) (result i64)
    ;; claims a result far outside memory
    (i64.const 0x7fff000000001000))

  (func (export "not_json") (param i32 i32) (result i64)
    ;; points at "db.query", which is not JSON
    (i64.const 8)))
