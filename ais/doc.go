// Package ais holds what annealed importance sampling (Neal 2001) needs
// whatever the model: schedules of inverse temperatures, and the estimate of
// log Z from importance weights with its confidence interval, as
// Salakhutdinov & Murray ("On the quantitative analysis of deep belief
// networks", ICML 2008) report it.
//
// AIS moves M independent chains from a base distribution p_0, whose
// partition function Z_0 is known, through intermediate distributions
// p_k ∝ f_k, k = 1…K, to the model p_K, adding log f_k(x) − log f_{k−1}(x) to
// each chain's log weight before a transition that leaves p_k invariant.
// The mean weight is an unbiased estimate of Z_K/Z_0, so log Ẑ tends to fall
// short of log Z and a log-likelihood computed from it to come out too high;
// reverse annealing (RAISE, Burda, Grosse & Salakhutdinov, AISTATS 2015)
// gives the conservative side. [Run] is the one AIS loop: it runs the
// chains in blocks over the cores, one random stream per chain, with
// progress, and turns their log weights into the estimate; a model supplies
// only its block of chains ([Chains]: the log-weight increment and the
// transition), drawn from its base model.
package ais
