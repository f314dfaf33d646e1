package procbench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRanksASlowerCommandSlower(t *testing.T) {
	rs, err := Run(context.Background(), []Case{
		{Name: "true", Argv: []string{"true"}},
		{Name: "sleep", Argv: []string{"sleep", "0.02"}},
		{Name: "false", Argv: []string{"false"}, OKExit: []int{1}},
	}, 1, 5)
	require.NoError(t, err)
	assert.Equal(t, 1.0, rs[0].Ratio, "the baseline's ratio; results %+v", rs)
	assert.GreaterOrEqual(t, rs[1].Median, 20*time.Millisecond, "sleep's median; results %+v", rs)
	assert.Greater(t, rs[1].Ratio, 1.0, "sleep's ratio; results %+v", rs)
	_, err = Run(context.Background(), []Case{{Name: "false", Argv: []string{"false"}}}, 0, 1)
	assert.Error(t, err, "a failing command without OKExit must be an error")
}
