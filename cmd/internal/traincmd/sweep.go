package traincmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
)

// runSweep plans the sweep and trains this worker's shard of it.
func runSweep(ctx context.Context, inv invocation, stdout, stderr io.Writer) int {
	spec, err := sweep.LoadSpec(inv.sweep)
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 2
	}
	plan, err := spec.Plan()
	if err != nil {
		fmt.Fprintf(stderr, "train: sweep spec %s: %v\n", inv.sweep, err)
		return 2
	}
	shard, shards := inv.shard, inv.numShards
	if shard < 0 {
		shard, shards, err = sweep.ShardFromEnv(os.Getenv, inv.numShards)
	} else if shards < 1 {
		err = errors.New("-shard needs -num-shards")
	} else if shard >= shards {
		err = fmt.Errorf("-shard %d is outside 0…%d", shard, shards-1)
	}
	if err != nil {
		fmt.Fprintln(stderr, "train: sweep:", err)
		return 2
	}
	if inv.parallel < 1 {
		fmt.Fprintf(stderr, "train: -parallel %d: want at least 1\n", inv.parallel)
		return 2
	}
	mine := plan.Shard(shard, shards)
	if inv.dryRun {
		fmt.Fprintf(stdout, "%d trials, ranked by %s; shard %d of %d runs %d of them (*)\n", len(plan.Trials), plan.Metric, shard, shards, len(mine))
		for _, t := range plan.Trials {
			mark := " "
			if t.Index%shards == shard {
				mark = "*"
			}
			var kv []string
			for _, f := range plan.Fields {
				kv = append(kv, fmt.Sprintf("%s=%v", f, t.Params[f]))
			}
			fmt.Fprintf(stdout, "%s %3d %s seed %d  %s\n", mark, t.Index, t.ID, t.Config.Seed, strings.Join(kv, " "))
		}
		return 0
	}
	opts := sweep.Options{Dir: inv.out, Shard: shard, Shards: shards, Parallel: inv.parallel, LoadData: func(c kinds.Config) (*data.Split, error) { return c.LoadData("") }}
	if !inv.quiet {
		opts.Log, opts.Board = stderr, cli.IsTerminal(stderr)
		fmt.Fprintf(stderr, "sweep %s: %d trials, shard %d of %d runs %d, %d at a time, into %s\n",
			inv.sweep, len(plan.Trials), shard, shards, len(mine), inv.parallel, inv.out)
	}
	sum, err := sweep.Run(ctx, plan, opts)
	fmt.Fprintf(stdout, "sweep shard %d/%d: %d trained, %d already done, %d held by other workers, %d failed\n",
		shard, shards, sum.Ran, sum.Skipped, sum.Busy, sum.Failed)
	if errors.Is(err, train.ErrInterrupted) {
		fmt.Fprintln(stderr, "train: sweep interrupted; run the same command again to go on")
		return 130
	}
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 1
	}
	return 0
}
