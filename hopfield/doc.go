// Package hopfield implements Hopfield networks, the zero-temperature limit
// of the Boltzmann machine, and the finite-temperature dynamics that turn
// one into the other.
//
// A network has N units with states s_i = ±1, symmetric couplings J with a
// zero diagonal, thresholds θ and the energy
//
//	H(s) = −½ Σ_ij J_ij s_i s_j − Σ_i θ_i s_i.
//
// Asynchronous updates at T = 0, s_i ← sign(λ_i) with the local field
// λ_i = Σ_j J_ij s_j + θ_i, never raise H (the change is −Δs_i·λ_i ≤ 0), so
// they end in a fixed point: a stored pattern if recall works, a spurious
// state if not. Synchronous updates may end in a two-cycle instead. At
// temperature T the heat-bath (Glauber) update sets s_i = +1 with
// probability σ(2λ_i/T), which samples exp(−H/T)/Z; lowering T along a
// schedule is simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983).
//
// Learning rules: Hebbian, J = (1/N) Σ_μ ξ^μ ξ^μᵀ (critical load α_c ≈ 0.138,
// Amit, Gutfreund & Sompolinsky 1985); Storkey's incremental rule (1997),
// which stores more; and the pseudo-inverse (projection) rule, under which
// every one of up to N linearly independent patterns is a fixed point.
//
// [DenseMemory] is the dense associative memory of Krotov & Hopfield (NIPS
// 2016): the energy −Σ_μ F(ξ^μ·s) with a rectified polynomial F(x) = xⁿ (x > 0)
// or F(x) = e^x, whose capacity grows like N^(n−1) instead of N: it stores and
// recalls far more than 0.138·N patterns, at the cost of keeping the
// patterns themselves instead of an N×N coupling matrix.
//
// A [Memory] stores prototypes of labelled classes (k-means, [Prototypes])
// and classifies a state by its nearest stored pattern; [Memory.Study] is
// the associative-memory study that eval reports: corrupted test images
// relaxed by T = 0 descent and by simulated annealing.
package hopfield
