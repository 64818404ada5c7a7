#include "textflag.h"

// Element-wise arithmetic on vector registers, for numeric.Elementwise:
// dst[i] = a[i] ∘ b[i] with ∘ one of + − × ÷ (op 0 to 3), either operand
// possibly one value for every element (vs: b; sv: a). n is a multiple of
// the lanes (8 float32, 4 float64). Each result is the one IEEE operation,
// as in Go: the same bits as the scalar loop.

#define VV(MOVU, INS, STEP, LBL) \
LBL: \
	MOVU (SI), Y0 \
	INS (DX), Y0, Y0 \
	MOVU Y0, (DI) \
	ADDQ $32, SI \
	ADDQ $32, DX \
	ADDQ $32, DI \
	SUBQ $STEP, CX \
	JNZ  LBL \
	VZEROUPPER \
	RET

#define VS(MOVU, INS, STEP, LBL) \
LBL: \
	MOVU (SI), Y0 \
	INS Y1, Y0, Y0 \
	MOVU Y0, (DI) \
	ADDQ $32, SI \
	ADDQ $32, DI \
	SUBQ $STEP, CX \
	JNZ  LBL \
	VZEROUPPER \
	RET

#define SV(MOVU, INS, STEP, LBL) \
LBL: \
	MOVU (DX), Y0 \
	INS Y0, Y1, Y0 \
	MOVU Y0, (DI) \
	ADDQ $32, DX \
	ADDQ $32, DI \
	SUBQ $STEP, CX \
	JNZ  LBL \
	VZEROUPPER \
	RET

// func binaryvv32AVX2(op int, dst, a, b *float32, n int)
TEXT ·binaryvv32AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binaryvv32AVX2_none
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binaryvv32AVX2_sub
	CMPQ AX, $2
	JEQ  binaryvv32AVX2_mul
	CMPQ AX, $3
	JEQ  binaryvv32AVX2_div
	VV(VMOVUPS, VADDPS, 8, binaryvv32AVX2_add)
	VV(VMOVUPS, VSUBPS, 8, binaryvv32AVX2_sub)
	VV(VMOVUPS, VMULPS, 8, binaryvv32AVX2_mul)
	VV(VMOVUPS, VDIVPS, 8, binaryvv32AVX2_div)
binaryvv32AVX2_none:
	RET

// func binaryvs32AVX2(op int, dst, a, b *float32, n int)
TEXT ·binaryvs32AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binaryvs32AVX2_none
	VBROADCASTSS (DX), Y1
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binaryvs32AVX2_sub
	CMPQ AX, $2
	JEQ  binaryvs32AVX2_mul
	CMPQ AX, $3
	JEQ  binaryvs32AVX2_div
	VS(VMOVUPS, VADDPS, 8, binaryvs32AVX2_add)
	VS(VMOVUPS, VSUBPS, 8, binaryvs32AVX2_sub)
	VS(VMOVUPS, VMULPS, 8, binaryvs32AVX2_mul)
	VS(VMOVUPS, VDIVPS, 8, binaryvs32AVX2_div)
binaryvs32AVX2_none:
	RET

// func binarysv32AVX2(op int, dst, a, b *float32, n int)
TEXT ·binarysv32AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binarysv32AVX2_none
	VBROADCASTSS (SI), Y1
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binarysv32AVX2_sub
	CMPQ AX, $2
	JEQ  binarysv32AVX2_mul
	CMPQ AX, $3
	JEQ  binarysv32AVX2_div
	SV(VMOVUPS, VADDPS, 8, binarysv32AVX2_add)
	SV(VMOVUPS, VSUBPS, 8, binarysv32AVX2_sub)
	SV(VMOVUPS, VMULPS, 8, binarysv32AVX2_mul)
	SV(VMOVUPS, VDIVPS, 8, binarysv32AVX2_div)
binarysv32AVX2_none:
	RET

// func binaryvv64AVX2(op int, dst, a, b *float64, n int)
TEXT ·binaryvv64AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binaryvv64AVX2_none
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binaryvv64AVX2_sub
	CMPQ AX, $2
	JEQ  binaryvv64AVX2_mul
	CMPQ AX, $3
	JEQ  binaryvv64AVX2_div
	VV(VMOVUPD, VADDPD, 4, binaryvv64AVX2_add)
	VV(VMOVUPD, VSUBPD, 4, binaryvv64AVX2_sub)
	VV(VMOVUPD, VMULPD, 4, binaryvv64AVX2_mul)
	VV(VMOVUPD, VDIVPD, 4, binaryvv64AVX2_div)
binaryvv64AVX2_none:
	RET

// func binaryvs64AVX2(op int, dst, a, b *float64, n int)
TEXT ·binaryvs64AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binaryvs64AVX2_none
	VBROADCASTSD (DX), Y1
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binaryvs64AVX2_sub
	CMPQ AX, $2
	JEQ  binaryvs64AVX2_mul
	CMPQ AX, $3
	JEQ  binaryvs64AVX2_div
	VS(VMOVUPD, VADDPD, 4, binaryvs64AVX2_add)
	VS(VMOVUPD, VSUBPD, 4, binaryvs64AVX2_sub)
	VS(VMOVUPD, VMULPD, 4, binaryvs64AVX2_mul)
	VS(VMOVUPD, VDIVPD, 4, binaryvs64AVX2_div)
binaryvs64AVX2_none:
	RET

// func binarysv64AVX2(op int, dst, a, b *float64, n int)
TEXT ·binarysv64AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   binarysv64AVX2_none
	VBROADCASTSD (SI), Y1
	MOVQ op+0(FP), AX
	CMPQ AX, $1
	JEQ  binarysv64AVX2_sub
	CMPQ AX, $2
	JEQ  binarysv64AVX2_mul
	CMPQ AX, $3
	JEQ  binarysv64AVX2_div
	SV(VMOVUPD, VADDPD, 4, binarysv64AVX2_add)
	SV(VMOVUPD, VSUBPD, 4, binarysv64AVX2_sub)
	SV(VMOVUPD, VMULPD, 4, binarysv64AVX2_mul)
	SV(VMOVUPD, VDIVPD, 4, binarysv64AVX2_div)
binarysv64AVX2_none:
	RET


// func maxAbsDiffAVX2(a, b *float32, n int) (m float32, nan bool)
// m = max |a[i] − b[i]| over i < n (a multiple of 8; 0 when n is 0) and
// whether any difference is NaN.
TEXT ·maxAbsDiffAVX2(SB), NOSPLIT, $0-29
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DX
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0           // the running maximum
	VXORPS Y3, Y3, Y3           // lanes that met a NaN
	VPCMPEQD Y4, Y4, Y4
	VPSRLD $1, Y4, Y4           // 0x7fffffff: clears the sign
	SHRQ $3, CX
	JZ   mreduce

mloop:
	VMOVUPS (SI), Y1
	VSUBPS  (DX), Y1, Y1        // a − b
	VANDPS  Y4, Y1, Y1          // |a − b|
	VCMPPS  $3, Y1, Y1, Y2      // unordered: NaN
	VORPS   Y2, Y3, Y3
	VMAXPS  Y1, Y0, Y0
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ  mloop

mreduce:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	MOVSS X0, m+24(FP)
	VMOVMSKPS Y3, AX
	TESTL AX, AX
	SETNE nan+28(FP)
	VZEROUPPER
	RET
