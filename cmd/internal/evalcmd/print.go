package evalcmd

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/evaluate"
)

// printReport prints the report as text, report.json's place in out
// among it.
func printReport(stdout io.Writer, rep *evaluate.Report, out string) {
	fmt.Fprintf(stdout, "checkpoint   %s (%s, epoch %d, step %d)\n", rep.Checkpoint, rep.Kind, rep.Epoch, rep.Step)
	fmt.Fprintf(stdout, "test images  %d\n", rep.TestImages)
	fmt.Fprintf(stdout, "recon error  %.4f squared pixels per image\n", rep.TestReconError)
	if rep.TestPLL != nil {
		fmt.Fprintf(stdout, "pseudo-LL    %.4f nats per image\n", *rep.TestPLL)
	}
	fmt.Fprintf(stdout, "free energy  %.4f (mean F(v))\n", rep.TestFreeEnergy)
	fmt.Fprintf(stdout, "filters      %s\nsamples      %s (%d Gibbs steps)\n", rep.Filters, rep.Samples, rep.SampleSteps)
	if rep.Curves != "" {
		fmt.Fprintf(stdout, "curves       %s\n", rep.Curves)
	}
	fmt.Fprintf(stdout, "report       %s\n", filepath.Join(out, ReportFile))
	if c := rep.Classification; c != nil {
		valid := func(e *float64) string {
			if e == nil {
				return ""
			}
			return fmt.Sprintf(", %.2f%% validation (%d images)", 100**e, c.ValidImages)
		}
		if c.LinearError != nil {
			fmt.Fprintf(stdout, "linear       %.2f%% test error%s (softmax on the features, %d epochs, %.0f s)\n", 100**c.LinearError, valid(c.LinearValid), c.LinearEpochs, c.LinearSeconds)
		}
		if c.FinetuneError != nil {
			fmt.Fprintf(stdout, "fine-tuned   %.2f%% test error, %.2f%% training%s (%d epochs at lr %g, %.0f s)\n", 100**c.FinetuneError, 100**c.FinetuneTrain, valid(c.FinetuneValid), c.FinetuneEpochs, c.FinetuneLR, c.FinetuneSeconds)
		}
	}
	if l := rep.Likelihood; l != nil {
		fmt.Fprintf(stdout, "\nAIS          %d runs × %d intermediate distributions, %.1f s (effective sample size %.1f)\n", l.AISRuns, l.AISSteps, l.AISSeconds, l.AISESS)
		fmt.Fprintf(stdout, "log Z        %.4f  (±3σ: %s to %.4f; base model %.4f)\n", l.LogZ, orOpen(l.LogZLo), l.LogZHi, l.LogZBase)
		bound := ""
		if l.Bound {
			bound = ", a variational lower bound"
		}
		fmt.Fprintf(stdout, "test LL      %.4f nats per image  (%.4f to %s%s)\n", l.TestLL, l.TestLLLo, orOpen(l.TestLLHi), bound)
		fmt.Fprintf(stdout, "train LL     %.4f nats per image  (%d images)\n", l.TrainLL, l.TrainImage)
		if l.LogZExact != nil {
			fmt.Fprintf(stdout, "exact log Z  %.4f  (test LL %.4f)\n", *l.LogZExact, *l.TestLLExact)
		}
		if l.TestLLRaise != nil {
			fmt.Fprintf(stdout, "RAISE        %.4f nats per image on the first %d test images (AIS on the same images: %.4f), %.1f s\n",
				*l.TestLLRaise, l.RaiseImages, *l.TestLLAISFirst, l.RaiseSeconds)
		}
	}
}

func orOpen(x *float64) string {
	if x == nil {
		return "open"
	}
	return fmt.Sprintf("%.4f", *x)
}
