package numeric

// Stream is a counter-based random bit generator (SplitMix64, Steele, Lea &
// Flood 2014): its state is a 64-bit counter, each output a strong mix of
// it. Streams keyed by (seed, a, b) are independent in practice, so that
// parallel work can draw from a stream per row and give the same numbers
// however the rows fall to goroutines.
type Stream struct{ s uint64 }

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewStream returns the stream keyed by seed and the two indices a and b
// (a pass and a row, say).
func NewStream(seed, a, b uint64) Stream {
	return Stream{mix64(mix64(seed^mix64(a+golden)) + b*golden)}
}

// Uint64 returns the next 64 random bits.
func (s *Stream) Uint64() uint64 {
	s.s += golden
	return mix64(s.s)
}

// BernoulliRow sets dst[i] to 1 with probability p[i], else 0, drawing
// from s: 24 bits a draw for float32 (two draws from each 64 bits), 53 for
// float64.
func BernoulliRow[T Float](dst, p []T, s *Stream) {
	if _, ok := any(dst).([]float32); ok {
		i := 0
		for ; i+1 < len(p); i += 2 {
			u := s.Uint64()
			dst[i] = T(below24(u>>40, float32(p[i])))
			dst[i+1] = T(below24((u>>8)&(1<<24-1), float32(p[i+1])))
		}
		if i < len(p) {
			dst[i] = T(below24(s.Uint64()>>40, float32(p[i])))
		}
		return
	}
	for i, pi := range p {
		dst[i] = T(below53(s.Uint64()>>11, float64(pi)))
	}
}

// below24 is 1 when the 24-bit u is below ⌊p·2^24⌋ and 0 otherwise, with
// no branch: the sign bit of the difference. As a draw it is Bernoulli(p)
// with a bias below 2^-24.
func below24(u uint64, p float32) uint32 { return uint32(int32(u)-int32(p*(1<<24))) >> 31 }

// below53 is below24 for a 53-bit u, in 64-bit integers.
func below53(u uint64, p float64) uint64 { return uint64(int64(u)-int64(p*(1<<53))) >> 63 }
