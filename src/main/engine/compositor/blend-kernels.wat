;; The compositor's per-frame pixel work as WebAssembly SIMD (128-bit): 16 samples per step.
;;
;; Source of blend-kernels.generated.ts: after an edit run `npm run build:kernels` and commit
;; both; blend-kernels.test.ts fails while the two differ. blend-kernels.ts loads the module.
;;
;; Every pointer is a byte offset into the one shared frame memory (frame-arena.ts) that all
;; frame pools live in, imported as env.memory; strides are in bytes. Callers pass regions
;; already cropped and clipped (plan.ts resolveLayerGeometry), so nothing here checks bounds
;; beyond what the memory itself traps on. Loops count columns and rows rather than compare
;; end pointers, so offsets up to the 4 GiB limit cannot wrap.
;;
;; One sample, with a the weight of the source (0 = keep dst, 255 = take src):
;;   t   = s·a + d·(255 − a) + 128
;;   out = (t + (t >> 8)) >> 8                 = round((s·a + d·(255 − a)) / 255), exactly
;; and a layer opacity below 255 scales the source's alpha the same way first:
;;   a   = div255(alpha · opacity),  div255(x) = (x + 128 + ((x + 128) >> 8)) >> 8
;; The largest t is 255·255 + 128 = 65153, and t + (t >> 8) ≤ 65407: everything fits unsigned
;; 16-bit lanes. extmul multiplies 8-bit samples straight into 16-bit lanes, so the 16 samples
;; of a step are two i16x8 halves (low and high 8 samples) until they are narrowed back.
;; These are the bytes the scalar reference (tests/support/compositor.ts) gives, which the tests check.
;; Widths that are not a multiple of 16 finish with the same formula one sample at a time.

