package fastblas

import "github.com/boltzmann-go/boltzmann/internal/numeric"

// The blocked product follows Goto and van de Geijn ("Anatomy of
// high-performance matrix multiplication", 2008) as BLIS lays it out: C's
// columns in blocks of gemmNC, the inner dimension in blocks of gemmKC,
// C's rows in blocks of gemmMC. Each block of op(B) is packed into panels
// of nr columns (but where B is not transposed: read in place), each block
// of op(A) (alpha applied) into panels of gemmMR rows (but where alpha is 1
// and A is not transposed: read in place), and a micro-kernel keeps one
// gemmMR×nr tile of C in registers while it runs down the inner dimension
// of two panels.
const (
	gemmMR = 6    // rows of a micro-tile
	gemmKC = 256  // inner block: a panel pair stays in L1
	gemmMC = 96   // rows of A's packed block (16 panels): L2
	gemmNC = 2048 // columns of B's packed block: L3
)

// microKernel adds the product of an A panel (gemmMR rows of k values,
// element (i, q) at a[i·as + q·aq]: packed, or op(A) itself) and a B panel
// (k rows of nr, ldb elements apart: packed, or op(B) itself where it is
// not transposed) to the gemmMR×nr tile at c, whose rows are ldc elements
// apart; or, where store is true, writes the product there without
// reading it.
type microKernel[T float32 | float64] func(k int, a *T, as, aq int, b *T, ldb int, c *T, ldc int, store bool)

// gemmBuffers holds one goroutine's packed blocks and edge tile.
type gemmBuffers[T float32 | float64] struct {
	a, b, tile []T
}

// bufferList keeps the buffers of finished stripes for the next ones. It
// is a free list, not a sync.Pool: the collector empties a sync.Pool, and
// the buffers (up to a few MB) were then allocated again about every other
// training step.
type bufferList[T float32 | float64] struct {
	free chan *gemmBuffers[T]
}

func newBufferList[T float32 | float64](n int) *bufferList[T] {
	return &bufferList[T]{free: make(chan *gemmBuffers[T], n)}
}

// get returns a kept buffer, or a new one when none is free.
func (l *bufferList[T]) get() *gemmBuffers[T] {
	select {
	case b := <-l.free:
		return b
	default:
		return new(gemmBuffers[T])
	}
}

// put keeps b, unless the list is full.
func (l *bufferList[T]) put(b *gemmBuffers[T]) {
	select {
	case l.free <- b:
	default:
	}
}

// gemmProblem is C = alpha·op(A)·op(B) + beta·C in row-major order, op(A)
// [m, k], op(B) [k, n]: the arguments of ?gemm, checked by the caller.
type gemmProblem[T float32 | float64] struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    T
	a, b, c        []T
	lda, ldb, ldc  int
}

// minParallelFlops is the smallest product (m·n·k multiply-adds) split
// over goroutines; below it starting them costs more than they save.
const minParallelFlops = 1 << 18

// gemmJob is a product split into stripes of C's columns (or rows, when C
// has more rows than columns), for a pool of goroutines: its fields are the
// arguments and stripes is its run method, bound once, so that handing it
// to the pool allocates nothing.
type gemmJob[T float32 | float64] struct {
	p           gemmProblem[T]
	kern        microKernel[T]
	nr          int
	parts       int  // stripes
	byCols      bool // stripes of columns, else of rows
	unit, units int  // a stripe is a whole number of units (nr columns or gemmMR rows) of the units of C
	bufs        *bufferList[T]
	stripes     func(lo, hi int) // run, bound once
}

func newGemmJob[T float32 | float64](kern microKernel[T], nr int, bufs *bufferList[T]) *gemmJob[T] {
	j := &gemmJob[T]{kern: kern, nr: nr, bufs: bufs}
	j.stripes = j.run
	return j
}

// plan sets the job to compute p in up to threads stripes and returns how
// many: one for a product too small to gain from more.
func (j *gemmJob[T]) plan(p *gemmProblem[T], threads int) int {
	j.p = *p
	parts := 1
	if threads > 1 && p.m*p.n*p.k >= minParallelFlops {
		parts = threads
	}
	j.byCols = p.n >= p.m
	j.unit, j.units = gemmMR, (p.m+gemmMR-1)/gemmMR
	if j.byCols {
		j.unit, j.units = j.nr, (p.n+j.nr-1)/j.nr
	}
	j.parts = min(parts, j.units)
	return j.parts
}

// run computes stripes lo…hi−1.
func (j *gemmJob[T]) run(lo, hi int) {
	for s := lo; s < hi; s++ {
		from, to := s*j.units/j.parts*j.unit, (s+1)*j.units/j.parts*j.unit
		i0, i1, j0, j1 := 0, j.p.m, 0, j.p.n
		if j.byCols {
			j0, j1 = from, min(to, j.p.n)
		} else {
			i0, i1 = from, min(to, j.p.m)
		}
		gemmStripe(&j.p, i0, i1, j0, j1, j.kern, j.nr, j.bufs)
	}
}

