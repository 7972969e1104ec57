;; WebAssembly SIMD kernels of @x/attention-lstm's float32 inference path.
;; Built into src/internal/wasm-binary.ts by wasm/build.mjs (wabt). Pointers are byte offsets
;; into the imported memory; strides and sizes are in float32 elements.
(module
  (import "env" "memory" (memory 1))

  ;; y[r*yS + o] = b[o] + sum_k x[r*xS + k] * w[o*in + k]   (PyTorch Linear layout, W is [out, in]).
  ;; b may alias y (then this is y += W x).
  (func (export "linear")
    (param $x i32) (param $xS i32) (param $rows i32) (param $in i32)
    (param $w i32) (param $out i32) (param $b i32) (param $y i32) (param $yS i32)
    (local $r i32) (local $o i32) (local $k i32) (local $xr i32) (local $yr i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $inB i32) (local $in4B i32) (local $out4 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $xs f32)
    (local.set $inB (i32.shl (local.get $in) (i32.const 2)))
    (local.set $in4B (i32.shl (i32.and (local.get $in) (i32.const -4)) (i32.const 2)))
    (local.set $out4 (i32.and (local.get $out) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $xS)) (i32.const 2))))
        (local.set $yr (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $yS)) (i32.const 2))))
        (local.set $o (i32.const 0))
        ;; four outputs at a time
        (block $odone
          (loop $oloop
            (br_if $odone (i32.ge_u (local.get $o) (local.get $out4)))
            (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $inB))))
            (local.set $w1 (i32.add (local.get $w0) (local.get $inB)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $inB)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $inB)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $in4B)))
                (local.set $xv (v128.load (i32.add (local.get $xr) (local.get $k))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w0) (local.get $k))))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w1) (local.get $k))))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w2) (local.get $k))))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w3) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (local.set $s0 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
            (local.set $s1 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))
            (local.set $s2 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2)))))
            (local.set $s3 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3)))))
            ;; scalar tail of k
            (block $tdone
              (loop $tloop
                (br_if $tdone (i32.ge_u (local.get $k) (local.get $inB)))
                (local.set $xs (f32.load (i32.add (local.get $xr) (local.get $k))))
                (local.set $s0 (f32.add (local.get $s0) (f32.mul (local.get $xs) (f32.load (i32.add (local.get $w0) (local.get $k))))))
                (local.set $s1 (f32.add (local.get $s1) (f32.mul (local.get $xs) (f32.load (i32.add (local.get $w1) (local.get $k))))))
                (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.get $xs) (f32.load (i32.add (local.get $w2) (local.get $k))))))
                (local.set $s3 (f32.add (local.get $s3) (f32.mul (local.get $xs) (f32.load (i32.add (local.get $w3) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $tloop)))
            (f32.store (i32.add (local.get $yr) (i32.shl (local.get $o) (i32.const 2)))
              (f32.add (local.get $s0) (f32.load (i32.add (local.get $b) (i32.shl (local.get $o) (i32.const 2))))))
            (f32.store (i32.add (local.get $yr) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2)))
              (f32.add (local.get $s1) (f32.load (i32.add (local.get $b) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2))))))
            (f32.store (i32.add (local.get $yr) (i32.shl (i32.add (local.get $o) (i32.const 2)) (i32.const 2)))
              (f32.add (local.get $s2) (f32.load (i32.add (local.get $b) (i32.shl (i32.add (local.get $o) (i32.const 2)) (i32.const 2))))))
            (f32.store (i32.add (local.get $yr) (i32.shl (i32.add (local.get $o) (i32.const 3)) (i32.const 2)))
              (f32.add (local.get $s3) (f32.load (i32.add (local.get $b) (i32.shl (i32.add (local.get $o) (i32.const 3)) (i32.const 2))))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $oloop)))
        ;; remaining outputs one at a time
        (block $o1done
          (loop $o1loop
            (br_if $o1done (i32.ge_u (local.get $o) (local.get $out)))
            (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $inB))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $k1done
              (loop $k1loop
                (br_if $k1done (i32.ge_u (local.get $k) (local.get $in4B)))
                (local.set $a0 (f32x4.add (local.get $a0)
                  (f32x4.mul (v128.load (i32.add (local.get $xr) (local.get $k))) (v128.load (i32.add (local.get $w0) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k1loop)))
            (local.set $s0 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
            (block $t1done
              (loop $t1loop
                (br_if $t1done (i32.ge_u (local.get $k) (local.get $inB)))
                (local.set $s0 (f32.add (local.get $s0)
                  (f32.mul (f32.load (i32.add (local.get $xr) (local.get $k))) (f32.load (i32.add (local.get $w0) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $t1loop)))
            (f32.store (i32.add (local.get $yr) (i32.shl (local.get $o) (i32.const 2)))
              (f32.add (local.get $s0) (f32.load (i32.add (local.get $b) (i32.shl (local.get $o) (i32.const 2))))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $o1loop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
  )

  ;; exp on four lanes (Cephes expf: range reduction by ln 2 in two parts, degree-5 polynomial).
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88.0 88.0 88.0 88.0))
                             (v128.const f32x4 -87.0 -87.0 -87.0 -87.0)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
                             (v128.const f32x4 1.0 1.0 1.0 1.0)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
  )

  (func $sig4 (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1.0 1.0 1.0 1.0)
      (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0) (call $exp4 (f32x4.neg (local.get $x)))))
  )

  (func $tanh4 (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.mul (v128.const f32x4 2.0 2.0 2.0 2.0) (call $sig4 (f32x4.add (local.get $x) (local.get $x))))
      (v128.const f32x4 1.0 1.0 1.0 1.0))
  )

  ;; One LSTM time step for H units (H a multiple of 4): G holds the pre-activations
  ;; [i | f | g | o] and receives the activations; c = f*cPrev + i*g (cPrev = 0 when hasPrev is
  ;; 0), tc = tanh(c), h = o*tc. cPrev may alias c.
  (func (export "lstmCell")
    (param $g i32) (param $cPrev i32) (param $hasPrev i32) (param $c i32) (param $tc i32) (param $h i32) (param $H i32)
    (local $j i32) (local $HB i32) (local $pi i32)
    (local $i v128) (local $f v128) (local $gg v128) (local $o v128) (local $cv v128) (local $t v128)
    (local.set $HB (i32.shl (local.get $H) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $j) (local.get $HB)))
        (local.set $pi (i32.add (local.get $g) (local.get $j)))
        (local.set $i (call $sig4 (v128.load (local.get $pi))))
        (local.set $f (call $sig4 (v128.load (i32.add (local.get $pi) (local.get $HB)))))
        (local.set $gg (call $tanh4 (v128.load (i32.add (local.get $pi) (i32.shl (local.get $HB) (i32.const 1))))))
        (local.set $o (call $sig4 (v128.load (i32.add (local.get $pi) (i32.mul (local.get $HB) (i32.const 3))))))
        (v128.store (local.get $pi) (local.get $i))
        (v128.store (i32.add (local.get $pi) (local.get $HB)) (local.get $f))
        (v128.store (i32.add (local.get $pi) (i32.shl (local.get $HB) (i32.const 1))) (local.get $gg))
        (v128.store (i32.add (local.get $pi) (i32.mul (local.get $HB) (i32.const 3))) (local.get $o))
        (local.set $cv (f32x4.mul (local.get $i) (local.get $gg)))
        (if (local.get $hasPrev)
          (then (local.set $cv (f32x4.add (local.get $cv)
                  (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cPrev) (local.get $j))))))))
        (v128.store (i32.add (local.get $c) (local.get $j)) (local.get $cv))
        (local.set $t (call $tanh4 (local.get $cv)))
        (v128.store (i32.add (local.get $tc) (local.get $j)) (local.get $t))
        (v128.store (i32.add (local.get $h) (local.get $j)) (f32x4.mul (local.get $o) (local.get $t)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $loop)))
  )

  ;; Scaled dot-product attention of one query over n keys, per head (head size dh, a multiple
  ;; of 4): sc[h*n + j] = softmax_j(scale * q_h . K_j,h), out_h = sum_j sc[h*n + j] V_j,h.
  ;; K and V rows are kS and vS elements apart; softmax subtracts the row maximum.
  (func (export "attend")
    (param $q i32) (param $K i32) (param $kS i32) (param $V i32) (param $vS i32) (param $n i32)
    (param $nh i32) (param $dh i32) (param $scale f32) (param $sc i32) (param $out i32)
    (local $h i32) (local $j i32) (local $d i32) (local $dhB i32) (local $kSB i32) (local $vSB i32)
    (local $qh i32) (local $kr i32) (local $vr i32) (local $sch i32) (local $oh i32) (local $n4B i32) (local $nB i32)
    (local $acc v128) (local $mxv v128) (local $sumv v128) (local $pv v128) (local $e v128)
    (local $s f32) (local $mx f32) (local $sum f32) (local $inv f32)
    (local.set $dhB (i32.shl (local.get $dh) (i32.const 2)))
    (local.set $kSB (i32.shl (local.get $kS) (i32.const 2)))
    (local.set $vSB (i32.shl (local.get $vS) (i32.const 2)))
    (local.set $nB (i32.shl (local.get $n) (i32.const 2)))
    (local.set $n4B (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $h (i32.const 0))
    (block $hdone
      (loop $hloop
        (br_if $hdone (i32.ge_u (local.get $h) (local.get $nh)))
        (local.set $qh (i32.add (local.get $q) (i32.mul (local.get $h) (local.get $dhB))))
        (local.set $kr (i32.add (local.get $K) (i32.mul (local.get $h) (local.get $dhB))))
        (local.set $sch (i32.add (local.get $sc) (i32.mul (local.get $h) (local.get $nB))))
        (local.set $mx (f32.const -inf))
        ;; scores
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $nB)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.const 0))
            (block $ddone
              (loop $dloop
                (br_if $ddone (i32.ge_u (local.get $d) (local.get $dhB)))
                (local.set $acc (f32x4.add (local.get $acc)
                  (f32x4.mul (v128.load (i32.add (local.get $qh) (local.get $d)))
                             (v128.load (i32.add (local.get $kr) (local.get $d))))))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (br $dloop)))
            (local.set $s (f32.mul (local.get $scale)
              (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                       (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
            (f32.store (i32.add (local.get $sch) (local.get $j)) (local.get $s))
            (local.set $mx (f32.max (local.get $mx) (local.get $s)))
            (local.set $kr (i32.add (local.get $kr) (local.get $kSB)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $jloop)))
        ;; exp(s - max), four at a time, then the tail
        (local.set $mxv (f32x4.splat (local.get $mx)))
        (local.set $sumv (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $edone
          (loop $eloop
            (br_if $edone (i32.ge_u (local.get $j) (local.get $n4B)))
            (local.set $e (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $sch) (local.get $j))) (local.get $mxv))))
            (v128.store (i32.add (local.get $sch) (local.get $j)) (local.get $e))
            (local.set $sumv (f32x4.add (local.get $sumv) (local.get $e)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $eloop)))
        (local.set $sum
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sumv)) (f32x4.extract_lane 1 (local.get $sumv)))
                   (f32.add (f32x4.extract_lane 2 (local.get $sumv)) (f32x4.extract_lane 3 (local.get $sumv)))))
        (block $tdone
          (loop $tloop
            (br_if $tdone (i32.ge_u (local.get $j) (local.get $nB)))
            (local.set $s (f32x4.extract_lane 0 (call $exp4 (f32x4.splat
              (f32.sub (f32.load (i32.add (local.get $sch) (local.get $j))) (local.get $mx))))))
            (f32.store (i32.add (local.get $sch) (local.get $j)) (local.get $s))
            (local.set $sum (f32.add (local.get $sum) (local.get $s)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tloop)))
        (local.set $inv (f32.div (f32.const 1) (local.get $sum)))
        ;; out_h = sum_j p_j V_j
        (local.set $oh (i32.add (local.get $out) (i32.mul (local.get $h) (local.get $dhB))))
        (local.set $d (i32.const 0))
        (block $zdone
          (loop $zloop
            (br_if $zdone (i32.ge_u (local.get $d) (local.get $dhB)))
            (v128.store (i32.add (local.get $oh) (local.get $d)) (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $zloop)))
        (local.set $vr (i32.add (local.get $V) (i32.mul (local.get $h) (local.get $dhB))))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $vloop
            (br_if $vdone (i32.ge_u (local.get $j) (local.get $nB)))
            (local.set $s (f32.mul (f32.load (i32.add (local.get $sch) (local.get $j))) (local.get $inv)))
            (f32.store (i32.add (local.get $sch) (local.get $j)) (local.get $s))
            (local.set $pv (f32x4.splat (local.get $s)))
            (local.set $d (i32.const 0))
            (block $d2done
              (loop $d2loop
                (br_if $d2done (i32.ge_u (local.get $d) (local.get $dhB)))
                (v128.store (i32.add (local.get $oh) (local.get $d))
                  (f32x4.add (v128.load (i32.add (local.get $oh) (local.get $d)))
                    (f32x4.mul (local.get $pv) (v128.load (i32.add (local.get $vr) (local.get $d))))))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (br $d2loop)))
            (local.set $vr (i32.add (local.get $vr) (local.get $vSB)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $vloop)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hloop)))
  )
)
