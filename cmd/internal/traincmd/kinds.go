package traincmd

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/boltzmann-go/boltzmann/kinds"
)

// PrintKinds lists the table's kinds for `boltzmann help kinds`: each
// one's -model name, what it is, and the flags of its own options.
func PrintKinds(w io.Writer, table *kinds.Table) {
	fmt.Fprintln(w, "model kinds (train -model NAME):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range table.Kinds() {
		fmt.Fprintf(tw, "  %s\t%s\n", k.Name, k.Summary)
		var own []string
		for _, o := range k.Options {
			for _, f := range kinds.Fields(o) {
				own = append(own, kinds.FlagName(f))
			}
		}
		if len(own) > 0 {
			fmt.Fprintf(tw, "  \tits flags: %s\n", strings.Join(own, " "))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\n'boltzmann help train' lists every flag, grouped by kind.")
}
