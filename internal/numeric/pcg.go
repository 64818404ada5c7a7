package numeric

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// The constants of math/rand/v2's PCG: its 128-bit state s steps to
// s·pcgMul + pcgInc (mod 2^128) for each number it draws.
const (
	pcgMulHi = 2549297995355413924
	pcgMulLo = 4865540595714422341
	pcgIncHi = 6364136223846793005
	pcgIncLo = 1442695040888963407
)

// u128 is an unsigned 128-bit integer, arithmetic mod 2^128.
type u128 struct{ hi, lo uint64 }

func (a u128) mul(b u128) u128 {
	hi, lo := bits.Mul64(a.lo, b.lo)
	hi += a.hi*b.lo + a.lo*b.hi
	return u128{hi, lo}
}

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

// AdvancePCG moves p on by k draws in O(log k) steps (Brown, "Random
// number generation with arbitrary strides", 1994): afterwards p draws what
// it would have drawn after k calls of Uint64. Work that consumes one
// stream can so be split over goroutines and still draw exactly the
// numbers of the sequential loop.
func AdvancePCG(p *rand.PCG, k uint64) {
	b, _ := p.MarshalBinary() // "pcg:" hi lo, big-endian
	s := u128{binary.BigEndian.Uint64(b[4:]), binary.BigEndian.Uint64(b[12:])}
	accMul, accInc := u128{0, 1}, u128{}
	curMul, curInc := u128{pcgMulHi, pcgMulLo}, u128{pcgIncHi, pcgIncLo}
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			accMul = accMul.mul(curMul)
			accInc = accInc.mul(curMul).add(curInc)
		}
		curInc = curMul.add(u128{0, 1}).mul(curInc)
		curMul = curMul.mul(curMul)
	}
	s = accMul.mul(s).add(accInc)
	binary.BigEndian.PutUint64(b[4:], s.hi)
	binary.BigEndian.PutUint64(b[12:], s.lo)
	_ = p.UnmarshalBinary(b)
}
