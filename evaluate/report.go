package evaluate

// Where eval saves its report within a run directory: the report, as JSON,
// is ReportDir/ReportFile, beside the pictures eval draws there. They are
// constants here so that eval, which writes the report, and serve, which
// reads it, name one place.
const (
	ReportDir  = "eval"
	ReportFile = "report.json"
)

// Report is the whole report on a model that supplies Evaluable, as
// `eval -json` prints it: the checkpoint, the scores on the test set, the
// pictures written, the log-likelihood (nil when AIS was skipped) and the
// classifiers (nil when none ran).
type Report struct {
	Version        string   `json:"version"` // the build that wrote the report (internal/version)
	Checkpoint     string   `json:"checkpoint"`
	Kind           string   `json:"kind"`
	Epoch          int      `json:"epoch"`
	Step           int64    `json:"step"`
	TestImages     int      `json:"test_images"`
	TestReconError float64  `json:"test_recon_error"`
	TestPLL        *float64 `json:"test_pll"` // null for models without one (real-valued units)
	TestFreeEnergy float64  `json:"test_free_energy"`
	Filters        string   `json:"filters_png"`
	Samples        string   `json:"samples_png"`
	SampleSteps    int      `json:"sample_gibbs_steps"`
	Curves         string   `json:"curves_svg,omitempty"`
	*Likelihood
	*Classification
	BLAS    string  `json:"blas"`
	Seconds float64 `json:"seconds"`
}
