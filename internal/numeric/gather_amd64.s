#include "textflag.h"

// Eight lanes on, then eight off: 32 bytes before +32 hold a mask of the
// first n lanes at +32 − 4n.
DATA lanemask<>+0(SB)/8, $-1
DATA lanemask<>+8(SB)/8, $-1
DATA lanemask<>+16(SB)/8, $-1
DATA lanemask<>+24(SB)/8, $-1
DATA lanemask<>+32(SB)/8, $0
DATA lanemask<>+40(SB)/8, $0
DATA lanemask<>+48(SB)/8, $0
DATA lanemask<>+56(SB)/8, $0
GLOBL lanemask<>(SB), RODATA|NOPTR, $64

// func gatherSumAVX2(dst, src *float32, ld int, idx *int32, nidx int, ncols int)
// dst[j] = Σ_k src[idx[k]·ld + j] for j < ncols: 64 columns a pass, then
// the rest in one pass, its last ncols mod 8 columns by masked loads and
// stores.
// Column blocks of 64 stay in eight registers while the listed rows stream by.
TEXT ·gatherSumAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX                 // row stride in bytes
	MOVQ idx+24(FP), BX
	MOVQ nidx+32(FP), R11
	MOVQ ncols+40(FP), CX

blk64:
	CMPQ CX, $64
	JLT  tail
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ BX, R8
	MOVQ R11, R9
	TESTQ R9, R9
	JZ   store64

inner64:
	// Prefetch the block of the row four entries ahead: the rows are
	// scattered, and the loop would otherwise wait on the L2 cache.
	CMPQ R9, $4
	JLE  noprefetch
	MOVLQSX 16(R8), R12
	IMULQ DX, R12
	ADDQ SI, R12
	PREFETCHT0 0(R12)
	PREFETCHT0 64(R12)
	PREFETCHT0 128(R12)
	PREFETCHT0 192(R12)

noprefetch:
	MOVLQSX (R8), R10
	IMULQ DX, R10
	ADDQ SI, R10
	VADDPS 0(R10), Y0, Y0
	VADDPS 32(R10), Y1, Y1
	VADDPS 64(R10), Y2, Y2
	VADDPS 96(R10), Y3, Y3
	VADDPS 128(R10), Y4, Y4
	VADDPS 160(R10), Y5, Y5
	VADDPS 192(R10), Y6, Y6
	VADDPS 224(R10), Y7, Y7
	ADDQ $4, R8
	DECQ R9
	JNZ  inner64

store64:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  blk64

tail:
	// The last ncols < 64 columns in one pass over the rows: q = ncols/8
	// full registers Y0… and the ncols mod 8 remaining lanes, masked, in Y7.
	TESTQ CX, CX
	JZ   done
	MOVQ CX, R13
	SHRQ $3, R13                // q
	MOVQ R13, R14
	SHLQ $5, R14                // byte offset of the masked register
	ANDQ $7, CX
	LEAQ lanemask<>+32(SB), AX
	SHLQ $2, CX
	SUBQ CX, AX
	VMOVDQU (AX), Y15           // the first ncols mod 8 lanes on
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ BX, R8
	MOVQ R11, R9
	TESTQ R9, R9
	JZ   tstore

tinner:
	MOVLQSX (R8), R10
	IMULQ DX, R10
	ADDQ SI, R10
	CMPQ R13, $1
	JLT  tmask
	VADDPS 0(R10), Y0, Y0
	CMPQ R13, $2
	JLT  tmask
	VADDPS 32(R10), Y1, Y1
	CMPQ R13, $3
	JLT  tmask
	VADDPS 64(R10), Y2, Y2
	CMPQ R13, $4
	JLT  tmask
	VADDPS 96(R10), Y3, Y3
	CMPQ R13, $5
	JLT  tmask
	VADDPS 128(R10), Y4, Y4
	CMPQ R13, $6
	JLT  tmask
	VADDPS 160(R10), Y5, Y5
	CMPQ R13, $7
	JLT  tmask
	VADDPS 192(R10), Y6, Y6

tmask:
	VMASKMOVPS (R10)(R14*1), Y15, Y8
	VADDPS Y8, Y7, Y7
	ADDQ $4, R8
	DECQ R9
	JNZ  tinner

tstore:
	CMPQ R13, $1
	JLT  tmstore
	VMOVUPS Y0, 0(DI)
	CMPQ R13, $2
	JLT  tmstore
	VMOVUPS Y1, 32(DI)
	CMPQ R13, $3
	JLT  tmstore
	VMOVUPS Y2, 64(DI)
	CMPQ R13, $4
	JLT  tmstore
	VMOVUPS Y3, 96(DI)
	CMPQ R13, $5
	JLT  tmstore
	VMOVUPS Y4, 128(DI)
	CMPQ R13, $6
	JLT  tmstore
	VMOVUPS Y5, 160(DI)
	CMPQ R13, $7
	JLT  tmstore
	VMOVUPS Y6, 192(DI)

