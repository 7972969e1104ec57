;; WebAssembly SIMD kernels of @x/microstructure's batch functions (multiLevelOfiBatch in depth
;; mode, depthImbalanceBatch without distance decay). Built into src/internal/batch-wasm-binary.ts
;; by wasm/build.mjs (wabt). Pointers are byte offsets into the imported memory; counts are in
;; float64 elements. The kernels compute exactly what the JavaScript kernels compute: the same
;; float64 operations in the same order (no FMA, sums level by level), so results are bit-identical.
(module
  (import "env" "memory" (memory 1))

  ;; Multi-level OFI rows, depth mode, the book rule of internal/book.ts. Each input region holds
  ;; the previous accepted row at row 0 and the chunk's rows at rows 1..hi-1 (n doubles per row),
  ;; followed by 16 bytes of padding. Rows [lo, hi) are processed; ts (when hasTs) has one double
  ;; per chunk row (row i at ts + (i-1)*8). Outputs per chunk row i-1: out (m doubles), depth
  ;; (1 double), acc (1 byte). State at st: f64 lastTs, i32 prev (the region row of the previous
  ;; accepted row, -1 when none), i32 skipped. With stop = 1 the kernel returns at the first
  ;; invalid row (its region row index, outputs not written); otherwise it returns hi.
  (func (export "ofiRows")
    (param $bp i32) (param $bs i32) (param $ap i32) (param $as i32) (param $ts i32) (param $hasTs i32)
    (param $lo i32) (param $hi i32) (param $n i32) (param $m i32) (param $allowLocked i32)
    (param $stop i32) (param $out i32) (param $dep i32) (param $acc i32) (param $st i32)
    (result i32)
    (local $i i32) (local $k i32) (local $rowB i32) (local $co i32) (local $po i32) (local $prev i32)
    (local $oo i32) (local $lastTs f64) (local $t f64) (local $ok i32) (local $skipped i32)
    (local $total f64) (local $depth f64) (local $tsOk i32)
    (local $allok v128) (local $first v128) (local $tail v128)
    (local $sb v128) (local $pb v128) (local $sa v128) (local $pa v128)
    (local $sb0 v128) (local $pb0 v128) (local $sa0 v128) (local $pa0 v128)
    (local $xb1 v128) (local $xb0 v128) (local $xa1 v128) (local $xa0 v128)
    (local $e v128) (local $tt v128) (local $bb f64) (local $ba f64) (local $m2 f64)
    (local.set $rowB (i32.shl (local.get $n) (i32.const 3)))
    (local.set $lastTs (f64.load (local.get $st)))
    (local.set $prev (i32.load offset=8 (local.get $st)))
    (local.set $skipped (i32.load offset=12 (local.get $st)))
    (local.set $m2 (f64.convert_i32_s (i32.shl (local.get $m) (i32.const 1))))
    (local.set $i (local.get $lo))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $hi)))
        (local.set $co (i32.mul (local.get $i) (local.get $rowB)))
        (local.set $po (i32.mul (select (local.get $prev) (i32.const 0) (i32.ge_s (local.get $prev) (i32.const 0))) (local.get $rowB)))
        (local.set $oo (i32.add (local.get $out) (i32.mul (i32.sub (local.get $i) (i32.const 1)) (i32.shl (local.get $m) (i32.const 3)))))
        ;; timestamp: finite (not +inf; NaN fails the comparison) and not going back
        (local.set $tsOk (i32.const 1))
        (if (local.get $hasTs)
          (then
            (local.set $t (f64.load (i32.add (local.get $ts) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3)))))
            (local.set $tsOk (i32.and (f64.ge (local.get $t) (local.get $lastTs))
                                      (f64.ne (local.get $t) (f64.const inf))))))
        (local.set $allok (v128.const i64x2 -1 -1))
        (local.set $first (v128.const i64x2 -1 0))
        (local.set $tail (v128.const i64x2 0 0))
        (local.set $total (f64.const 0))
        (local.set $depth (f64.const 0))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $levels
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $n)))
            (if (i32.eq (i32.add (local.get $k) (i32.const 1)) (local.get $n))
              (then (local.set $tail (v128.const i64x2 0 -1))))
            (local.set $sb (v128.load (i32.add (local.get $bs) (local.get $co))))
            (local.set $pb (v128.load (i32.add (local.get $bp) (local.get $co))))
            (local.set $sa (v128.load (i32.add (local.get $as) (local.get $co))))
            (local.set $pa (v128.load (i32.add (local.get $ap) (local.get $co))))
            ;; the rule, bid side: each level used (size > 0, 0 < price < inf, size < inf, and the
            ;; level before used with a higher price) or empty (size == 0, finite price)
            (local.set $allok (v128.and (local.get $allok) (v128.or (local.get $tail) (v128.or
              (v128.and (f64x2.eq (local.get $sb) (v128.const f64x2 0 0))
                        (f64x2.eq (f64x2.sub (local.get $pb) (local.get $pb)) (v128.const f64x2 0 0)))
              (v128.and
                (v128.and (v128.and (f64x2.gt (local.get $sb) (v128.const f64x2 0 0))
                                    (f64x2.gt (local.get $pb) (v128.const f64x2 0 0)))
                          (v128.and (f64x2.lt (local.get $pb) (v128.const f64x2 inf inf))
                                    (f64x2.lt (local.get $sb) (v128.const f64x2 inf inf))))
                (v128.or (local.get $first)
                  (v128.and (f64x2.gt (v128.load offset=0 (i32.sub (i32.add (local.get $bs) (local.get $co)) (i32.const 8))) (v128.const f64x2 0 0))
                            (f64x2.lt (local.get $pb) (v128.load (i32.sub (i32.add (local.get $bp) (local.get $co)) (i32.const 8)))))))))))
            ;; ask side: prices increasing
            (local.set $allok (v128.and (local.get $allok) (v128.or (local.get $tail) (v128.or
              (v128.and (f64x2.eq (local.get $sa) (v128.const f64x2 0 0))
                        (f64x2.eq (f64x2.sub (local.get $pa) (local.get $pa)) (v128.const f64x2 0 0)))
              (v128.and
                (v128.and (v128.and (f64x2.gt (local.get $sa) (v128.const f64x2 0 0))
                                    (f64x2.gt (local.get $pa) (v128.const f64x2 0 0)))
                          (v128.and (f64x2.lt (local.get $pa) (v128.const f64x2 inf inf))
                                    (f64x2.lt (local.get $sa) (v128.const f64x2 inf inf))))
                (v128.or (local.get $first)
                  (v128.and (f64x2.gt (v128.load (i32.sub (i32.add (local.get $as) (local.get $co)) (i32.const 8))) (v128.const f64x2 0 0))
                            (f64x2.gt (local.get $pa) (v128.load (i32.sub (i32.add (local.get $ap) (local.get $co)) (i32.const 8)))))))))))
            (local.set $first (v128.const i64x2 0 0))
            ;; sizes of both sides, added level by level in order (as the JavaScript kernel)
            (local.set $tt (f64x2.add (local.get $sb) (local.get $sa)))
            (local.set $total (f64.add (local.get $total) (f64x2.extract_lane 0 (local.get $tt))))
            (if (i32.eq (i32.add (local.get $k) (i32.const 1)) (local.get $m))
              (then (local.set $depth (local.get $total))))
            (if (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $n))
              (then
                (local.set $total (f64.add (local.get $total) (f64x2.extract_lane 1 (local.get $tt))))
                (if (i32.eq (i32.add (local.get $k) (i32.const 2)) (local.get $m))
                  (then (local.set $depth (local.get $total))))))
            ;; e_n for levels < m against the previous accepted row: empty levels at -inf / +inf
            (if (i32.lt_u (local.get $k) (local.get $m))
              (then
                (local.set $sb0 (v128.load (i32.add (local.get $bs) (local.get $po))))
                (local.set $pb0 (v128.load (i32.add (local.get $bp) (local.get $po))))
                (local.set $sa0 (v128.load (i32.add (local.get $as) (local.get $po))))
                (local.set $pa0 (v128.load (i32.add (local.get $ap) (local.get $po))))
                (local.set $xb1 (v128.bitselect (local.get $pb) (v128.const f64x2 -inf -inf) (f64x2.gt (local.get $sb) (v128.const f64x2 0 0))))
                (local.set $xb0 (v128.bitselect (local.get $pb0) (v128.const f64x2 -inf -inf) (f64x2.gt (local.get $sb0) (v128.const f64x2 0 0))))
                (local.set $xa1 (v128.bitselect (local.get $pa) (v128.const f64x2 inf inf) (f64x2.gt (local.get $sa) (v128.const f64x2 0 0))))
                (local.set $xa0 (v128.bitselect (local.get $pa0) (v128.const f64x2 inf inf) (f64x2.gt (local.get $sa0) (v128.const f64x2 0 0))))
                ;; +(xb1 >= xb0) * qb1 - +(xb1 <= xb0) * qb0 - +(xa1 <= xa0) * qa1 + +(xa1 >= xa0) * qa0
                (local.set $e
                  (f64x2.add
                    (f64x2.sub
                      (f64x2.sub
                        (f64x2.mul (v128.and (f64x2.ge (local.get $xb1) (local.get $xb0)) (v128.const f64x2 1 1)) (local.get $sb))
                        (f64x2.mul (v128.and (f64x2.le (local.get $xb1) (local.get $xb0)) (v128.const f64x2 1 1)) (local.get $sb0)))
                      (f64x2.mul (v128.and (f64x2.le (local.get $xa1) (local.get $xa0)) (v128.const f64x2 1 1)) (local.get $sa)))
                    (f64x2.mul (v128.and (f64x2.ge (local.get $xa1) (local.get $xa0)) (v128.const f64x2 1 1)) (local.get $sa0))))
                (if (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $m))
                  (then (v128.store (local.get $oo) (local.get $e)))
                  (else (v128.store64_lane 0 (local.get $oo) (local.get $e))))
                (local.set $po (i32.add (local.get $po) (i32.const 16)))
                (local.set $oo (i32.add (local.get $oo) (i32.const 16)))))
            (local.set $co (i32.add (local.get $co) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $levels)))
        ;; the row's first level decides crossing: best bid -inf / best ask +inf when a side is empty
        (local.set $co (i32.mul (local.get $i) (local.get $rowB)))
        (local.set $bb (select (f64.load (i32.add (local.get $bp) (local.get $co))) (f64.const -inf)
                               (f64.gt (f64.load (i32.add (local.get $bs) (local.get $co))) (f64.const 0))))
        (local.set $ba (select (f64.load (i32.add (local.get $ap) (local.get $co))) (f64.const inf)
                               (f64.gt (f64.load (i32.add (local.get $as) (local.get $co))) (f64.const 0))))
        (local.set $ok
          (i32.and
            (i32.and (local.get $tsOk) (i64x2.all_true (local.get $allok)))
            (i32.and
              (f64.le (local.get $total) (f64.const 1e300))
              (i32.eqz (i32.or (f64.gt (local.get $bb) (local.get $ba))
                               (i32.and (f64.eq (local.get $bb) (local.get $ba)) (i32.eqz (local.get $allowLocked))))))))
        (if (i32.and (i32.eqz (local.get $ok)) (local.get $stop))
          (then
            (i32.store offset=8 (local.get $st) (local.get $prev))
            (i32.store offset=12 (local.get $st) (local.get $skipped))
            (f64.store (local.get $st) (local.get $lastTs))
            (return (local.get $i))))
        ;; rejected rows and the first accepted row: e_n = 0
        (if (i32.or (i32.eqz (local.get $ok)) (i32.lt_s (local.get $prev) (i32.const 0)))
          (then
            (local.set $oo (i32.add (local.get $out) (i32.mul (i32.sub (local.get $i) (i32.const 1)) (i32.shl (local.get $m) (i32.const 3)))))
            (memory.fill (local.get $oo) (i32.const 0) (i32.shl (local.get $m) (i32.const 3)))))
        (i32.store8 (i32.add (local.get $acc) (i32.sub (local.get $i) (i32.const 1))) (local.get $ok))
        (f64.store (i32.add (local.get $dep) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3)))
                   (select (f64.div (local.get $depth) (local.get $m2)) (f64.const 0) (local.get $ok)))
        (if (local.get $ok)
          (then
            (local.set $prev (local.get $i))
            (if (local.get $hasTs) (then (local.set $lastTs (local.get $t)))))
          (else (local.set $skipped (i32.add (local.get $skipped) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (i32.store offset=8 (local.get $st) (local.get $prev))
    (i32.store offset=12 (local.get $st) (local.get $skipped))
    (f64.store (local.get $st) (local.get $lastTs))
    (local.get $hi))

  ;; Depth imbalance of rows [lo, hi) four at a time (hi - lo a multiple of 4), sizes only: bs, as
  ;; hold n doubles per row (plus 16 bytes of padding), w holds the k weights (k <= n), out one
  ;; double per row. Lanes are rows (two vectors of two rows per side); each row's weighted sums
  ;; and its total size are accumulated level by level in order. Sizes are checked as "every size
  ;; >= 0 (no NaN) and the total <= 1e300" (which also excludes +inf). Returns hi, or the first row
  ;; of the first group of four that fails a check (a size not finite and >= 0, a total over 1e300,
  ;; a weighted depth that overflows): the caller redoes those rows exactly and calls again.
  (func (export "imbRows")
    (param $bs i32) (param $as i32) (param $lo i32) (param $hi i32) (param $n i32) (param $k i32)
    (param $w i32) (param $out i32) (result i32)
    (local $i i32) (local $j i32) (local $rowB i32) (local $kB i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $xb v128) (local $xa v128) (local $yb v128) (local $ya v128) (local $s v128)
    (local $vb v128) (local $va v128) (local $ub v128) (local $ua v128)
    (local $tot v128) (local $tot2 v128) (local $okv v128) (local $sx v128) (local $sy v128)
    (local.set $rowB (i32.shl (local.get $n) (i32.const 3)))
    (local.set $kB (i32.shl (local.get $k) (i32.const 3)))
    (local.set $i (local.get $lo))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $hi)))
        (local.set $b0 (i32.add (local.get $bs) (i32.mul (local.get $i) (local.get $rowB))))
        (local.set $b1 (i32.add (local.get $b0) (local.get $rowB)))
        (local.set $b2 (i32.add (local.get $b1) (local.get $rowB)))
        (local.set $b3 (i32.add (local.get $b2) (local.get $rowB)))
        (local.set $a0 (i32.add (local.get $as) (i32.mul (local.get $i) (local.get $rowB))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $rowB)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $rowB)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $rowB)))
        (local.set $vb (v128.const f64x2 0 0))
        (local.set $va (v128.const f64x2 0 0))
        (local.set $ub (v128.const f64x2 0 0))
        (local.set $ua (v128.const f64x2 0 0))
        (local.set $tot (v128.const f64x2 0 0))
        (local.set $tot2 (v128.const f64x2 0 0))
        (local.set $okv (v128.const i64x2 -1 -1))
        (local.set $j (i32.const 0))
        ;; levels < k: weighted sums, checks and totals
        (block $kdone
          (loop $wl
            (br_if $kdone (i32.ge_u (local.get $j) (local.get $kB)))
            (local.set $xb (v128.load64_lane 1 (i32.add (local.get $b1) (local.get $j)) (v128.load64_zero (i32.add (local.get $b0) (local.get $j)))))
            (local.set $yb (v128.load64_lane 1 (i32.add (local.get $b3) (local.get $j)) (v128.load64_zero (i32.add (local.get $b2) (local.get $j)))))
            (local.set $xa (v128.load64_lane 1 (i32.add (local.get $a1) (local.get $j)) (v128.load64_zero (i32.add (local.get $a0) (local.get $j)))))
            (local.set $ya (v128.load64_lane 1 (i32.add (local.get $a3) (local.get $j)) (v128.load64_zero (i32.add (local.get $a2) (local.get $j)))))
            (local.set $s (v128.load64_splat (i32.add (local.get $w) (local.get $j))))
            (local.set $vb (f64x2.add (local.get $vb) (f64x2.mul (local.get $s) (local.get $xb))))
            (local.set $va (f64x2.add (local.get $va) (f64x2.mul (local.get $s) (local.get $xa))))
            (local.set $ub (f64x2.add (local.get $ub) (f64x2.mul (local.get $s) (local.get $yb))))
            (local.set $ua (f64x2.add (local.get $ua) (f64x2.mul (local.get $s) (local.get $ya))))
            (local.set $sx (f64x2.add (local.get $xb) (local.get $xa)))
            (local.set $sy (f64x2.add (local.get $yb) (local.get $ya)))
            (local.set $okv (v128.and (local.get $okv)
              (v128.and (v128.and (f64x2.ge (local.get $xb) (v128.const f64x2 0 0)) (f64x2.ge (local.get $xa) (v128.const f64x2 0 0)))
                        (v128.and (f64x2.ge (local.get $yb) (v128.const f64x2 0 0)) (f64x2.ge (local.get $ya) (v128.const f64x2 0 0))))))
            (local.set $tot (f64x2.add (local.get $tot) (local.get $sx)))
            (local.set $tot2 (f64x2.add (local.get $tot2) (local.get $sy)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $wl)))
        ;; levels >= k: checks and totals only
        (block $ndone
          (loop $nl
            (br_if $ndone (i32.ge_u (local.get $j) (local.get $rowB)))
            (local.set $xb (v128.load64_lane 1 (i32.add (local.get $b1) (local.get $j)) (v128.load64_zero (i32.add (local.get $b0) (local.get $j)))))
            (local.set $yb (v128.load64_lane 1 (i32.add (local.get $b3) (local.get $j)) (v128.load64_zero (i32.add (local.get $b2) (local.get $j)))))
            (local.set $xa (v128.load64_lane 1 (i32.add (local.get $a1) (local.get $j)) (v128.load64_zero (i32.add (local.get $a0) (local.get $j)))))
            (local.set $ya (v128.load64_lane 1 (i32.add (local.get $a3) (local.get $j)) (v128.load64_zero (i32.add (local.get $a2) (local.get $j)))))
            (local.set $okv (v128.and (local.get $okv)
              (v128.and (v128.and (f64x2.ge (local.get $xb) (v128.const f64x2 0 0)) (f64x2.ge (local.get $xa) (v128.const f64x2 0 0)))
                        (v128.and (f64x2.ge (local.get $yb) (v128.const f64x2 0 0)) (f64x2.ge (local.get $ya) (v128.const f64x2 0 0))))))
            (local.set $tot (f64x2.add (local.get $tot) (f64x2.add (local.get $xb) (local.get $xa))))
            (local.set $tot2 (f64x2.add (local.get $tot2) (f64x2.add (local.get $yb) (local.get $ya))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $nl)))
        (local.set $sx (f64x2.add (local.get $vb) (local.get $va)))
        (local.set $sy (f64x2.add (local.get $ub) (local.get $ua)))
        (local.set $okv (v128.and (local.get $okv)
          (v128.and
            (v128.and (f64x2.le (local.get $tot) (v128.const f64x2 1e300 1e300))
                      (f64x2.le (local.get $tot2) (v128.const f64x2 1e300 1e300)))
            (v128.and (f64x2.lt (local.get $sx) (v128.const f64x2 inf inf))
                      (f64x2.lt (local.get $sy) (v128.const f64x2 inf inf))))))
        (if (i32.eqz (i64x2.all_true (local.get $okv))) (then (return (local.get $i))))
        ;; (vb - va) / (vb + va), 0 for an empty book
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (v128.and (f64x2.div (f64x2.sub (local.get $vb) (local.get $va)) (local.get $sx))
                    (f64x2.gt (local.get $sx) (v128.const f64x2 0 0))))
        (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (v128.and (f64x2.div (f64x2.sub (local.get $ub) (local.get $ua)) (local.get $sy))
                    (f64x2.gt (local.get $sy) (v128.const f64x2 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows)))
    (local.get $hi))
)
