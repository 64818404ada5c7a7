package energy

// NewTapeGradient is NewParameterGradient on Gorgonia's tape machine alone:
// the reference the compiled plan is held to.
var NewTapeGradient = func(m Model, nData, nModel int) (*FreeEnergyGradient, error) {
	return newParameterGradient(m.Parameters(), m.Visible(), nData, nModel, m.FreeEnergyExpr, true)
}

// Compiled reports whether the gradient runs as a compiled plan.
func (a *FreeEnergyGradient) Compiled() bool { return a.plan64 != nil || a.plan32 != nil }
