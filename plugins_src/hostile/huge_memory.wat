;; Asks for 4 GiB of linear memory up front (the containment suite expects it refused).
(module
  (memory (export "memory") 65536)
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "ok") (param i32 i32) (result i64) (i64.const 0)))
