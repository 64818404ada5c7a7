#include "textflag.h"

// Constants of exp32 and Sigmoid32 in fast.go, one float32 each.
DATA sigconst<>+0(SB)/4, $-87.0        // clamp low
DATA sigconst<>+4(SB)/4, $87.0         // clamp high
DATA sigconst<>+8(SB)/4, $1.44269504   // log2 e
DATA sigconst<>+12(SB)/4, $12582912.0  // 1.5·2^23, rounds to nearest
DATA sigconst<>+16(SB)/4, $0.693359375 // ln 2, high part
DATA sigconst<>+20(SB)/4, $-2.12194440e-4 // ln 2, low part
DATA sigconst<>+24(SB)/4, $0.00138888889  // 1/720
DATA sigconst<>+28(SB)/4, $0.00833333333  // 1/120
DATA sigconst<>+32(SB)/4, $0.0416666667   // 1/24
DATA sigconst<>+36(SB)/4, $0.166666667    // 1/6
DATA sigconst<>+40(SB)/4, $0.5
DATA sigconst<>+44(SB)/4, $1.0
DATA sigconst<>+48(SB)/4, $127
GLOBL sigconst<>(SB), RODATA|NOPTR, $52

// func sigmoidBiasAVX2(row, bias *float32, n int)
// row[j] = σ(row[j] + bias[j]) for j < n, n a multiple of 8.
TEXT ·sigmoidBiasAVX2(SB), NOSPLIT, $0-24
	MOVQ row+0(FP), DI
	MOVQ bias+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   done
	VBROADCASTSS sigconst<>+0(SB), Y15  // -87
	VBROADCASTSS sigconst<>+4(SB), Y14  // 87
	VBROADCASTSS sigconst<>+8(SB), Y13  // log2e
	VBROADCASTSS sigconst<>+12(SB), Y12 // round
	VBROADCASTSS sigconst<>+16(SB), Y11 // ln2hi
	VBROADCASTSS sigconst<>+20(SB), Y10 // ln2lo
	VBROADCASTSS sigconst<>+44(SB), Y9  // 1
	VPBROADCASTD sigconst<>+48(SB), Y8  // 127 (int32)

loop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0        // z = row + bias
	VMAXPS  Y0, Y15, Y0         // clamp z to [-87, 87]; NaN passes
	VMINPS  Y0, Y14, Y0
	VXORPS  Y1, Y1, Y1
	VSUBPS  Y0, Y1, Y0          // x = -z
	VMOVAPS Y0, Y1
	VFMADD132PS Y13, Y12, Y1    // t = x·log2e + round
	VSUBPS  Y12, Y1, Y2         // n = t − round
	VFNMADD231PS Y11, Y2, Y0    // f = x − n·ln2hi
	VFNMADD231PS Y10, Y2, Y0    // f −= n·ln2lo
	VBROADCASTSS sigconst<>+24(SB), Y3
	VBROADCASTSS sigconst<>+28(SB), Y4
	VFMADD213PS Y4, Y0, Y3      // p = p·f + 1/120
	VBROADCASTSS sigconst<>+32(SB), Y4
	VFMADD213PS Y4, Y0, Y3      // + 1/24
	VBROADCASTSS sigconst<>+36(SB), Y4
	VFMADD213PS Y4, Y0, Y3      // + 1/6
	VBROADCASTSS sigconst<>+40(SB), Y4
	VFMADD213PS Y4, Y0, Y3      // + 1/2
	VFMADD213PS Y9, Y0, Y3      // + 1
	VFMADD213PS Y9, Y0, Y3      // + 1
	VCVTPS2DQ Y2, Y2            // n as int32
	VPADDD  Y8, Y2, Y2
	VPSLLD  $23, Y2, Y2         // 2^n
	VMULPS  Y2, Y3, Y3          // e^x
	VADDPS  Y9, Y3, Y3          // 1 + e^-z
	VDIVPS  Y3, Y9, Y3          // 1 / (1 + e^-z)
	VMOVUPS Y3, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     loop
	VZEROUPPER

done:
	RET
