// Package bm is the Boltzmann machine itself (Ackley, Hinton & Sejnowski
// 1985): binary units, the first V visible and the rest hidden, symmetric
// couplings W between any pairs that a connectivity allows (zero diagonal)
// and biases b, with energy
//
//	E(s) = −½ sᵀWs − bᵀs,   p(s) = exp(−E(s)/T) / Z.
//
// A unit updates stochastically, P(s_i = 1) = σ(Δ_i/T) with Δ_i = Σ_j W_ij s_j
// + b_i its energy gap; at T → 0 this is a Hopfield network's descent, and
// lowering T step by step is simulated annealing. The machine's dynamics
// are the hopfield package's: with spins σ = 2s − 1 the energy is an Ising
// energy with J = W/4 and θ_i = b_i/2 + Σ_j W_ij/4 (plus a constant), so
// [Machine.Network] hands the hopfield package a network whose Glauber
// sweeps (GlauberUnits, for clamped visible units) and schedules are this
// machine's.
//
// The restricted Boltzmann machine (connectivity "rbm"), the semi-restricted
// one with lateral visible couplings ("semi"), one with hidden–hidden
// couplings ("vh+hh") and the fully connected machine ("full") are all
// masks of one model.
//
// It learns three ways ([Rule]): the 1985 rule, Δw_ij = ε(⟨s_i s_j⟩⁺ −
// ⟨s_i s_j⟩⁻) with each phase reached by simulated annealing and the
// statistics collected at the last temperature; the modern rule of
// Salakhutdinov & Hinton (mean-field clamped phase, persistent Gibbs chains
// for the free one); and deterministic mean-field learning (Peterson &
// Anderson 1987). Small machines are exact: [Machine.LogZ],
// [Machine.LogLikelihood] and [Machine.ExactGradient] enumerate every state.
package bm
