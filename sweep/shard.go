package sweep

import (
	"fmt"
	"strconv"
)

// ShardFromEnv finds this worker's shard when -shard is not given: from a
// Kubernetes Indexed Job (JOB_COMPLETION_INDEX; the number of shards is the
// Job's completions, passed as numShards) or a Slurm job array
// (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT).
// With neither it returns shard 0 of numShards (1 when unset). getenv is
// os.Getenv in the commands.
func ShardFromEnv(getenv func(string) string, numShards int) (shard, shards int, err error) {
	num := func(name string) (int, error) {
		v, err := strconv.Atoi(getenv(name))
		if err != nil || v < 0 {
			return 0, fmt.Errorf("%s=%q: want a non-negative integer", name, getenv(name))
		}
		return v, nil
	}
	switch {
	case getenv("JOB_COMPLETION_INDEX") != "":
		if numShards < 1 {
			return 0, 0, fmt.Errorf("JOB_COMPLETION_INDEX is set: give -num-shards, the Indexed Job's completions")
		}
		i, err := num("JOB_COMPLETION_INDEX")
		if err != nil {
			return 0, 0, err
		}
		shard, shards = i, numShards
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		id, err := num("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return 0, 0, err
		}
		lo := 0
		if getenv("SLURM_ARRAY_TASK_MIN") != "" {
			if lo, err = num("SLURM_ARRAY_TASK_MIN"); err != nil {
				return 0, 0, err
			}
		}
		shards = numShards
		if getenv("SLURM_ARRAY_TASK_COUNT") != "" {
			if shards, err = num("SLURM_ARRAY_TASK_COUNT"); err != nil {
				return 0, 0, err
			}
			if numShards > 0 && numShards != shards {
				return 0, 0, fmt.Errorf("-num-shards %d but SLURM_ARRAY_TASK_COUNT=%d", numShards, shards)
			}
		}
		if shards < 1 {
			return 0, 0, fmt.Errorf("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT: give -num-shards")
		}
		shard = id - lo
	default:
		shard, shards = 0, max(numShards, 1)
	}
	if shard < 0 || shard >= shards {
		return 0, 0, fmt.Errorf("shard %d is outside 0…%d", shard, shards-1)
	}
	return shard, shards, nil
}