(module
  (import "env" "memory" (memory 0 65536 shared))

  ;; --- helpers: V8 inlines these small functions into the hot loops ---------------------

  ;; (t + (t >> 8)) >> 8 in each unsigned 16-bit lane; t already holds the + 128.
  (func $round_div255 (param $t v128) (result v128)
    (i16x8.shr_u
      (i16x8.add (local.get $t) (i16x8.shr_u (local.get $t) (i32.const 8)))
      (i32.const 8)))

  ;; 16 samples: round((s·a + d·(255 − a)) / 255) per lane.
  (func $mix16 (param $s v128) (param $d v128) (param $a v128) (result v128)
    (local $inv v128)
    ;; 255 − a in 8 bits: a ≤ 255, so no lane wraps.
    (local.set $inv (i8x16.sub (v128.const i8x16 255 255 255 255 255 255 255 255 255 255 255 255 255 255 255 255) (local.get $a)))
    ;; Both halves stay ≤ 255 after the division, so the saturating narrow only repacks them.
    (i8x16.narrow_i16x8_u
      (call $round_div255
        (i16x8.add
          (i16x8.add
            (i16x8.extmul_low_i8x16_u (local.get $s) (local.get $a))
            (i16x8.extmul_low_i8x16_u (local.get $d) (local.get $inv)))
          (v128.const i16x8 128 128 128 128 128 128 128 128)))
      (call $round_div255
        (i16x8.add
          (i16x8.add
            (i16x8.extmul_high_i8x16_u (local.get $s) (local.get $a))
            (i16x8.extmul_high_i8x16_u (local.get $d) (local.get $inv)))
          (v128.const i16x8 128 128 128 128 128 128 128 128)))))

  ;; 16 alphas scaled by the layer opacity (splat in every lane): div255(alpha · opacity).
  (func $scale16 (param $alpha v128) (param $opacity v128) (result v128)
    (i8x16.narrow_i16x8_u
      (call $round_div255
        (i16x8.add
          (i16x8.extmul_low_i8x16_u (local.get $alpha) (local.get $opacity))
          (v128.const i16x8 128 128 128 128 128 128 128 128)))
      (call $round_div255
        (i16x8.add
          (i16x8.extmul_high_i8x16_u (local.get $alpha) (local.get $opacity))
          (v128.const i16x8 128 128 128 128 128 128 128 128)))))

  ;; One sample of the tail: the same formula in i32.
  (func $mix1 (param $s i32) (param $d i32) (param $a i32) (result i32)
    (local $t i32)
    (local.set $t
      (i32.add
        (i32.add
          (i32.mul (local.get $s) (local.get $a))
          (i32.mul (local.get $d) (i32.sub (i32.const 255) (local.get $a))))
        (i32.const 128)))
    (i32.shr_u (i32.add (local.get $t) (i32.shr_u (local.get $t) (i32.const 8))) (i32.const 8)))

  ;; One alpha of the tail scaled by the opacity; div255(alpha · 255) = alpha, so at full
  ;; opacity this changes nothing and the tail needs no second path.
  (func $scale1 (param $alpha i32) (param $opacity i32) (result i32)
    (local $t i32)
    (local.set $t (i32.add (i32.mul (local.get $alpha) (local.get $opacity)) (i32.const 128)))
    (i32.shr_u (i32.add (local.get $t) (i32.shr_u (local.get $t) (i32.const 8))) (i32.const 8)))

  ;; --- copies and fills ----------------------------------------------------------------

  ;; `length` bytes at dst set to value: a band of one plane, whose rows are contiguous.
  (func (export "fill") (param $dst i32) (param $value i32) (param $length i32)
    (memory.fill (local.get $dst) (local.get $value) (local.get $length)))

  ;; A width × rows block copied as it is (an opaque layer at full opacity).
  (func (export "copy_rows")
    (param $dst i32) (param $dst_stride i32) (param $src i32) (param $src_stride i32)
    (param $width i32) (param $rows i32)
    ;; Full rows of planes of the same width (the usual full-frame base) are one block: one copy.
    (if (i32.and (i32.eq (local.get $width) (local.get $dst_stride)) (i32.eq (local.get $width) (local.get $src_stride)))
      (then
        (memory.copy (local.get $dst) (local.get $src) (i32.mul (local.get $width) (local.get $rows)))
        (return)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (memory.copy (local.get $dst) (local.get $src) (local.get $width))
        (local.set $dst (i32.add (local.get $dst) (local.get $dst_stride)))
        (local.set $src (i32.add (local.get $src) (local.get $src_stride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; --- blends --------------------------------------------------------------------------

  ;; A width × rows block of src blended onto dst by src's own alpha plane (same stride as src),
  ;; scaled by opacity (0..255) when it is below 255: one plane of a layer with alpha (luma
  ;; with A, or one chroma plane with the subsampled AC).
  (func $blend_alpha (export "blend_alpha")
    (param $dst i32) (param $dst_stride i32) (param $src i32) (param $src_stride i32)
    (param $alpha i32) (param $width i32) (param $rows i32) (param $opacity i32)
    (local $i i32) (local $vector_width i32) (local $scaled i32) (local $opacity_v v128) (local $a v128)
    (local $a1 i32)
    (local.set $vector_width (i32.and (local.get $width) (i32.const -16)))
    (local.set $scaled (i32.lt_u (local.get $opacity) (i32.const 255)))
    (local.set $opacity_v (i8x16.splat (local.get $opacity)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $i (i32.const 0))
        (block $vectors_done
          (loop $vector
            (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vector_width)))
            (local.set $a (v128.load (i32.add (local.get $alpha) (local.get $i))))
            (if (local.get $scaled) (then (local.set $a (call $scale16 (local.get $a) (local.get $opacity_v)))))
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (call $mix16
                (v128.load (i32.add (local.get $src) (local.get $i)))
                (v128.load (i32.add (local.get $dst) (local.get $i)))
                (local.get $a)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vector)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $width)))
            (local.set $a1 (call $scale1 (i32.load8_u (i32.add (local.get $alpha) (local.get $i))) (local.get $opacity)))
            (i32.store8 (i32.add (local.get $dst) (local.get $i))
              (call $mix1
                (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                (i32.load8_u (i32.add (local.get $dst) (local.get $i)))
                (local.get $a1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dst_stride)))
        (local.set $src (i32.add (local.get $src) (local.get $src_stride)))
        (local.set $alpha (i32.add (local.get $alpha) (local.get $src_stride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; blend_alpha for the U and V planes together: they share one subsampled alpha (AC) and
  ;; one geometry, so the alpha is loaded and scaled once for both.
  (func (export "blend_alpha_pair")
    (param $dst_u i32) (param $dst_v i32) (param $dst_stride i32)
    (param $src_u i32) (param $src_v i32) (param $src_stride i32)
    (param $alpha i32) (param $width i32) (param $rows i32) (param $opacity i32)
    (local $i i32) (local $vector_width i32) (local $scaled i32) (local $opacity_v v128) (local $a v128)
    (local $a1 i32)
    (local.set $vector_width (i32.and (local.get $width) (i32.const -16)))
    (local.set $scaled (i32.lt_u (local.get $opacity) (i32.const 255)))
    (local.set $opacity_v (i8x16.splat (local.get $opacity)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $i (i32.const 0))
        (block $vectors_done
          (loop $vector
            (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vector_width)))
            (local.set $a (v128.load (i32.add (local.get $alpha) (local.get $i))))
            (if (local.get $scaled) (then (local.set $a (call $scale16 (local.get $a) (local.get $opacity_v)))))
            (v128.store (i32.add (local.get $dst_u) (local.get $i))
              (call $mix16
                (v128.load (i32.add (local.get $src_u) (local.get $i)))
                (v128.load (i32.add (local.get $dst_u) (local.get $i)))
                (local.get $a)))
            (v128.store (i32.add (local.get $dst_v) (local.get $i))
              (call $mix16
                (v128.load (i32.add (local.get $src_v) (local.get $i)))
                (v128.load (i32.add (local.get $dst_v) (local.get $i)))
                (local.get $a)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vector)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $width)))
            (local.set $a1 (call $scale1 (i32.load8_u (i32.add (local.get $alpha) (local.get $i))) (local.get $opacity)))
            (i32.store8 (i32.add (local.get $dst_u) (local.get $i))
              (call $mix1
                (i32.load8_u (i32.add (local.get $src_u) (local.get $i)))
                (i32.load8_u (i32.add (local.get $dst_u) (local.get $i)))
                (local.get $a1)))
            (i32.store8 (i32.add (local.get $dst_v) (local.get $i))
              (call $mix1
                (i32.load8_u (i32.add (local.get $src_v) (local.get $i)))
                (i32.load8_u (i32.add (local.get $dst_v) (local.get $i)))
                (local.get $a1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $dst_u (i32.add (local.get $dst_u) (local.get $dst_stride)))
        (local.set $dst_v (i32.add (local.get $dst_v) (local.get $dst_stride)))
        (local.set $src_u (i32.add (local.get $src_u) (local.get $src_stride)))
        (local.set $src_v (i32.add (local.get $src_v) (local.get $src_stride)))
        (local.set $alpha (i32.add (local.get $alpha) (local.get $src_stride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; A width × rows block of src blended onto dst with one weight a (0..255) for every sample:
  ;; a layer without alpha below full opacity (one plane per call), and the fade of a
  ;; transition (a band is contiguous: one row of the band's length, strides unused).
  (func $blend_constant (export "blend_constant")
    (param $dst i32) (param $dst_stride i32) (param $src i32) (param $src_stride i32)
    (param $width i32) (param $rows i32) (param $a i32)
    (local $i i32) (local $vector_width i32) (local $a_v v128)
    (local.set $vector_width (i32.and (local.get $width) (i32.const -16)))
    (local.set $a_v (i8x16.splat (local.get $a)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $i (i32.const 0))
        (block $vectors_done
          (loop $vector
            (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vector_width)))
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (call $mix16
                (v128.load (i32.add (local.get $src) (local.get $i)))
                (v128.load (i32.add (local.get $dst) (local.get $i)))
                (local.get $a_v)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vector)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $width)))
            (i32.store8 (i32.add (local.get $dst) (local.get $i))
              (call $mix1
                (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                (i32.load8_u (i32.add (local.get $dst) (local.get $i)))
                (local.get $a)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dst_stride)))
        (local.set $src (i32.add (local.get $src) (local.get $src_stride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; --- scaling -------------------------------------------------------------------------
  ;;
  ;; A layer whose rect differs from its source's (cropped) size is drawn scaled: bilinear, one
  ;; plane per call, from tables scale-tables.ts builds once per layer geometry (never per
  ;; frame). Per destination row: the two source rows are mixed vertically into a line buffer
  ;; (contiguous, 16 samples per step), then each destination column mixes two samples of that
  ;; line. Weights are 7-bit (0..128), and both passes round:
  ;;   v   = (top·(128 − wy) + bottom·wy + 64) >> 7           for every source column of the row
  ;;   out = (v[l]·(128 − wx) + v[r]·wx + 64) >> 7             for every destination column
  ;; The largest sum is 255·128 + 64 = 32704: i16 lanes hold it.
  ;;
  ;; Below half size on an axis, a sample is the area average of the source samples it covers
  ;; instead (no aliasing): weights in Q14 summing to 16384 per destination sample,
  ;;   v = (Σ weight·sample + 8192) >> 14
  ;; for the rows (into the line) and for the columns; an axis at half size or more is bilinear.
  ;;
  ;; Plane table header (i32s at `table`):
  ;;   +0 width (destination columns)   +4 chunks (full 16-column records)   +8 records
  ;;   +12 scalar columns               +16 line start (first source column) +20 line length
  ;;   +24 rows (12 bytes per destination row: i32 top row, i32 bottom row, i32 wy)
  ;;   +28 area flags: 1 the columns, 2 the rows. An area axis's 12-byte entries are
  ;;       i32 first (a line offset for columns, a plane row for rows), i32 count, i32 weights
  ;;       (the address of count i32 weights); an area plane has no records.
  ;; A record (96 bytes) covers 16 columns: +0 i32 base (line offset of its first sample),
  ;; +4 i32 loads (1 when every sample lies in base..base+15, as when scaling up; 2 when in
  ;; base..base+31, as down to half; 0 otherwise), +16 16 left offsets from base, +32 16 right
  ;; offsets from base, +48 16 weights wx, +64 and +80 the left and right offsets less 16 (for the
  ;; second load; wrapping past 255 where they belong to the first). Records of 0 loads, and the columns past
  ;; the last full record, use the scalar table: 12 bytes per column, i32 left, i32 right, i32 wx
  ;; (line offsets).
  ;; The line buffers (see scaleScratchBytes in scale-tables.ts) are the calling core's own.

  ;; 16 lanes: (l·(128 − w) + r·w + 64) >> 7.
  (func $lerp16 (param $l v128) (param $r v128) (param $w v128) (result v128)
    (local $inv v128)
    (local.set $inv (i8x16.sub (v128.const i8x16 128 128 128 128 128 128 128 128 128 128 128 128 128 128 128 128) (local.get $w)))
    (i8x16.narrow_i16x8_u
      (i16x8.shr_u
        (i16x8.add
          (i16x8.add
            (i16x8.extmul_low_i8x16_u (local.get $l) (local.get $inv))
            (i16x8.extmul_low_i8x16_u (local.get $r) (local.get $w)))
          (v128.const i16x8 64 64 64 64 64 64 64 64))
        (i32.const 7))
      (i16x8.shr_u
        (i16x8.add
          (i16x8.add
            (i16x8.extmul_high_i8x16_u (local.get $l) (local.get $inv))
            (i16x8.extmul_high_i8x16_u (local.get $r) (local.get $w)))
          (v128.const i16x8 64 64 64 64 64 64 64 64))
        (i32.const 7))))

  (func $lerp1 (param $l i32) (param $r i32) (param $w i32) (result i32)
    (i32.shr_u
      (i32.add
        (i32.add
          (i32.mul (local.get $l) (i32.sub (i32.const 128) (local.get $w)))
          (i32.mul (local.get $r) (local.get $w)))
        (i32.const 64))
      (i32.const 7)))

  ;; line[0..length) = the rows at top and bottom mixed by wy (a copy when wy is 0).
  (func $scale_vertical (param $line i32) (param $top i32) (param $bottom i32) (param $length i32) (param $wy i32)
    (local $i i32) (local $vector_length i32) (local $wy_v v128)
    (if (i32.eqz (local.get $wy))
      (then
        (memory.copy (local.get $line) (local.get $top) (local.get $length))
        (return)))
    (local.set $vector_length (i32.and (local.get $length) (i32.const -16)))
    (local.set $wy_v (i8x16.splat (local.get $wy)))
    (block $vectors_done
      (loop $vector
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vector_length)))
        (v128.store (i32.add (local.get $line) (local.get $i))
          (call $lerp16
            (v128.load (i32.add (local.get $top) (local.get $i)))
            (v128.load (i32.add (local.get $bottom) (local.get $i)))
            (local.get $wy_v)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $length)))
        (i32.store8 (i32.add (local.get $line) (local.get $i))
          (call $lerp1
            (i32.load8_u (i32.add (local.get $top) (local.get $i)))
            (i32.load8_u (i32.add (local.get $bottom) (local.get $i)))
            (local.get $wy)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; Destination columns [from, to) from the scalar table.
  (func $scale_columns (param $out i32) (param $line i32) (param $scalar i32) (param $from i32) (param $to i32)
    (local $entry i32)
    (block $done
      (loop $column
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $entry (i32.add (local.get $scalar) (i32.mul (local.get $from) (i32.const 12))))
        (i32.store8 (i32.add (local.get $out) (local.get $from))
          (call $lerp1
            (i32.load8_u (i32.add (local.get $line) (i32.load (local.get $entry))))
            (i32.load8_u (i32.add (local.get $line) (i32.load offset=4 (local.get $entry))))
            (i32.load offset=8 (local.get $entry))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $column))))

  ;; line[0..length) = Σ weights[t]·row t, rounded from Q14: the rows `stride` apart from `first`.
  (func $scale_vertical_area (param $line i32) (param $first i32) (param $stride i32) (param $count i32) (param $weights i32) (param $length i32)
    (local $i i32) (local $vector_length i32) (local $t i32) (local $p i32) (local $sum i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $vector_length (i32.and (local.get $length) (i32.const -16)))
    (block $vectors_done
      (loop $vector
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vector_length)))
        (local.set $a0 (v128.const i32x4 8192 8192 8192 8192))
        (local.set $a1 (v128.const i32x4 8192 8192 8192 8192))
        (local.set $a2 (v128.const i32x4 8192 8192 8192 8192))
        (local.set $a3 (v128.const i32x4 8192 8192 8192 8192))
        (local.set $p (i32.add (local.get $first) (local.get $i)))
        (local.set $t (i32.const 0))
        (block $taps_done
          (loop $tap
            (br_if $taps_done (i32.ge_u (local.get $t) (local.get $count)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $w (i16x8.splat (i32.load (i32.add (local.get $weights) (i32.shl (local.get $t) (i32.const 2))))))
            (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
            (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extmul_low_i16x8_u (local.get $lo) (local.get $w))))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extmul_high_i16x8_u (local.get $lo) (local.get $w))))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.extmul_low_i16x8_u (local.get $hi) (local.get $w))))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.extmul_high_i16x8_u (local.get $hi) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tap)))
        ;; Every sum is at most 255·16384 + 8192: after the shift each lane is ≤ 255, and the
        ;; saturating narrows only repack.
        (v128.store (i32.add (local.get $line) (local.get $i))
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_u (i32x4.shr_u (local.get $a0) (i32.const 14)) (i32x4.shr_u (local.get $a1) (i32.const 14)))
            (i16x8.narrow_i32x4_u (i32x4.shr_u (local.get $a2) (i32.const 14)) (i32x4.shr_u (local.get $a3) (i32.const 14)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $length)))
        (local.set $sum (i32.const 8192))
        (local.set $p (i32.add (local.get $first) (local.get $i)))
        (local.set $t (i32.const 0))
        (block $taps_done
          (loop $tap
            (br_if $taps_done (i32.ge_u (local.get $t) (local.get $count)))
            (local.set $sum
              (i32.add (local.get $sum)
                (i32.mul (i32.load8_u (local.get $p)) (i32.load (i32.add (local.get $weights) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tap)))
        (i32.store8 (i32.add (local.get $line) (local.get $i)) (i32.shr_u (local.get $sum) (i32.const 14)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out[0..width) by the area entries of the scalar table: Σ weights[t]·line[first + t], rounded from Q14.
  (func $scale_columns_area (param $out i32) (param $line i32) (param $scalar i32) (param $width i32)
    (local $i i32) (local $entry i32) (local $p i32) (local $count i32) (local $weights i32) (local $sum i32)
    (block $done
      (loop $column
        (br_if $done (i32.ge_u (local.get $i) (local.get $width)))
        (local.set $entry (i32.add (local.get $scalar) (i32.mul (local.get $i) (i32.const 12))))
        (local.set $p (i32.add (local.get $line) (i32.load (local.get $entry))))
        (local.set $count (i32.load offset=4 (local.get $entry)))
        (local.set $weights (i32.load offset=8 (local.get $entry)))
        (local.set $sum (i32.const 8192))
        (block $taps_done
          (loop $tap
            (br_if $taps_done (i32.eqz (local.get $count)))
            (local.set $sum (i32.add (local.get $sum) (i32.mul (i32.load8_u (local.get $p)) (i32.load (local.get $weights)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
            (local.set $count (i32.sub (local.get $count) (i32.const 1)))
            (br $tap)))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (i32.shr_u (local.get $sum) (i32.const 14)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $column))))

  ;; out[0..width) = the line resampled by the plane table's columns.
  (func $scale_horizontal (param $out i32) (param $line i32) (param $table i32)
    (local $chunk i32) (local $chunks i32) (local $record i32) (local $base i32) (local $loads i32)
    (local $a v128) (local $b v128)
    (if (i32.and (i32.load offset=28 (local.get $table)) (i32.const 1))
      (then
        (call $scale_columns_area (local.get $out) (local.get $line) (i32.load offset=12 (local.get $table)) (i32.load (local.get $table)))
        (return)))
    (local.set $chunks (i32.load offset=4 (local.get $table)))
    (local.set $record (i32.load offset=8 (local.get $table)))
    (block $chunks_done
      (loop $chunk_loop
        (br_if $chunks_done (i32.ge_u (local.get $chunk) (local.get $chunks)))
        (local.set $loads (i32.load offset=4 (local.get $record)))
        (if (i32.eq (local.get $loads) (i32.const 1))
          (then
            ;; Every sample in one load: one swizzle each for the left and right samples.
            (local.set $a (v128.load (i32.add (local.get $line) (i32.load (local.get $record)))))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $chunk) (i32.const 4)))
              (call $lerp16
                (i8x16.swizzle (local.get $a) (v128.load offset=16 (local.get $record)))
                (i8x16.swizzle (local.get $a) (v128.load offset=32 (local.get $record)))
                (v128.load offset=48 (local.get $record)))))
          (else
            (if (i32.eq (local.get $loads) (i32.const 2))
              (then
                ;; Two loads cover the 32 samples; swizzle gives 0 for an index ≥ 16, so each half
                ;; picks its own lanes (the second by the offsets less 16) and an or joins them.
                (local.set $base (i32.add (local.get $line) (i32.load (local.get $record))))
                (local.set $a (v128.load (local.get $base)))
                (local.set $b (v128.load offset=16 (local.get $base)))
                (v128.store (i32.add (local.get $out) (i32.shl (local.get $chunk) (i32.const 4)))
                  (call $lerp16
                    (v128.or
                      (i8x16.swizzle (local.get $a) (v128.load offset=16 (local.get $record)))
                      (i8x16.swizzle (local.get $b) (v128.load offset=64 (local.get $record))))
                    (v128.or
                      (i8x16.swizzle (local.get $a) (v128.load offset=32 (local.get $record)))
                      (i8x16.swizzle (local.get $b) (v128.load offset=80 (local.get $record))))
                    (v128.load offset=48 (local.get $record)))))
              (else
                (call $scale_columns (local.get $out) (local.get $line) (i32.load offset=12 (local.get $table))
                  (i32.shl (local.get $chunk) (i32.const 4))
                  (i32.shl (i32.add (local.get $chunk) (i32.const 1)) (i32.const 4)))))))
        (local.set $record (i32.add (local.get $record) (i32.const 96)))
        (local.set $chunk (i32.add (local.get $chunk) (i32.const 1)))
        (br $chunk_loop)))
    (call $scale_columns (local.get $out) (local.get $line) (i32.load offset=12 (local.get $table))
      (i32.shl (local.get $chunks) (i32.const 4))
      (i32.load (local.get $table))))

  ;; The line of the row table's entry from the plane at src: bilinear or area by the table's flags.
  (func $scale_line (param $line i32) (param $src i32) (param $src_stride i32) (param $entry i32) (param $table i32)
    (local $line_start i32)
    (local.set $line_start (i32.load offset=16 (local.get $table)))
    (if (i32.and (i32.load offset=28 (local.get $table)) (i32.const 2))
      (then
        (call $scale_vertical_area (local.get $line)
          (i32.add (i32.add (local.get $src) (i32.mul (i32.load (local.get $entry)) (local.get $src_stride))) (local.get $line_start))
          (local.get $src_stride)
          (i32.load offset=4 (local.get $entry))
          (i32.load offset=8 (local.get $entry))
          (i32.load offset=20 (local.get $table))))
      (else
        (call $scale_vertical (local.get $line)
          (i32.add (i32.add (local.get $src) (i32.mul (i32.load (local.get $entry)) (local.get $src_stride))) (local.get $line_start))
          (i32.add (i32.add (local.get $src) (i32.mul (i32.load offset=4 (local.get $entry)) (local.get $src_stride))) (local.get $line_start))
          (i32.load offset=20 (local.get $table))
          (i32.load offset=8 (local.get $entry))))))

  ;; Rows [row, row + rows) of the plane table, drawn at dst (the first of those rows) from the
  ;; plane at src (same stride as its alpha plane, when has_alpha), by the source's alpha scaled
  ;; by opacity; an opaque layer at full opacity is written straight into dst.
  ;; scratch: the vertical mix (a source row and 32 bytes); scaled, scaled_alpha: a destination row each.
  (func (export "scale_rows")
    (param $dst i32) (param $dst_stride i32) (param $src i32) (param $src_stride i32)
    (param $alpha i32) (param $has_alpha i32) (param $table i32) (param $row i32) (param $rows i32)
    (param $scratch i32) (param $scaled i32) (param $scaled_alpha i32) (param $opacity i32)
    (local $width i32) (local $entry i32)
    (local.set $width (i32.load (local.get $table)))
    (local.set $entry (i32.add (i32.load offset=24 (local.get $table)) (i32.mul (local.get $row) (i32.const 12))))
    (block $done
      (loop $row_loop
        (br_if $done (i32.eqz (local.get $rows)))
        (call $scale_line (local.get $scratch) (local.get $src) (local.get $src_stride) (local.get $entry) (local.get $table))
        (if (local.get $has_alpha)
          (then
            (call $scale_horizontal (local.get $scaled) (local.get $scratch) (local.get $table))
            (call $scale_line (local.get $scratch) (local.get $alpha) (local.get $src_stride) (local.get $entry) (local.get $table))
            (call $scale_horizontal (local.get $scaled_alpha) (local.get $scratch) (local.get $table))
            (call $blend_alpha (local.get $dst) (i32.const 0) (local.get $scaled) (i32.const 0) (local.get $scaled_alpha) (local.get $width) (i32.const 1) (local.get $opacity)))
          (else
            (if (i32.ge_u (local.get $opacity) (i32.const 255))
              (then (call $scale_horizontal (local.get $dst) (local.get $scratch) (local.get $table)))
              (else
                (call $scale_horizontal (local.get $scaled) (local.get $scratch) (local.get $table))
                (call $blend_constant (local.get $dst) (i32.const 0) (local.get $scaled) (i32.const 0) (local.get $width) (i32.const 1) (local.get $opacity))))))
        (local.set $dst (i32.add (local.get $dst) (local.get $dst_stride)))
        (local.set $entry (i32.add (local.get $entry) (i32.const 12)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row_loop))))
)
