;; Badges for streaks and personal records (first-party sample plugin, WebAssembly text).
;; Same rules, validation and host calls as plugin.py and badges.js; see plugin.py for the spec.
;; The host passes canonical JSON (sorted keys, no spaces), so each event object holds exactly
;; the keys day, exercise, load_g, reps in that order, each a non-negative integer.
(module
  (import "gym" "host_call" (func $host_call (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 8)

  ;; 0..1023 constants, 1024..1055 the current event's four values,
  ;; 65536..196607 a bitmap of days, 196608..229375 best load per exercise (i64),
  ;; 229376..233471 "exercise seen" flags, 262144.. heap.
  (global $heap (mut i32) (i32.const 262144))
  (global $out (mut i32) (i32.const 0))
  (global $num (mut i64) (i64.const 0))

  (data (i32.const 0) "\22events\22:[")
  (data (i32.const 16) "day")
  (data (i32.const 24) "exercise")
  (data (i32.const 40) "load_g")
  (data (i32.const 48) "reps")
  (data (i32.const 64) "badges.award")
  (data (i32.const 80) "{\22badge\22:\22streak-3\22}")
  (data (i32.const 112) "{\22badge\22:\22streak-7\22}")
  (data (i32.const 144) "{\22badge\22:\22streak-30\22}")
  (data (i32.const 176) "{\22badge\22:\22first-pr\22}")
  (data (i32.const 208) "{\22badge\22:\22pr-10\22}")
  (data (i32.const 240) "{\22badges\22:[")
  (data (i32.const 256) "],\22longest_streak\22:")
  (data (i32.const 288) ",\22personal_records\22:")
  ;; key table: (offset, length) pairs as i32, and the exclusive upper bound of each value as i64
  (data (i32.const 320) "\10\00\00\00\03\00\00\00\18\00\00\00\08\00\00\00\28\00\00\00\06\00\00\00\30\00\00\00\04\00\00\00")
  (data (i32.const 352) "\00\00\10\00\00\00\00\00\00\10\00\00\00\00\00\00\00\10\a5\d4\e8\00\00\00\40\42\0f\00\00\00\00\00")

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

  (func $eq (param $a i32) (param $b i32) (param $len i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func $is_digit (param $c i32) (result i32)
    (i32.and (i32.ge_u (local.get $c) (i32.const 48)) (i32.le_u (local.get $c) (i32.const 57))))

  ;; Reads the digits at $p into $num (at most 15 of them); returns the position after them.
  (func $parse_int (param $p i32) (result i32)
    (local $count i32)
    (global.set $num (i64.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (call $is_digit (i32.load8_u (local.get $p)))))
        (global.set $num (i64.add (i64.mul (global.get $num) (i64.const 10))
                                  (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (if (i32.gt_u (local.get $count) (i32.const 15)) (then unreachable))
        (br $next)))
    (local.get $p))

  (func $emit (param $src i32) (param $len i32)
    (memory.copy (global.get $out) (local.get $src) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))

  (func $emit_int (param $v i32)
    (local $tmp i32) (local $n i32)
    (local.set $tmp (i32.add (global.get $out) (i32.const 64)))
    (loop $next
      (i32.store8 (i32.sub (local.get $tmp) (local.get $n))
                  (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $next (i32.ne (local.get $v) (i32.const 0))))
    (call $emit (i32.sub (local.get $tmp) (i32.sub (local.get $n) (i32.const 1))) (local.get $n)))

  ;; Appends the badge (its award JSON at $award, $len bytes) to the output and tells the host.
  (func $badge (param $award i32) (param $len i32) (param $first i32)
    (if (i32.eqz (local.get $first)) (then (i32.store8 (global.get $out) (i32.const 44))
                                          (global.set $out (i32.add (global.get $out) (i32.const 1)))))
    (call $emit (i32.add (local.get $award) (i32.const 9)) (i32.sub (local.get $len) (i32.const 10)))
    (if (i64.lt_s (call $host_call (i32.const 64) (i32.const 12) (local.get $award) (local.get $len)) (i64.const 0))
      (then unreachable)))

  (func $evaluate (export "badges.evaluate") (param $ptr i32) (param $len i32) (result i64)
    (local $end i32) (local $p i32) (local $c i32) (local $depth i32) (local $k i32) (local $q i32)
    (local $day i32) (local $ex i32) (local $load i64) (local $count i32)
    (local $min i32) (local $max i32) (local $records i32) (local $longest i32) (local $run i32)
    (local $first i32) (local $start i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    ;; The tables start zeroed: the host instantiates the module afresh for every call.
    ;; find the top-level key "events" whose value is an array
    (local.set $p (local.get $ptr))
    (block $found
      (loop $scan
        (if (i32.ge_u (local.get $p) (local.get $end)) (then unreachable))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 34))
          (then
            (if (i32.and (i32.eq (local.get $depth) (i32.const 1))
                         (call $eq (local.get $p) (i32.const 0) (i32.const 10)))
              (then (local.set $p (i32.add (local.get $p) (i32.const 10))) (br $found)))
            ;; skip the string
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (block $closed
              (loop $in_string
                (if (i32.ge_u (local.get $p) (local.get $end)) (then unreachable))
                (local.set $c (i32.load8_u (local.get $p)))
                (br_if $closed (i32.eq (local.get $c) (i32.const 34)))
                (if (i32.eq (local.get $c) (i32.const 92)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $in_string)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $scan)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
          (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
        (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
          (then (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $scan)))
    ;; the events
    (block $events_done
      (loop $next_event
        (if (i32.ge_u (local.get $p) (local.get $end)) (then unreachable))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $events_done (i32.eq (local.get $c) (i32.const 93)))
        (if (i32.eq (local.get $c) (i32.const 44))
          (then (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $next_event)))
        (if (i32.ne (local.get $c) (i32.const 123)) (then unreachable))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $k (i32.const 0))
        (block $object_done
          (loop $next_key
            (if (i32.ge_u (local.get $p) (local.get $end)) (then unreachable))
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i32.eq (local.get $c) (i32.const 125))
              (then (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $object_done)))
            (if (i32.eq (local.get $c) (i32.const 44))
              (then (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $next_key)))
            (if (i32.or (i32.ne (local.get $c) (i32.const 34)) (i32.ge_u (local.get $k) (i32.const 4)))
              (then unreachable))
            ;; the key must be the k-th expected one, followed by a closing quote and a colon
            (local.set $q (i32.load (i32.add (i32.const 324) (i32.shl (local.get $k) (i32.const 3)))))
            (if (i32.gt_u (i32.add (i32.add (local.get $p) (local.get $q)) (i32.const 3)) (local.get $end))
              (then unreachable))
            (if (i32.eqz (call $eq (i32.add (local.get $p) (i32.const 1))
                                   (i32.load (i32.add (i32.const 320) (i32.shl (local.get $k) (i32.const 3))))
                                   (local.get $q)))
              (then unreachable))
            (local.set $p (i32.add (i32.add (local.get $p) (local.get $q)) (i32.const 1)))
            (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 34)) (then unreachable))
            (if (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 58)) (then unreachable))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (if (i32.eqz (call $is_digit (i32.load8_u (local.get $p)))) (then unreachable))
            (local.set $p (call $parse_int (local.get $p)))
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i32.and (i32.ne (local.get $c) (i32.const 44)) (i32.ne (local.get $c) (i32.const 125)))
              (then unreachable))
            (if (i64.ge_u (global.get $num) (i64.load (i32.add (i32.const 352) (i32.shl (local.get $k) (i32.const 3)))))
              (then unreachable))
            (i64.store (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 3))) (global.get $num))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $next_key)))
        (if (i32.ne (local.get $k) (i32.const 4)) (then unreachable))
        (local.set $day (i32.wrap_i64 (i64.load (i32.const 1024))))
        (local.set $ex (i32.wrap_i64 (i64.load (i32.const 1032))))
        (local.set $load (i64.load (i32.const 1040)))
        ;; the day joins the streak bitmap
        (i32.store8 (i32.add (i32.const 65536) (i32.shr_u (local.get $day) (i32.const 3)))
                    (i32.or (i32.load8_u (i32.add (i32.const 65536) (i32.shr_u (local.get $day) (i32.const 3))))
                            (i32.shl (i32.const 1) (i32.and (local.get $day) (i32.const 7)))))
        (if (i32.or (i32.eqz (local.get $count)) (i32.lt_u (local.get $day) (local.get $min)))
          (then (local.set $min (local.get $day))))
        (if (i32.or (i32.eqz (local.get $count)) (i32.gt_u (local.get $day) (local.get $max)))
          (then (local.set $max (local.get $day))))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        ;; personal records
        (if (i32.load8_u (i32.add (i32.const 229376) (local.get $ex)))
          (then
            (if (i64.gt_u (local.get $load) (i64.load (i32.add (i32.const 196608) (i32.shl (local.get $ex) (i32.const 3)))))
              (then
                (local.set $records (i32.add (local.get $records) (i32.const 1)))
                (i64.store (i32.add (i32.const 196608) (i32.shl (local.get $ex) (i32.const 3))) (local.get $load)))))
          (else
            (i32.store8 (i32.add (i32.const 229376) (local.get $ex)) (i32.const 1))
            (i64.store (i32.add (i32.const 196608) (i32.shl (local.get $ex) (i32.const 3))) (local.get $load))))
        (br $next_event)))
    ;; longest run of consecutive days
    (if (local.get $count)
      (then
        (local.set $p (local.get $min))
        (block $streak_done
          (loop $next_day
            (br_if $streak_done (i32.gt_u (local.get $p) (local.get $max)))
            (if (i32.and (i32.load8_u (i32.add (i32.const 65536) (i32.shr_u (local.get $p) (i32.const 3))))
                         (i32.shl (i32.const 1) (i32.and (local.get $p) (i32.const 7))))
              (then
                (local.set $run (i32.add (local.get $run) (i32.const 1)))
                (if (i32.gt_u (local.get $run) (local.get $longest)) (then (local.set $longest (local.get $run)))))
              (else (local.set $run (i32.const 0))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $next_day)))))
    ;; the answer
    (local.set $start (call $alloc (i32.const 512)))
    (global.set $out (local.get $start))
    (call $emit (i32.const 240) (i32.const 11))
    (local.set $first (i32.const 1))
    (if (i32.ge_u (local.get $longest) (i32.const 3))
      (then (call $badge (i32.const 80) (i32.const 20) (local.get $first)) (local.set $first (i32.const 0))))
    (if (i32.ge_u (local.get $longest) (i32.const 7))
      (then (call $badge (i32.const 112) (i32.const 20) (local.get $first)) (local.set $first (i32.const 0))))
    (if (i32.ge_u (local.get $longest) (i32.const 30))
      (then (call $badge (i32.const 144) (i32.const 21) (local.get $first)) (local.set $first (i32.const 0))))
    (if (i32.ge_u (local.get $records) (i32.const 1))
      (then (call $badge (i32.const 176) (i32.const 20) (local.get $first)) (local.set $first (i32.const 0))))
    (if (i32.ge_u (local.get $records) (i32.const 10))
      (then (call $badge (i32.const 208) (i32.const 17) (local.get $first)) (local.set $first (i32.const 0))))
    (call $emit (i32.const 256) (i32.const 19))
    (call $emit_int (local.get $longest))
    (call $emit (i32.const 288) (i32.const 20))
    (call $emit_int (local.get $records))
    (i32.store8 (global.get $out) (i32.const 125))
    (global.set $out (i32.add (global.get $out) (i32.const 1)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $start)) (i64.const 32))
            (i64.extend_i32_u (i32.sub (global.get $out) (local.get $start))))))