tmstore:
	VMASKMOVPS Y7, Y15, (DI)(R14*1)

done:
	VZEROUPPER
	RET

// func transposeAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)
// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols, both multiples
// of 8, one 8×8 block at a time in registers.
TEXT ·transposeAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ cols+40(FP), R11
	XORQ AX, AX                 // i

trow:
	CMPQ AX, R10
	JGE  tdone
	XORQ BX, BX                 // j

tcol:
	CMPQ BX, R11
	JGE  tnext
	// R12 = &src[i·lds + j]
	MOVQ AX, R12
	IMULQ R9, R12
	LEAQ (SI)(R12*1), R12
	LEAQ (R12)(BX*4), R12
	MOVQ R12, R13
	VMOVUPS (R13), Y0
	ADDQ R9, R13
	VMOVUPS (R13), Y1
	ADDQ R9, R13
	VMOVUPS (R13), Y2
	ADDQ R9, R13
	VMOVUPS (R13), Y3
	ADDQ R9, R13
	VMOVUPS (R13), Y4
	ADDQ R9, R13
	VMOVUPS (R13), Y5
	ADDQ R9, R13
	VMOVUPS (R13), Y6
	ADDQ R9, R13
	VMOVUPS (R13), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	// R12 = &dst[j·ldd + i]
	MOVQ BX, R12
	IMULQ R8, R12
	LEAQ (DI)(R12*1), R12
	LEAQ (R12)(AX*4), R12
	VMOVUPS Y8, (R12)
	ADDQ R8, R12
	VMOVUPS Y9, (R12)
	ADDQ R8, R12
	VMOVUPS Y10, (R12)
	ADDQ R8, R12
	VMOVUPS Y11, (R12)
	ADDQ R8, R12
	VMOVUPS Y12, (R12)
	ADDQ R8, R12
	VMOVUPS Y13, (R12)
	ADDQ R8, R12
	VMOVUPS Y14, (R12)
	ADDQ R8, R12
	VMOVUPS Y15, (R12)
	ADDQ $8, BX
	JMP  tcol

tnext:
	ADDQ $8, AX
	JMP  trow

tdone:
	VZEROUPPER
	RET

// func momentumAVX2(w, vel, grad *float32, n int, lr, mom, wd float32)
// vel ← mom·vel + lr·(grad − wd·w); w ← w + vel, for n a multiple of 8.
TEXT ·momentumAVX2(SB), NOSPLIT, $0-44
	MOVQ w+0(FP), DI
	MOVQ vel+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ   mdone
	VBROADCASTSS lr+32(FP), Y13
	VBROADCASTSS mom+36(FP), Y14
	VBROADCASTSS wd+40(FP), Y15

mloop:
	VMOVUPS (DI), Y0            // w
	VMOVUPS (DX), Y1            // g
	VFNMADD231PS Y15, Y0, Y1    // g − wd·w
	VMULPS  Y13, Y1, Y1         // lr·(g − wd·w)
	VMOVUPS (SI), Y2            // vel
	VFMADD132PS Y14, Y1, Y2     // vel·mom + lr·(…)
	VMOVUPS Y2, (SI)
	VADDPS  Y2, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ  mloop
	VZEROUPPER

mdone:
	RET

// func transpose64AVX2(dst *float64, ldd int, src *float64, lds int, rows, cols int)
// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols, both multiples
// of 4, one 4×4 block at a time in registers.
TEXT ·transpose64AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $3, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $3, R9
	MOVQ rows+32(FP), R10
	MOVQ cols+40(FP), R11
	XORQ AX, AX                 // i

drow:
	CMPQ AX, R10
	JGE  ddone
	XORQ BX, BX                 // j

dcol:
	CMPQ BX, R11
	JGE  dnext
	// R12 = &src[i·lds + j]
	MOVQ AX, R12
	IMULQ R9, R12
	LEAQ (SI)(R12*1), R12
	LEAQ (R12)(BX*8), R12
	VMOVUPD (R12), Y0
	ADDQ R9, R12
	VMOVUPD (R12), Y1
	ADDQ R9, R12
	VMOVUPD (R12), Y2
	ADDQ R9, R12
	VMOVUPD (R12), Y3
	VUNPCKLPD Y1, Y0, Y4        // r0[0] r1[0] r0[2] r1[2]
	VUNPCKHPD Y1, Y0, Y5        // r0[1] r1[1] r0[3] r1[3]
	VUNPCKLPD Y3, Y2, Y6
	VUNPCKHPD Y3, Y2, Y7
	VPERM2F128 $0x20, Y6, Y4, Y0 // column 0
	VPERM2F128 $0x20, Y7, Y5, Y1 // column 1
	VPERM2F128 $0x31, Y6, Y4, Y2 // column 2
	VPERM2F128 $0x31, Y7, Y5, Y3 // column 3
	// R12 = &dst[j·ldd + i]
	MOVQ BX, R12
	IMULQ R8, R12
	LEAQ (DI)(R12*1), R12
	LEAQ (R12)(AX*8), R12
	VMOVUPD Y0, (R12)
	ADDQ R8, R12
	VMOVUPD Y1, (R12)
	ADDQ R8, R12
	VMOVUPD Y2, (R12)
	ADDQ R8, R12
	VMOVUPD Y3, (R12)
	ADDQ $4, BX
	JMP  dcol