// gemmStripe computes rows i0…i1 and columns j0…j1 of p's C, with
// buffers from bufs.
func gemmStripe[T float32 | float64](p *gemmProblem[T], i0, i1, j0, j1 int, kern microKernel[T], nr int, bufs *bufferList[T]) {
	empty := p.alpha == 0 || p.k == 0 || i0 == i1 || j0 == j1
	// With beta 0 the first inner block stores its tiles instead of
	// adding them to C (the same bits as adding to zeros).
	overwrite := p.beta == 0 && !empty
	for i := i0; i < i1 && !overwrite; i++ {
		row := p.c[i*p.ldc+j0 : i*p.ldc+j1]
		switch p.beta {
		case 0:
			clear(row) // C is not read: NaNs in it do not survive
		case 1:
		default:
			for j := range row {
				row[j] *= p.beta
			}
		}
	}
	if empty {
		return
	}
	m, n, k := i1-i0, j1-j0, p.k
	buf := bufs.get()
	defer bufs.put(buf)
	buf.tile = numeric.Scratch(&buf.tile, gemmMR*nr)
	for jc := 0; jc < n; jc += gemmNC {
		nb := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kb := min(gemmKC, k-pc)
			store := overwrite && pc == 0
			// op(B) is read in place where it is not transposed, but for a
			// last panel narrower than nr; the rest is packed.
			from := 0
			if !p.transB {
				from = nb / nr * nr
			}
			buf.b = packB(buf.b, p, pc, j0+jc, kb, nb, nr, from)
			for ic := 0; ic < m; ic += gemmMC {
				mb := min(gemmMC, m-ic)
				// With alpha 1 the kernel reads A's whole panels in place
				// (the same products, so the same bits); only a last panel
				// of fewer than gemmMR rows is packed. Not Aᵀ: its panel's
				// columns are lda apart, a page or so each, and the kernel
				// then runs slower than packing costs.
				direct := 0
				if p.alpha == 1 && !p.transA {
					direct = mb / gemmMR * gemmMR
				}
				buf.a = packA(buf.a, p, i0+ic, pc, mb, kb, direct)
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					bp, ldb := buf.b[jr*kb:], nr
					if jr < from {
						bp, ldb = p.b[pc*p.ldb+j0+jc+jr:], p.ldb
					}
					for ir := 0; ir < mb; ir += gemmMR {
						ap, as, aq := buf.a[ir*kb:], 1, gemmMR
						if ir < direct {
							ap, as, aq = p.a[(i0+ic+ir)*p.lda+pc:], p.lda, 1
						}
						rows := min(gemmMR, mb-ir)
						ci := (i0+ic+ir)*p.ldc + j0 + jc + jr
						if rows == gemmMR && cols == nr {
							kern(kb, &ap[0], as, aq, &bp[0], ldb, &p.c[ci], p.ldc, store)
							continue
						}
						// An edge tile: computed whole into buf.tile, only
						// its part inside C added (or stored).
						kern(kb, &ap[0], as, aq, &bp[0], ldb, &buf.tile[0], nr, true)
						for i := range rows {
							crow := p.c[ci+i*p.ldc : ci+i*p.ldc+cols]
							tile := buf.tile[i*nr : i*nr+cols]
							if store {
								copy(crow, tile)
								continue
							}
							for j := range crow {
								crow[j] += tile[j]
							}
						}
					}
				}
			}
		}
	}
}

// packB packs op(B)[pc:pc+kb, jc+from:jc+nb] into dst as panels of nr
// columns, each kb rows of nr values (zeros past column nb), at the places
// of panels from/nr… of the whole block.
func packB[T float32 | float64](dst []T, p *gemmProblem[T], pc, jc, kb, nb, nr, from int) []T {
	dst = numeric.Scratch(&dst, (nb+nr-1)/nr*nr*kb)
	for jr := from; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+kb*nr]
		if p.transB { // op(B)(q, j) = b[j·ldb + q]: a transposition
			numeric.TransposeLD(panel, nr, p.b[(jc+jr)*p.ldb+pc:], p.ldb, cols, kb)
			for q := range kb {
				clear(panel[q*nr+cols : q*nr+nr])
			}
			continue
		}
		for q := range kb {
			row := panel[q*nr : q*nr+nr]
			copy(row, p.b[(pc+q)*p.ldb+jc+jr:][:cols])
			clear(row[cols:])
		}
	}
	return dst
}

// packA packs alpha·op(A)[ic+from:ic+mb, pc:pc+kb] into dst as panels of
// gemmMR rows, each kb columns of gemmMR values (zeros past row mb), at the
// places of panels from/gemmMR… of the whole block.
func packA[T float32 | float64](dst []T, p *gemmProblem[T], ic, pc, mb, kb, from int) []T {
	dst = numeric.Scratch(&dst, (mb+gemmMR-1)/gemmMR*gemmMR*kb)
	alpha := p.alpha
	for ir := from; ir < mb; ir += gemmMR {
		rows := min(gemmMR, mb-ir)
		panel := dst[ir*kb : ir*kb+kb*gemmMR]
		if p.transA { // op(A)(i, q) = a[q·lda + i]: read along i
			for q := range kb {
				col := panel[q*gemmMR : q*gemmMR+gemmMR]
				src := p.a[(pc+q)*p.lda+ic+ir:][:rows]
				for i, v := range src {
					col[i] = alpha * v
				}
				clear(col[rows:])
			}
			continue
		}
		for i := range rows {
			src := p.a[(ic+ir+i)*p.lda+pc:][:kb]
			for q, v := range src {
				panel[q*gemmMR+i] = alpha * v
			}
		}
		for i := rows; i < gemmMR; i++ {
			for q := range kb {
				panel[q*gemmMR+i] = 0
			}
		}
	}
	return dst
}