dnext:
	ADDQ $4, AX
	JMP  drow

ddone:
	VZEROUPPER
	RET

// func gatherSumAVX512(dst, src *float32, ld int, idx *int32, nidx int, ncols int)
// gatherSumAVX2 on 512-bit registers: 128 columns a pass in eight
// registers, then the rest in one pass, its last ncols mod 16 columns by
// masked loads and stores. Each column's sum adds the listed rows in the
// same order, so the result is the same bits.
TEXT ·gatherSumAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX                 // row stride in bytes
	MOVQ idx+24(FP), BX
	MOVQ nidx+32(FP), R11
	MOVQ ncols+40(FP), CX

zblk128:
	CMPQ CX, $128
	JLT  ztail
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	MOVQ BX, R8
	MOVQ R11, R9
	TESTQ R9, R9
	JZ   zstore128

zinner128:
	// Prefetch the block of the row four entries ahead.
	CMPQ R9, $4
	JLE  znoprefetch
	MOVLQSX 16(R8), R12
	IMULQ DX, R12
	ADDQ SI, R12
	PREFETCHT0 0(R12)
	PREFETCHT0 64(R12)
	PREFETCHT0 128(R12)
	PREFETCHT0 192(R12)
	PREFETCHT0 256(R12)
	PREFETCHT0 320(R12)
	PREFETCHT0 384(R12)
	PREFETCHT0 448(R12)

znoprefetch:
	MOVLQSX (R8), R10
	IMULQ DX, R10
	ADDQ SI, R10
	VADDPS 0(R10), Z0, Z0
	VADDPS 64(R10), Z1, Z1
	VADDPS 128(R10), Z2, Z2
	VADDPS 192(R10), Z3, Z3
	VADDPS 256(R10), Z4, Z4
	VADDPS 320(R10), Z5, Z5
	VADDPS 384(R10), Z6, Z6
	VADDPS 448(R10), Z7, Z7
	ADDQ $4, R8
	DECQ R9
	JNZ  zinner128

zstore128:
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $128, CX
	JMP  zblk128

ztail:
	// The last ncols < 128 columns in one pass over the rows: q = ncols/16
	// full registers Z0… and the ncols mod 16 remaining lanes, masked by
	// K1, in Z7.
	TESTQ CX, CX
	JZ   zdone
	MOVQ CX, R13
	SHRQ $4, R13                // q
	MOVQ R13, R14
	SHLQ $6, R14                // byte offset of the masked register
	ANDQ $15, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX                     // the first ncols mod 16 lanes on
	KMOVW AX, K1
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	MOVQ BX, R8
	MOVQ R11, R9
	TESTQ R9, R9
	JZ   ztstore

ztinner:
	MOVLQSX (R8), R10
	IMULQ DX, R10
	ADDQ SI, R10
	CMPQ R13, $1
	JLT  ztmask
	VADDPS 0(R10), Z0, Z0
	CMPQ R13, $2
	JLT  ztmask
	VADDPS 64(R10), Z1, Z1
	CMPQ R13, $3
	JLT  ztmask
	VADDPS 128(R10), Z2, Z2
	CMPQ R13, $4
	JLT  ztmask
	VADDPS 192(R10), Z3, Z3
	CMPQ R13, $5
	JLT  ztmask
	VADDPS 256(R10), Z4, Z4
	CMPQ R13, $6
	JLT  ztmask
	VADDPS 320(R10), Z5, Z5
	CMPQ R13, $7
	JLT  ztmask
	VADDPS 384(R10), Z6, Z6

ztmask:
	VMOVUPS.Z (R10)(R14*1), K1, Z8
	VADDPS Z8, Z7, Z7
	ADDQ $4, R8
	DECQ R9
	JNZ  ztinner

ztstore:
	CMPQ R13, $1
	JLT  ztmstore
	VMOVUPS Z0, 0(DI)
	CMPQ R13, $2
	JLT  ztmstore
	VMOVUPS Z1, 64(DI)
	CMPQ R13, $3
	JLT  ztmstore
	VMOVUPS Z2, 128(DI)
	CMPQ R13, $4
	JLT  ztmstore
	VMOVUPS Z3, 192(DI)
	CMPQ R13, $5
	JLT  ztmstore
	VMOVUPS Z4, 256(DI)
	CMPQ R13, $6
	JLT  ztmstore
	VMOVUPS Z5, 320(DI)
	CMPQ R13, $7
	JLT  ztmstore
	VMOVUPS Z6, 384(DI)

ztmstore:
	VMOVUPS Z7, K1, (DI)(R14*1)

zdone:
	VZEROUPPER
	RET
